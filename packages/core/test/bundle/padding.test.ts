/**
 * Padding: a bundle that repeats its evidence, or adds entries that prove
 * nothing, is refused with a code of its own (docs/formats.md §14), and the
 * work spent on it is that of the evidence it holds: the signature checks
 * and hashes are counted through the crypto backend (not timed), on every
 * route (object, text, bytes). Real log, real keys, real witness.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pureCryptoBackend, setCryptoBackend } from "../../src/crypto.js";
import { nodeCryptoBackend } from "../../src/crypto-node.js";
import { signCheckpoint } from "../../src/note/index.js";
import { parseVerificationPolicy, type AnchorVerifier, type BundleReport, type EvidenceBundle, type VerificationPolicy } from "../../src/bundle/index.js";
import { ORIGIN, TestLog, assemble, copy, countingBackend, everyRoute, makeWitness, testAnchor, type Logged } from "./helpers.js";

const COPIES = 20_000;

const bundleCodes = (r: BundleReport) => r.failures.map((f) => f.code);

/** A bundle's copy to tamper with: its lists hold anything. */
type Loose = Omit<EvidenceBundle, "checkpoints" | "consistency" | "anchors"> & { checkpoints: string[]; consistency: unknown[]; anchors: unknown[] };

describe("bundle padding: repeats and empty entries refused, work bounded by the evidence", () => {
  const meter = countingBackend(nodeCryptoBackend);
  let log: TestLog;
  let recs: Logged[];
  let early: string;
  let head: string;
  let bundle: EvidenceBundle;
  let policy: VerificationPolicy;
  // Anchor checks counted: a real one (RFC 3161, EVM) costs far more than a signature.
  let anchorChecks = 0;
  const anchorVerifiers: Record<string, AnchorVerifier> = {
    test: async (a) => {
      anchorChecks++;
      return { time: new Date(String(a.time)) };
    },
  };
  const work = { reset: () => (meter.reset(), (anchorChecks = 0)), work: () => ({ ...meter.counts, anchors: anchorChecks }) };

  beforeAll(() => {
    setCryptoBackend(meter.backend);
    log = new TestLog();
    const acme = log.author("acme");
    recs = [];
    for (let i = 0; i < 6; i++) recs.push(log.record(acme, { n: i }));
    early = log.checkpoint(4);
    const w = makeWitness("witness.example/w1");
    head = w.cosign(log.checkpoint());
    // A minute after the records claim to be made: within the policy's seal delay.
    const anchors = [testAnchor(early, new Date(Date.now() + 60_000), 4)];
    bundle = assemble(log, recs.map((r) => r.index), { checkpoints: [early, head], anchors });
    policy = parseVerificationPolicy({ vkey: log.vkey, witnesses: { keys: [w.verifierKey], threshold: 1 } });
  });

  afterAll(() => setCryptoBackend(pureCryptoBackend));

  it("the unpadded bundle verifies, and its cost is what every padded one below is held to", async () => {
    const { report, work: cost } = await everyRoute(bundle, policy, { anchorVerifiers }, work);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    // Two log signatures, one cosignature, one key record and six records.
    expect(cost[0]).toMatchObject({ verify: 2 + 1 + 1 + 6, anchors: 1 });
    expect(cost[1]).toEqual(cost[0]);
    expect(cost[2]).toEqual(cost[0]);
  });

  it(`a checkpoint note repeated ${COPIES.toLocaleString("en")} times: checkpoint_duplicate once, and the signature work of one copy`, async () => {
    const base = (await everyRoute(bundle, policy, { anchorVerifiers }, work)).work[0]!;
    const padded = copy<Loose>(bundle);
    padded.checkpoints = [early, ...Array.from({ length: COPIES }, () => head)];
    expect(JSON.stringify(padded).length).toBeGreaterThan(4_000_000);
    const { report, work: cost } = await everyRoute(padded, policy, { anchorVerifiers }, work);
    expect(report.ok).toBe(false);
    expect(bundleCodes(report)).toEqual(["checkpoint_duplicate"]);
    expect(report.failures[0]).toMatchObject({ size: log.entries.length });
    expect(report.failures[0]!.message).toContain(`${COPIES - 1} more notes`);
    // The checkpoint kept is checked as in the unpadded bundle: the records still verify.
    expect(report.checkpoints.map((c) => c.size)).toEqual([4, log.entries.length]);
    expect(report.counts).toEqual({ valid: 7, redacted: 0, invalid: 0 });
    for (const c of cost) expect(c).toEqual(base);
  });

  it("the same checkpoint with other signature lines, and a third root for one size: set aside before any signature is checked", async () => {
    const base = (await everyRoute(bundle, policy, { anchorVerifiers }, work)).work[0]!;
    // Lines of keys no policy names: the same checkpoint, other note bytes.
    const variants = Array.from({ length: 200 }, (_, i) => `${head}\u2014 stranger.example/${i} ${btoa("\u0001\u0002\u0003\u0004" + "x".repeat(64))}\n`);
    const withLines = copy<Loose>(bundle);
    withLines.checkpoints = [early, head, ...variants];
    const lines = await everyRoute(withLines, policy, { anchorVerifiers }, work);
    expect(bundleCodes(lines.report)).toEqual(["checkpoint_duplicate"]);
    expect(lines.report.failures[0]!.message).toContain("200 more notes");
    for (const c of lines.work) expect(c).toEqual(base);

    // Two other roots signed by the log for the head's size: the first is a
    // split view (checked, as evidence), the second is not checked at all.
    const size = log.entries.length;
    const forkA = signCheckpoint({ origin: ORIGIN, size: BigInt(size), root: new Uint8Array(32).fill(7) }, log.signer);
    const forkB = signCheckpoint({ origin: ORIGIN, size: BigInt(size), root: new Uint8Array(32).fill(8) }, log.signer);
    const forked = copy<Loose>(bundle);
    forked.checkpoints = [early, head, forkA, forkB];
    const fork = await everyRoute(forked, parseVerificationPolicy({ vkey: log.vkey }), { anchorVerifiers }, work);
    expect(bundleCodes(fork.report)).toContain("split_view");
    expect(bundleCodes(fork.report)).toContain("checkpoint_duplicate");
    expect(fork.report.checkpoints.map((c) => c.root)).not.toContain(btoa(String.fromCharCode(...new Uint8Array(32).fill(8))));
    // Without the witness policy: three log signatures (early, head, forkA), the key record and six records.
    expect(fork.work[0]!.verify).toBe(3 + 1 + 6);
  });

  it("checkpoints out of ascending order: checkpoint_unordered, and each is still checked", async () => {
    const swapped = copy<Loose>(bundle);
    swapped.checkpoints = [head, early];
    const { report } = await everyRoute(swapped, policy, { anchorVerifiers });
    expect(report.ok).toBe(false);
    expect(bundleCodes(report)).toEqual(["checkpoint_unordered"]);
    expect(report.failures[0]).toMatchObject({ size: 4 });
    expect(report.failures[0]!.message).toMatch(/checkpoints\[1\] \(size 4\) comes after size 7/);
    // Judged as ever otherwise: linked by the consistency proof, anchored, every record valid.
    expect(report.checkpoints.map((c) => [c.size, c.valid])).toEqual([
      [7, true],
      [4, true],
    ]);
    expect(report.counts.invalid).toBe(0);
    expect(report.records.every((r) => r.signedNoLaterThan !== null || r.index >= 4)).toBe(true);
    // A repeat out of place is a repeat, not a disorder.
    const repeated = copy<Loose>(bundle);
    repeated.checkpoints = [early, head, early];
    expect(bundleCodes((await everyRoute(repeated, policy, { anchorVerifiers })).report)).toEqual(["checkpoint_duplicate"]);
  });

  it("consistency entries that are not proofs: consistency_malformed, reported once with a count", async () => {
    const real = bundle.consistency[0]!;
    for (const junk of [null, 42, "proof", [], {}, { from: real.from }, { ...real, proof: "x" }, { ...real, proof: [1] }, { ...real, from: -1 }, { ...real, to: 2 ** 53 }]) {
      const b = copy<Loose>(bundle);
      b.consistency.push(junk);
      const { report } = await everyRoute(b, policy, { anchorVerifiers });
      expect(bundleCodes(report), JSON.stringify(junk)).toEqual(["consistency_malformed"]);
      expect(report.failures[0]!.message).toMatch(/^consistency\[1\] is not \{from, to, proof/);
      expect(report.ok).toBe(false);
    }
    const many = copy<Loose>(bundle);
    many.consistency = [null, ...many.consistency, null, 42];
    const { report } = await everyRoute(many, policy, { anchorVerifiers });
    expect(bundleCodes(report)).toEqual(["consistency_malformed"]);
    expect(report.failures[0]!.message).toContain("(and 2 more such entries)");
    // The one proof in its place: its hashes not base64. Malformed, and the pair unproven.
    const bad = copy<EvidenceBundle & { consistency: { proof: string[] }[] }>(bundle);
    bad.consistency[0]!.proof[0] = "not base64!";
    const r = (await everyRoute(bad, policy, { anchorVerifiers })).report;
    // The anchored checkpoint is then linked to nothing: its anchor is not used.
    expect(bundleCodes(r)).toEqual(["consistency_malformed", "consistency_unproven", "anchor_invalid"]);
  });

  it(`consistency entries that prove nothing (same size to same size, backwards, not consecutive, ${COPIES.toLocaleString("en")} repeats): consistency_superfluous, no hashing`, async () => {
    const base = (await everyRoute(bundle, policy, { anchorVerifiers }, work)).work[0]!;
    const real = bundle.consistency[0]!;
    const cases: [string, unknown[]][] = [
      ["same size to same size", [{ from: real.to, to: real.to, proof: [] }]],
      ["backwards", [{ from: real.to, to: real.from, proof: real.proof }]],
      ["not two consecutive bundled sizes", [{ from: 1, to: real.to, proof: real.proof }]],
      ["a second proof of the pair", [real]],
      ["repeats", Array.from({ length: COPIES }, () => real)],
    ];
    for (const [name, extra] of cases) {
      const b = copy<Loose>(bundle);
      b.consistency.push(...extra);
      const { report, work: cost } = await everyRoute(b, policy, { anchorVerifiers }, work);
      expect(bundleCodes(report), name).toEqual(["consistency_superfluous"]);
      expect(report.failures[0]!.message, name).toMatch(/^consistency\[1\] proves nothing/);
      // The records are judged as in the unpadded bundle, and not one more signature or hash is spent.
      expect(report.counts, name).toEqual({ valid: 7, redacted: 0, invalid: 0 });
      for (const c of cost) expect(c, name).toEqual(base);
    }
    // Only superfluous entries: the pair they do not prove is unproven too.
    const only = copy<Loose>(bundle);
    only.consistency = [{ from: real.from, to: real.from, proof: [] }];
    expect(bundleCodes((await everyRoute(only, policy, { anchorVerifiers })).report)).toEqual(["consistency_superfluous", "consistency_unproven", "anchor_invalid"]);
  });

  it(`an anchor repeated ${COPIES.toLocaleString("en")} times: anchor_duplicate once, checked once`, async () => {
    const padded = copy<Loose>(bundle);
    padded.anchors = Array.from({ length: COPIES }, () => bundle.anchors[0]!);
    const { report, work: cost } = await everyRoute(padded, policy, { anchorVerifiers }, work);
    expect(bundleCodes(report)).toEqual(["anchor_duplicate"]);
    expect(report.failures[0]!.message).toBe(`anchor 1 repeats anchor 0: set aside unchecked (${COPIES - 2} more repeats set aside)`);
    expect(report.checkpoints[0]!.anchors).toHaveLength(1);
    for (const c of cost) expect(c.anchors).toBe(1);
    // Two anchors alike but for their time are two anchors, each checked.
    const two = copy<Loose>(bundle);
    two.anchors.push({ ...(two.anchors[0] as Record<string, unknown>), time: new Date(Date.now() + 120_000).toISOString() });
    const r2 = await everyRoute(two, policy, { anchorVerifiers }, work);
    expect(r2.report.failures).toEqual([]);
    for (const c of r2.work) expect(c.anchors).toBe(2);
  });
});
