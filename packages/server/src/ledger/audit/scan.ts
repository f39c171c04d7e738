/**
 * One pass over the stored entries, page by page: recompute each leaf hash,
 * the running root and the tiles, check each entry, and verify the
 * signatures on the pool while the next page is read.
 */
import { HASH_SIZE, SealTrailError, TILE_WIDTH, bytesEqual, hashLeaf, integrate, type TileContent, type TileId } from "@sealtrail/core";
import type { Store } from "../../store/types.js";
import type { VerifierPool, VerifyTask } from "../verifier-pool.js";
import { checkEntry } from "./entry.js";
import { Frontier, HashList } from "./hashes.js";
import type { ReplayedKey } from "./keys.js";
import { short, type Problems } from "./problems.js";
import type { RedactionScan } from "./redactions.js";
import type { Reference } from "./reference.js";
import { compareTiles } from "./tiles.js";

// Largest signed 64-bit index: the end of every index range read.
const MAX_INDEX = (1n << 63n) - 1n;

export interface Scan {
  /** Recomputed leaf hashes of the stored rows, in index order. */
  readonly rows: HashList;
  /** Stored index of each row. */
  readonly indices: number[];
  readonly lastIndex: bigint;
  readonly gaps: { first: number; last: number }[];
  /** Root of the first `size` rows, at each capture size the rows reached. */
  readonly roots: Map<bigint, Uint8Array>;
  /** Tiles recomputed from the rows: the partial right-edge tile of each level. */
  readonly edge: Map<number, TileContent>;
  readonly registry: Map<string, ReplayedKey>;
}

export interface ScanOptions {
  readonly pageSize: bigint;
  /** Where the tree and the checkpoints say the log ends. */
  readonly end: bigint;
  readonly captures: readonly bigint[];
  readonly ref: Reference;
  readonly verifier: VerifierPool;
  readonly problems: Problems;
  readonly redactions: RedactionScan;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function scanEntries(store: Store, vault: string, o: ScanOptions): Promise<Scan> {
  const { problems } = o;
  const total = safeNumber(o.end);
  const rows = new HashList(Math.min(total, 1 << 20));
  const indices: number[] = [];
  const gaps: { first: number; last: number }[] = [];
  const roots = new Map<bigint, Uint8Array>();
  const captures = [...new Set(o.captures)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let nextCapture = 0;
  const frontier = new Frontier();
  const edge = new Map<number, TileContent>();
  const registry = new Map<string, ReplayedKey>();
  let lastIndex = -1n;
  let verifying: Promise<void> = Promise.resolve();

  const capture = () => {
    while (nextCapture < captures.length && captures[nextCapture]! <= BigInt(rows.length)) {
      if (captures[nextCapture] === BigInt(rows.length)) roots.set(captures[nextCapture]!, frontier.root());
      nextCapture++;
    }
  };
  capture();

  // Rows at negative indices are outside every page below.
  for (const row of await store.entries(vault, -MAX_INDEX - 1n, 0n)) {
    problems.add("inserted", `entry at negative index ${row.index}: not part of any tree`, { index: row.index });
  }

  // Page by index range up to the largest index a database holds, so that
  // no stored row escapes. Over an empty range (past the end, deleted
  // entries, rows moved far away) the window doubles: some 50 reads cross
  // the whole int64 range. The price: rows stored after a gap at least half
  // a window wide come back in one larger read. (LogReader.entries has no
  // row limit; with one, windows could stay a page wide.)
  for (let from = 0n, window = o.pageSize; from < MAX_INDEX; ) {
    const to = from + window < MAX_INDEX ? from + window : MAX_INDEX;
    const page = await store.entries(vault, from, to);
    from = to;
    if (page.length === 0) {
      window *= 2n;
      continue;
    }
    window = o.pageSize;
    const leaves: Uint8Array[] = [];
    const tasks: VerifyTask[] = [];
    const taskInfo: { index: bigint; keyId: string; org: string }[] = [];
    for (const row of page) {
      if (row.index > lastIndex + 1n) gaps.push({ first: Number(lastIndex + 1n), last: Number(row.index - 1n) });
      lastIndex = row.index;
      const h = hashLeaf(row.entry);
      rows.push(h);
      indices.push(Number(row.index));
      leaves.push(h);
      frontier.push(h);
      capture();
      if (!bytesEqual(h, row.leafHash)) {
        problems.add("leaf_hash", `entry ${row.index}: the stored leaf_hash ${short(row.leafHash)}… is not the hash of the entry bytes (${short(h)}…)`, {
          index: row.index,
        });
      }
      const task = checkEntry(vault, row, registry, problems, o.redactions);
      if (task !== null) {
        tasks.push(task.task);
        taskInfo.push({ index: row.index, keyId: task.keyId, org: task.org });
      }
    }
    // Signatures of this page are verified on the pool while the next page
    // is read and parsed; at most one page is in flight.
    await verifying;
    verifying = o.verifier.verifyAll(tasks).then((ok) =>
      ok.forEach((good, i) => {
        if (good) return;
        const t = taskInfo[i]!;
        problems.add("bad_signature", `entry ${t.index}: the signature does not verify with key ${t.keyId} of ${t.org}`, { index: t.index });
      }),
    );
    // Handled when awaited above or after the loop; this only keeps a failure
    // meanwhile from counting as an unhandled rejection.
    verifying.catch(() => undefined);
    if (leaves.length > 0) {
      const size = BigInt(rows.length - leaves.length);
      const result = integrate(size, (id) => ownTile(edge, id), leaves);
      const full: TileContent[] = [];
      for (const t of result.tiles) {
        edge.set(t.id.level, t);
        if (t.id.width === TILE_WIDTH) full.push(t);
      }
      await compareTiles(store, vault, full, o.ref, problems);
    }
    o.onProgress?.(rows.length, Math.max(total, rows.length));
  }
  await verifying;
  return { rows, indices, lastIndex, gaps, roots, edge, registry };
}

const safeNumber = (end: bigint): number => (end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end));

function ownTile(edge: ReadonlyMap<number, TileContent>, id: TileId): Uint8Array {
  const t = edge.get(id.level);
  if (t === undefined || t.id.index !== id.index || t.hashes.length !== id.width * HASH_SIZE) {
    throw new SealTrailError("internal", `audit: recomputed tile ${id.level}/${id.index} is not at hand`);
  }
  return t.hashes;
}
