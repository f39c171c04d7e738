/**
 * Pure tile integration, Tessera-style: extend a tree stored as C2SP
 * tlog-tiles by a batch of leaf hashes, returning every tile that changed
 * and the new root. Work is linear in the batch (each new hash is hashed
 * into its tile's root once, when the tile fills) plus a constant per level.
 */
import { concat } from "../bytes.js";
import { SealTrailError } from "../errors.js";
import { MAX_TREE_SIZE, checkArray, checkUint64 } from "./checks.js";
import { HASH_SIZE, emptyRoot, hashChildren } from "./hash.js";
import { TILE_HEIGHT, TILE_WIDTH, type TileId } from "./tiles.js";

/**
 * A tile and its full content: `id.width` concatenated 32-byte hashes.
 *
 * @example
 * ```ts
 * for (const t of result.tiles) await store.put(tilePath(t.id), t.hashes);
 * ```
 */
export interface TileContent {
  readonly id: TileId;
  readonly hashes: Uint8Array;
}

/**
 * What {@link integrate} returns: the new tree size and root, and every tile
 * (full or partial, any level) whose content changed, in its new form.
 *
 * @example
 * ```ts
 * const { size, root, tiles } = integrate(0n, readTile, leafHashes);
 * ```
 */
export interface IntegrateResult {
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly tiles: TileContent[];
}

/**
 * The partial right-edge tiles of a tree of `size` leaves, lowest level
 * first: what {@link integrate} reads to extend the tree (full tiles never
 * change). C2SP tlog-tiles: the partial tile at level l has
 * floor(size / 256^l) mod 256 hashes; levels where that is 0 have none.
 *
 * @example
 * ```ts
 * edgeTiles(70000n)
 * // [{ level: 0, index: 273n, width: 112 }, { level: 1, index: 1n, width: 17 }, { level: 2, index: 0n, width: 1 }]
 * edgeTiles(256n) // [{ level: 1, index: 0n, width: 1 }]
 * ```
 */
export function edgeTiles(size: bigint): TileId[] {
  checkUint64(size, "tree size");
  const out: TileId[] = [];
  let count = size; // complete nodes at tree level 8L
  for (let level = 0; count > 0n; level++) {
    const width = Number(count & BigInt(TILE_WIDTH - 1));
    if (width > 0) out.push({ level, index: count >> BigInt(TILE_HEIGHT), width });
    count >>= BigInt(TILE_HEIGHT);
  }
  return out;
}

// MTH of 2^k consecutive hashes (a perfect subtree), RFC 6962 §2.1.
function perfectRoot(hashes: readonly Uint8Array[], start: number, count: number): Uint8Array {
  let row = hashes.slice(start, start + count);
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hashChildren(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

interface LevelState {
  index: bigint;
  hashes: Uint8Array[];
  dirty: boolean;
}

/**
 * Extend the tree of `size` leaves by `leafHashes` (C2SP tlog-tiles layout;
 * RFC 6962 §2.1 hashing). `readTile` is called once for each tile of
 * {@link edgeTiles}(size) and must return exactly `width` concatenated
 * hashes. For async storage, fetch those tiles first and pass a lookup.
 * Level-L tiles hold tree-level 8L hashes, and a level L+1 hash is added only
 * when a level-L tile becomes full (tlog-tiles: partial tiles are never
 * hashed into the level above).
 *
 * Returns the new size and root (the empty-tree root for size 0) and every
 * changed tile with its whole new content; an empty batch changes nothing
 * and returns the current root. Throws SealTrailError("invalid") for a leaf
 * hash that is not 32 bytes, a tile of the wrong size, or a size overflow.
 *
 * @example
 * ```ts
 * const ids = edgeTiles(size);
 * const got = new Map(await Promise.all(ids.map(async (id) => [tilePath(id), await store.get(tilePath(id))] as const)));
 * const { root, tiles } = integrate(size, (id) => got.get(tilePath(id))!, batch.map(hashLeaf));
 * ```
 */
export function integrate(
  size: bigint,
  readTile: (id: TileId) => Uint8Array,
  leafHashes: readonly Uint8Array[],
): IntegrateResult {
  checkUint64(size, "tree size");
  const leaves = checkArray(leafHashes, "leaf hashes");
  if (typeof readTile !== "function") throw new SealTrailError("invalid", "readTile must be a function");
  if (size + BigInt(leaves.length) > MAX_TREE_SIZE) throw new SealTrailError("invalid", "tree size would exceed 2^64-1");
  leaves.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new SealTrailError("invalid", `leaf hash ${i} must be ${HASH_SIZE} bytes`);
    }
  });

  const levels: LevelState[] = [];
  for (const id of edgeTiles(size)) {
    const data = readTile(id);
    if (!(data instanceof Uint8Array) || data.length !== id.width * HASH_SIZE) {
      throw new SealTrailError("invalid", `tile ${id.level}/${id.index} must be ${id.width * HASH_SIZE} bytes`);
    }
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < id.width; i++) hashes.push(data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    levels[id.level] = { index: id.index, hashes, dirty: false };
  }
  // A level without an edge tile has an empty current tile, whose index is
  // the number of full tiles at that level in the original tree.
  const level = (l: number): LevelState => {
    let st = levels[l];
    if (st === undefined) {
      st = { index: size >> BigInt(TILE_HEIGHT * (l + 1)), hashes: [], dirty: false };
      levels[l] = st;
    }
    return st;
  };

  const tiles: TileContent[] = [];
  for (const leaf of leaves) {
    let h = leaf as Uint8Array;
    for (let l = 0; ; l++) {
      const st = level(l);
      st.hashes.push(h.slice());
      st.dirty = true;
      if (st.hashes.length < TILE_WIDTH) break;
      // The tile is full: emit it and carry its root (a tree-level 8(l+1)
      // node) into the tile above.
      tiles.push({ id: { level: l, index: st.index, width: TILE_WIDTH }, hashes: concat(...st.hashes) });
      h = perfectRoot(st.hashes, 0, TILE_WIDTH);
      st.index += 1n;
      st.hashes = [];
      st.dirty = false;
    }
  }
  for (let l = 0; l < levels.length; l++) {
    const st = levels[l];
    if (st !== undefined && st.dirty && st.hashes.length > 0) {
      tiles.push({ id: { level: l, index: st.index, width: st.hashes.length }, hashes: concat(...st.hashes) });
    }
  }
  tiles.sort((a, b) => a.id.level - b.id.level || (a.id.index < b.id.index ? -1 : a.id.index > b.id.index ? 1 : 0));

  // Root: the perfect subtrees of the new tree's right edge, left to right,
  // are the binary decompositions of each partial tile, highest level first;
  // RFC 6962 §2.1 folds them from the right.
  const edge: Uint8Array[] = [];
  for (let l = levels.length - 1; l >= 0; l--) {
    const st = levels[l];
    if (st === undefined) continue;
    let start = 0;
    for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
      const count = 1 << bit;
      if ((st.hashes.length & count) !== 0) {
        edge.push(perfectRoot(st.hashes, start, count));
        start += count;
      }
    }
  }
  let root = edge.length === 0 ? emptyRoot() : edge[edge.length - 1]!;
  for (let i = edge.length - 2; i >= 0; i--) root = hashChildren(edge[i]!, root);

  return { size: size + BigInt(leaves.length), root: root.slice(), tiles };
}
