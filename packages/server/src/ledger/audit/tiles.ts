/**
 * Tiles recomputed from the entries against the stored ones (C2SP
 * tlog-tiles): each difference is named with the first leaf it concerns.
 */
import { HASH_SIZE, TILE_HEIGHT, TILE_WIDTH, bytesEqual, type TileContent } from "@sealtrail/core";
import { tileKey, type Store } from "../../store/types.js";
import type { Problems } from "./problems.js";
import { TILE_BYTES, type Reference } from "./reference.js";

export const firstLeaf = (level: number, index: bigint, j: number): bigint => (index * BigInt(TILE_WIDTH) + BigInt(j)) << BigInt(TILE_HEIGHT * level);

export function compareTile(id: { level: number; index: bigint }, ours: Uint8Array | null, stored: Uint8Array | null, problems: Problems): void {
  const what = `tile ${id.level}/${id.index}`;
  if (ours === null) {
    if (stored !== null) {
      problems.add("tile", `${what} is stored, but the entries do not reach it`, { index: firstLeaf(id.level, id.index, 0) });
    }
    return;
  }
  const w = ours.length / HASH_SIZE;
  if (stored === null) {
    problems.add("tile", `${what} is missing (the entries give ${w} hashes)`, { index: firstLeaf(id.level, id.index, 0) });
    return;
  }
  if (stored.length % HASH_SIZE !== 0 || stored.length > TILE_BYTES) {
    problems.add("tile", `${what} is ${stored.length} bytes, not a whole number of hashes (at most ${TILE_WIDTH})`, { index: firstLeaf(id.level, id.index, 0) });
    return;
  }
  const sw = stored.length / HASH_SIZE;
  const common = Math.min(w, sw);
  let j = 0;
  while (j < common && bytesEqual(ours.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE), stored.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE))) j++;
  const widths = sw !== w ? `holds ${sw} hashes, the entries give ${w}` : "";
  if (j < common) {
    const leaf = firstLeaf(id.level, id.index, j);
    const at = id.level === 0 ? `leaf ${leaf}` : `the subtree from leaf ${leaf}`;
    problems.add("tile", `${what} differs from the tile recomputed from the entries at hash ${j} (${at})${widths !== "" ? `, and ${widths}` : ""}`, { index: leaf });
  } else if (widths !== "") {
    problems.add("tile", `${what} ${widths}`, { index: firstLeaf(id.level, id.index, common) });
  }
}

export async function compareTiles(store: Store, vault: string, tiles: readonly TileContent[], ref: Reference, problems: Problems): Promise<void> {
  const known = (t: TileContent) => (t.id.level === 0 ? ref.tile(Number(t.id.index)) : undefined);
  const fetch = tiles.filter((t) => known(t) === undefined);
  const got = fetch.length > 0 ? await store.readTiles(vault, fetch.map((t) => t.id)) : new Map<string, Uint8Array>();
  for (const t of tiles) {
    const stored = known(t) ?? got.get(tileKey(t.id.level, t.id.index)) ?? null;
    compareTile(t.id, t.hashes, stored, problems);
  }
}

/** Number of tiles at `level` in a tree of `size` leaves (full and partial). */
export function tileCount(level: number, size: bigint): bigint {
  const nodes = size >> BigInt(TILE_HEIGHT * level);
  return (nodes + BigInt(TILE_WIDTH - 1)) >> BigInt(TILE_HEIGHT);
}
