/**
 * Evidence bundles from a real ledger over SQLite: export, verify offline,
 * tamper, redact, anchor with a real RFC 3161 TSA (openssl), cosign with a
 * real witness key, and the CLI's exit codes.
 */
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildKeyRecord,
  buildRecord,
  buildRedactionRecord,
  cosignCheckpoint,
  generateEd25519KeyPair,
  generateWitnessKey,
  hashLeaf,
  parseVerificationPolicy,
  toBase64,
  toHex,
  utf8,
  verifyBundle,
  witnessSignerFromKey,
  type EvidenceBundle,
  type BundleReport,
} from "@sealtrail/core";
import { exportBundle, parseBundleQuery, parseIndexList } from "../src/bundle/export.js";
import { ANCHOR_VERIFIERS, runBundleVerify } from "../src/cli/bundle.js";
import { createRfc3161Anchor } from "../src/anchors/rfc3161-anchor.js";
import { requestTimeStamp } from "../src/anchors/rfc3161.js";
import { cli } from "./helpers/cli.js";
import { createEvmAnchor } from "../src/anchors/evm-anchor.js";
import { startEvmNode, type EvmNode } from "./helpers/evm-node.js";
import { makeTestPki, requireOpenssl, startOpensslTsa, type OpensslTsa } from "./helpers/openssl-tsa.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

const VAULT = "default";

interface Author {
  org: string;
  seed: Uint8Array;
}

async function registerAuthor(log: TempLog, org: string): Promise<Author> {
  const k = generateEd25519KeyPair();
  const rec = buildKeyRecord({ vault: VAULT, author: org, seed: k.seed, action: "register", publicKey: k.publicKey });
  await log.ctx.ledger.append(VAULT, [{ entry: rec.signed }]);
  return { org, seed: k.seed };
}

async function append(log: TempLog, a: Author, payload: Record<string, unknown>, opts: { type?: string; subjects?: string[]; time?: Date } = {}): Promise<number> {
  const rec = buildRecord({
    vault: VAULT,
    type: opts.type ?? "test.risk",
    author: a.org,
    seed: a.seed,
    payload,
    ...(opts.subjects ? { subjects: opts.subjects } : {}),
    ...(opts.time ? { time: opts.time } : {}),
  });
  const [r] = await log.ctx.ledger.append(VAULT, [{ entry: rec.signed, payload, salt: toBase64(rec.salt!) }]);
  return Number(r!.index);
}

function codes(r: BundleReport): string[] {
  return [...r.failures.map((f) => f.code), ...r.records.flatMap((x) => x.failures.map((f) => f.code))];
}

function copy<T>(x: unknown): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

