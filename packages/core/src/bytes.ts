import { requireBytes, requireInteger, requireString } from "./args.js";
import { malformed } from "./errors.js";

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8 encode a string.
 *
 * @example
 * ```ts
 * utf8("a") // Uint8Array [0x61]
 * ```
 */
export function utf8(s: string): Uint8Array {
  requireString(s, "text");
  return encoder.encode(s);
}

/**
 * Strict UTF-8 decode: invalid sequences raise a `malformed` error instead of
 * being replaced with U+FFFD (a replaced byte would let two different inputs
 * decode to the same text).
 *
 * @example
 * ```ts
 * fromUtf8(new Uint8Array([0x61])) // "a"
 * ```
 */
export function fromUtf8(b: Uint8Array, what = "input"): string {
  requireBytes(b, what);
  try {
    return strictDecoder.decode(b);
  } catch (e) {
    throw malformed(`${what}: not valid UTF-8`, e);
  }
}

/**
 * Concatenate byte arrays.
 *
 * @example
 * ```ts
 * concat(new Uint8Array([1]), new Uint8Array([2])) // [1, 2]
 * ```
 */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += requireBytes(p, "concat: part").length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Byte equality. Not constant-time: use only on public data (hashes, keys).
 *
 * @example
 * ```ts
 * bytesEqual(a, b)
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  requireBytes(a, "bytesEqual: a");
  requireBytes(b, "bytesEqual: b");
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = "0123456789abcdef";

/**
 * Lower-case hex encoding.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([255])) // "ff"
 * ```
 */
export function toHex(b: Uint8Array): string {
  requireBytes(b, "toHex: bytes");
  let s = "";
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}

/**
 * Strict hex decoding (even length, [0-9a-fA-F] only).
 *
 * @example
 * ```ts
 * fromHex("ff") // Uint8Array [255]
 * ```
 */
export function fromHex(s: string, what = "hex"): Uint8Array {
  requireString(s, what);
  if (s.length % 2 !== 0) throw malformed(`${what}: odd length`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexVal(s.charCodeAt(2 * i));
    const lo = hexVal(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw malformed(`${what}: not hexadecimal`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/**
 * Standard base64 (RFC 4648 §4) with padding, as used by signed notes and
 * tlog-proof.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([1, 2, 3])) // "AQID"
 * ```
 */
export function toBase64(b: Uint8Array): string {
  requireBytes(b, "toBase64: bytes");
  let s = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i]! << 16;
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + "=";
  }
  return s;
}

/**
 * Strict, canonical base64 decoding: padding required, no whitespace, and the
 * unused bits of the last symbol must be zero, so one byte string has exactly
 * one accepted encoding.
 *
 * @example
 * ```ts
 * fromBase64("AQID") // Uint8Array [1, 2, 3]
 * ```
 */
export function fromBase64(s: string, what = "base64"): Uint8Array {
  requireString(s, what);
  if (s.length % 4 !== 0) throw malformed(`${what}: length is not a multiple of 4`);
  let pad = 0;
  if (s.endsWith("==")) pad = 2;
  else if (s.endsWith("=")) pad = 1;
  const outLen = (s.length / 4) * 3 - pad;
  const out = new Uint8Array(outLen);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const a = sextet(s, i, false);
    const b = sextet(s, i + 1, false);
    const c = sextet(s, i + 2, last && pad === 2);
    const d = sextet(s, i + 3, last && pad >= 1);
    if ((a | b | c | d) < 0) throw malformed(`${what}: invalid character`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (last && pad === 2 && (n & 0xffff) !== 0) throw malformed(`${what}: non-canonical padding bits`);
    if (last && pad === 1 && (n & 0xff) !== 0) throw malformed(`${what}: non-canonical padding bits`);
    out[o++] = (n >> 16) & 255;
    if (o < outLen) out[o++] = (n >> 8) & 255;
    if (o < outLen) out[o++] = n & 255;
  }
  return out;
}

// The 6-bit value of the base64 symbol at s[i]; "=" counts as 0 only where
// padding is allowed; -1 for anything else.
function sextet(s: string, i: number, padding: boolean): number {
  const c = s.charCodeAt(i);
  if (padding && c === 61 /* = */) return 0;
  return c < 128 ? B64_INDEX[c]! : -1;
}

/**
 * Big-endian unsigned integer of `width` bytes from a non-negative bigint.
 *
 * @example
 * ```ts
 * uintBE(258n, 2) // [1, 2]
 * ```
 */
export function uintBE(n: bigint, width: number): Uint8Array {
  if (typeof n !== "bigint") throw malformed(`uintBE: integer must be a bigint`);
  requireInteger(width, "uintBE: width", 0, 1 << 16);
  if (n < 0n || n >= 1n << BigInt(8 * width)) throw malformed(`integer ${n} does not fit in ${width} bytes`);
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(n & 255n);
    n >>= 8n;
  }
  return out;
}

/**
 * Read a big-endian unsigned integer.
 *
 * @example
 * ```ts
 * readUintBE(new Uint8Array([1, 2]), 0, 2) // 258n
 * ```
 */
export function readUintBE(b: Uint8Array, offset: number, width: number): bigint {
  requireBytes(b, "readUintBE: bytes");
  requireInteger(offset, "readUintBE: offset");
  requireInteger(width, "readUintBE: width", 0, 1 << 16);
  if (offset < 0 || offset + width > b.length) throw malformed("integer runs past the end of input");
  let n = 0n;
  for (let i = 0; i < width; i++) n = (n << 8n) | BigInt(b[offset + i]!);
  return n;
}
