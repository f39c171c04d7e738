/**
 * Values in the CBV 2.0 pre-hash string (CBV 2.0 §8.9): the code-point order
 * its parts are sorted in, and the canonical text of one value (trimmed, CBV
 * URNs as web URIs, numbers without trailing zeros, EPC URIs as canonical
 * GS1 Digital Link URIs).
 */
import { kindOf, requireString } from "../args.js";
import { SealTrailError } from "../errors.js";
import { normaliseGs1Identifier } from "./digital-link.js";

// CBV 2.0 §8.9: standard vocabulary written as an old URN becomes its web URI.
const CBV_URN_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"],
  ["urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"],
  ["urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"],
  ["urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"],
  ["urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"],
];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function fail(path: string, why: string): SealTrailError {
  return new SealTrailError("malformed", `EPCIS event ${path}: ${why}`, { detail: { field: path } });
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Compare two strings by Unicode code point, which is the order of their
 * UTF-8 bytes (CBV 2.0 §8.9 sorts by "UTF-8/ASCII code values"); JavaScript's
 * `<` compares UTF-16 code units, which differs above U+FFFF.
 *
 * @example
 * ```ts
 * ["b", "a", "\u{1F600}", "\uFFFD"].sort(compareCodePoints) // ["a", "b", "\uFFFD", "\u{1F600}"]
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  requireString(a, "compareCodePoints: a");
  requireString(b, "compareCodePoints: b");
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above all of the BMP.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

export const sortJoin = (parts: string[]): string => parts.sort(compareCodePoints).join("");

// The Python float syntax the reference tests values with (its float()):
// optional sign, digits with single underscores between them, optional
// fraction and exponent.
const DIGITS = "[0-9](?:_?[0-9])*";
const FLOAT_TEXT = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/**
 * Write a number the way the CBV 2.0 hash writes quantitative values: no
 * trailing zeros (`1.0` is `1`), whole numbers in full digits, other numbers
 * in the shortest form that reads back to the same double, with the
 * exponent notation of the reference implementation (Python's `repr`:
 * `1e-05`, used below 1e-4).
 *
 * @example
 * ```ts
 * formatHashNumber(26)       // "26"
 * formatHashNumber(0.000012) // "1.2e-05"
 * formatHashNumber(1e21)     // "1000000000000000000000"
 * ```
 */
export function formatHashNumber(x: number): string {
  if (typeof x !== "number") throw new SealTrailError("malformed", `formatHashNumber: number must be a number, not ${kindOf(x)}`);
  if (!Number.isFinite(x)) throw new SealTrailError("invalid", `number ${x} has no pre-hash form`);
  if (Number.isInteger(x)) return BigInt(x).toString();
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const e = Number(exponent);
  if (e < -4) return `${mantissa}e-${String(-e).padStart(2, "0")}`;
  return String(x);
}

// CBV 2.0 §8.9 rule: trailing zeros go, so a numeric text is rewritten in its
// canonical number form ("1.50" -> "1.5", "007" -> "7"). Texts that are not
// numbers, and NaN or infinities, stay as they are.
function canonicalNumberText(text: string): string {
  if (!FLOAT_TEXT.test(text)) return text;
  const x = Number(text.replace(/_/g, ""));
  return Number.isFinite(x) ? formatHashNumber(x) : text;
}

/**
 * The canonical form of one value in the pre-hash string (CBV 2.0 §8.9):
 * trimmed, CBV URNs as web URIs, numbers without trailing zeros, EPC URIs and
 * GS1 Digital Link URIs as constrained canonical Digital Link URIs.
 */
export function canonicalValue(text: string, path: string): string {
  let v = text.trim();
  for (const [urn, web] of CBV_URN_PREFIXES) {
    if (v.startsWith(urn)) {
      v = web + v.slice(urn.length);
      break;
    }
  }
  v = canonicalNumberText(v);
  try {
    return normaliseGs1Identifier(v) ?? v;
  } catch (e) {
    // Name the field: the Digital Link module only knows the URI.
    throw new SealTrailError("malformed", `EPCIS event ${path}: ${(e as Error).message}`, { cause: e, detail: { field: path, value: v } });
  }
}
