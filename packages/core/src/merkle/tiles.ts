/**
 * C2SP tlog-tiles maths (https://c2sp.org/tlog-tiles): tile and entry-bundle
 * paths, entry bundle encoding, and where a perfect-subtree hash lives in the
 * tiles.
 *
 * A tile at level L, index N holds up to 256 consecutive hashes of tree level
 * 8L: hash i is MTH(D[(N*256 + i) * 256^L : (N*256 + i + 1) * 256^L]). Tree
 * levels 8L+1 .. 8L+7 are not stored; they are recomputed from the tile.
 */
import { concat } from "../bytes.js";
import { SealTrailError, malformed } from "../errors.js";
import { MAX_TREE_SIZE, checkArray, checkBytes, checkSmallInt, checkUint64 } from "./checks.js";
import { HASH_SIZE, hashChildren } from "./hash.js";
import type { NodeId } from "./proof.js";

/**
 * Tree levels per tile (C2SP tlog-tiles: fixed at 8).
 *
 * @example
 * ```ts
 * const treeLevel = tile.level * TILE_HEIGHT;
 * ```
 */
export const TILE_HEIGHT = 8;

/**
 * Hashes in a full tile, and entries in a full entry bundle (2^TILE_HEIGHT).
 *
 * @example
 * ```ts
 * const full = tile.width === TILE_WIDTH;
 * ```
 */
export const TILE_WIDTH = 256;

/** Largest tile level the spec allows in a path (C2SP tlog-tiles: 0..63). */
const MAX_TILE_LEVEL = 63;
/** Largest entry a bundle can carry: the length prefix is a uint16. */
const MAX_ENTRY_SIZE = 0xffff;
/** No valid tile path is longer than this (level 2 digits, 7 index groups, width). */
const MAX_PATH_LENGTH = 64;

/**
 * A Merkle tree tile: `level` (0..63), `index` within the level, and `width`
 * in hashes, 1..256 (256 = full tile, less = partial right-edge tile).
 *
 * @example
 * ```ts
 * const id: TileId = { level: 0, index: 1234067n, width: 8 }; // tile/0/x001/x234/067.p/8
 * ```
 */
export interface TileId {
  readonly level: number;
  readonly index: bigint;
  readonly width: number;
}

/**
 * What {@link parseTilePath} found: a Merkle tile, or an entry bundle.
 *
 * @example
 * ```ts
 * const p = parseTilePath("tile/entries/x001/234.p/7");
 * if (p.kind === "entries") console.log(p.index, p.width); // 1234n 7
 * ```
 */
export type ParsedTilePath =
  | { readonly kind: "hash"; readonly level: number; readonly index: bigint; readonly width: number }
  | { readonly kind: "entries"; readonly index: bigint; readonly width: number };

function checkTileIndex(level: number, index: unknown, code: "invalid" | "malformed"): bigint {
  const n = checkUint64(index, "tile index", code);
  // The tile must start inside a uint64-sized tree: start = n * 256^(level+1).
  if (n << BigInt(TILE_HEIGHT * (level + 1)) > MAX_TREE_SIZE) {
    throw new SealTrailError(code, `tile index ${n} at level ${level} is beyond any uint64 tree`);
  }
  return n;
}

function checkTileId(id: TileId): void {
  if (typeof id !== "object" || id === null || Array.isArray(id)) throw new SealTrailError("invalid", "tile id must be an object");
  checkSmallInt(id.level, 0, MAX_TILE_LEVEL, "tile level");
  checkTileIndex(id.level, id.index, "invalid");
  checkSmallInt(id.width, 1, TILE_WIDTH, "tile width");
}

// C2SP tlog-tiles: "<N> ... zero-padded 3-digit path elements. All but the
// last path element MUST begin with an x", e.g. 1234067 -> x001/x234/067.
function encodeIndex(n: bigint): string {
  let digits = n.toString();
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, "0");
  const parts: string[] = [];
  for (let i = 0; i < digits.length; i += 3) parts.push(digits.slice(i, i + 3));
  return parts.map((p, i) => (i < parts.length - 1 ? "x" + p : p)).join("/");
}

