import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64, utf8 } from "../../src/bytes.js";
import { generateSignerKey, signCheckpoint, signerFromKey, cosignCheckpoint, generateWitnessKey, witnessSignerFromKey } from "../../src/note/index.js";
import { RECORD_SIGNING_CONTEXT, buildMemberRecord, buildRecord } from "../../src/record/index.js";
import { ed25519Sign, generateEd25519KeyPair } from "../../src/crypto.js";
import {
  BUNDLE_FAILURE_CODES,
  parseVerificationPolicy,
  verifyBundle,
  verifyBundleText,
  type EvidenceBundle,
} from "../../src/bundle/index.js";
import { ORIGIN, TestLog, anchorVerifiers, codes, recordCodes, VAULT, assemble, copy, makeWitness, testAnchor, type Author, type Logged } from "./helpers.js";

describe("verifyBundle", () => {
  let log: TestLog;
  let acme: Author;
  let carrier: Author;
  let recs: Logged[];
  let bundle: EvidenceBundle;
  let policy: ReturnType<typeof parseVerificationPolicy>;

  beforeAll(() => {
    log = new TestLog();
    acme = log.author("acme");
    carrier = log.author("carrier");
    recs = [];
    for (let i = 0; i < 20; i++) {
      const who = i % 2 === 0 ? acme : carrier;
      recs.push(log.record(who, { title: `risk ${i}`, level: i }, { mode: i % 3 === 0 ? "custodial" : "author", subjects: [`CONT${i % 4}`] }));
    }
    bundle = assemble(log, [recs[1]!.index, recs[5]!.index, recs[6]!.index, recs[7]!.index, recs[19]!.index]);
    policy = parseVerificationPolicy({ vkey: log.vkey, maxSealDelay: 600 });
  });

  it("an untouched bundle verifies: every record valid, keys included, custodial flagged", async () => {
    const r = await verifyBundle(bundle, policy);
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.counts).toEqual({ valid: 7, redacted: 0, invalid: 0 });
    expect(r.records.map((x) => x.index)).toEqual([0, 1, recs[1]!.index, recs[5]!.index, recs[6]!.index, recs[7]!.index, recs[19]!.index]);
    const six = r.records.find((x) => x.index === recs[6]!.index)!;
    expect(six).toMatchObject({ status: "valid", type: "sms.risk", author: "acme", custodial: true, subjects: ["CONT2"] });
    expect(r.records.find((x) => x.index === recs[5]!.index)!.custodial).toBe(false);
    expect(r.proofSize).toBe(log.entries.length);
  });

  it("the signature batch verifier is called, and a pool that says no is believed", async () => {
    let calls = 0;
    const r = await verifyBundle(bundle, policy, {
      batchSize: 2,
      verifySignatures: async (tasks) => {
        calls++;
        return tasks.map(() => false);
      },
    });
    expect(calls).toBe(3);
    expect(r.ok).toBe(false);
    expect(recordCodes(r, recs[1]!.index)).toEqual(["envelope_changed"]);
  });

  it("every failure code is stable and distinct", () => {
    expect(new Set(BUNDLE_FAILURE_CODES).size).toBe(BUNDLE_FAILURE_CODES.length);
  });

  it("changed payload", async () => {
    const b = copy<{ records: { index: number; payload?: string }[] }>(bundle);
    const r0 = b.records[1]!;
    r0.payload = r0.payload!.replace("risk", "RISK");
    const r = await verifyBundle(b, policy);
    expect(r.ok).toBe(false);
    expect(recordCodes(r, r0.index)).toEqual(["payload_changed"]);
  });

  it("changed envelope: the signature fails", async () => {
    const b = copy<{ records: { index: number; entry: string }[] }>(bundle);
    const target = b.records[2]!;
    const text = new TextDecoder().decode(fromBase64(target.entry)).replace('"sms.risk"', '"sms.riks"');
    target.entry = toBase64(utf8(text));
    const r = await verifyBundle(b, policy);
    expect(recordCodes(r, target.index)).toEqual(["envelope_changed"]);
    expect(r.ok).toBe(false);
  });

  it("unknown key and revoked key", async () => {
    const l = new TestLog();
    const a = l.author("acme");
    const stranger = generateEd25519KeyPair();
    const unknown = l.add(buildRecord({ vault: VAULT, type: "sms.risk", author: "acme", seed: stranger.seed, payload: { x: 1 } }));
    const before = l.record(a, { x: 2 });
    l.revoke(a);
    const after = l.record(a, { x: 3 });
    const r = await verifyBundle(assemble(l, [unknown.index, before.index, after.index]), { vkey: l.vkey });
    expect(recordCodes(r, unknown.index)).toEqual(["key_unknown"]);
    expect(recordCodes(r, before.index)).toEqual([]);
    expect(recordCodes(r, after.index)).toEqual(["key_revoked"]);
    expect(r.ok).toBe(false);
  });

  it("missing entry: in the manifest, not in the bundle", async () => {
    const b = copy<{ records: unknown[] }>(bundle);
    b.records.splice(3, 1);
    const r = await verifyBundle(b, policy);
    expect(r.failures.map((f) => f.code)).toEqual(["entry_missing"]);
    expect(recordCodes(r, recs[7]!.index)).toEqual(["entry_missing"]);
  });

  it("reordered entries: indices that do not match their proven positions", async () => {
    const b = copy<{ records: { index: number }[] }>(bundle);
    const [x, y] = [b.records[1]!, b.records[2]!];
    [x.index, y.index] = [y.index, x.index];
    const r = await verifyBundle(b, policy);
    expect(recordCodes(r, x.index)).toEqual(["entry_reordered"]);
    expect(recordCodes(r, y.index)).toEqual(["entry_reordered"]);
    expect(r.ok).toBe(false);
  });

  it("inserted entry: validly signed but not in the log, with or without a doctored manifest", async () => {
    const forged = buildRecord({ vault: VAULT, type: "sms.risk", author: "acme", seed: acme.seed, payload: { title: "never logged" } });
    const b = copy<EvidenceBundle & { records: object[] }>(bundle);
    const at = recs[2]!.index; // not bundled, so not in the manifest
    b.records.push({ index: at, entry: toBase64(forged.entry), payload: forged.payload, salt: toBase64(forged.salt!) });
    const r = await verifyBundle(b, policy);
    expect(recordCodes(r, at)).toEqual(["entry_inserted"]);
    // Put it in the manifest too: then the multi-leaf proof no longer rebuilds the root.
    const m = copy<EvidenceBundle & { manifest: { indices: number[]; leafHashes: string } }>(b);
    const ix = [...m.manifest.indices, at].sort((p, q) => p - q);
    const leaves = new Uint8Array(ix.length * 32);
    const old = fromBase64(m.manifest.leafHashes);
    const { hashLeaf } = await import("../../src/merkle/index.js");
    ix.forEach((i, k) => leaves.set(i === at ? hashLeaf(forged.entry) : old.subarray(m.manifest.indices.indexOf(i) * 32, m.manifest.indices.indexOf(i) * 32 + 32), k * 32));
    m.manifest = { indices: ix, leafHashes: toBase64(leaves) };
    const r2 = await verifyBundle(m, policy);
    expect(r2.failures.map((f) => f.code)).toContain("entry_inserted");
    expect(r2.ok).toBe(false);
  });

  it("forged checkpoint: a note of the vault's origin not signed by its log key", async () => {
    const other = signerFromKey(generateSignerKey(ORIGIN).signerKey);
    const b = copy<{ checkpoints: string[] }>(bundle);
    const size = log.entries.length;
    b.checkpoints = [signCheckpoint({ origin: ORIGIN, size: BigInt(size), root: log.tree.root(BigInt(size)) }, other)];
    const r = await verifyBundle(b, policy);
    expect(r.failures.map((f) => f.code)).toContain("checkpoint_forged");
    expect(r.ok).toBe(false);
  });

  it("replayed checkpoint: another log's note, or a cosignature made over another checkpoint", async () => {
    const otherOrigin = "example.com/other-log";
    const other = signerFromKey(generateSignerKey(otherOrigin).signerKey);
    const size = log.entries.length;
    const b = copy<{ checkpoints: string[] }>(bundle);
    b.checkpoints = [signCheckpoint({ origin: otherOrigin, size: BigInt(size), root: log.tree.root(BigInt(size)) }, other)];
    const r = await verifyBundle(b, policy);
    expect(r.failures.map((f) => f.code)).toContain("checkpoint_replayed");

    const w = makeWitness("witness.example/w1");
    const earlier = w.cosign(log.checkpoint(size - 1));
    const line = earlier.split("\n").filter((l) => l.startsWith("\u2014 witness.example/w1 "))[0]!;
    const b2 = copy<{ checkpoints: string[] }>(bundle);
    b2.checkpoints = [log.checkpoint(size) + line + "\n"];
    const r2 = await verifyBundle(b2, { vkey: log.vkey, witnesses: { keys: [w.verifierKey], threshold: 1 } });
    expect(r2.failures.map((f) => f.code)).toContain("checkpoint_replayed");
    expect(r2.ok).toBe(false);
  });

  it("witness threshold: a 1-of-1 policy is met, a 2-of-2 policy is not", async () => {
    const w1 = makeWitness("witness.example/w1");
    const w2 = makeWitness("witness.example/w2");
    const b = copy<{ checkpoints: string[] }>(bundle);
    b.checkpoints = [w1.cosign(log.checkpoint())];
    const one = await verifyBundle(b, { vkey: log.vkey, witnesses: { keys: [w1.verifierKey], threshold: 1 } });
    expect(one.failures).toEqual([]);
    expect(one.checkpoints[0]!.cosignedBy).toEqual(["witness.example/w1"]);
    const two = await verifyBundle(b, { vkey: log.vkey, witnesses: { keys: [w1.verifierKey, w2.verifierKey], threshold: 2 } });
    expect(two.failures.map((f) => f.code)).toEqual(["witness_threshold"]);
    expect(two.ok).toBe(false);
  });

  it("split view: two roots for one size, and an inconsistent pair", async () => {
    const size = log.entries.length;
    const fake = signCheckpoint({ origin: ORIGIN, size: BigInt(size), root: new Uint8Array(32).fill(7) }, log.signer);
    const b = copy<{ checkpoints: string[] }>(bundle);
    b.checkpoints = [log.checkpoint(size), fake];
    expect((await verifyBundle(b, policy)).failures.map((f) => f.code)).toContain("split_view");

    // An older checkpoint from another history, with the honest proof against it.
    const older = signCheckpoint({ origin: ORIGIN, size: 10n, root: new Uint8Array(32).fill(9) }, log.signer);
    const b2 = assemble(log, [recs[19]!.index], { checkpoints: [log.checkpoint(10), log.checkpoint(size)] });
    expect((await verifyBundle(b2, policy)).ok).toBe(true);
    const t = copy<{ checkpoints: string[] }>(b2);
    t.checkpoints = [older, log.checkpoint(size)];
    const r = await verifyBundle(t, policy);
    expect(r.failures.map((f) => f.code)).toEqual(["split_view"]);
    // And no proof at all between two sizes is named as such.
    const u = copy<{ consistency: unknown[] }>(b2);
    u.consistency = [];
    expect((await verifyBundle(u, policy)).failures.map((f) => f.code)).toEqual(["consistency_unproven"]);
  });

  it("anchors: signed-no-later-than, backdated claims, claims after the bound, bad anchors", async () => {
    const l = new TestLog();
    const a = l.author("acme");
    // Times after now, so that the key registration (claimed now) stays before every anchor.
    const base = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
    const at = (h: number, m = 0) => new Date(base + h * 3_600_000 + m * 60_000);
    const t0 = at(10);
    const early = l.record(a, { n: 1 }, { time: t0 });
    const cp1 = l.checkpoint(); // holds early
    const anchored1 = at(10, 5);
    // Sealed after cp1 was anchored, yet claims a time three hours before it.
    const backdated = l.record(a, { n: 2 }, { time: at(7) });
    // Claims a time after the anchor that proves it existed.
    const future = l.record(a, { n: 3 }, { time: at(13) });
    const cp2 = l.checkpoint();
    const anchored2 = at(11);
    const anchors = [testAnchor(cp1, anchored1, 2), testAnchor(cp2, anchored2, 4)];
    const b = assemble(l, [early.index, backdated.index, future.index], { checkpoints: [cp1, cp2], anchors });
    const r = await verifyBundle(b, { vkey: l.vkey, maxSealDelay: 600 }, { anchorVerifiers });
    expect(r.failures).toEqual([]);
    const rec = (i: number) => r.records.find((x) => x.index === i)!;
    expect(rec(early.index)).toMatchObject({ status: "valid", signedNoLaterThan: anchored1.toISOString() });
    expect(rec(backdated.index).failures.map((f) => f.code)).toEqual(["backdated"]);
    expect(rec(backdated.index).signedNoLaterThan).toBe(anchored2.toISOString());
    expect(rec(future.index).failures.map((f) => f.code)).toEqual(["claimed_after_anchor"]);
    expect(r.checkpoints.map((c) => c.anchors.length)).toEqual([1, 1]);

    // Without the verifier plug-in, anchors are warned about, not trusted.
    const plain = await verifyBundle(b, { vkey: l.vkey }, {});
    expect(plain.warnings).toHaveLength(2);
    expect(plain.records.every((x) => x.signedNoLaterThan === null)).toBe(true);

    // An anchor its verifier calls unconfirmed gives no time, only a warning.
    const unconfirmed = await verifyBundle(b, { vkey: l.vkey }, { anchorVerifiers: { test: async (x) => ({ time: new Date(String(x.time)), confirmed: false }) } });
    expect(unconfirmed.failures).toEqual([]);
    expect(unconfirmed.warnings.every((w) => w.includes("not confirmed"))).toBe(true);
    expect(unconfirmed.records.every((x) => x.signedNoLaterThan === null)).toBe(true);

    // A verifier that says the policy names no issuer of it: unchecked, a warning.
    const uncovered = await verifyBundle(b, { vkey: l.vkey }, { anchorVerifiers: { test: async () => null } });
    expect(uncovered.failures).toEqual([]);
    expect(uncovered.warnings.every((w) => w.includes("not checked"))).toBe(true);

    // A refused anchor, and one naming no bundled checkpoint.
    const bad = copy<{ anchors: Record<string, unknown>[] }>(b);
    bad.anchors[0]!.forged = true;
    bad.anchors[1]!.checkpointHash = "00".repeat(32);
    const rb = await verifyBundle(bad, { vkey: l.vkey }, { anchorVerifiers });
    expect(rb.failures.map((f) => f.code)).toEqual(["anchor_invalid", "anchor_invalid"]);
  });

  it("redaction: payload and salt gone with a redaction record is redacted; without one it fails", async () => {
    const l = new TestLog();
    const a = l.author("acme");
    const dpo = l.author("dpo");
    const vetting = l.record(a, { driver: "J. Smith", vetted: true });
    const kept = l.record(a, { other: 1 });
    const red = l.redact(dpo, vetting, "erasure request");
    const b = assemble(l, [vetting.index, kept.index], { redacted: [vetting.index] });
    const r = await verifyBundle(b, { vkey: l.vkey });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const rec = r.records.find((x) => x.index === vetting.index)!;
    expect(rec).toMatchObject({
      status: "redacted",
      redactedBy: "dpo",
      redactionIndex: red.index,
      redactedAt: red.rec.signed.env.time,
      redactionReason: "erasure request",
    });
    expect(r.counts).toMatchObject({ redacted: 1 });

    // The same record stripped with no redaction record in the log.
    const l2 = new TestLog();
    const a2 = l2.author("acme");
    const v2 = l2.record(a2, { driver: "J. Smith" });
    const r2 = await verifyBundle(assemble(l2, [v2.index], { redacted: [v2.index] }), { vkey: l2.vkey });
    expect(recordCodes(r2, v2.index)).toEqual(["payload_missing"]);
    expect(r2.ok).toBe(false);
  });

  it("entries and payloads beyond ASCII verify, and a changed non-ASCII byte is caught", async () => {
    const l = new TestLog();
    const a = l.author("lager-zürich".replace("ü", "u"));
    const rec = l.record(a, { ort: "Zürich", note: "Plombe geprüft ✓" }, { subjects: ["Zürich-Lager", "容器-7"] });
    const b = assemble(l, [rec.index]);
    const r = await verifyBundle(b, { vkey: l.vkey });
    expect(r.ok).toBe(true);
    expect(r.records.find((x) => x.index === rec.index)!.subjects).toEqual(["Zürich-Lager", "容器-7"]);
    const t = copy<{ records: { index: number; entry: string }[] }>(b);
    const target = t.records.find((x) => x.index === rec.index)!;
    target.entry = toBase64(utf8(new TextDecoder().decode(fromBase64(target.entry)).replace("Zürich-Lager", "Zürich-Lagor")));
    expect(recordCodes(await verifyBundle(t, { vkey: l.vkey }), rec.index)).toEqual(["envelope_changed"]);
  });

  it("hostile input is reported, never thrown", async () => {
    for (const junk of [null, 1, "x", [], { format: "sealtrail-bundle/v1" }]) {
      const r = await verifyBundle(junk, policy);
      expect(r.ok).toBe(false);
      expect(codes(r)).toContain("bundle_malformed");
    }
    const b = copy<{ records: unknown[] }>(bundle);
    b.records.push({ index: 99, entry: "!!!" }, { nope: 1 });
    const r = await verifyBundle(b, policy);
    expect(codes(r)).toContain("record_malformed");
    // Base64 that is not the one canonical encoding: a character outside the
    // alphabet, a non-ASCII one, non-zero padding bits.
    for (const mangle of [(e: string) => "*" + e.slice(1), (e: string) => "\u00e9" + e.slice(1), (e: string) => e.slice(0, -2) + "B="]) {
      const m = copy<{ records: { index: number; entry: string }[] }>(bundle);
      const target = m.records.find((x) => fromBase64(x.entry).length % 3 === 2) ?? m.records[0]!;
      target.entry = mangle(target.entry);
      expect(recordCodes(await verifyBundle(m, policy), target.index)).toContain("record_malformed");
    }
    // A manifest claiming far more indices than it gives leaf hashes for.
    const long = copy<{ manifest: { indices: number[] } }>(bundle);
    long.manifest.indices = Array.from({ length: 200_000 }, (_, i) => i);
    expect(codes(await verifyBundle(long, policy))).toContain("bundle_malformed");
    const wrongOrigin = copy<{ origin: string }>(bundle);
    wrongOrigin.origin = "elsewhere";
    expect(codes(await verifyBundle(wrongOrigin, policy))).toContain("origin_mismatch");
  });

  it("write rights: with the operator named, each record is judged against the memberships in force at its index", async () => {
    const l = new TestLog();
    const ops = l.author("ops");
    const member = (change: Parameters<typeof buildMemberRecord>[0]["member"], by: Author = ops) =>
      l.add(buildMemberRecord({ vault: VAULT, author: by.org, seed: by.seed, member: change, mode: "custodial" }));
    const acme = l.author("acme");
    const early = l.record(acme, { title: "before acme was a member" });
    const setAcme = member({ action: "set", org: "acme", read: true, write: ["sms.*"], admin: false });
    const risk = l.record(acme, { title: "a risk acme may write" });
    const event = l.record(acme, { title: "a custody event acme may not write" }, { type: "custody.event" });
    const byOps = l.record(ops, { title: "the operator writes anything" }, { type: "custody.event" });
    const stranger = l.author("stranger");
    const strangers = l.record(stranger, { title: "never a member" });
    const selfMade = member({ action: "set", org: "stranger", read: true, write: ["*"], admin: true }, stranger);
    const afterSelfMade = l.record(stranger, { title: "still not a member: its own membership record does not count" });
    const removeAcme = member({ action: "remove", org: "acme" });
    const late = l.record(acme, { title: "after acme left" });
    const all = [early, setAcme, risk, event, byOps, strangers, selfMade, afterSelfMade, removeAcme, late].map((x) => x.index);
    const b = assemble(l, all);

    const named = await verifyBundle(b, { vkey: l.vkey, operator: "ops" });
    const unauthorised = named.records.filter((x) => x.failures.some((f) => f.code === "write_unauthorised")).map((x) => x.index);
    expect(unauthorised).toEqual([early.index, event.index, strangers.index, selfMade.index, afterSelfMade.index, late.index]);
    for (const ok of [setAcme, risk, byOps, removeAcme]) expect(named.records.find((x) => x.index === ok.index)!.status).toBe("valid");
    expect(recordCodes(named, selfMade.index)).toEqual(["write_unauthorised"]);
    expect(named.records.find((x) => x.index === early.index)!.failures[0]!.message).toMatch(/acme could not write sms\.risk records/);
    // Key records are exempt: a key grants nothing by itself.
    expect(named.records.filter((x) => x.type === "sealtrail.key").every((x) => x.status === "valid")).toBe(true);
    expect(named.ok).toBe(false);
    // The same through the text route.
    expect(await verifyBundleText(JSON.stringify(b), { vkey: l.vkey, operator: "ops" })).toEqual(named);

    // A policy that names no operator checks no write rights, and says so.
    const unnamed = await verifyBundle(b, { vkey: l.vkey });
    expect(unnamed.ok).toBe(true);
    expect(unnamed.warnings).toEqual(["write rights not checked against the bundled membership records: the policy names no operator (policy.operator)"]);
    // Another operator named: every membership record is then a stranger's.
    const wrong = await verifyBundle(b, { vkey: l.vkey, operator: "acme" });
    expect(recordCodes(wrong, setAcme.index)).toEqual(["write_unauthorised"]);
    expect(recordCodes(wrong, byOps.index)).toEqual(["write_unauthorised"]);
    expect(() => parseVerificationPolicy({ vkey: l.vkey, operator: "" })).toThrow(/policy.operator/);
    expect(() => parseVerificationPolicy({ vkey: l.vkey, operator: 7 })).toThrow(/policy.operator/);
  });

  it("checkCanonical refuses a logged, validly signed entry that is not in RFC 8785 form", async () => {
    expect((await verifyBundle(bundle, policy, { checkCanonical: true })).ok).toBe(true);
    const l = new TestLog();
    const a = l.author("acme");
    // The author's key signs an envelope written with a space in it.
    const env = buildRecord({ vault: VAULT, type: "sms.risk", author: "acme", seed: a.seed }).signed.env;
    const envText = JSON.stringify(env).replace('"v":1', '"v": 1');
    const sig = toBase64(ed25519Sign(a.seed, utf8(RECORD_SIGNING_CONTEXT + envText)));
    const odd = l.add({ signed: { env, sig }, entry: utf8(`{"env":${envText},"sig":"${sig}"}`) });
    const b = assemble(l, [odd.index]);
    expect((await verifyBundle(b, { vkey: l.vkey })).ok).toBe(true);
    const strict = await verifyBundle(b, { vkey: l.vkey }, { checkCanonical: true });
    expect(recordCodes(strict, odd.index)).toEqual(["record_malformed"]);
  });

  it("a witness-cosigned checkpoint from the cosignature helpers counts once per key", async () => {
    const k = generateWitnessKey("witness.example/w3");
    const s = witnessSignerFromKey(k.signerKey);
    const note = cosignCheckpoint(cosignCheckpoint(log.checkpoint(), s, 1n), s, 2n);
    const b = copy<{ checkpoints: string[] }>(bundle);
    b.checkpoints = [note];
    const r = await verifyBundle(b, { vkey: log.vkey, witnesses: { keys: [k.verifierKey], threshold: 1 } });
    expect(r.checkpoints[0]!.cosignedBy).toEqual(["witness.example/w3"]);
    expect(r.ok).toBe(true);
  });
});
