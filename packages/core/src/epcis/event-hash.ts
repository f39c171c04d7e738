/**
 * The CBV 2.0 EPCIS event hash ID (GS1 Core Business Vocabulary 2.0 §8.9
 * "Event hash"): a pre-hash string built from an event's content in a fixed
 * canonical order, hashed with SHA-256 and written as an RFC 6920 `ni` URI,
 * `ni:///sha-256;<hex>?ver=CBV2.0`.
 *
 * The pre-hash string reproduces the GS1 reference implementation
 * (github.com/RalphTro/epcis-event-hash-generator) exactly on its published
 * vectors; where that implementation's output differs from its README, the
 * output wins (see docs/epcis-event-hash.md for each such point).
 */
import { kindOf, optionalObject, requireString } from "../args.js";
import { SealTrailError } from "../errors.js";
import { sha256 } from "../crypto.js";
import { toHex, utf8 } from "../bytes.js";
import { normaliseGs1Identifier } from "./digital-link.js";
import { normaliseTimestamp } from "./timestamp.js";

/**
 * The five EPCIS 2.0 event types (EPCIS 2.0 §7.4).
 *
 * @example
 * ```ts
 * EPCIS_EVENT_TYPES.includes(event.type) // false for anything else
 * ```
 */
export const EPCIS_EVENT_TYPES: readonly string[] = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
];

/**
 * The CBV version that the `ver` parameter of the hash ID names (CBV 2.0 §8.9).
 *
 * @example
 * ```ts
 * id.endsWith(`?ver=${EVENT_HASH_VERSION}`) // true for every eventHashId result
 * ```
 */
export const EVENT_HASH_VERSION = "CBV2.0";

/**
 * What the hash needs from the document around an event. Treat it as
 * immutable once used: its namespaces are worked out once per object.
 *
 * @example
 * ```ts
 * const ctx: EventHashContext = { context: doc["@context"] };
 * doc.epcisBody.eventList.map((e) => eventHashId(e, ctx));
 * ```
 */
export interface EventHashContext {
  /**
   * The JSON-LD `@context` of the enclosing EPCIS document: its prefix
   * declarations name the namespaces of user extension fields. An `@context`
   * inside the event itself is read as well.
   */
  readonly context?: unknown;
  /**
   * Extension fields to leave out of the pre-hash string, as written
   * (`example:captureID`) or expanded (`{https://ns.example.com/epcis/}captureID`).
   * The reference implementation reads these from a document-level
   * `ignoreFields` member; {@link epcisDocumentEventHashIds} does the same.
   */
  readonly ignoreFields?: readonly string[];
}

// Namespaces that the standard EPCIS 2.0 context declares (EPCIS 2.0 §9,
// https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld); a
// document's own @context overrides or adds to them.
const DEFAULT_NAMESPACES: ReadonlyArray<readonly [string, string]> = [
  ["epcis", "https://ref.gs1.org/epcis/"],
  ["cbv", "https://ref.gs1.org/cbv/"],
  ["cbvmda", "urn:epcglobal:cbv:mda:"],
  ["gs1", "https://gs1.org/voc/"],
  ["xsd", "http://www.w3.org/2001/XMLSchema#"],
  ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
  ["owl", "http://www.w3.org/2002/07/owl#"],
  ["dcterms", "http://purl.org/dc/terms/"],
];

// CBV 2.0 §8.9: standard vocabulary written as an old URN becomes its web URI.
const CBV_URN_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"],
  ["urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"],
  ["urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"],
  ["urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"],
  ["urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"],
];

// Event members that never enter the pre-hash string (CBV 2.0 §8.9: the ID
// and the capture time are not content; an error declaration is added to an
// event later and must not change its hash). JSON-LD comments are not content
// either.
const EXCLUDED_MEMBERS = new Set(["type", "eventID", "recordTime", "errorDeclaration", "@context", "rdfs:comment", "comment"]);
const IGNORED_EVERYWHERE = new Set(["@context", "rdfs:comment", "comment", "#text"]);
// Deepest nesting of extension content the pre-hash string follows.
const MAX_DEPTH = 64;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function fail(path: string, why: string): SealTrailError {
  return new SealTrailError("malformed", `EPCIS event ${path}: ${why}`, { detail: { field: path } });
}

