/**
 * SMS records at append, on both engines: each payload meets its type's
 * schema, record ids start once and every new version supersedes the
 * latest, references name records that exist, workflows take legal steps,
 * and a residual-risk acceptance is the risk owner's. Whatever is refused
 * names the field and the rule, and nothing of the request is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SealTrailError, buildRecord, toBase64, toHex, type SmsPayload } from "@sealtrail/core";
import { createOrganisation } from "../src/access/orgs.js";
import { createCustodialKey } from "../src/ledger/custodial.js";
import { heldKeyIn } from "../src/ledger/custodial.js";
import type { AppendResult } from "../src/ledger/ledger.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const VAULT = "default";

const control = (id: string, extra: Partial<SmsPayload<"sms.control">> = {}): SmsPayload<"sms.control"> => ({
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
  ...extra,
});

const risk = (id: string, owner: string, extra: Partial<SmsPayload<"sms.risk">> = {}): SmsPayload<"sms.risk"> => ({
  id,
  title: "Theft of high-value cargo from the yard at night",
  subject: { kind: "node", name: "Rotterdam yard" },
  threat: "Organised cargo theft",
  vulnerability: "Unlit north fence line",
  domains: ["physical", "cargo"],
  inherent: { likelihood: 4, consequence: 5 },
  treatment: "reduce",
  controls: ["C-SEALS"],
  residual: { likelihood: 2, consequence: 4 },
  owner: { name: "Head of operations", org: owner },
  assessed: "2026-03-10",
  status: "treated",
  ...extra,
});

for (const engine of ENGINES) {
  describe(`SMS records at append (${engine})`, () => {
    let log: TempLog;
    let carrierSeed: Uint8Array;

    beforeAll(async () => {
      log = await tempLog({ engine });
      await createOrganisation(log.ctx.store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
      await createCustodialKey(log.ctx.store, log.ctx.ledger, "carrier", VAULT);
      carrierSeed = (await heldKeyIn(log.ctx.store, "carrier", VAULT))!;
    });
    afterAll(async () => log.close());

    const size = async () => (await log.ctx.ledger.reader.tree(VAULT)).size;
    const append = (type: string, payload: object, supersedes?: AppendResult) =>
      log.ctx.ledger.append(VAULT, [
        log.submission(payload as Record<string, unknown>, { type, ...(supersedes ? { supersedes: { index: Number(supersedes.index), leafHash: toHex(supersedes.leafHash) } } : {}) }),
      ]);
    const one = async (type: string, payload: object, supersedes?: AppendResult) => (await append(type, payload, supersedes))[0]!;

    /** The refusal of `p`, with nothing stored. */
    async function refused(p: () => Promise<unknown>, pointer: RegExp | string): Promise<SealTrailError> {
      const before = await size();
      const e = await p().then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(SealTrailError);
      const err = e as SealTrailError;
      expect(err.code).toMatch(/invalid|conflict/);
      const problems = (err.detail?.problems ?? []) as { pointer: string }[];
      const pointers = problems.map((x) => x.pointer).join(" ");
      if (typeof pointer === "string") expect(pointers === "" ? err.message : pointers, err.message).toContain(pointer);
      else expect(err.message).toMatch(pointer);
      expect(await size()).toBe(before);
      return err;
    }

    it("a payload that breaks its schema is refused, each field named", async () => {
      const e = await refused(() => append("sms.control", { ...control("C-BAD"), domain: "space", extra: 1 }), "/payload/domain");
      expect((e.detail!.problems as { pointer: string }[]).map((p) => p.pointer)).toEqual(["/payload/domain", "/payload/extra"]);
      await refused(() => append("sms.risk", { ...risk("R-BAD", "operator"), inherent: { likelihood: 6, consequence: 1 } }), "/payload/inherent/likelihood");
      await refused(() => append("sms.nonsense", { id: "X" }), /sms\.nonsense is not an SMS record type/);
      // Other namespaces keep accepting any object.
      expect((await one("test.note", { anything: true })).index).toBeGreaterThan(0n);
    });

    it("references must name existing records of the right type, or records earlier in the same request", async () => {
      await refused(() => append("sms.risk", risk("R-1", "operator")), "/payload/controls/0");
      // A control and the risk naming it, in one request.
      const [c, r] = await log.ctx.ledger.append(VAULT, [log.submission(control("C-SEALS"), { type: "sms.control" }), log.submission(risk("R-1", "operator"), { type: "sms.risk" })]);
      expect(r!.index).toBe(c!.index + 1n);
      // A control id named as a supplier is not a supplier.
      await refused(() => append("sms.risk", risk("R-2", "operator", { subject: { kind: "node", name: "x", supplier: "C-SEALS" } })), "/payload/subject/supplier");
    });

    it("a record id starts once; a new version supersedes the latest and keeps the id", async () => {
      const v1 = await one("sms.control", control("C-GATE", { title: "Gate access badges" }));
      await refused(() => append("sms.control", control("C-GATE")), /sms\.control C-GATE exists already/);
      const v2 = await one("sms.control", control("C-GATE", { title: "Gate access badges and turnstiles" }), v1);
      // A second version of v1 would fork the history: refused.
      await refused(() => append("sms.control", control("C-GATE", { status: "suspended" }), v1), /not the latest version of sms\.control C-GATE/);
      await refused(() => append("sms.control", control("C-OTHER"), v2), "/payload/id");
      expect((await one("sms.control", control("C-GATE", { status: "suspended" }), v2)).index).toBeGreaterThan(v2.index);
    });

    it("two versions of the same record sent at once: one wins, the other is refused as a conflict", async () => {
      const v1 = await one("sms.control", control("C-RACE"));
      const results = await Promise.allSettled([
        append("sms.control", control("C-RACE", { title: "first writer" }), v1),
        append("sms.control", control("C-RACE", { title: "second writer" }), v1),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect((lost.reason as SealTrailError).code).toBe("conflict");
    });

    it("workflows: a nonconformity moves one step at a time and closes only once verified effective", async () => {
      const nc = (status: string, extra: object = {}) => ({
        id: "NC-7",
        title: "Seal numbers not logged at gate 3",
        source: "audit",
        description: "Three containers left gate 3 without their seal numbers in the register.",
        raised: "2026-04-02",
        status,
        actions: [],
        owner: { name: "Gate supervisor" },
        ...extra,
      });
      await refused(() => append("sms.nonconformity", nc("closed")), /cannot start as closed/);
      const open = await one("sms.nonconformity", nc("open"));
      await refused(() => append("sms.nonconformity", nc("actions"), open), /cannot go from open to actions/);
      await refused(() => append("sms.nonconformity", nc("root-cause"), open), "/payload/rootCause");
      const rootCause = { method: "5-whys", cause: "The register form has no field for the second seal." };
      const rc = await one("sms.nonconformity", nc("root-cause", { rootCause }), open);
      const action = { id: "A-1", description: "Add the second seal field to the gate form", owner: { name: "Gate supervisor" }, due: "2026-05-01" };
      const acts = await one("sms.nonconformity", nc("actions", { rootCause, actions: [action] }), rc);
      const ver = await one("sms.nonconformity", nc("verification", { rootCause, actions: [{ ...action, done: "2026-04-20" }] }), acts);
      const ineffective = { verifiedBy: { name: "Internal auditor" }, verified: "2026-05-10", effective: false, note: "Two more misses in May." };
      await refused(() => append("sms.nonconformity", nc("closed", { rootCause, actions: [action], effectiveness: ineffective, closed: "2026-05-10" }), ver), "/payload/effectiveness/effective");
      const effective = { ...ineffective, effective: true, note: "No misses in four weeks of checks." };
      expect((await one("sms.nonconformity", nc("closed", { rootCause, actions: [action], effectiveness: effective, closed: "2026-06-10" }), ver)).index).toBeGreaterThan(ver.index);
    });

    it("a residual-risk acceptance comes from the risk owner's organisation, for the risk's current residual score", async () => {
      await one("sms.control", control("C-LIGHT", { title: "Yard lighting", domain: "physical" }));
      await one("sms.risk", risk("R-CARRIER", "carrier", { controls: ["C-LIGHT"] }));
      const acceptance = { id: "ACC-1", risk: "R-CARRIER", residual: { likelihood: 2, consequence: 4 }, acceptedBy: { name: "Head of operations", org: "carrier" }, justification: "Lighting and patrols bring theft to a tolerable level.", accepted: "2026-03-15", expires: "2027-03-15" };
      // Written by the operator, not the owner: refused.
      await refused(() => append("sms.risk-acceptance", acceptance), /owned by carrier/);
      const signedByCarrier = (payload: object) => {
        const rec = buildRecord({ vault: VAULT, type: "sms.risk-acceptance", author: "carrier", seed: carrierSeed, mode: "custodial", payload: payload as Record<string, unknown> });
        return log.ctx.ledger.append(VAULT, [{ entry: rec.signed, payload, salt: toBase64(rec.salt!) }]);
      };
      await refused(() => signedByCarrier({ ...acceptance, residual: { likelihood: 1, consequence: 4 } }), "/payload/residual");
      await refused(() => signedByCarrier({ ...acceptance, expires: "2026-03-01" }), "/payload/expires");
      expect((await signedByCarrier(acceptance))[0]!.index).toBeGreaterThan(0n);
    });

    it("a refused record in a request stores nothing of it, and names the record", async () => {
      const before = await size();
      const e = await log.ctx.ledger
        .append(VAULT, [log.submission(control("C-OK"), { type: "sms.control" }), log.submission(risk("R-9", "operator", { controls: ["C-MISSING"] }), { type: "sms.risk" })])
        .catch((err: unknown) => err as SealTrailError);
      expect(e).toBeInstanceOf(SealTrailError);
      expect((e as SealTrailError).message).toMatch(/^record 1: \/payload\/controls\/0: no sms\.control record with id C-MISSING/);
      expect(await size()).toBe(before);
    });
  });
}
