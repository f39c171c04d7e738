/**
 * SMS schemas checked on the verifier's worker threads, beside each
 * record's signature: a request of 64 records or more is verified there (the
 * pool's inline limit), a smaller one on the appending thread. Either way a
 * request is refused with the same message, and refusals keep their order:
 * the schema's problems, then the request's rules (references, versions),
 * then unknown keys, then signatures. Run on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SealTrailError, buildRecord, canonicalize, ed25519Sign, generateEd25519KeyPair, toBase64, utf8, type SmsPayload } from "@sealtrail/core";
import { createVerifierPool, type PayloadChecks, type VerifyTask } from "../src/ledger/verifier-pool.js";
import type { RecordSubmission } from "../src/ledger/submission.js";
import { createSmsRules, validateSmsRecord } from "../src/sms/record-rules.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const VAULT = "default";
// The verifier pool checks fewer records than this on the calling thread.
const ON_WORKERS = 100;

const control = (id: string): SmsPayload<"sms.control"> => ({
  id,
  title: "High-security seals on every loaded container",
  domain: "cargo",
  catalogueControl: "cargo.seal-register",
  description: "ISO 17712 H seals, numbers logged at loading and checked at each handoff.",
  owner: { name: "Site security officer", org: "operator" },
  applicable: true,
  justification: "Container theft and tampering are the top risks of the terminal.",
  status: "operating",
  implementation: [{ date: "2026-03-01", description: "Seal register in use at gates 1-4" }],
});

const risk = (id: string, controls: string[]) => ({
  id,
  title: "Theft of high-value cargo from the yard at night",
  subject: { kind: "node", name: "Rotterdam yard" },
  threat: "Organised cargo theft",
  vulnerability: "Unlit north fence line",
  domains: ["physical", "cargo"],
  inherent: { likelihood: 4, consequence: 5 },
  treatment: "reduce",
  controls,
  residual: { likelihood: 2, consequence: 4 },
  owner: { name: "Head of operations", org: "operator" },
  assessed: "2026-03-10",
  status: "treated",
});

// Unknown fields sent out of their sorted order, around a bad value: the
// canonical payload the workers check sorts them, the refusal names them as sent.
const broken = (id: string) => ({ zz: 1, ...control(id), domain: "space", aa: 2 });

describe("verifier pool: payload checks beside signatures", () => {
  const sms = createSmsRules({} as never);
  const k = generateEd25519KeyPair();
  const batch = (n: number, badAt: ReadonlySet<number>) => {
    const payloads = Array.from({ length: n }, (_, i) => canonicalize(badAt.has(i) ? broken(`C-${i}`) : control(`C-${i}`)));
    const tasks: VerifyTask[] = payloads.map((p) => ({ publicKey: k.publicKey, message: utf8(p), signature: ed25519Sign(k.seed, utf8(p)) }));
    const checks: PayloadChecks = { validate: validateSmsRecord, validator: sms.validator!, types: payloads.map(() => "sms.control"), payloads };
    return { tasks, checks };
  };

  it("answers each signature and the problems of each payload by position, on the workers as inline", async () => {
    const pool = createVerifierPool({ threads: 2 });
    try {
      const bad = new Set([0, 63, 64, 150]);
      const { tasks, checks } = batch(200, bad);
      // A misfit signature never reaches a worker; its payload is checked all the same.
      tasks[150] = { ...tasks[150]!, signature: tasks[150]!.signature.subarray(0, 10) };
      tasks[7] = { ...tasks[7]!, signature: tasks[8]!.signature };
      const r = await pool.verifyChecked(tasks, checks);
      expect(r.ok).toEqual(tasks.map((_, i) => i !== 7 && i !== 150));
      expect([...r.problems.keys()].sort((a, b) => a - b)).toEqual([...bad]);
      const expected = validateSmsRecord("sms.control", JSON.parse(checks.payloads[0]!) as Record<string, unknown>);
      expect(expected.map((p) => p.pointer)).toEqual(["/domain", "/aa", "/zz"]);
      for (const i of bad) expect(r.problems.get(i)).toEqual(expected);
      // The facts the request check reads, for each payload without problems checked on a worker.
      expect(r.facts.get(1)).toEqual({ refs: [], start: [] });
      expect([...r.facts.keys()].filter((i) => bad.has(i))).toEqual([]);
      expect(r.facts.size).toBe(200 - bad.size);
      // Below the inline limit: the same answers, on this thread.
      const small = batch(10, new Set([3]));
      const inline = await pool.verifyChecked(small.tasks, small.checks);
      expect(inline.ok).toEqual(Array(10).fill(true));
      expect([...inline.problems.entries()]).toEqual([[3, expected]]);
      // A payload left out (null) is not checked.
      const skipped = await pool.verifyChecked(tasks, { ...checks, payloads: checks.payloads.map((p, i) => (i === 64 ? null : p)) });
      expect(skipped.problems.has(64)).toBe(false);
      expect(skipped.problems.has(63)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

for (const engine of ENGINES) {
  describe(`SMS schemas checked on the verifier's workers (${engine})`, () => {
    let log: TempLog;
    let serial = 0;

    beforeAll(async () => {
      log = await tempLog({ engine });
    });
    afterAll(async () => log.close());

    const size = async () => (await log.ctx.ledger.reader.tree(VAULT)).size;
    const sub = (type: string, payload: object): RecordSubmission => log.submission(payload as Record<string, unknown>, { type });
    // `n` new controls, with ids of their own.
    const controls = (n: number): RecordSubmission[] => {
      const run = serial++;
      return Array.from({ length: n }, (_, i) => sub("sms.control", control(`C-${run}-${i}`)));
    };

    /** The refusal of `subs`, with nothing stored. */
    async function refusal(subs: RecordSubmission[]): Promise<SealTrailError> {
      const before = await size();
      const e = await log.ctx.ledger.append(VAULT, subs).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SealTrailError);
      expect(await size()).toBe(before);
      return e as SealTrailError;
    }

    it("a payload that breaks its schema is refused with the message of a small request, its unknown fields in the order sent", async () => {
      const small = controls(2);
      small[1] = sub("sms.control", broken("C-SMALL"));
      const inline = await refusal(small);
      const large = controls(ON_WORKERS);
      large[1] = sub("sms.control", broken("C-LARGE"));
      const onWorkers = await refusal(large);
      expect(onWorkers.code).toBe("invalid");
      expect(onWorkers.message).toBe(inline.message.replace("C-SMALL", "C-LARGE"));
      expect(onWorkers.message).toMatch(/^record 1: not a valid sms\.control: \/payload\/domain: .*; \/payload\/zz: not a field of this record type; \/payload\/aa: not a field/);
      expect((onWorkers.detail!.problems as { pointer: string }[]).map((p) => p.pointer)).toEqual(["/payload/domain", "/payload/zz", "/payload/aa"]);
      // Later in the request too: the first record at fault is named.
      const later = controls(ON_WORKERS);
      later[90] = sub("sms.control", broken("C-90"));
      later[95] = sub("sms.control", { ...control("C-95"), status: "sometimes" });
      expect((await refusal(later)).message).toMatch(/^record 90: not a valid sms\.control/);
      // A type under sms. that is not an SMS type.
      const unknownType = controls(ON_WORKERS);
      unknownType[70] = sub("sms.nonsense", { id: "X" });
      expect((await refusal(unknownType)).message).toMatch(/^record 70: not a valid sms\.nonsense: \/payload: sms\.nonsense is not an SMS record type/);
    });

    it("refusals keep their order: schema, then references, then unknown keys, then signatures", async () => {
      const stranger = generateEd25519KeyPair();
      const byStranger = (id: string): RecordSubmission => {
        const rec = buildRecord({ vault: VAULT, type: "sms.control", author: log.org, seed: stranger.seed, payload: control(id) });
        return { entry: rec.signed, payload: control(id), salt: toBase64(rec.salt!) };
      };
      const forged = (s: RecordSubmission, other: RecordSubmission): RecordSubmission => ({
        ...s,
        entry: { ...(s.entry as object), sig: (other.entry as { sig: string }).sig },
      });
      const missingRef = () => sub("sms.risk", risk(`R-${serial++}`, ["C-MISSING"]));

      // A schema problem late in the request comes before a reference problem early in it.
      let subs = controls(ON_WORKERS);
      subs[10] = missingRef();
      subs[80] = sub("sms.control", broken("C-80"));
      expect((await refusal(subs)).message).toMatch(/^record 80: not a valid sms\.control/);

      // ... and before an unknown key, and a bad signature.
      subs = controls(ON_WORKERS);
      subs[5] = byStranger("C-STRANGER");
      subs[6] = forged(subs[6]!, subs[7]!);
      subs[99] = sub("sms.control", broken("C-99"));
      expect((await refusal(subs)).message).toMatch(/^record 99: not a valid sms\.control/);

      // A reference problem comes before an unknown key and a bad signature.
      subs = controls(ON_WORKERS);
      subs[5] = byStranger("C-STRANGER");
      subs[6] = forged(subs[6]!, subs[7]!);
      subs[60] = missingRef();
      const ref = await refusal(subs);
      expect(ref.message).toMatch(/^record 60: \/payload\/controls\/0: no sms\.control record with id C-MISSING/);

      // An unknown key comes before a bad signature; a bad signature alone is named.
      subs = controls(ON_WORKERS);
      subs[5] = forged(subs[5]!, subs[7]!);
      subs[50] = byStranger("C-STRANGER-2");
      expect((await refusal(subs)).code).toBe("unknown_key");
      subs = controls(ON_WORKERS);
      subs[42] = forged(subs[42]!, subs[7]!);
      const sig = await refusal(subs);
      expect(sig.code).toBe("bad_signature");
      expect(sig.message).toMatch(/^record 42: signature does not verify/);
    });

    it("on the workers too: a first version's workflow step, references within the request, the acceptance of a risk sent just before it", async () => {
      const nc = (status: string) => ({
        id: `NC-${serial++}`,
        title: "Seal numbers not logged at gate 3",
        source: "audit",
        description: "Three containers left gate 3 without their seal numbers in the register.",
        raised: "2026-04-02",
        status,
        actions: [],
        owner: { name: "Gate supervisor" },
      });
      const subs = controls(ON_WORKERS);
      subs[70] = sub("sms.nonconformity", nc("closed"));
      expect((await refusal(subs)).message).toMatch(/^record 70: \/payload\/status: a new sms\.nonconformity cannot start as closed/);
      const acceptance = (riskId: string, consequence: number) => ({
        id: `ACC-${serial++}`,
        risk: riskId,
        residual: { likelihood: 2, consequence },
        acceptedBy: { name: "Head of operations", org: "operator" },
        justification: "Lighting and patrols bring theft to a tolerable level.",
        accepted: "2026-03-15",
        expires: "2027-03-15",
      });
      const inRequest = (consequence: number) => {
        const run = serial++;
        const s = controls(ON_WORKERS - 3);
        s.push(sub("sms.control", control(`C-IN-${run}`)), sub("sms.risk", risk(`R-IN-${run}`, [`C-IN-${run}`])), sub("sms.risk-acceptance", acceptance(`R-IN-${run}`, consequence)));
        return s;
      };
      const wrong = await refusal(inRequest(5));
      expect(wrong.message).toMatch(/^record 99: \/payload\/residual: risk R-IN-\d+'s residual score is likelihood 2, consequence 4/);
      const before = await size();
      expect(await log.ctx.ledger.append(VAULT, inRequest(4))).toHaveLength(ON_WORKERS);
      expect(await size()).toBe(before + BigInt(ON_WORKERS));
    });

    it("a valid request on the workers is stored, and one naming its records passes the references", async () => {
      const first = controls(ON_WORKERS);
      const before = await size();
      const stored = await log.ctx.ledger.append(VAULT, first);
      expect(stored).toHaveLength(ON_WORKERS);
      expect(await size()).toBe(before + BigInt(ON_WORKERS));
      const ids = first.map((s) => (s.payload as { id: string }).id);
      const risks = ids.map((id, i) => sub("sms.risk", risk(`R-NAMING-${i}`, [id])));
      expect(await log.ctx.ledger.append(VAULT, risks)).toHaveLength(ON_WORKERS);
      expect(await size()).toBe(before + BigInt(2 * ON_WORKERS));
      // Named again (the rules have seen them stored), and beside one that is not there.
      const again = ids.map((id, i) => sub("sms.risk", risk(`R-AGAIN-${i}`, [id, ...(i === 77 ? ["C-NOWHERE"] : [])])));
      expect((await refusal(again)).message).toMatch(/^record 77: \/payload\/controls\/1: no sms\.control record with id C-NOWHERE/);
      expect(await log.ctx.ledger.append(VAULT, again.map((s, i) => (i === 77 ? sub("sms.risk", risk("R-AGAIN-77", [ids[0]!])) : s)))).toHaveLength(ON_WORKERS);
    });
  });
}
