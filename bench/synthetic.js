/**
 * A large log built fast: synthetic entries fed straight to store.sequence
 * (signed by the operator's registered key, signatures not being the point),
 * as the proofs benchmarks need. Shared by bench/proofs.js (in process) and
 * bench/http.js (built before the server starts), and the load process
 * regenerates the same entries to verify what it fetched.
 */
import { hashLeaf, integrate, utf8 } from "@sealtrail/core";
import { log, now } from "./util.js";

/** Deterministic synthetic entry of index i, ~120 bytes. */
export const entryOf = (i) => utf8(`{"bench":"synthetic","i":${i},"pad":"${"x".repeat(96)}"}`);

/** A small deterministic PRNG (mulberry32, the tests' own), so runs pick the same indices. */
export { mulberry32 as rng } from "../packages/server/test/fixtures/prng.mjs";

/**
 * Grow `vault` of an initialised store from its single bootstrap entry to
 * `target` entries of {@link entryOf}, in sequencing transactions of `batch`.
 * Returns every leaf hash (32 bytes each, entry 0 included) and the time taken.
 *
 * @param {{ store: object }} ctx   an open context whose vault holds only the operator's key registration
 * @param {{ org: string, keyId: string }} op   the operator's registered key (operatorKey(store))
 */
export async function buildSyntheticLog(ctx, vault, op, target, { batch = 10_000, label = "proofs" } = {}) {
  const leaves = new Uint8Array(target * 32);
  // Entry 0 is the operator's key registration, written by initialize().
  const [first] = await ctx.store.entries(vault, 0n, 1n);
  leaves.set(first.leafHash, 0);
  let size = Number((await ctx.store.tree(vault)).size);
  if (size !== 1) throw new Error(`${label}: expected a log of 1 entry after init, got ${size}`);

  log(`${label}: building a ${target.toLocaleString("en-US")}-entry log through store.sequence (batches of ${batch})`);
  const claimedTime = new Date().toISOString();
  const t0 = now();
  while (size < target) {
    const n = Math.min(batch, target - size);
    const pending = [];
    for (let i = size; i < size + n; i++) {
      const entry = entryOf(i);
      const leafHash = hashLeaf(entry);
      leaves.set(leafHash, i * 32);
      pending.push({
        entry,
        leafHash,
        type: "bench.synthetic",
        author: op.org,
        keyId: op.keyId,
        claimedTime,
        subjects: [],
        supersedes: null,
        payload: null,
        salt: null,
        keyChange: null,
      });
    }
    const { outcomes, tree } = await ctx.store.sequence(vault, pending, integrate);
    if (outcomes.some((o) => !o.ok) || tree.size !== BigInt(size + n)) throw new Error(`${label}: a synthetic entry was refused`);
    size += n;
    if (size % 200_000 === 0) log(`${label}:   ${size.toLocaleString("en-US")} entries, ${((now() - t0) / 1000).toFixed(1)} s`);
  }
  return { leaves, buildMs: now() - t0 };
}
