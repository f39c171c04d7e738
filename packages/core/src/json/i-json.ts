/**
 * I-JSON (RFC 7493): the subset of JSON that RFC 8785 canonicalisation
 * presumes, enforced on everything that becomes a signed record. A record
 * is signed exactly as it was sent, or refused with an error naming the
 * field (as a JSON Pointer, RFC 6901) and the rule it breaks:
 *
 * - the text is UTF-8, with no byte-order mark (RFC 7493 §2.1, RFC 8259 §8.1);
 * - no string holds a lone surrogate, escaped or not (RFC 7493 §2.1);
 * - every number's decimal text survives a round trip through an IEEE 754
 *   double (RFC 7493 §2.2): 9007199254740993 or 1.0000000000000000000000001
 *   would be signed as another number, so they are refused (send them as
 *   strings);
 * - no object has two members of the same name (RFC 7493 §2.3).
 *
 * JSON.parse checks the grammar; one extra pass over the text then reads
 * only the tokens that JSON.parse loses: member names and number literals.
 */
import { optionalObject } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { MAX_JSON_DEPTH, type JsonValue } from "./canonicalize.js";

/** The rules of I-JSON, as named in errors (`detail.rule`). */
export type IJsonRule = "utf8" | "bom" | "surrogate" | "number" | "duplicate" | "value";

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function broken(rule: IJsonRule, what: string, pointer: string, message: string): SealTrailError {
  const field = pointer === "" ? what : `${what} at ${pointer}`;
  return new SealTrailError(rule === "utf8" || rule === "bom" ? "malformed" : "invalid", `${field}: ${message}`, {
    detail: { pointer, rule: `I-JSON (RFC 7493): ${rule}` },
  });
}

/**
 * Parse JSON that will be signed: I-JSON only (see the module comment). A
 * `malformed` error for bad syntax, invalid UTF-8 or a byte-order mark; an
 * `invalid` error naming the field (`detail.pointer`, a JSON Pointer) for a
 * duplicate member name, a number a double cannot hold exactly, a lone
 * surrogate, or nesting deeper than {@link MAX_JSON_DEPTH}.
 *
 * @example
 * ```ts
 * parseIJson('{"amount":1.5}')            // { amount: 1.5 }
 * parseIJson('{"n":9007199254740993}')    // throws: n: the number ... send it as a string
 * parseIJson('{"a":1,"a":2}')             // throws: a: duplicate member name
 * ```
 */
export function parseIJson(input: string | Uint8Array, what = "JSON", opts: IJsonOptions = {}): JsonValue {
  optionalObject(opts, `${what}: options`);
  let text: string;
  if (typeof input === "string") text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = fatalDecoder.decode(input);
    } catch (e) {
      throw new SealTrailError("malformed", `${what}: not valid UTF-8 (I-JSON, RFC 7493 §2.1)`, {
        cause: e,
        detail: { pointer: "", rule: "I-JSON (RFC 7493): utf8" },
      });
    }
  } else throw malformed(`${what}: expected JSON text or bytes`);
  if (text.charCodeAt(0) === 0xfeff) throw broken("bom", what, "", "starts with a byte-order mark, which JSON text must not (RFC 8259 §8.1)");
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw malformed(`${what}: ${(e as Error).message}`, e);
  }
  scanTokens(text, what, opts.refuseNames);
  return value;
}

/** Options of {@link parseIJson}. */
export interface IJsonOptions {
  /**
   * Member names refused anywhere in the document (valid I-JSON, but unsafe
   * for the caller: a server refuses `__proto__`, as Fastify's own parser does).
   */
  readonly refuseNames?: readonly string[];
}

interface Frame {
  readonly names: Set<string> | null; // null for an array
  readonly pointer: string;
  index: number;
  name: string;
}

