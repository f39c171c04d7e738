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
  const out: string[] = [];
  write(value, out, 0);
  return out.join("");
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

function write(v: unknown, out: string[], depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw new SealTrailError("invalid", `JSON nested deeper than ${MAX_JSON_DEPTH}`);
  if (v === null) {
    out.push("null");
    return;
  }
  switch (typeof v) {
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(v)) throw new SealTrailError("invalid", "JSON cannot hold a non-finite number");
      out.push(JSON.stringify(v));
      return;
    case "string":
      out.push(quote(v));
      return;
    case "object": {
      if (Array.isArray(v)) {
        out.push("[");
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out.push(",");
          write(v[i] === undefined ? null : v[i], out, depth + 1);
        }
        out.push("]");
        return;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new SealTrailError("invalid", "only plain objects can be canonicalised");
      }
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push("{");
      keys.forEach((k, i) => {
        if (i > 0) out.push(",");
        out.push(quote(k), ":");
        write(obj[k], out, depth + 1);
      });
      out.push("}");
      return;
    }
    default:
      throw new SealTrailError("invalid", `JSON cannot hold a ${typeof v}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function quote(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new SealTrailError("invalid", "JSON string holds a lone surrogate");
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