// C2SP tlog-tiles: the ".p/<W>" suffix only for partial tiles.
const widthSuffix = (width: number): string => (width === TILE_WIDTH ? "" : `.p/${width}`);

/**
 * The tlog-tiles path `tile/<L>/<N>[.p/<W>]` of a Merkle tile (no suffix
 * for a full tile). Throws SealTrailError("invalid") for a bad TileId.
 *
 * @example
 * ```ts
 * tilePath({ level: 0, index: 1234067n, width: 256 }) // "tile/0/x001/x234/067"
 * tilePath({ level: 1, index: 0n, width: 17 })        // "tile/1/000.p/17"
 * ```
 */
export function tilePath(id: TileId): string {
  checkTileId(id);
  return `tile/${id.level}/${encodeIndex(id.index)}${widthSuffix(id.width)}`;
}

/**
 * The tlog-tiles path `tile/entries/<N>[.p/<W>]` of an entry bundle.
 * `width` is the number of entries, 1..256 (256 = full bundle).
 *
 * @example
 * ```ts
 * entriesPath(1234067n, 8)   // "tile/entries/x001/x234/067.p/8"
 * entriesPath(0n, 256)       // "tile/entries/000"
 * ```
 */
export function entriesPath(index: bigint, width: number): string {
  checkTileIndex(0, index, "invalid");
  checkSmallInt(width, 1, TILE_WIDTH, "bundle width");
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// A decimal with no leading zeroes, within [min, max] (C2SP tlog-tiles: <L>
// and <W> are "decimal ASCII integer[s] ... with no additional leading zeroes").
function parseDecimal(s: string, min: number, max: number, what: string): number {
  if (!isDigits(s) || s.length > 3 || (s.length > 1 && s[0] === "0")) throw malformed(`tile path: bad ${what} "${s}"`);
  const v = Number(s);
  if (v < min || v > max) throw malformed(`tile path: ${what} ${v} out of range [${min}, ${max}]`);
  return v;
}

/**
 * Parse a tile or entry-bundle path taken from a URL (hostile input). Only
 * the canonical form that {@link tilePath} / {@link entriesPath} produce is
 * accepted: no leading zeroes in level or width, no superfluous `x000`
 * groups, width 1..255 after `.p/`, level 0..63, nothing else (so no `..`,
 * empty segments, percent escapes or trailing slashes). Throws
 * SealTrailError("malformed").
 *
 * @example
 * ```ts
 * parseTilePath("tile/0/x001/x234/067.p/8") // { kind: "hash", level: 0, index: 1234067n, width: 8 }
 * parseTilePath("tile/entries/000")         // { kind: "entries", index: 0n, width: 256 }
 * ```
 */
export function parseTilePath(path: string): ParsedTilePath {
  if (typeof path !== "string") throw malformed("tile path must be a string");
  if (path.length > MAX_PATH_LENGTH) throw malformed("tile path is too long");
  const segs = path.split("/");
  if (segs.length < 3 || segs[0] !== "tile") throw malformed("tile path must start with tile/<L>/ or tile/entries/");
  const kind = segs[1] === "entries" ? "entries" : "hash";
  const level = kind === "entries" ? 0 : parseDecimal(segs[1]!, 0, MAX_TILE_LEVEL, "level");
  let rest = segs.slice(2);
  // Partial: the last index element ends with ".p" and one more segment holds <W>.
  let width = TILE_WIDTH;
  const penultimate = rest.length >= 2 ? rest[rest.length - 2]! : "";
  if (penultimate.endsWith(".p")) {
    width = parseDecimal(rest[rest.length - 1]!, 1, TILE_WIDTH - 1, "width");
    rest = [...rest.slice(0, -2), penultimate.slice(0, -2)];
  }
  if (rest.length > 7) throw malformed("tile path: index has too many elements");
  let digits = "";
  rest.forEach((seg, i) => {
    const last = i === rest.length - 1;
    const body = last ? seg : seg.startsWith("x") ? seg.slice(1) : "";
    if (body.length !== 3 || !isDigits(body)) throw malformed(`tile path: bad index element "${seg}"`);
    digits += body;
  });
  const index = BigInt(digits);
  // Canonical form only: one spelling per tile, so caches and storage keys agree.
  if (encodeIndex(index) !== rest.join("/")) throw malformed("tile path: index is not in canonical form");
  checkTileIndex(level, index, "malformed");
  return kind === "entries" ? { kind, index, width } : { kind, level, index, width };
}

/**
 * Encode an entry bundle: each entry prefixed with its length as a
 * big-endian uint16 (C2SP tlog-tiles, "Log entries"). Takes 1..256 entries;
 * an entry over 65535 bytes raises SealTrailError("too_large").
 *
 * @example
 * ```ts
 * encodeEntryBundle([utf8("a"), utf8("bc")]) // [0,1,0x61, 0,2,0x62,0x63]
 * ```
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const arr = checkArray(entries, "entries");
  if (arr.length < 1 || arr.length > TILE_WIDTH) {
    throw new SealTrailError("invalid", `an entry bundle holds 1 to ${TILE_WIDTH} entries, got ${arr.length}`);
  }
  const parts: Uint8Array[] = [];
  arr.forEach((e, i) => {
    const b = checkBytes(e, `entry ${i}`);
    if (b.length > MAX_ENTRY_SIZE) {
      throw new SealTrailError("too_large", `entry ${i} is ${b.length} bytes; an entry bundle allows at most ${MAX_ENTRY_SIZE}`);
    }
    parts.push(Uint8Array.of(b.length >> 8, b.length & 0xff), b);
  });
  return concat(...parts);
}

/**
 * Parse an entry bundle (hostile input): a sequence of big-endian uint16
 * length-prefixed entries, 1..256 of them, with no truncation or trailing
 * bytes. If `width` is given the bundle must hold exactly that many entries
 * (the `.p/<W>` of its path, or 256). Returns copies. Throws
 * SealTrailError("malformed").
 *
 * @example
 * ```ts
 * parseEntryBundle(new Uint8Array([0, 1, 0x61])) // [Uint8Array [0x61]]
 * ```
 */
export function parseEntryBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw malformed("entry bundle must be a Uint8Array");
  if (width !== undefined) checkSmallInt(width, 1, TILE_WIDTH, "bundle width");
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (out.length === TILE_WIDTH) throw malformed(`entry bundle: more than ${TILE_WIDTH} entries`);
    if (o + 2 > bytes.length) throw malformed("entry bundle: truncated length prefix");
    const n = (bytes[o]! << 8) | bytes[o + 1]!;
    o += 2;
    if (o + n > bytes.length) throw malformed("entry bundle: entry runs past the end");
    out.push(bytes.slice(o, o + n));
    o += n;
  }
  if (out.length === 0) throw malformed("entry bundle is empty");
  if (width !== undefined && out.length !== width) {
    throw malformed(`entry bundle holds ${out.length} entries, expected ${width}`);
  }
  return out;
}

