/**
 * The names a record is made of, and their checks: record types (`sms.risk`),
 * vault and organisation names, key ids, hashes, write patterns (`custody.*`)
 * and the envelope's time (docs/formats.md §2).
 */
import { fromHex } from "../bytes.js";
import { requireString } from "../args.js";
import { malformed } from "../errors.js";

export const TYPE_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;
export const HASH_HEX_PATTERN = /^[0-9a-f]{64}$/;
export const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
export const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const TYPE_PATTERN_PATTERN = /^(\*|[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(\.\*)?)$/;

/**
 * True when record type `type` matches a write pattern: the type itself, a
 * prefix ending in `.*`, or `*`.
 *
 * @example
 * ```ts
 * typeMatches("custody.*", "custody.handoff") // true
 * ```
 */
export function typeMatches(pattern: string, type: string): boolean {
  if (typeof pattern !== "string" || typeof type !== "string") return false; // nothing matches what is not text
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * True for a valid write pattern (`sms.risk`, `custody.*`, `*`).
 *
 * @example
 * ```ts
 * isTypePattern("custody.*") // true
 * ```
 */
export function isTypePattern(p: string): boolean {
  // RegExp.test would read null as the text "null".
  return typeof p === "string" && TYPE_PATTERN_PATTERN.test(p);
}

/**
 * Parse a hex leaf hash or commitment (64 hex digits).
 *
 * @example
 * ```ts
 * parseHashHex("ab".repeat(32))
 * ```
 */
export function parseHashHex(s: string, what = "hash"): Uint8Array {
  requireString(s, what);
  if (!HASH_HEX_PATTERN.test(s)) throw malformed(`${what}: must be 64 lower-case hex digits`);
  return fromHex(s, what);
}

/**
 * True for a valid dotted record type name (`sms.risk`, `custody.handoff`).
 *
 * @example
 * ```ts
 * isRecordType("sms.risk") // true
 * ```
 */
export function isRecordType(s: string): boolean {
  return typeof s === "string" && TYPE_PATTERN.test(s);
}

/**
 * True for a valid vault or organisation name.
 *
 * @example
 * ```ts
 * isName("default") // true
 * ```
 */
export function isName(s: string): boolean {
  // RegExp.test would read null as the text "null", a valid name.
  return typeof s === "string" && NAME_PATTERN.test(s);
}
