/**
 * Inclusion proofs at 1M entries: a log built quickly by feeding
 * store.sequence synthetic entries (signed by the operator's registered key,
 * signatures not being the point), one checkpoint, then ledger.inclusionProof
 * for random indices, beside the SHA-256 ceiling. A sample of proofs is
 * verified with core's verifyInclusion against the signed checkpoint, whose
 * root is recomputed here independently (node:crypto, RFC 6962 §2.1).
 */
import { createHash } from "node:crypto";
import { openContext, initialize, operatorKey } from "@sealtrail/server";
import { openCheckpoint, verifyInclusion } from "@sealtrail/core";
import { sha256Ceiling } from "./ceiling.js";
import { buildSyntheticLog, rng } from "./synthetic.js";
import { cleanup, log, now, tempDir } from "./util.js";

const VAULT = "default";

// RFC 6962 §2.1 MTH over concatenated leaf hashes, iteratively: each level
// pairs left to right and carries an odd last node up unchanged, which gives
// the same root as the recursive split at the largest power of two.
function independentRoot(leaves, n) {
  let level = [];
  for (let i = 0; i < n; i++) level.push(leaves.subarray(i * 32, i * 32 + 32));
  const one = Buffer.of(1);
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(createHash("sha256").update(one).update(level[i]).update(level[i + 1]).digest());
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/**
 * @param {{ entries?: number, proofs?: number, batch?: number, sample?: number }} opts
 */
export async function benchProofs(opts = {}) {
  const target = opts.entries ?? 1_000_000;
  const proofs = opts.proofs ?? 20_000;
  const batch = opts.batch ?? 10_000;
  const sample = opts.sample ?? 2000;
  const dir = tempDir("proofs");
  const ctx = await openContext({ data: dir });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    const op = await operatorKey(ctx.store);
    const { leaves, buildMs } = await buildSyntheticLog(ctx, VAULT, op, target, { batch });

    const cp = await ctx.ledger.publish(VAULT);
    if (cp === null || cp.size !== BigInt(target)) throw new Error("proofs: no checkpoint of the whole log");
    const opened = openCheckpoint(cp.note, await ctx.ledger.verifierKey(VAULT));
    const expectedRoot = independentRoot(leaves, target);
    if (!Buffer.from(opened.root).equals(expectedRoot)) throw new Error("proofs: the signed root is not the RFC 6962 root of the entries");

    log("proofs: measuring the SHA-256 ceiling");
    const ceiling = sha256Ceiling();

    // Random indices, deterministic across runs. The ledger's tile cache is
    // cold at the start of the first pass; the second pass repeats a quarter
    // of the indices, all of whose tiles are cached by then.
    const rand = rng(28000);
    const indices = Array.from({ length: proofs }, () => BigInt(Math.floor(rand() * target)));
    const pass = async (n) => {
      const out = new Array(n);
      const t = now();
      for (let k = 0; k < n; k++) out[k] = await ctx.ledger.inclusionProof(VAULT, indices[k]);
      return { ms: now() - t, out, n };
    };
    log(`proofs: ${proofs} inclusion proofs (cold tile cache), then ${Math.ceil(proofs / 4)} again (warm)`);
    const cold = await pass(proofs);
    const warm = await pass(Math.ceil(proofs / 4));

    // The bench cannot lie: verify a sample of what it timed.
    const vt = now();
    for (let k = 0; k < sample; k++) {
      const j = Math.floor(rand() * warm.n);
      const p = cold.out[j];
      const i = Number(indices[j]);
      if (p.size !== BigInt(target)) throw new Error("proofs: proof against the wrong size");
      verifyInclusion(indices[j], p.size, leaves.subarray(i * 32, i * 32 + 32), p.proof, opened.root);
      const w = warm.out[j].proof;
      if (w.length !== p.proof.length || w.some((h, x) => !Buffer.from(h).equals(p.proof[x]))) throw new Error("proofs: cold and warm proofs differ");
    }
    const verifyMs = now() - vt;
    const avgHashes = cold.out.reduce((s, p) => s + p.proof.length, 0) / cold.out.length;
    return {
      entries: target,
      proofs,
      buildMs,
      coldRate: (cold.n * 1000) / cold.ms,
      warmRate: (warm.n * 1000) / warm.ms,
      warmProofs: warm.n,
      avgProofLength: avgHashes,
      verified: sample,
      verifyRate: (sample * 1000) / verifyMs,
      ceiling,
    };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}