function checkNodeId(id: NodeId): void {
  if (typeof id !== "object" || id === null || Array.isArray(id)) throw new SealTrailError("invalid", "node id must be an object");
  checkSmallInt(id.level, 0, 63, "node level");
  const index = checkUint64(id.index, "node index");
  if ((index + 1n) << BigInt(id.level) > MAX_TREE_SIZE + 1n) {
    throw new SealTrailError("invalid", `node ${id.level}/${index} is beyond any uint64 tree`);
  }
}

// Where a node sits: tile level, tile index, first hash in the tile and how
// many tile hashes (2^r, r = level - 8 * tileLevel) it is the MTH of.
function locate(id: NodeId): { tileLevel: number; tileIndex: bigint; offset: number; count: number } {
  const tileLevel = Math.floor(id.level / TILE_HEIGHT);
  const r = id.level - tileLevel * TILE_HEIGHT;
  const first = id.index << BigInt(r); // index among tree-level-8L hashes
  return {
    tileLevel,
    tileIndex: first >> BigInt(TILE_HEIGHT),
    offset: Number(first & BigInt(TILE_WIDTH - 1)),
    count: 1 << r,
  };
}

/**
 * Number of hashes tile (level, index) has in a tree of `size` leaves:
 * 256 if full, 1..255 if it is the partial right-edge tile, 0 if it does not
 * exist yet (C2SP tlog-tiles: the partial tile at level l has
 * floor(size / 256^l) mod 256 hashes).
 *
 * @example
 * ```ts
 * tileWidth(0, 273n, 70000n) // 112
 * tileWidth(2, 0n, 70000n)   // 1
 * ```
 */