// JSON Pointer escaping (RFC 6901 §3).
function pointerOf(parent: string, token: string): string {
  return `${parent}/${token.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

function childPointer(f: Frame | undefined): string {
  if (f === undefined) return "";
  return f.names === null ? `${f.pointer}/${f.index}` : pointerOf(f.pointer, f.name);
}

// One pass over text that JSON.parse has already accepted, so the grammar
// is known to be right and only names, strings and numbers need reading.
function scanTokens(text: string, what: string, refuseNames: readonly string[] = []): void {
  const stack: Frame[] = [];
  let expectName = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      const top = stack[stack.length - 1];
      if (expectName && top !== undefined && top.names !== null) {
        const name = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (top.names.has(name)) throw broken("duplicate", what, pointerOf(top.pointer, name), "duplicate member name (I-JSON, RFC 7493 §2.3)");
        if (refuseNames.includes(name)) throw broken("value", what, pointerOf(top.pointer, name), `the member name "${name}" is not accepted`);
        top.names.add(name);
        top.name = name;
        checkSurrogates(name, raw, what, pointerOf(top.pointer, name));
        expectName = false;
      } else {
        checkSurrogates(raw.includes("\\u") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw, raw, what, childPointer(top));
      }
      i = end + 1;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      checkNumber(text.slice(i, j), what, stack);
      i = j;
      continue;
    }
    switch (c) {
      case 0x7b /* { */:
      case 0x5b /* [ */: {
        if (stack.length > MAX_JSON_DEPTH) {
          throw new SealTrailError("invalid", `${what}: nested deeper than ${MAX_JSON_DEPTH}`, { detail: { pointer: childPointer(stack[stack.length - 1]) } });
        }
        const pointer = childPointer(stack[stack.length - 1]);
        stack.push({ names: c === 0x7b ? new Set() : null, pointer, index: 0, name: "" });
        expectName = c === 0x7b;
        break;
      }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        expectName = false;
        break;
      case 0x2c /* , */: {
        const top = stack[stack.length - 1]!;
        if (top.names === null) top.index++;
        else expectName = true;
        break;
      }
    }
    i++;
  }
}

// Index of the closing quote of the string opening at `start`.
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  for (;;) {
    // A quote preceded by an odd number of backslashes is escaped.
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k--;
    if ((j - 1 - k) % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkSurrogates(decoded: string, raw: string, what: string, pointer: string): void {
  // Escapes (\ud800) are the only way a lone surrogate reaches text that
  // came from valid UTF-8; a string given as text may hold one directly.
  if ((raw.includes("\\u") || ANY_SURROGATE.test(raw)) && ANY_SURROGATE.test(decoded) && LONE_SURROGATE.test(decoded)) {
    throw broken("surrogate", what, pointer, "a string holds a lone surrogate, which is not Unicode text (I-JSON, RFC 7493 §2.1)");
  }
}

function checkNumber(literal: string, what: string, stack: Frame[]): void {
  if (survivesDouble(literal)) return;
  throw broken(
    "number",
    what,
    childPointer(stack[stack.length - 1]),
    `the number ${literal.length > 40 ? literal.slice(0, 40) + "..." : literal} does not survive a round trip through an IEEE 754 double (I-JSON, RFC 7493 §2.2): it would be signed as ${String(Number(literal))}; send it as a string`,
  );
}

/**
 * True when the decimal value of a JSON number literal is exactly the value
 * of the double nearest to it, written back as ECMAScript (and RFC 8785)
 * write it: "1.0" and "1e2" do, "9007199254740993", "1e400" and "1e-400"
 * do not.
 *
 * @example
 * ```ts
 * survivesDouble("0.1")               // true
 * survivesDouble("9007199254740993")  // false
 * ```
 */
export function survivesDouble(literal: string): boolean {
  if (typeof literal !== "string") return false; // not a literal at all
  // At most 15 significant digits always survive (DBL_DIG); a plain
  // integer or decimal of 15 characters or fewer has no more than that,
  // and cannot overflow or underflow.
  if (literal.length <= 15 && !/[eE]/.test(literal)) return true;
  const d = Number(literal);
  if (!Number.isFinite(d)) return false;
  const a = decimalOf(literal);
  const b = decimalOf(String(d));
  return a.digits === b.digits && a.exponent === b.exponent && (a.digits === "" || a.negative === b.negative);
}

// A decimal as (sign, significant digits without leading or trailing zeros,
// exponent of the last digit): equal values give equal triples.
function decimalOf(s: string): { negative: boolean; digits: string; exponent: number } {
  const negative = s.startsWith("-");
  const body = negative ? s.slice(1) : s;
  const e = body.search(/[eE]/);
  const mantissa = e < 0 ? body : body.slice(0, e);
  let exponent = e < 0 ? 0 : Number(body.slice(e + 1));
  const dot = mantissa.indexOf(".");
  let digits = mantissa;
  if (dot >= 0) {
    digits = mantissa.slice(0, dot) + mantissa.slice(dot + 1);
    exponent -= mantissa.length - dot - 1;
  }
  digits = digits.replace(/^0+/, "");
  const trimmed = digits.replace(/0+$/, "");
  exponent += digits.length - trimmed.length;
  return { negative, digits: trimmed, exponent: trimmed === "" ? 0 : exponent };
}

/**
 * Check a JavaScript value that is about to be canonicalised and signed
 * (a payload built in code, not parsed): only what JSON can hold exactly.
 * `undefined` members or elements (which JSON.stringify would drop or turn
 * into null), non-finite numbers, bigints, lone surrogates, non-plain
 * objects and nesting deeper than {@link MAX_JSON_DEPTH} are refused with an
 * `invalid` error naming the field, instead of being silently changed.
 *
 * @example
 * ```ts
 * checkIJsonValue({ a: 1 }, "payload");          // ok
 * checkIJsonValue({ a: undefined }, "payload");  // throws: payload/a: undefined ...
 * ```
 */
export function checkIJsonValue(value: unknown, what = "JSON"): asserts value is JsonValue {
  checkValue(value, what, "", 0);
}

function checkValue(v: unknown, what: string, pointer: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw new SealTrailError("invalid", `${what}: nested deeper than ${MAX_JSON_DEPTH}`, { detail: { pointer } });
  if (v === null || typeof v === "boolean") return;
  switch (typeof v) {
    case "number":
      if (!Number.isFinite(v)) throw broken("number", what, pointer, `${String(v)} is not a JSON number (I-JSON, RFC 7493 §2.2)`);
      return;
    case "string":
      if (ANY_SURROGATE.test(v) && LONE_SURROGATE.test(v)) throw broken("surrogate", what, pointer, "a string holds a lone surrogate (I-JSON, RFC 7493 §2.1)");
      return;
    case "bigint":
      throw broken("number", what, pointer, "a bigint is not a JSON number (I-JSON, RFC 7493 §2.2): send it as a string");
    case "object": {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (!(i in v) || v[i] === undefined) throw broken("value", what, `${pointer}/${i}`, "undefined is not a JSON value");
          checkValue(v[i], what, `${pointer}/${i}`, depth + 1);
        }
        return;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw broken("value", what, pointer, "only plain objects are JSON objects");
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const p = pointerOf(pointer, k);
        if (ANY_SURROGATE.test(k) && LONE_SURROGATE.test(k)) throw broken("surrogate", what, p, "a member name holds a lone surrogate (I-JSON, RFC 7493 §2.1)");
        if (x === undefined) throw broken("value", what, p, "undefined is not a JSON value");
        checkValue(x, what, p, depth + 1);
      }
      return;
    }
    default:
      throw broken("value", what, pointer, `a ${typeof v} is not a JSON value`);
  }
}
