/**
 * Character-level rules shared by signed notes, keys, checkpoints and
 * tlog-proofs. Internal to core (not re-exported from the package).
 */
import { SealTrailError, malformed } from "../errors.js";

// Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note uses for
// isValidName: ASCII \t \n \v \f \r and space, U+0085, U+00A0 and the Unicode
// Z categories. Kept identical so that both implementations accept the same
// key names (C2SP signed-note, "Format": no Unicode spaces).
const UNICODE_SPACES: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

const PLUS = 0x2b;
const NEWLINE = 0x0a;

/**
 * True when `s` has no lone UTF-16 surrogate, so that it encodes to UTF-8
 * without replacement characters (String.prototype.isWellFormed is not in
 * the ES2022 lib).
 */
export function isWellFormedString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * C2SP signed-note "Format": key names MUST be non-empty and MUST NOT contain
 * Unicode spaces or "+". We also refuse ASCII control characters, which a
 * note may not contain anywhere.
 */
export function keyNameIsValid(name: string): boolean {
  if (typeof name !== "string" || name.length === 0 || !isWellFormedString(name)) return false;
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === PLUS || UNICODE_SPACES.has(c)) return false;
  }
  return true;
}

/**
 * C2SP signed-note "Format": notes MUST be valid UTF-8 and MUST NOT contain
 * ASCII control characters other than newline. Raises `malformed`.
 */
export function checkNoteCharacters(s: string, what: string): void {
  if (!isWellFormedString(s)) throw malformed(`${what}: not valid UTF-8 (lone surrogate)`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== NEWLINE) throw malformed(`${what}: control character U+${c.toString(16).padStart(4, "0")} at offset ${i}`);
  }
}

/** Largest uint64, the bound on tree sizes and indexes (C2SP tlog-checkpoint). */
export const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * Parse an ASCII decimal uint64 with no leading zeroes (unless it is "0"), as
 * tlog-checkpoint requires for the tree size and tlog-proof for the index.
 */
export function parseDecimalUint64(s: string, what: string): bigint {
  if (s.length === 0) throw malformed(`${what}: empty number`);
  // 2^64 - 1 has 20 digits: refuse longer strings before building a bigint.
  if (s.length > 20) throw malformed(`${what}: number too large`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) throw malformed(`${what}: not a decimal number`);
  }
  if (s.length > 1 && s.charCodeAt(0) === 0x30) throw malformed(`${what}: leading zero`);
  const n = BigInt(s);
  if (n > MAX_UINT64) throw malformed(`${what}: number does not fit in 64 bits`);
  return n;
}

/** Decimal text of a uint64, checking its range. */
export function formatDecimalUint64(n: bigint, what: string): string {
  if (typeof n !== "bigint" || n < 0n || n > MAX_UINT64) {
    throw new SealTrailError("invalid", `${what}: must be a bigint in [0, 2^64-1]`);
  }
  return n.toString(10);
}