export function tileWidth(level: number, index: bigint, size: bigint): number {
  checkSmallInt(level, 0, MAX_TILE_LEVEL, "tile level");
  checkUint64(index, "tile index");
  checkUint64(size, "tree size");
  const count = size >> BigInt(TILE_HEIGHT * level); // complete level-8L nodes
  const full = count >> BigInt(TILE_HEIGHT);
  if (index < full) return TILE_WIDTH;
  if (index === full) return Number(count & BigInt(TILE_WIDTH - 1));
  return 0;
}

/**
 * The tile that holds perfect-subtree node `id`, or the hashes to compute it
 * from (when `id.level` is not a multiple of 8). Without `size`, `width` is
 * the smallest width that contains the node, so any version of that tile at
 * least that wide works; with `size`, `width` is the tile's width in the tree
 * of `size` leaves (what to fetch for a checkpoint of that size), and a node
 * not complete in that tree raises SealTrailError("invalid").
 *
 * @example
 * ```ts
 * tileForNode({ level: 0, index: 300n })          // { level: 0, index: 1n, width: 45 }
 * tileForNode({ level: 9, index: 0n })            // { level: 1, index: 0n, width: 2 }
 * tileForNode({ level: 0, index: 300n }, 1000n)   // { level: 0, index: 1n, width: 256 }
 * ```
 */
export function tileForNode(id: NodeId, size?: bigint): TileId {
  checkNodeId(id);
  const { tileLevel, tileIndex, offset, count } = locate(id);
  if (size === undefined) return { level: tileLevel, index: tileIndex, width: offset + count };
  checkUint64(size, "tree size");
  if ((id.index + 1n) << BigInt(id.level) > size) {
    throw new SealTrailError("invalid", `node ${id.level}/${id.index} is not complete in a tree of size ${size}`);
  }
  return { level: tileLevel, index: tileIndex, width: tileWidth(tileLevel, tileIndex, size) };
}

/**
 * The hash of perfect-subtree node `id`, read from (or recomputed inside)
 * the tile that {@link tileForNode} names. `tileHashes` is the tile's content:
 * concatenated 32-byte hashes. Levels between 8L and 8L+8 are rebuilt with
 * RFC 6962 §2.1 node hashing. Throws SealTrailError("invalid") if the tile is
 * too short for the node or not a whole number of hashes.
 *
 * @example
 * ```ts
 * const tile = await fetchTile(tilePath(tileForNode(id, size)));
 * const h = nodeHashFromTile(tile, id);
 * ```
 */
export function nodeHashFromTile(tileHashes: Uint8Array, id: NodeId): Uint8Array {
  checkBytes(tileHashes, "tile");
  checkNodeId(id);
  if (tileHashes.length % HASH_SIZE !== 0 || tileHashes.length > TILE_WIDTH * HASH_SIZE) {
    throw new SealTrailError("invalid", `tile of ${tileHashes.length} bytes is not 1..${TILE_WIDTH} hashes`);
  }
  const { offset, count } = locate(id);
  if ((offset + count) * HASH_SIZE > tileHashes.length) {
    throw new SealTrailError("invalid", `tile of ${tileHashes.length / HASH_SIZE} hashes does not hold node ${id.level}/${id.index}`);
  }
  let row: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const o = (offset + i) * HASH_SIZE;
    row.push(tileHashes.slice(o, o + HASH_SIZE));
  }
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hashChildren(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}
