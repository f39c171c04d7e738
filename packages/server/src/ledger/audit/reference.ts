/**
 * The reference: the leaf hashes of the stored level-0 tiles (C2SP
 * tlog-tiles), and how many of them the signed checkpoints vouch for.
 */
import { HASH_SIZE, TILE_WIDTH, bytesEqual } from "@sealtrail/core";
import { tileKey, type Store } from "../../store/types.js";
import { Frontier, HashList } from "./hashes.js";
import type { Problems } from "./problems.js";

// Tiles read per store call.
export const TILE_BATCH = 512;
export const TILE_BYTES = TILE_WIDTH * HASH_SIZE;

export interface Reference {
  /** The contiguous leaf hashes the stored level-0 tiles hold, from index 0. */
  readonly leaves: HashList;
  /** Stored level-0 tile `t` as read (null: absent), or undefined if not read. */
  tile(t: number): Uint8Array | null | undefined;
}

export async function readReference(store: Store, vault: string): Promise<Reference> {
  // Read on while every tile is present and full: the tiles may hold more
  // leaves than a tampered tree state admits. Tiles after a missing or
  // partial one are read when compared (see compareTiles).
  const leaves = new HashList(1024);
  let inLeaves = 0;
  const rest = new Map<number, Uint8Array | null>();
  let read = 0;
  for (let contiguous = true; contiguous; ) {
    const ids = [];
    for (let t = read; t < read + TILE_BATCH; t++) ids.push({ level: 0, index: BigInt(t) });
    const got = await store.readTiles(vault, ids);
    for (const id of ids) {
      const data = got.get(tileKey(0, id.index)) ?? null;
      const usable = data !== null && data.length > 0 && data.length % HASH_SIZE === 0 && data.length <= TILE_BYTES;
      if (!contiguous || !usable) {
        contiguous = false;
        rest.set(Number(id.index), data);
        continue;
      }
      for (let j = 0; j < data.length / HASH_SIZE; j++) leaves.push(data.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE));
      inLeaves++;
      if (data.length < TILE_BYTES) contiguous = false;
    }
    read += TILE_BATCH;
  }
  return {
    leaves,
    tile(t) {
      if (t < inLeaves) return leaves.range(t * TILE_WIDTH, Math.min(leaves.length, (t + 1) * TILE_WIDTH));
      return t < read ? (rest.get(t) ?? null) : undefined;
    },
  };
}

/**
 * How many reference leaves the signed checkpoints vouch for: all of them
 * when the tile root at every checkpoint size is the checkpoint's root,
 * else the largest agreeing size below the first disagreement.
 */
export function trustedPrefix(ref: Reference, signed: readonly { size: bigint; root: Uint8Array }[], problems: Problems): number {
  const sorted = [...signed].sort((a, b) => (a.size < b.size ? -1 : a.size > b.size ? 1 : 0));
  const frontier = new Frontier();
  let n = 0;
  let agreed = 0;
  for (const cp of sorted) {
    if (cp.size > BigInt(ref.leaves.length)) {
      // Tiles are missing or short: reported by the tile comparison.
      return agreed;
    }
    const size = Number(cp.size);
    while (n < size) frontier.push(ref.leaves.at(n++));
    if (!bytesEqual(frontier.root(), cp.root)) {
      problems.add("tile", `the leaf hashes of the stored level-0 tiles do not give the root of the checkpoint at size ${cp.size}`, { size: cp.size });
      return agreed;
    }
    agreed = size;
  }
  return ref.leaves.length;
}
