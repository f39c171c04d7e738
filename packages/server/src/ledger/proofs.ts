/**
 * Proofs served from the stored tiles (C2SP tlog-tiles): inclusion proofs
 * against a published checkpoint (RFC 6962 §2.1.1), the same in the
 * tlog-proof text format, and consistency proofs (RFC 6962 §2.1.2). Node
 * hashes are read through a cache of expanded tiles.
 */
import { SealTrailError, consistencyPlan, formatTlogProof, inclusionPlan, tileForNode, type NodeId } from "@sealtrail/core";
import { tileKey, type CheckpointRow, type Store } from "../store/types.js";
import type { Ledger } from "./api.js";
import { ExpandedTileCache, expandTile, nodeFromExpanded } from "./tile-cache.js";

/** The proofs of the ledger API. */
export type Proofs = Pick<Ledger, "inclusionProof" | "tlogProof" | "consistencyProof">;

/** Options of {@link createProofs}. */
export interface ProofsOptions {
  readonly store: Store;
  /** Tiles kept expanded in memory. */
  readonly tileCacheSize: number;
  /** Checkpoint interval in ms: how long a client is told to wait for an entry not yet covered. */
  readonly intervalMs: number;
}

/**
 * Create the proof readers over a store.
 *
 * @example
 * ```ts
 * const proofs = createProofs({ store, tileCacheSize: 4096, intervalMs: 1000 });
 * const text = await proofs.tlogProof("default", 0n);
 * ```
 */
export function createProofs(opts: ProofsOptions): Proofs {
  const { store, intervalMs } = opts;
  const tileCache = new ExpandedTileCache(opts.tileCacheSize);

  async function readNodes(vault: string, ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const tiles = ids.map((id) => tileForNode(id));
    const cacheKeys = tiles.map((t) => `${vault}/${tileKey(t.level, t.index)}`);
    const out: (Uint8Array | undefined)[] = ids.map((id, i) => {
      const cached = tileCache.get(cacheKeys[i]!);
      return cached === undefined ? undefined : nodeFromExpanded(cached, id);
    });
    const missing = tiles.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as Uint8Array[];
    const fetched = await store.readTiles(vault, missing);
    for (const [k, hashes] of fetched) tileCache.set(`${vault}/${k}`, expandTile(hashes));
    return ids.map((id, i) => {
      const have = out[i];
      if (have !== undefined) return have;
      const t = tiles[i]!;
      const tile = tileCache.get(cacheKeys[i]!);
      const h = tile === undefined ? undefined : nodeFromExpanded(tile, id);
      if (h === undefined) throw new SealTrailError("internal", `tile ${t.level}/${t.index} is missing or too short for node ${id.level}/${id.index}`);
      return h;
    });
  }

  async function checkpointFor(vault: string, size: bigint | undefined, index: bigint): Promise<CheckpointRow> {
    if (size === undefined) {
      const cp = await store.latestCheckpoint(vault);
      if (cp === null || cp.size <= index) {
        const tree = await store.tree(vault);
        if (index >= tree.size) throw new SealTrailError("not_found", `no entry ${index}: the log has ${tree.size} entries`);
        throw new SealTrailError("unavailable", `entry ${index} is not yet covered by a published checkpoint`, {
          detail: { retryAfter: Math.ceil(intervalMs / 1000) },
        });
      }
      return cp;
    }
    const cp = await store.checkpointAt(vault, size);
    if (cp === null) throw new SealTrailError("not_found", `no published checkpoint of size ${size}`);
    if (index >= size) throw new SealTrailError("invalid", `index ${index} is not below size ${size}`);
    return cp;
  }

  const proofs: Proofs = {
    async inclusionProof(vault, index, size) {
      const checkpoint = await checkpointFor(vault, size, index);
      const plan = inclusionPlan(index, checkpoint.size);
      const proof = plan.assemble(await readNodes(vault, plan.nodes));
      return { index, size: checkpoint.size, proof, checkpoint };
    },

    async tlogProof(vault, index, size) {
      const p = await proofs.inclusionProof(vault, index, size);
      return formatTlogProof({ index, proof: p.proof, checkpoint: p.checkpoint.note });
    },

    async consistencyProof(vault, from, to) {
      const tree = await store.tree(vault);
      if (from > to) throw new SealTrailError("invalid", `from (${from}) must not exceed to (${to})`);
      if (to > tree.size) throw new SealTrailError("not_found", `the log has ${tree.size} entries, fewer than ${to}`);
      const plan = consistencyPlan(from, to);
      return plan.assemble(await readNodes(vault, plan.nodes));
    },
  };
  return proofs;
}
