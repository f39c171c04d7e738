/**
 * The stored tree state and the tiles the scan of the entries did not reach:
 * the partial right edge, and any tile beyond the entries.
 */
import { SealTrailError, TILE_HEIGHT, bytesEqual, edgeTiles, type TileContent } from "@sealtrail/core";
import { tileKey, type Store } from "../../store/types.js";
import type { Problems } from "./problems.js";
import { TILE_BATCH, type Reference } from "./reference.js";
import type { Scan } from "./scan.js";
import { compareTile, compareTiles, tileCount } from "./tiles.js";

export function checkTreeState(tree: { size: bigint; root: Uint8Array }, scan: Scan, problems: Problems): void {
  const n = BigInt(scan.rows.length);
  if (tree.size !== n) {
    problems.add("tree", `the stored tree state has ${tree.size} leaves, but the store holds ${n} entries`, { size: tree.size });
  }
  const root = scan.roots.get(tree.size);
  if (root !== undefined && !bytesEqual(root, tree.root)) {
    problems.add("tree", `the stored tree root at size ${tree.size} is not the root recomputed from the entries`, { size: tree.size });
  }
}

export async function checkTiles(store: Store, vault: string, treeSize: bigint, scan: Scan, ref: Reference, problems: Problems): Promise<void> {
  const n = BigInt(scan.rows.length);
  // Full tiles were compared during the scan: now the partial right edge...
  const edge: TileContent[] = [];
  for (const id of edgeTiles(n)) {
    const t = scan.edge.get(id.level);
    if (t === undefined || t.id.index !== id.index || t.id.width !== id.width) {
      throw new SealTrailError("internal", `audit: recomputed edge tile ${id.level}/${id.index} is not at hand`);
    }
    edge.push(t);
  }
  await compareTiles(store, vault, edge, ref, problems);
  // ...and tiles the stored tree has beyond what the entries reach, level by
  // level until a batch finds none (the tree size may be forged upwards).
  for (let level = 0; n >> BigInt(TILE_HEIGHT * level) > 0n || treeSize >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const last = tileCount(level, treeSize);
    for (let a = tileCount(level, n); a < last; a += BigInt(TILE_BATCH)) {
      const ids = [];
      for (let t = a; t < last && t < a + BigInt(TILE_BATCH); t++) ids.push({ level, index: t });
      const got = await store.readTiles(vault, ids);
      for (const id of ids) compareTile(id, null, got.get(tileKey(id.level, id.index)) ?? null, problems);
      if (got.size === 0) break;
    }
  }
}
