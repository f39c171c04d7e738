/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - Object members sorted by their names as arrays of UTF-16 code units
 *   (RFC 8785 §3.2.3): JavaScript's default string comparison is exactly that.
 * - Numbers serialised as ECMAScript Number.prototype.toString does
 *   (RFC 8785 §3.2.2.3), which JSON.stringify implements; non-finite numbers
 *   are refused.
 * - Strings escaped as in RFC 8785 §3.2.2.2, again what JSON.stringify does
 *   (ES2019 well-formed JSON.stringify escapes lone surrogates, which JCS
 *   forbids: we refuse them instead).
 */
import { requireText } from "../args.js";
import { SealTrailError } from "../errors.js";
import { utf8 } from "../bytes.js";

/** A JSON value as parsed by JSON.parse. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Maximum nesting depth accepted, so hostile input cannot blow the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Canonical JSON text of a value (RFC 8785).
 *
 * @example
 * ```ts
 * canonicalize({ b: 1, a: [true, "x"] }) // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new SealTrailError("invalid", "canonicalize: value must be a JSON value, not undefined");
  return write(value, 0);
}

/**
 * Canonical JSON as UTF-8 bytes.
 *
 * @example
 * ```ts
 * canonicalBytes({ a: 1 }) // utf8('{"a":1}')
 * ```
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

// Built by string concatenation: V8 joins the pieces as ropes, which is
// faster here than collecting an array of parts (records are written and
// checked on every append, so this is on the hot path).
function write(v: unknown, depth: number): string {
  if (depth > MAX_JSON_DEPTH) throw new SealTrailError("invalid", `JSON nested deeper than ${MAX_JSON_DEPTH}`);
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw new SealTrailError("invalid", "JSON cannot hold a non-finite number");
      return JSON.stringify(v);
    case "string":
      return quote(v);
    case "object": {
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) s += ",";
          s += write(v[i] === undefined ? null : v[i], depth + 1);
        }
        return s + "]";
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new SealTrailError("invalid", "only plain objects can be canonicalised");
      }
      const obj = v as Record<string, unknown>;
      // RFC 8785 §3.2.3: names sorted as UTF-16 code unit arrays, which is
      // what the default sort compares.
      const keys = Object.keys(obj).sort();
      let s = "{";
      let first = true;
      for (const k of keys) {
        const x = obj[k];
        if (x === undefined) continue;
        if (!first) s += ",";
        first = false;
        s += quote(k) + ":" + write(x, depth + 1);
      }
      return s + "}";
    }
    default:
      throw new SealTrailError("invalid", `JSON cannot hold a ${typeof v}`);
  }
}

// Any surrogate at all is rare in records: the cheap test runs first and
// the exact one (with look-around) only when it matches.
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function quote(s: string): string {
  if (ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new SealTrailError("invalid", "JSON string holds a lone surrogate");
  return JSON.stringify(s);
}

/**
 * Parse JSON from UTF-8 bytes or text, as hostile input: a `malformed` error
 * (never a SyntaxError) on bad syntax or invalid UTF-8, and an `invalid` error
 * when nesting is deeper than {@link MAX_JSON_DEPTH}.
 *
 * @example
 * ```ts
 * parseJson('{"a":1}') // { a: 1 }
 * ```
 */
export function parseJson(input: string | Uint8Array, what = "JSON"): JsonValue {
  requireText(input, what);
  let text: string;
  if (typeof input === "string") text = input;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch (e) {
      throw new SealTrailError("malformed", `${what}: not valid UTF-8`, { cause: e });
    }
  }
  let v: JsonValue;
  try {
    v = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new SealTrailError("malformed", `${what}: ${(e as Error).message}`, { cause: e });
  }
  checkDepth(v, 0, what);
  return v;
}

function checkDepth(v: JsonValue, depth: number, what: string): void {
  if (depth > MAX_JSON_DEPTH) throw new SealTrailError("invalid", `${what}: nested deeper than ${MAX_JSON_DEPTH}`);
  if (v !== null && typeof v === "object") {
    for (const x of Array.isArray(v) ? v : Object.values(v)) checkDepth(x, depth + 1, what);
  }
}