describe("evidence bundles from a real ledger", () => {
  let log: TempLog;
  let carrier: Author;
  let risks: number[];
  let incident: number;
  let custody: number;
  let vetting: number;
  let redaction: number;
  let policy: ReturnType<typeof parseVerificationPolicy>;
  let files: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    log = await tempLog();
    files = tempDir("sealtrail-bundle-");
    carrier = await registerAuthor(log, "carrier");
    await registerAuthor(log, "dpo");
    risks = [];
    for (let i = 0; i < 6; i++) risks.push(await append(log, carrier, { title: `risk ${i}` }, { subjects: [`CONT-${i % 2}`] }));
    incident = await append(log, carrier, { what: "seal broken" }, { type: "test.incident", subjects: ["CONT-0"] });
    // A custodial record, signed by the server with the operator's key.
    const [c] = await log.ctx.ledger.append(VAULT, [log.submission({ handoff: "gate 4" }, { type: "custody.handoff", subjects: ["CONT-1"] })]);
    custody = Number(c!.index);
    vetting = await append(log, carrier, { driver: "J. Smith", vetted: true }, { type: "test.vetting" });
    const leafHash = toHex(hashLeaf((await log.ctx.store.entries(VAULT, BigInt(vetting), BigInt(vetting) + 1n))[0]!.entry));
    const red = buildRedactionRecord({ vault: VAULT, author: log.org, seed: log.seed, mode: "custodial", redacts: { index: vetting, leafHash, reason: "erasure request" } });
    const [rr] = await log.ctx.ledger.append(VAULT, [{ entry: red.signed }]);
    redaction = Number(rr!.index);
    await log.ctx.ledger.publish(VAULT);
    policy = parseVerificationPolicy({ vkey: log.vkey, maxSealDelay: 600 });
  });

  afterAll(async () => {
    await log?.close();
    files?.cleanup();
  });

  it("exports chosen records with the key history and verifies them offline", async () => {
    const { bundle, selected } = await exportBundle(log.ctx.store, VAULT, { indices: [BigInt(risks[1]!), BigInt(risks[4]!), BigInt(custody)] });
    expect(selected).toBe(3);
    // Entry 0 registers the operator's key; carrier and dpo follow.
    expect(bundle.keys.map((k) => k.index)).toEqual([0, 1, 2]);
    const r = await verifyBundle(bundle, policy);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const rec = (i: number) => r.records.find((x) => x.index === i)!;
    expect(rec(risks[1]!)).toMatchObject({ status: "valid", type: "test.risk", author: "carrier", custodial: false });
    expect(rec(custody)).toMatchObject({ status: "valid", type: "custody.handoff", custodial: true, subjects: ["CONT-1"] });
  });

  it("selects by type pattern, author and subject", async () => {
    const byType = await exportBundle(log.ctx.store, VAULT, { query: { type: "test.*", subject: "CONT-0" } });
    expect(byType.bundle.records.map((x) => x.index)).toEqual([risks[0], risks[2], risks[4], incident]);
    const byAuthor = await exportBundle(log.ctx.store, VAULT, { query: { author: log.org } });
    expect(byAuthor.bundle.records.map((x) => x.index)).toEqual([custody, redaction]);
    expect(parseBundleQuery("type=custody.*,subject=ABC")).toEqual({ type: "custody.*", subject: "ABC" });
    expect(parseIndexList("3,7,10-12")).toEqual([3n, 7n, 10n, 11n, 12n]);
    expect(() => parseBundleQuery("colour=red")).toThrow(/type=/);
    await expect(exportBundle(log.ctx.store, VAULT, { indices: [999n] })).rejects.toThrow(/not covered/);
  });

  it("a tampered export is caught: payload, author, missing and reordered entries", async () => {
    const { bundle } = await exportBundle(log.ctx.store, VAULT, { indices: risks.map(BigInt) });
    const b1 = copy<{ records: { payload: string }[] }>(bundle);
    b1.records[0]!.payload = b1.records[0]!.payload.replace("risk", "RISK");
    expect(codes(await verifyBundle(b1, policy))).toEqual(["payload_changed"]);
    const b2 = copy<{ records: { index: number }[] }>(bundle);
    [b2.records[0]!.index, b2.records[1]!.index] = [b2.records[1]!.index, b2.records[0]!.index];
    expect(codes(await verifyBundle(b2, policy))).toEqual(["entry_reordered", "entry_reordered"]);
    const b4 = copy<{ records: { entry: string }[] }>(bundle);
    b4.records[3]!.entry = Buffer.from(Buffer.from(b4.records[3]!.entry, "base64").toString("utf8").replace('"carrier"', '"carrieR"')).toString("base64");
    // Another author's name: no such key for it, and not the logged entry.
    expect(codes(await verifyBundle(b4, policy))).toEqual(["key_unknown", "entry_inserted"]);
    const b3 = copy<{ records: unknown[] }>(bundle);
    b3.records.pop();
    expect(codes(await verifyBundle(b3, policy))).toEqual(["entry_missing", "entry_missing"]);
  });

  it("a redacted record (payload and salt gone, redaction record bundled) verifies as redacted; without the redaction record it fails", async () => {
    const { bundle } = await exportBundle(log.ctx.store, VAULT, { indices: [BigInt(vetting)] });
    expect(bundle.records.map((x) => x.index)).toEqual([vetting, redaction]);
    // What the store keeps of a redacted entry: the entry, no payload, no salt
    // (removed here too, so that this test does not depend on the store doing it).
    const b = copy<{ records: { index: number; payload?: string; salt?: string }[] }>(bundle);
    const target = b.records.find((x) => x.index === vetting)!;
    delete target.payload;
    delete target.salt;
    const r = await verifyBundle(b, policy);
    expect(r.ok).toBe(true);
    expect(r.records.find((x) => x.index === vetting)).toMatchObject({ status: "redacted", redactedBy: log.org, redactionIndex: redaction, redactionReason: "erasure request" });
    const without = copy<{ records: { index: number }[] }>(b);
    without.records = without.records.filter((x) => x.index !== redaction);
    const r2 = await verifyBundle(without, policy);
    expect(codes(r2)).toContain("payload_missing");
    expect(r2.ok).toBe(false);
  });

  it("a witness-cosigned checkpoint meets a 1-of-1 policy and fails a 2-of-2 policy", async () => {
    const w1 = generateWitnessKey("witness.example/w1");
    const w2 = generateWitnessKey("witness.example/w2");
    const { bundle } = await exportBundle(log.ctx.store, VAULT, { indices: [BigInt(incident)] });
    const b = copy<{ checkpoints: string[] }>(bundle);
    b.checkpoints = b.checkpoints.map((n) => cosignCheckpoint(n, witnessSignerFromKey(w1.signerKey), BigInt(Math.floor(Date.now() / 1000))));
    const one = await verifyBundle(b, { vkey: log.vkey, witnesses: { keys: [w1.verifierKey], threshold: 1 } });
    expect(one.ok).toBe(true);
    const two = await verifyBundle(b, { vkey: log.vkey, witnesses: { keys: [w1.verifierKey, w2.verifierKey], threshold: 2 } });
    expect(codes(two)).toEqual(["witness_threshold"]);
  });

  describe("RFC 3161 anchors from openssl's TSA", () => {
    let tsa: OpensslTsa;
    let otherRoot: Uint8Array;
    let early: number;
    let late: number;

    beforeAll(async () => {
      requireOpenssl();
      tsa = await startOpensslTsa();
      const pki = await makeTestPki({ rootName: "Some Other Root" });
      otherRoot = pki.root.der;
      pki.cleanup();
      early = await append(log, carrier, { title: "before the anchor" }, { type: "test.anchored" });
      const cp = (await log.ctx.ledger.publish(VAULT))!;
      const token = await requestTimeStamp(tsa.url, utf8(cp.note));
      const anchor = await createRfc3161Anchor(cp.note, token, { roots: [tsa.pki.root.der] });
      // Stored as the publisher stores anchors; the exporter reads them back.
      await log.ctx.store.putAnchor(VAULT, { checkpointSize: cp.size, type: "rfc3161", record: JSON.stringify(anchor) });
      // Sealed after that checkpoint was stamped, claiming two hours earlier.
      late = await append(log, carrier, { title: "backdated" }, { type: "test.anchored", time: new Date(Date.now() - 2 * 3_600_000) });
      await log.ctx.ledger.publish(VAULT);
    });

    afterAll(async () => {
      await tsa?.close();
    });


    it("gives signed-no-later-than, and catches a backdated claim", async () => {
      const { bundle } = await exportBundle(log.ctx.store, VAULT, { indices: [BigInt(risks[0]!), BigInt(early), BigInt(late)] });
      expect(bundle.anchors).toHaveLength(1);
      expect(bundle.checkpoints).toHaveLength(2);
      const p = parseVerificationPolicy({ vkey: log.vkey, tsaRoots: [toBase64(tsa.pki.root.der)], maxSealDelay: 600 });
      const r = await verifyBundle(bundle, p, { anchorVerifiers: ANCHOR_VERIFIERS });
      const rec = (i: number) => r.records.find((x) => x.index === i)!;
      const bound = rec(early).signedNoLaterThan;
      expect(bound).not.toBeNull();
      expect(Math.abs(Date.parse(bound!) - Date.now())).toBeLessThan(120_000);
      expect(rec(early).status).toBe("valid");
      expect(rec(risks[0]!).signedNoLaterThan).toBe(bound);
      expect(rec(late).failures.map((f) => f.code)).toEqual(["backdated"]);
      expect(rec(late).signedNoLaterThan).toBeNull();
      expect(r.failures).toEqual([]);

      // The same bundle against a policy that trusts another root: the anchor is bad.
      const other = parseVerificationPolicy({ vkey: log.vkey, tsaRoots: [toBase64(otherRoot)], maxSealDelay: 600 });
      const r2 = await verifyBundle(bundle, other, { anchorVerifiers: ANCHOR_VERIFIERS });
      expect(r2.failures.map((f) => f.code)).toEqual(["anchor_invalid"]);
      // A policy with no TSA root cannot judge it: unchecked, a warning, no time from it.
      const none = await verifyBundle(bundle, parseVerificationPolicy({ vkey: log.vkey, maxSealDelay: 600 }), { anchorVerifiers: ANCHOR_VERIFIERS });
      expect(none.failures).toEqual([]);
      expect(none.warnings.join("\n")).toMatch(/not checked/);
      expect(none.records.every((x) => x.signedNoLaterThan === null)).toBe(true);
      // A flipped byte in the token.
      const b3 = copy<{ anchors: { token: string }[] }>(bundle);
      const tok = Buffer.from(b3.anchors[0]!.token, "base64");
      tok[tok.length - 1]! ^= 1;
      b3.anchors[0]!.token = tok.toString("base64");
      expect((await verifyBundle(b3, p, { anchorVerifiers: ANCHOR_VERIFIERS })).failures.map((f) => f.code)).toEqual(["anchor_invalid"]);
    });
  });

  describe("the CLI", () => {
    let policyFile: string;
    let bundleFile: string;

    beforeAll(() => {
      policyFile = join(files.dir, "policy.json");
      bundleFile = join(files.dir, "risks.bundle.json");
      writeFileSync(policyFile, JSON.stringify({ format: "sealtrail-policy/v1", vkey: log.vkey }));
    });

    it("export then verify: exit 0, one line per record", async () => {
      const e = await cli(["export", "--data", log.dir, "--vault", VAULT, "--query", "type=test.risk", "--out", bundleFile]);
      expect(e.err).toMatch(/exported 6 record/);
      expect(e.code).toBe(0);
      const v = await cli(["verify", bundleFile, "--policy", policyFile]);
      expect(v.code, v.out + v.err).toBe(0);
      expect(v.out).toMatch(/^OK: 9 valid, 0 redacted, 0 invalid/m);
      expect(v.out).toMatch(new RegExp(`^#${risks[3]} test.risk by carrier, claims .*: valid$`, "m"));
      const j = await cli(["verify", bundleFile, "--policy", policyFile, "--json"]);
      expect((JSON.parse(j.out) as BundleReport).ok).toBe(true);
    });

    it("--query subject= selects records about a subject; --custody wants EPCIS custody events of it", async () => {
      const e = await cli(["export", "--data", log.dir, "--vault", VAULT, "--query", "subject=CONT-1"]);
      expect(e.code).toBe(0);
      const b = JSON.parse(e.out) as EvidenceBundle;
      expect(b.records.map((x) => x.index)).toEqual([risks[1], risks[3], risks[5], custody]);
      // No custody.event record (formats §17) is about CONT-1: a custody bundle has nothing to hold.
      const c = await cli(["export", "--data", log.dir, "--vault", VAULT, "--custody", "CONT-1"]);
      expect(c.code).toBe(1);
      expect(c.err).toMatch(/matches no record/);
    });

    it("a tampered bundle exits 1 and names the failure", async () => {
      const b = JSON.parse(readFileSync(bundleFile, "utf8")) as { records: { payload: string }[] };
      b.records[2]!.payload = b.records[2]!.payload.replace("risk", "RISK");
      const bad = join(files.dir, "bad.bundle.json");
      writeFileSync(bad, JSON.stringify(b));
      const v = await cli(["verify", bad, "--policy", policyFile]);
      expect(v.code).toBe(1);
      expect(v.out).toMatch(/payload_changed/);
      expect(v.out).toMatch(/^FAILED/m);
      writeFileSync(bad, "{not json");
      const junk = await cli(["verify", bad, "--policy", policyFile]);
      expect(junk.code).toBe(1);
      expect(junk.out).toMatch(/bundle_malformed/);
    });

    it("usage errors exit 2; the tlog-proof form of verify still works", async () => {
      expect((await cli(["verify", bundleFile])).code).toBe(2);
      expect((await cli(["verify", "--policy", policyFile])).code).toBe(2);
      expect((await cli(["verify"])).code).toBe(2);
      expect((await cli(["export", "--data", log.dir, "--vault", VAULT, "--records", "1", "--query", "type=test.risk"])).code).toBe(2);
      expect((await cli(["export", "--data", log.dir, "--vault", VAULT, "--records", "1-x"])).code).toBe(2);
      const proof = join(files.dir, "p.tlog-proof");
      const entry = join(files.dir, "e.entry");
      const vkey = join(files.dir, "vault.vkey");
      writeFileSync(vkey, log.vkey);
      const p = await cli(["proof", "--data", log.dir, "--vault", VAULT, "--index", String(risks[0])]);
      writeFileSync(proof, p.out);
      expect((await cli(["entry", "--data", log.dir, "--vault", VAULT, "--index", String(risks[0]), "--out", entry])).code).toBe(0);
      const v = await cli(["verify", "--vkey", vkey, "--proof", proof, "--entry", entry]);
      expect(v.code).toBe(0);
      expect(v.out).toMatch(/^valid/);
    });

    it("signatures spread over worker threads agree with the in-thread check", async () => {
      const subs = [];
      for (let i = 0; i < 300; i++) {
        const payload = { n: i };
        const rec = buildRecord({ vault: VAULT, type: "bulk.item", author: carrier.org, seed: carrier.seed, payload });
        subs.push({ entry: rec.signed, payload, salt: toBase64(rec.salt!) });
      }
      await log.ctx.ledger.append(VAULT, subs);
      await log.ctx.ledger.publish(VAULT);
      const file = join(files.dir, "bulk.bundle.json");
      expect((await cli(["export", "--data", log.dir, "--vault", VAULT, "--query", "type=bulk.item", "--out", file])).code).toBe(0);
      let out = "";
      const code = await runBundleVerify(file, policyFile, { json: true, threads: 2 }, { out: (s) => void (out += s), err: () => {} });
      expect(code).toBe(0);
      const report = JSON.parse(out) as BundleReport;
      expect(report.counts.valid).toBe(303);
      // One changed envelope among them is still caught by the workers.
      const b = JSON.parse(readFileSync(file, "utf8")) as { records: { entry: string }[] };
      const text = Buffer.from(b.records[150]!.entry, "base64").toString("utf8").replace('"bulk.item"', '"bulk.itex"');
      b.records[150]!.entry = Buffer.from(text).toString("base64");
      writeFileSync(file, JSON.stringify(b));
      out = "";
      expect(await runBundleVerify(file, policyFile, { json: true, threads: 2 }, { out: (s) => void (out += s), err: () => {} })).toBe(1);
      expect((JSON.parse(out) as BundleReport).records.filter((x) => x.status === "invalid").map((x) => x.failures[0]!.code)).toEqual(["envelope_changed"]);
    });
  });
});

