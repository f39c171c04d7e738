/**
 * Strict base64 (RFC 4648 §4) decoding straight into the verifier's buffers,
 * and hex comparison in place: the byte-level helpers on the path of every
 * bundled record (docs/adr/0007-evidence-bundles.md), so none of them
 * allocates per record.
 */

/** SHA-256 digest length: a leaf hash, a proof hash. */
export const HASH = 32;

const encoder = new TextEncoder() as unknown as { encodeInto(s: string, into: Uint8Array): { read: number; written: number } };
// TextEncoder.encodeInto (every browser, Node >= 12) writes without allocating.
/** Encode text as UTF-8 into `into`, in place. */
export const encodeInto = (s: string, into: Uint8Array) => encoder.encodeInto(s, into);

// Base64 (RFC 4648 §4) decoding into a caller's buffer at an offset, so that
// an entry lands right where its hashes need it, with no copy. Strict: the
// canonical encoding only (padding bits zero), as core's fromBase64. The
// full quartets run in a tight loop: this is on the path of every record.
const B64 = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) B64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
// Two characters at once: PAIR[(c0 << 7) | c1] is their 12 bits, or 0xffff
// when either is not in the alphabet (both must be ASCII to index it).
const PAIR = new Uint16Array(1 << 14).fill(0xffff);
for (let c0 = 0; c0 < 128; c0++) {
  for (let c1 = 0; c1 < 128; c1++) {
    if (B64[c0]! < 64 && B64[c1]! < 64) PAIR[(c0 << 7) | c1] = (B64[c0]! << 6) | B64[c1]!;
  }
}

/** The decoded length of canonical base64 text, or -1 when its length cannot be one. */
export function base64Length(s: string): number {
  if (s.length % 4 !== 0) return -1;
  const pad = s.length === 0 ? 0 : s.charCodeAt(s.length - 1) !== 61 ? 0 : s.charCodeAt(s.length - 2) === 61 ? 2 : 1;
  return (s.length / 4) * 3 - pad;
}

/** Decode canonical base64 into `out` at `offset`; false when it is not canonical or does not fit. */
export function decodeBase64Into(s: string, out: Uint8Array, offset: number): boolean {
  const n = base64Length(s);
  if (n < 0 || offset + n > out.length) return false;
  if (n === 0) return true;
  const quads = s.length / 4 - 1;
  let o = offset;
  let bad = 0;
  for (let q = 0, i = 0; q < quads; q++, i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    // A character above U+007F sets a bit of 0xff80 and fails the whole string.
    bad |= c0 | c1 | c2 | c3;
    const hi = PAIR[((c0 << 7) | c1) & 0x3fff]!;
    const lo = PAIR[((c2 << 7) | c3) & 0x3fff]!;
    bad |= (hi | lo) & 0xf000;
    const v = (hi << 12) | lo;
    out[o] = v >> 16;
    out[o + 1] = (v >> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  if ((bad & 0xff80) !== 0) return false;
  // The last quartet, with its padding.
  const i = s.length - 4;
  const rest = offset + n - o;
  const a = s.charCodeAt(i) < 256 ? B64[s.charCodeAt(i)]! : 255;
  const b = s.charCodeAt(i + 1) < 256 ? B64[s.charCodeAt(i + 1)]! : 255;
  const c = rest === 1 ? 0 : s.charCodeAt(i + 2) < 256 ? B64[s.charCodeAt(i + 2)]! : 255;
  const d = rest < 3 ? 0 : s.charCodeAt(i + 3) < 256 ? B64[s.charCodeAt(i + 3)]! : 255;
  if ((a | b | c | d) > 63) return false;
  const v = (a << 18) | (b << 12) | (c << 6) | d;
  out[o] = v >> 16;
  if (rest === 1) return (v & 0xffff) === 0;
  out[o + 1] = (v >> 8) & 255;
  if (rest === 2) return (v & 0xff) === 0;
  out[o + 2] = v & 255;
  return true;
}

// The platform's atob (every browser; Node >= 16) decodes natively, several
// times faster than any JavaScript loop; it is forgiving (whitespace, missing
// padding, padding bits), so decodeEntry checks what it lets through.
const nativeAtob = (globalThis as unknown as { atob?: (s: string) => string }).atob;
const ASCII = /^[\x00-\x7f]*$/;

// Decode an entry's base64 (n bytes, from base64Length) into `out`, strictly.
// Returns the entry's text when it is ASCII (then it is its own UTF-8), ""
// when it is not (the caller decodes the bytes), null when the base64 is not
// the canonical encoding.
export function decodeEntry(s: string, n: number, out: Uint8Array): string | null {
  if (nativeAtob === undefined) return decodeBase64Into(s, out, 0) ? "" : null;
  let bin: string;
  try {
    bin = nativeAtob(s);
  } catch {
    return null;
  }
  // Whitespace would shorten the result; padding bits must be zero (RFC 4648 §3.5).
  if (bin.length !== n || !paddingBitsZero(s)) return null;
  if (ASCII.test(bin)) {
    encodeInto(bin, out);
    return bin;
  }
  for (let i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
  return "";
}

function paddingBitsZero(s: string): boolean {
  const len = s.length;
  if (len < 4 || s.charCodeAt(len - 1) !== 61) return true;
  if (s.charCodeAt(len - 2) === 61) return (B64[s.charCodeAt(len - 3) & 255]! & 15) === 0;
  return (B64[s.charCodeAt(len - 2) & 255]! & 3) === 0;
}

// Lower-case hex text of 32 bytes equal to the 32 bytes of `all` at
// `offset`, without building a string or a view.
export function hexEqualsAt(hex: string, all: Uint8Array, offset: number): boolean {
  if (hex.length !== 64 || offset + HASH > all.length) return false;
  for (let i = 0; i < 32; i++) {
    const hi = hex.charCodeAt(2 * i);
    const lo = hex.charCodeAt(2 * i + 1);
    const h = hi >= 97 ? hi - 87 : hi - 48;
    const l = lo >= 97 ? lo - 87 : lo - 48;
    if (((h << 4) | l) !== all[offset + i]) return false;
  }
  return true;
}
