/**
 * Node hashes of tiles, expanded once. The hashes a tile holds never change
 * (C2SP tlog-tiles: a partial tile only grows), so every complete node inside
 * a tile (up to 511 for a full one: 256 stored, 255 computed above them) is
 * kept in memory, and reading a node costs one lookup instead of up to 127
 * hash operations. A node beyond what a cached partial tile holds is a miss:
 * the caller reads the grown tile and caches it again.
 */
import { TILE_HEIGHT, TILE_WIDTH, hashChildren, type NodeId } from "@sealtrail/core";

const HASH = 32;

/** The levels of a tile: levels[r] holds the complete nodes of relative level r (width >> r of them). */
export type ExpandedTile = readonly Uint8Array[];

/**
 * Expand a tile (full or partial) into all its levels.
 *
 * @example
 * ```ts
 * const levels = expandTile(hashes); // levels[8] is the tile's root
 * ```
 */
export function expandTile(hashes: Uint8Array): ExpandedTile {
  const levels: Uint8Array[] = [hashes];
  let row = hashes;
  for (let r = 1; r <= TILE_HEIGHT; r++) {
    const n = Math.floor(row.length / HASH / 2);
    const next = new Uint8Array(n * HASH);
    for (let i = 0; i < n; i++) {
      next.set(hashChildren(row.subarray(2 * i * HASH, (2 * i + 1) * HASH), row.subarray((2 * i + 1) * HASH, (2 * i + 2) * HASH)), i * HASH);
    }
    levels.push(next);
    row = next;
  }
  return levels;
}

/**
 * The hash of node `id` from the expanded tile that holds it, or undefined
 * when the tile was cached before it grew to hold that node.
 *
 * @example
 * ```ts
 * nodeFromExpanded(levels, { level: 3, index: 5n })
 * ```
 */
export function nodeFromExpanded(levels: ExpandedTile, id: NodeId): Uint8Array | undefined {
  const rel = id.level % TILE_HEIGHT;
  const perTile = BigInt(TILE_WIDTH >> rel);
  const offset = Number(id.index % perTile);
  const row = levels[rel]!;
  if ((offset + 1) * HASH > row.length) return undefined;
  return row.subarray(offset * HASH, (offset + 1) * HASH);
}

/** A bounded map of expanded full tiles, least recently used out first. */
export class ExpandedTileCache {
  private readonly map = new Map<string, ExpandedTile>();
  constructor(private readonly capacity: number) {}

  get(key: string): ExpandedTile | undefined {
    const t = this.map.get(key);
    if (t !== undefined) {
      this.map.delete(key);
      this.map.set(key, t);
    }
    return t;
  }

  set(key: string, t: ExpandedTile): void {
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, t);
  }
}
