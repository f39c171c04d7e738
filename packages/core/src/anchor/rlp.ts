/**
 * Recursive Length Prefix (RLP), the serialisation of Ethereum (yellow paper
 * appendix B; ethereum.org "Recursive-length prefix"). An item is a byte
 * string or a list of items. The decoder is strict: every input has exactly
 * one accepted encoding, so two different byte strings never decode to the
 * same item (a second encoding would hash differently and break proofs).
 */
import { concat } from "../bytes.js";
import { kindOf, requireBytes } from "../args.js";
import { SealTrailError } from "../errors.js";

/** An RLP item: a byte string or a list of items. */
export type RlpItem = Uint8Array | RlpItem[];

// Deepest list nesting accepted: Ethereum structures nest at most a few
// levels (a receipt's log topics are 3 deep); the bound keeps hostile input
// from exhausting the stack.
const MAX_DEPTH = 32;

function bad(what: string, m: string): SealTrailError {
  return new SealTrailError("malformed", `${what}: RLP ${m}`);
}

function lengthBytes(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 255);
    n = Math.floor(n / 256);
  }
  return new Uint8Array(out);
}

function header(len: number, short: number): Uint8Array {
  if (len <= 55) return new Uint8Array([short + len]);
  const lb = lengthBytes(len);
  return concat(new Uint8Array([short + 55 + lb.length]), lb);
}

/**
 * Encode an item (yellow paper appendix B): a single byte below 0x80 is
 * itself; a string of up to 55 bytes is 0x80+len then the bytes; a longer one
 * 0xb7+len(len), len, bytes; lists the same from 0xc0 and 0xf7.
 *
 * @example
 * ```ts
 * toHex(encodeRlp([utf8("cat"), utf8("dog")])) // "c88363617483646f67"
 * ```
 */
export function encodeRlp(item: RlpItem): Uint8Array {
  if (!(item instanceof Uint8Array) && !Array.isArray(item)) throw new SealTrailError("malformed", `rlp item: must be a Uint8Array or an array of items, not ${kindOf(item)}`);
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0]! < 0x80) return item.slice();
    return concat(header(item.length, 0x80), item);
  }
  const body = concat(...item.map(encodeRlp));
  return concat(header(body.length, 0xc0), body);
}

/**
 * Decode exactly one RLP item filling all of `bytes`. Refuses non-canonical
 * forms (a single byte below 0x80 wrapped as a string, a long form for a
 * length up to 55, a length with leading zero bytes), trailing bytes and
 * lengths past the input, with a `malformed` error naming `what`.
 *
 * @example
 * ```ts
 * decodeRlp(fromHex("c88363617483646f67")) // [utf8("cat"), utf8("dog")]
 * ```
 */
export function decodeRlp(bytes: Uint8Array, what = "rlp"): RlpItem {
  requireBytes(bytes, what);
  const [item, end] = decodeAt(bytes, 0, bytes.length, what, 0);
  if (end !== bytes.length) throw bad(what, `has ${bytes.length - end} trailing bytes`);
  return item;
}

function readLength(b: Uint8Array, at: number, n: number, limit: number, what: string): number {
  if (at + n > limit) throw bad(what, "length runs past the end of input");
  if (b[at] === 0) throw bad(what, "length has a leading zero byte");
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[at + i]!;
  if (len <= 55) throw bad(what, "long form used for a length of 55 or less");
  return len;
}

// Where the payload of the item at `at` starts and how long it is, for a
// string (base 0x80) or a list (base 0xc0): a prefix up to base + 55 holds
// the length itself, one above it the count of big-endian length bytes
// that follow (Ethereum Yellow Paper, appendix B).
function payloadOf(b: Uint8Array, at: number, base: number, limit: number, what: string): [number, number] {
  const p = b[at]!;
  if (p <= base + 55) return [at + 1, p - base];
  const n = p - (base + 55);
  return [at + 1 + n, readLength(b, at + 1, n, limit, what)];
}

function decodeAt(b: Uint8Array, at: number, limit: number, what: string, depth: number): [RlpItem, number] {
  if (at >= limit) throw bad(what, "item runs past the end of input");
  const p = b[at]!;
  if (p < 0x80) return [b.slice(at, at + 1), at + 1];
  if (p < 0xc0) {
    const [start, len] = payloadOf(b, at, 0x80, limit, what);
    if (start + len > limit) throw bad(what, "string runs past the end of input");
    if (len === 1 && b[start]! < 0x80) throw bad(what, "single byte below 0x80 encoded as a string");
    return [b.slice(start, start + len), start + len];
  }
  if (depth >= MAX_DEPTH) throw bad(what, `lists nested deeper than ${MAX_DEPTH}`);
  const [start, len] = payloadOf(b, at, 0xc0, limit, what);
  const end = start + len;
  if (end > limit) throw bad(what, "list runs past the end of input");
  const items: RlpItem[] = [];
  let i = start;
  while (i < end) {
    const [item, next] = decodeAt(b, i, end, what, depth + 1);
    items.push(item);
    i = next;
  }
  return [items, end];
}

/**
 * Big-endian minimal bytes of a non-negative integer, as RLP carries numbers
 * (zero is the empty string; no leading zero bytes).
 *
 * @example
 * ```ts
 * rlpUint(1024n) // Uint8Array [4, 0]
 * ```
 */
export function rlpUint(n: bigint | number): Uint8Array {
  if (typeof n !== "bigint" && (typeof n !== "number" || !Number.isSafeInteger(n))) throw new SealTrailError("malformed", `rlp: integer must be a bigint or a safe integer, not ${kindOf(n)}`);
  let v = BigInt(n);
  if (v < 0n) throw new SealTrailError("invalid", "rlp: negative integer");
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 255n));
    v >>= 8n;
  }
  return new Uint8Array(out);
}

/**
 * Read an RLP integer (a byte string with no leading zero byte), refusing
 * anything else with a `malformed` error naming `what`.
 *
 * @example
 * ```ts
 * readRlpUint(new Uint8Array([4, 0]), "nonce") // 1024n
 * ```
 */
export function readRlpUint(item: RlpItem | undefined, what: string, maxBytes = 32): bigint {
  if (!(item instanceof Uint8Array)) throw new SealTrailError("malformed", `${what}: expected an integer, found a list`);
  if (item.length > maxBytes) throw new SealTrailError("malformed", `${what}: integer longer than ${maxBytes} bytes`);
  if (item.length > 0 && item[0] === 0) throw new SealTrailError("malformed", `${what}: integer with a leading zero byte`);
  let v = 0n;
  for (const x of item) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * The byte string an item must be, or a `malformed` error naming `what`;
 * with `size`, also its exact length.
 *
 * @example
 * ```ts
 * const root = rlpBytes(fields[4], "transactionsRoot", 32);
 * ```
 */
export function rlpBytes(item: RlpItem | undefined, what: string, size?: number): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new SealTrailError("malformed", `${what}: expected a byte string`);
  if (size !== undefined && item.length !== size) throw new SealTrailError("malformed", `${what}: expected ${size} bytes, found ${item.length}`);
  return item;
}

/**
 * The list an item must be, or a `malformed` error naming `what`.
 *
 * @example
 * ```ts
 * const fields = rlpList(decodeRlp(raw, "header"), "header");
 * ```
 */
export function rlpList(item: RlpItem | undefined, what: string): RlpItem[] {
  if (!Array.isArray(item)) throw new SealTrailError("malformed", `${what}: expected an RLP list`);
  return item;
}