function isObject(v: unknown): v is JsonObject {
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

const sortJoin = (parts: string[]): string => parts.sort(compareCodePoints).join("");

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
function canonicalValue(text: string, path: string): string {
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

class Namespaces {
  private readonly map: Map<string, string>;

  constructor(from?: Namespaces) {
    this.map = new Map(from === undefined ? DEFAULT_NAMESPACES : from.map);
  }

  // JSON-LD 1.1 §4.1: a context is an IRI, an object of term definitions, or
  // an array of both. Only prefix definitions (a term without ':' mapped to an
  // IRI) matter here; remote contexts are not fetched.
  add(context: unknown): void {
    if (Array.isArray(context)) {
      for (const c of context) this.add(c);
      return;
    }
    if (!isObject(context)) return;
    for (const [term, def] of Object.entries(context)) {
      if (term.startsWith("@") || term.includes(":")) continue;
      const iri = typeof def === "string" ? def : isObject(def) && typeof def["@id"] === "string" ? def["@id"] : undefined;
      if (iri !== undefined && !iri.startsWith("@")) this.map.set(term, iri);
    }
  }

  // Names of user extension members: `{namespace}localName` (CBV 2.0 §8.9).
  key(name: string, path: string): string {
    const colon = name.indexOf(":");
    if (colon < 0) return name;
    const prefix = name.slice(0, colon);
    const ns = this.map.get(prefix);
    if (ns !== undefined) return `{${ns}}${name.slice(colon + 1)}`;
    // An absolute IRI used as a member name is already expanded.
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(prefix) && (name.startsWith(prefix + "://") || prefix === "urn")) return name;
    throw new SealTrailError("invalid", `EPCIS event ${path}: the prefix "${prefix}" of "${name}" is not declared in @context`, {
      detail: { field: path, prefix },
    });
  }

  // Compact IRIs in values are expanded only for GS1's own namespaces (the
  // reference leaves other prefixes in values untouched).
  value(text: string): string {
    const colon = text.indexOf(":");
    if (colon <= 0) return text;
    const ns = this.map.get(text.slice(0, colon));
    if (ns !== undefined && (ns.startsWith("https://gs1.org/") || ns.startsWith("https://ref.gs1.org/"))) {
      return ns + text.slice(colon + 1);
    }
    return text;
  }
}

// Bare-string standard vocabulary (EPCIS 2.0 JSON-LD binding) expanded to its
// web URI, per field, as the EPCIS 2.0 context's @vocab terms expand it.
type Vocabulary = (bare: string) => string;
const cbvTerm = (kind: string): Vocabulary => (v) => `https://ref.gs1.org/cbv/${kind}-${v}`;
const gs1Term: Vocabulary = (v) => `https://gs1.org/voc/${v}`;
const isBare = (v: string): boolean => v !== "" && !v.includes(":");

// Standard sub-fields in canonical order (CBV 2.0 §8.9, canonical property
// order); `time` marks timestamps, `vocab` bare-string vocabulary.
interface FieldRule {
  readonly name: string;
  readonly time?: boolean;
  readonly vocab?: Vocabulary;
}
const SENSOR_METADATA: readonly FieldRule[] = [
  { name: "time", time: true },
  { name: "startTime", time: true },
  { name: "endTime", time: true },
  { name: "deviceID" },
  { name: "deviceMetadata" },
  { name: "rawData" },
  { name: "dataProcessingMethod" },
  { name: "bizRules" },
];
const SENSOR_REPORT: readonly FieldRule[] = [
  { name: "type", vocab: gs1Term },
  { name: "exception", vocab: gs1Term },
  { name: "deviceID" },
  { name: "deviceMetadata" },
  { name: "rawData" },
  { name: "dataProcessingMethod" },
  { name: "time", time: true },
  { name: "microorganism" },
  { name: "chemicalSubstance" },
  { name: "value" },
  { name: "component", vocab: cbvTerm("Comp") },
  { name: "stringValue" },
  { name: "booleanValue" },
  { name: "hexBinaryValue" },
  { name: "uriValue" },
  { name: "minValue" },
  { name: "maxValue" },
  { name: "meanValue" },
  { name: "sDev" },
  { name: "percRank" },
  { name: "percValue" },
  { name: "uom" },
  { name: "coordinateReferenceSystem" },
];
const QUANTITY_ELEMENT: readonly FieldRule[] = [{ name: "epcClass" }, { name: "quantity" }, { name: "uom" }];
const LOCATION: readonly FieldRule[] = [{ name: "id" }];

const RULE_NAMES = new WeakMap<readonly FieldRule[], readonly string[]>();
function ruleNames(rules: readonly FieldRule[]): readonly string[] {
  let names = RULE_NAMES.get(rules);
  if (names === undefined) RULE_NAMES.set(rules, (names = rules.map((r) => r.name)));
  return names;
}

// The namespaces and ignore list of a context, worked out once per context
// object: a document's events share one (a capture of 100,000 events parses
// its @context once).
interface Prepared {
  readonly ns: Namespaces;
  readonly ignore: ReadonlySet<string>;
}
const PREPARED = new WeakMap<EventHashContext, Prepared>();
function prepare(context: EventHashContext): Prepared {
  let p = PREPARED.get(context);
  if (p === undefined) {
    const ns = new Namespaces();
    ns.add(context.context);
    p = { ns, ignore: new Set(context.ignoreFields ?? []) };
    PREPARED.set(context, p);
  }
  return p;
}

class PreHash {
  private readonly ns: Namespaces;
  private readonly ignore: ReadonlySet<string>;

  constructor(context: EventHashContext, event: JsonObject) {
    const p = prepare(context);
    this.ignore = p.ignore;
    if (event["@context"] === undefined) {
      this.ns = p.ns;
    } else {
      // An event's own @context adds to the document's, for this event only.
      this.ns = new Namespaces(p.ns);
      this.ns.add(event["@context"]);
    }
  }

  private ignored(name: string, expanded: string): boolean {
    if (this.ignore.size === 0) return false;
    if (this.ignore.has(name) || this.ignore.has(expanded)) return true;
    // An expanded name written as a full IRI ({ns}local as ns + local).
    const m = /^\{(.*)\}(.*)$/.exec(expanded);
    return m !== null && this.ignore.has(m[1]! + m[2]!);
  }

  // A scalar as text (the reference writes JSON booleans as true/false and
  // numbers through its number rule). null counts as absent.
  private scalarText(v: Json, path: string): string {
    if (typeof v === "string") return this.ns.value(v.trim());
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw fail(path, "number out of range");
      return formatHashNumber(v);
    }
    if (typeof v === "boolean") return v ? "true" : "false";
    if (v === null) return "";
    throw fail(path, "expected a single value, found " + (Array.isArray(v) ? "a list" : "an object"));
  }

  // One standard field: `name=value`, or nothing when absent or empty.
  private field(name: string, v: Json | undefined, path: string, rule?: FieldRule): string {
    if (v === undefined) return "";
    let text = this.scalarText(v, path);
    if (text === "") return "";
    if (rule?.time) {
      if (typeof v !== "string") throw fail(path, "expected a timestamp string");
      return `${name}=${normaliseTimestamp(text, "EPCIS event " + path)}`;
    }
    if (rule?.vocab !== undefined && isBare(text)) text = rule.vocab(text);
    return `${name}=${canonicalValue(text, path)}`;
  }

  // A list of scalars: the list name once, then each `child=value` sorted.
  private scalarList(name: string, child: string, v: Json | undefined, path: string, vocab?: Vocabulary): string {
    if (v === undefined || v === null) return "";
    if (!Array.isArray(v)) throw fail(path, "expected a list");
    const items = v
      .map((x, i) => {
        // EPC lists and persistent disposition lists hold URIs: strings only.
        if (typeof x !== "string") throw fail(`${path}[${i}]`, "expected a string");
        return this.field(child, x, `${path}[${i}]`, vocab ? { name: child, vocab } : undefined);
      })
      .filter((s) => s !== "");
    return items.length === 0 ? "" : name + sortJoin(items);
  }

  // An object with standard members in canonical order, then its extension
  // members, rendered generically and sorted, at the end (CBV 2.0 §8.9, rule
  // for extensions inside standard fields with an extension point).
  private structured(name: string, v: Json | undefined, path: string, rules: readonly FieldRule[]): string {
    if (v === undefined || v === null) return "";
    if (!isObject(v)) throw fail(path, "expected an object");
    let out = "";
    for (const rule of rules) out += this.field(rule.name, v[rule.name], `${path}.${rule.name}`, rule);
    out += this.extensions(v, ruleNames(rules), path);
    return out === "" ? "" : name + out;
  }

  private extensions(obj: JsonObject, known: readonly string[], path: string): string {
    const parts: string[] = [];
    for (const [k, val] of Object.entries(obj)) {
      if (known.includes(k) || IGNORED_EVERYWHERE.has(k)) continue;
      parts.push(...this.generic(k, val, `${path}.${k}`));
    }
    return sortJoin(parts);
  }

  private quantityList(name: string, v: Json | undefined, path: string): string {
    if (v === undefined || v === null) return "";
    if (!Array.isArray(v)) throw fail(path, "expected a list");
    const items = v
      .map((q, i) => {
        if (!isObject(q)) throw fail(`${path}[${i}]`, "expected a quantity element object");
        if (typeof q["epcClass"] !== "string") throw fail(`${path}[${i}].epcClass`, "expected a string");
        if (q["quantity"] !== undefined && typeof q["quantity"] !== "number") throw fail(`${path}[${i}].quantity`, "expected a number");
        return this.structured("quantityElement", q, `${path}[${i}]`, QUANTITY_ELEMENT);
      })
      .filter((s) => s !== "");
    return items.length === 0 ? "" : name + sortJoin(items);
  }

  private persistentDisposition(v: Json | undefined, path: string): string {
    if (v === undefined || v === null) return "";
    if (!isObject(v)) throw fail(path, "expected an object with set and unset lists");
    const disp = cbvTerm("Disp");
    const set = this.scalarList("", "set", v["set"], `${path}.set`, disp);
    const unset = this.scalarList("", "unset", v["unset"], `${path}.unset`, disp);
    const out = set + unset + this.extensions(v, ["set", "unset"], path);
    return out === "" ? "" : "persistentDisposition" + out;
  }

  private sensorElementList(v: Json | undefined, path: string): string {
    if (v === undefined || v === null) return "";
    if (!Array.isArray(v)) throw fail(path, "expected a list");
    const elements = v
      .map((el, i) => {
        const p = `${path}[${i}]`;
        if (!isObject(el)) throw fail(p, "expected a sensor element object");
        const metadata = this.structured("sensorMetadata", el["sensorMetadata"], `${p}.sensorMetadata`, SENSOR_METADATA);
        const reports = el["sensorReport"];
        if (reports !== undefined && !Array.isArray(reports)) throw fail(`${p}.sensorReport`, "expected a list");
        const reportParts = (reports ?? [])
          .map((r, j) => this.structured("sensorReport", r, `${p}.sensorReport[${j}]`, SENSOR_REPORT))
          .filter((s) => s !== "");
        const out = metadata + sortJoin(reportParts) + this.extensions(el, ["sensorMetadata", "sensorReport"], p);
        return out === "" ? "" : "sensorElement" + out;
      })
      .filter((s) => s !== "");
    return elements.length === 0 ? "" : "sensorElementList" + sortJoin(elements);
  }

  // bizTransactionList, sourceList, destinationList: each entry is
  // `child=id` followed by `type=typeURI` (CBV 2.0 §8.9: the type follows
  // the value), entries ordered by type, then by identifier.
  private typedList(name: string, child: string, vocab: Vocabulary, v: Json | undefined, path: string): string {
    if (v === undefined || v === null) return "";
    if (!Array.isArray(v)) throw fail(path, "expected a list");
    const entries = v.map((e, i) => {
      const p = `${path}[${i}]`;
      if (!isObject(e)) throw fail(p, "expected an object");
      if (typeof e[child] !== "string") throw fail(`${p}.${child}`, "expected a string");
      if (e["type"] !== undefined && typeof e["type"] !== "string") throw fail(`${p}.type`, "expected a string");
      const id = this.field(child, e[child], `${p}.${child}`);
      const type = this.field("type", e["type"], `${p}.type`, { name: "type", vocab });
      return { type, id, text: type + id + this.extensions(e, [child, "type"], p) };
    });
    entries.sort((a, b) => compareCodePoints(a.type, b.type) || compareCodePoints(a.id, b.id));
    const out = entries.map((e) => e.text).join("");
    return out === "" ? "" : name + out;
  }

  // Any other member (user extensions, ILMD content, unknown members): its
  // expanded name, `=value` for a scalar, its children sorted for an object;
  // a list repeats the member once per element, except a member named
  // `...List`, which is written once with its elements named without `List`
  // (the reference's mapping of JSON lists onto the XML binding).
  private generic(name: string, v: Json, path: string, depth = 0): string[] {
    const key = this.ns.key(name, path);
    if (this.ignored(name, key)) return [];
    return this.render(key, v, path, depth);
  }

  private render(key: string, v: Json, path: string, depth = 0): string[] {
    // Bound the recursion: attacker-controlled nesting must end in our error,
    // not in a RangeError from the stack.
    if (depth > MAX_DEPTH) throw fail(path, `nested deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(v)) {
      if (key.endsWith("List")) {
        const child = key.slice(0, -4);
        const parts = v.flatMap((x, i) => this.render(child, x, `${path}[${i}]`, depth + 1));
        return parts.length === 0 ? [] : [key + sortJoin(parts)];
      }
      return v.flatMap((x, i) =>
        Array.isArray(x)
          ? [key + sortJoin(x.flatMap((y, j) => this.render("", y, `${path}[${i}][${j}]`, depth + 2)))]
          : this.render(key, x, `${path}[${i}]`, depth + 1),
      );
    }
    if (isObject(v)) {
      const parts: string[] = [];
      for (const [k, val] of Object.entries(v)) {
        if (IGNORED_EVERYWHERE.has(k)) continue;
        parts.push(...this.generic(k, val, `${path}.${k}`, depth + 1));
      }
      return [key + sortJoin(parts)];
    }
    const text = this.scalarText(v, path);
    return [text === "" ? key : `${key}=${canonicalValue(text, path)}`];
  }

  event(event: JsonObject): string {
    const type = event["type"];
    if (typeof type !== "string" || !EPCIS_EVENT_TYPES.includes(type)) {
      throw new SealTrailError("invalid", `EPCIS event type: "${String(type)}" is not one of ${EPCIS_EVENT_TYPES.join(", ")}`, {
        detail: { field: "type" },
      });
    }
    if (typeof event["eventTime"] !== "string") throw fail("eventTime", "required, a timestamp string");
    const offset = event["eventTimeZoneOffset"];
    if (typeof offset !== "string" || !/^[+-](?:0[0-9]|1[0-4]):[0-5][0-9]$/.test(offset.trim())) {
      throw fail("eventTimeZoneOffset", "required, written ±hh:mm");
    }
    const cert = event["certificationInfo"];
    const bizStep = event["bizStep"];
    const disposition = event["disposition"];
    for (const [k, v] of [["parentID", event["parentID"]], ["action", event["action"]], ["transformationID", event["transformationID"]], ["bizStep", bizStep], ["disposition", disposition]] as const) {
      if (v !== undefined && typeof v !== "string") throw fail(k, "expected a string");
    }
    // Canonical property order (CBV 2.0 §8.9), with certificationInfo after
    // the time zone offset as the reference writes it.
    let out = `eventType=${type}`;
    out += this.field("eventTime", event["eventTime"], "eventTime", { name: "eventTime", time: true });
    out += this.field("eventTimeZoneOffset", offset, "eventTimeZoneOffset");
    if (Array.isArray(cert)) out += sortJoin(cert.map((c, i) => this.field("certificationInfo", c, `certificationInfo[${i}]`)));
    else out += this.field("certificationInfo", cert, "certificationInfo");
    out += this.scalarList("epcList", "epc", event["epcList"], "epcList");
    out += this.field("parentID", event["parentID"], "parentID");
    out += this.scalarList("inputEPCList", "epc", event["inputEPCList"], "inputEPCList");
    out += this.scalarList("childEPCs", "epc", event["childEPCs"], "childEPCs");
    out += this.quantityList("quantityList", event["quantityList"], "quantityList");
    out += this.quantityList("childQuantityList", event["childQuantityList"], "childQuantityList");
    out += this.quantityList("inputQuantityList", event["inputQuantityList"], "inputQuantityList");
    out += this.scalarList("outputEPCList", "epc", event["outputEPCList"], "outputEPCList");
    out += this.quantityList("outputQuantityList", event["outputQuantityList"], "outputQuantityList");
    out += this.field("action", event["action"], "action");
    out += this.field("transformationID", event["transformationID"], "transformationID");
    out += this.field("bizStep", bizStep, "bizStep", { name: "bizStep", vocab: cbvTerm("BizStep") });
    out += this.field("disposition", disposition, "disposition", { name: "disposition", vocab: cbvTerm("Disp") });
    out += this.persistentDisposition(event["persistentDisposition"], "persistentDisposition");
    out += this.structured("readPoint", event["readPoint"], "readPoint", LOCATION);
    out += this.structured("bizLocation", event["bizLocation"], "bizLocation", LOCATION);
    out += this.sensorElementList(event["sensorElementList"], "sensorElementList");
    // Everything else, sorted as whole substrings: the business transaction,
    // source and destination lists, ILMD and user extensions. The README of
    // the reference puts the three lists before the sensor data and ILMD in
    // its own place; its output (and so every published hash) sorts them
    // here, which is what CBV 2.0 hash IDs in the wild carry.
    const rest: string[] = [];
    for (const [k, v] of Object.entries(event)) {
      if (ORDERED_MEMBERS.has(k) || EXCLUDED_MEMBERS.has(k)) continue;
      if (k === "bizTransactionList") rest.push(this.typedList(k, "bizTransaction", cbvTerm("BTT"), v, k));
      else if (k === "sourceList") rest.push(this.typedList(k, "source", cbvTerm("SDT"), v, k));
      else if (k === "destinationList") rest.push(this.typedList(k, "destination", cbvTerm("SDT"), v, k));
      else if (k === "ilmd") {
        if (v === null) continue;
        if (!isObject(v)) throw fail("ilmd", "expected an object");
        rest.push(...this.render("ilmd", v, "ilmd"));
      } else rest.push(...this.generic(k, v, k));
    }
    return out + sortJoin(rest.filter((s) => s !== ""));
  }
}

const ORDERED_MEMBERS: ReadonlySet<string> = new Set([
  "eventTime", "eventTimeZoneOffset", "certificationInfo", "epcList", "parentID", "inputEPCList", "childEPCs",
  "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList", "outputQuantityList", "action",
  "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "sensorElementList",
]);

/**
 * The CBV 2.0 pre-hash string of an EPCIS 2.0 event in JSON(-LD) form
 * (CBV 2.0 §8.9): the text that {@link eventHashId} hashes. Useful to see
 * why two events hash differently. Throws a SealTrailError naming the field
 * for malformed input (a missing or bad eventTime, a list that is not a list,
 * an undeclared extension prefix, a malformed EPC URI, ...).
 *
 * @example
 * ```ts
 * eventPreHashString({
 *   type: "ObjectEvent", eventTime: "2020-03-04T11:00:30+01:00", eventTimeZoneOffset: "+01:00",
 *   epcList: ["urn:epc:id:sscc:4012345.0000000111"], action: "OBSERVE", bizStep: "departing",
 * })
 * // "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00"
 * // + "epcListepc=https://id.gs1.org/00/040123450000001112action=OBSERVE"
 * // + "bizStep=https://ref.gs1.org/cbv/BizStep-departing"
 * ```
 */
export function eventPreHashString(event: object, context: EventHashContext = {}): string {
  optionalObject(context, "EPCIS event hash context");
  if (!isObject(event)) throw new SealTrailError("malformed", "EPCIS event: expected a JSON object");
  return new PreHash(context, event).event(event);
}

/**
 * The CBV 2.0 event hash ID of an EPCIS 2.0 event (CBV 2.0 §8.9):
 * `ni:///sha-256;<lowercase hex SHA-256 of the UTF-8 pre-hash string>?ver=CBV2.0`
 * (RFC 6920 §3 `ni` URI with an empty authority). Pass the document's
 * `@context` so that user extension prefixes resolve.
 *
 * @example
 * ```ts
 * const doc = JSON.parse(text);
 * for (const event of doc.epcisBody.eventList) {
 *   console.log(eventHashId(event, { context: doc["@context"] }));
 *   // ni:///sha-256;6ae96341...?ver=CBV2.0
 * }
 * ```
 */
export function eventHashId(event: object, context: EventHashContext = {}): string {
  const digest = sha256(utf8(eventPreHashString(event, context)));
  return `ni:///sha-256;${toHex(digest)}?ver=${EVENT_HASH_VERSION}`;
}

/**
 * The events of an EPCIS 2.0 document in order: an `EPCISDocument`'s
 * `epcisBody.eventList`, an `EPCISQueryDocument`'s
 * `epcisBody.queryResults.resultsBody.eventList`, or a body's single `event`.
 *
 * @example
 * ```ts
 * epcisDocumentEvents(JSON.parse(text)).length // 3
 * ```
 */
export function epcisDocumentEvents(document: object): object[] {
  if (!isObject(document) || !isObject(document["epcisBody"])) {
    throw new SealTrailError("malformed", "EPCIS document: epcisBody is missing or not an object", { detail: { field: "epcisBody" } });
  }
  const body = document["epcisBody"];
  const results = body["queryResults"];
  const list =
    body["eventList"] ??
    (isObject(results) && isObject(results["resultsBody"]) ? results["resultsBody"]["eventList"] : undefined) ??
    (body["event"] !== undefined ? [body["event"]] : undefined);
  if (!Array.isArray(list)) {
    throw new SealTrailError("malformed", "EPCIS document: no event list (epcisBody.eventList)", { detail: { field: "epcisBody.eventList" } });
  }
  return list.map((e, i) => {
    if (!isObject(e)) throw new SealTrailError("malformed", `EPCIS document: event ${i} is not an object`, { detail: { field: `eventList[${i}]` } });
    return e;
  });
}

/**
 * The hash context an EPCIS document gives its events: its `@context`, and
 * the extension fields it lists under a document-level `ignoreFields` member
 * (compact or namespaced, e.g. `repository-x:ignoreFields`), a convention of
 * the reference implementation's vectors.
 *
 * @example
 * ```ts
 * const ctx = epcisDocumentHashContext(doc);
 * eventHashId(epcisDocumentEvents(doc)[0]!, ctx);
 * ```
 */
export function epcisDocumentHashContext(document: object): EventHashContext {
  if (!isObject(document)) throw new SealTrailError("malformed", "EPCIS document: expected a JSON object");
  const ignoreFields: string[] = [];
  for (const [k, v] of Object.entries(document)) {
    if (k !== "ignoreFields" && !k.endsWith(":ignoreFields")) continue;
    const names = Array.isArray(v) ? v : [v];
    for (const n of names) {
      if (typeof n !== "string") throw new SealTrailError("malformed", `EPCIS document ${k}: expected field names`, { detail: { field: k } });
      ignoreFields.push(n);
    }
  }
  return { context: document["@context"], ignoreFields };
}

/**
 * The CBV 2.0 event hash IDs of every event of an EPCIS 2.0 document, in
 * document order.
 *
 * @example
 * ```ts
 * epcisDocumentEventHashIds(JSON.parse(text))
 * // ["ni:///sha-256;...?ver=CBV2.0", ...]
 * ```
 */
export function epcisDocumentEventHashIds(document: object): string[] {
  const context = epcisDocumentHashContext(document);
  return epcisDocumentEvents(document).map((e) => eventHashId(e, context));
}
