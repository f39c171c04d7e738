/**
 * The CBV 2.0 pre-hash string of one event (CBV 2.0 §8.9), built member by
 * member in canonical order: standard fields first, then business
 * transactions, sources, destinations, ILMD and extensions sorted as whole
 * substrings, as the GS1 reference implementation writes it.
 */
import { SealTrailError } from "../errors.js";
import { normaliseTimestamp } from "./timestamp.js";
import { Namespaces, prepare, type EventHashContext } from "./hash-context.js";
import {
  EPCIS_EVENT_TYPES,
  EXCLUDED_MEMBERS,
  IGNORED_EVERYWHERE,
  LOCATION,
  MAX_DEPTH,
  ORDERED_MEMBERS,
  QUANTITY_ELEMENT,
  SENSOR_METADATA,
  SENSOR_REPORT,
  cbvTerm,
  isBare,
  ruleNames,
  type FieldRule,
  type Vocabulary,
} from "./hash-fields.js";
import { canonicalValue, compareCodePoints, fail, formatHashNumber, isObject, sortJoin, type Json, type JsonObject } from "./hash-values.js";

export class PreHash {
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
