/**
 * Argument guards for core's public functions. Core is called from
 * JavaScript too, and with values parsed from hostile JSON: a value of the
 * wrong type must be answered with our coded error naming the argument
 * (`malformed`: it is not the format the function reads), never a raw
 * TypeError from deep inside. Each public entry point guards the arguments
 * it takes from outside, at its top, with these. Internal: not re-exported
 * from the package.
 */
import { SealTrailError } from "./errors.js";

/**
 * How a value reads in an error message: its kind, never its content (which
 * may be large or secret).
 *
 * @example
 * ```ts
 * kindOf(null) // "null"
 * kindOf([]) // "an array"
 * ```
 */
export function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "bytes";
  switch (typeof v) {
    case "undefined":
      return "undefined";
    case "object":
      return "an object";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "bigint":
      return "a bigint";
    case "boolean":
      return "a boolean";
    case "function":
      return "a function";
    default:
      return `a ${typeof v}`;
  }
}

function wrongType(name: string, expected: string, v: unknown): SealTrailError {
  return new SealTrailError("malformed", `${name}: must be ${expected}, not ${kindOf(v)}`);
}

/**
 * `v` as a string, or `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireString(text, "checkpoint body");
 * ```
 */
export function requireString(v: unknown, name: string): string {
  if (typeof v !== "string") throw wrongType(name, "a string", v);
  return v;
}

/**
 * `v` as bytes (a Uint8Array, Node's Buffer included), or `malformed`
 * naming `name`.
 *
 * @example
 * ```ts
 * requireBytes(entry, "entry");
 * ```
 */
export function requireBytes(v: unknown, name: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw wrongType(name, "a Uint8Array", v);
  return v;
}

/**
 * `v` as text or its UTF-8 bytes, the two forms the parsers read, or
 * `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireText(note, "signed note");
 * ```
 */
export function requireText(v: unknown, name: string): string | Uint8Array {
  if (typeof v !== "string" && !(v instanceof Uint8Array)) throw wrongType(name, "a string or a Uint8Array", v);
  return v;
}

/**
 * `v` as a non-array object, or `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireObject(input, "record input");
 * ```
 */
export function requireObject(v: unknown, name: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw wrongType(name, "an object", v);
  return v as Record<string, unknown>;
}

/**
 * An optional options object: undefined, or a non-array object; else
 * `malformed` naming `name`.
 *
 * @example
 * ```ts
 * const o = optionalObject(opts, "options") ?? {};
 * ```
 */
export function optionalObject(v: unknown, name: string): Record<string, unknown> | undefined {
  return v === undefined ? undefined : requireObject(v, name);
}

/**
 * `v` as an array, or `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireArray(proof, "proof");
 * ```
 */
export function requireArray(v: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(v)) throw wrongType(name, "an array", v);
  return v;
}

/**
 * `v` as a function (a callback, a plug-in), or `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireFunction(read, "read");
 * ```
 */
export function requireFunction(v: unknown, name: string): (...args: never[]) => unknown {
  if (typeof v !== "function") throw wrongType(name, "a function", v);
  return v as (...args: never[]) => unknown;
}

/**
 * `v` as an integer number in [min, max], or `malformed` naming `name`.
 *
 * @example
 * ```ts
 * requireInteger(n, "byte count", 0, 65536);
 * ```
 */
export function requireInteger(v: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw wrongType(name, "an integer", v);
  if (v < min || v > max) throw new SealTrailError("malformed", `${name}: must be an integer in [${min}, ${max}], not ${v}`);
  return v;
}

/**
 * `v` as an iterable collection (an array, a Set, a generator), or
 * `malformed` naming `name`. A string is iterable too, but never the
 * collection a caller meant: refused.
 *
 * @example
 * ```ts
 * requireIterable(operators, "operators");
 * ```
 */
export function requireIterable<T>(v: Iterable<T>, name: string): Iterable<T> {
  const it = v as unknown;
  if (it === null || typeof it !== "object" || typeof (it as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw wrongType(name, "an iterable collection (an array, a Set)", it);
  }
  return v;
}