describe("evidence bundles from PostgreSQL", () => {
  let log: TempLog;

  beforeAll(async () => {
    log = await tempLog({ engine: "postgres" });
  });

  afterAll(async () => {
    await log?.close();
  });

  it("the same export verifies from the PostgreSQL store", async () => {
    const carrier = await registerAuthor(log, "carrier");
    const indices: number[] = [];
    for (let i = 0; i < 40; i++) indices.push(await append(log, carrier, { n: i }, { subjects: [`S-${i % 3}`] }));
    await log.ctx.ledger.publish(VAULT);
    const { bundle } = await exportBundle(log.ctx.store, VAULT, { query: { subject: "S-1" } });
    expect(bundle.records.map((x) => x.index)).toEqual(indices.filter((_, i) => i % 3 === 1));
    const r = await verifyBundle(bundle, { vkey: log.vkey });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe("EVM anchors from an in-process chain", () => {
  let log: TempLog;
  let node: EvmNode;

  beforeAll(async () => {
    [log, node] = await Promise.all([tempLog(), startEvmNode()]);
  });

  afterAll(async () => {
    await Promise.all([log?.close(), node?.close()]);
  });

  it("a pinned block gives signed-no-later-than; an unpinned one is checked but not trusted", async () => {
    const carrier = await registerAuthor(log, "carrier");
    const first = await append(log, carrier, { title: "anchored on chain" });
    const cp = (await log.ctx.ledger.publish(VAULT))!;
    const anchor = await createEvmAnchor({ rpcUrl: node.url, privateKey: node.keys[0]!, chainId: node.chainId, pollMs: 20 }, cp.note);
    await log.ctx.store.putAnchor(VAULT, { checkpointSize: cp.size, type: "evm", record: JSON.stringify(anchor) });
    const { bundle } = await exportBundle(log.ctx.store, VAULT, { indices: [BigInt(first)] });
    expect(bundle.anchors).toHaveLength(1);
    const pinned = parseVerificationPolicy({ vkey: log.vkey, evmChains: [{ chainId: node.chainId, pinnedBlocks: [{ number: anchor.blockNumber, hash: anchor.blockHash }] }] });
    const r = await verifyBundle(bundle, pinned, { anchorVerifiers: ANCHOR_VERIFIERS });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const rec = r.records.find((x) => x.index === first)!;
    expect(Date.parse(rec.signedNoLaterThan!)).toBe(Date.parse(anchor.blockTime) + 999);
    const unpinned = parseVerificationPolicy({ vkey: log.vkey, evmChains: [{ chainId: node.chainId }] });
    const r2 = await verifyBundle(bundle, unpinned, { anchorVerifiers: ANCHOR_VERIFIERS });
    expect(r2.ok).toBe(true);
    expect(r2.warnings.join("\n")).toMatch(/not confirmed/);
    expect(r2.records.every((x) => x.signedNoLaterThan === null)).toBe(true);
    // A changed block time in the record is a bad anchor.
    const bad = copy<{ anchors: { blockTime: string }[] }>(bundle);
    bad.anchors[0]!.blockTime = new Date(Date.parse(anchor.blockTime) - 86_400_000).toISOString();
    expect((await verifyBundle(bad, pinned, { anchorVerifiers: ANCHOR_VERIFIERS })).failures.map((f) => f.code)).toEqual(["anchor_invalid"]);
  });
});

describe("the CLI's EVM anchor plug-in", () => {
  it("leaves unchecked an anchor on a chain the policy does not name, and refuses a malformed one on a chain it trusts", async () => {
    const note = utf8("example.com/log\n1\n" + toBase64(new Uint8Array(32)) + "\n\n");
    const record = { type: "evm", checkpointSize: 1, checkpointHash: toHex(new Uint8Array(32)), chainId: 31337 };
    const untrusted = parseVerificationPolicy({ vkey: (await import("@sealtrail/core")).generateSignerKey("example.com/log").verifierKey });
    expect(await ANCHOR_VERIFIERS.evm!(record, note, untrusted)).toBeNull();
    const trusted = { ...untrusted, evmChains: [{ chainId: 31337, pinnedBlocks: [] }] };
    await expect(ANCHOR_VERIFIERS.evm!(record, note, trusted)).rejects.toThrow();
  });
});
