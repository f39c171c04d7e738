/**
 * Numbers in paths and query strings. Every one is attacker-controlled
 * text: it is read by pattern (no Number() leniency for "0x10", " 5" or
 * "1e3"), then range-checked before it reaches a store, so that an index
 * at the edge of int64 (where index + 1 overflows the stores' BIGINT) is
 * a 4xx problem naming the parameter, never a 500.
 */
import { SealTrailError } from "@sealtrail/core";

/**
 * Largest record index or tree size a request may name: 2^53 - 1. The JSON
 * answers carry indices as numbers, and the stores hold int64, so every
 * index up to here, plus one, stays exact on both sides.
 */
export const MAX_INDEX = BigInt(Number.MAX_SAFE_INTEGER);

const UINT_PATTERN = /^(0|[1-9][0-9]*)$/;
// MAX_INDEX has 16 digits: a longer number is out of range before BigInt() reads it.
const MAX_DIGITS = 16;

function problem(code: "malformed" | "invalid", what: string, message: string): SealTrailError {
  return new SealTrailError(code, `${what}: ${message}`, { detail: { parameter: what } });
}

/** True when `v` is the decimal text of an index from 0 to {@link MAX_INDEX}. */
export function isIndexText(v: string): boolean {
  return UINT_PATTERN.test(v) && v.length <= MAX_DIGITS && BigInt(v) <= MAX_INDEX;
}

/**
 * A record index or tree size from a path or query parameter: decimal,
 * 0 to {@link MAX_INDEX}. Raises `malformed` for anything but digits and
 * `invalid` for a number out of range, both naming the parameter.
 */
export function parseIndex(v: unknown, what: string): bigint {
  if (typeof v !== "string" || !UINT_PATTERN.test(v)) throw problem("malformed", what, "must be a non-negative decimal integer");
  if (v.length > MAX_DIGITS || BigInt(v) > MAX_INDEX) throw problem("invalid", what, `at most ${MAX_INDEX}`);
  return BigInt(v);
}

/** An integer parameter from `min` to `max` (a page size...), by the rules of {@link parseIndex}. */
export function parseIntegerIn(v: unknown, what: string, min: number, max: number): number {
  const n = parseIndex(v, what);
  if (n < BigInt(min) || n > BigInt(max)) throw problem("invalid", what, `${min} to ${max}`);
  return Number(n);
}

// A decimal as JavaScript prints a number (String(0.5), String(1e-7)): no sign, hex or spaces.
const DECIMAL_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]+)?(e[+-]?[0-9]+)?$/;
const MAX_DECIMAL_LENGTH = 40;

/**
 * A positive decimal parameter (hours...) up to `max`. Raises `malformed`
 * for anything but a plain decimal and `invalid` for zero or above `max`.
 */
export function parsePositiveDecimal(v: unknown, what: string, max: number): number {
  if (typeof v !== "string" || v.length > MAX_DECIMAL_LENGTH || !DECIMAL_PATTERN.test(v)) throw problem("malformed", what, "must be a positive decimal number");
  const n = Number(v);
  if (!(n > 0) || n > max) throw problem("invalid", what, `greater than 0, at most ${max}`);
  return n;
}
