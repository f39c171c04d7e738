/**
 * Validation of EPCIS 2.0 documents and events against GS1's official EPCIS
 * 2.0.1 JSON Schema (assets/epcis/), with ajv 8 and ajv-formats. A document is
 * checked in two parts, its header (everything but the events) and then each
 * event on its own, so that a large capture can be validated event by event
 * as it streams in; errors name the event and the field.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";
import { EPCIS_EVENT_TYPES } from "@sealtrail/core";

// Works from src/custody (tests) and dist/custody (built): both sit two levels below the package root.
const SCHEMA_URL = new URL("../../assets/epcis/epcis-json-schema-2.0.1.json", import.meta.url);

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** Checks documents and events; build once, use for every capture. */
export interface EpcisValidator {
  /** Problems of a document's header (the document with its events left out); empty when valid. */
  header(doc: Record<string, unknown>): string[];
  /** Problems of one event of a document; `where` names it in messages (e.g. "event 3"). */
  event(event: unknown, where: string): string[];
  /** Problems of one event sent on its own (it must carry its own `@context`). */
  standaloneEvent(event: unknown): string[];
}

const MAX_PROBLEMS = 8;

/**
 * A validator over the official schema. The schema is compiled (a few
 * hundred milliseconds) on first use, not at server start: a server that
 * never captures never pays for it.
 *
 * @example
 * ```ts
 * const v = createEpcisValidator();
 * v.event(doc.epcisBody.eventList[0], "event 0") // [] when valid
 * ```
 */
export function createEpcisValidator(): EpcisValidator {
  let compiled: { eventFn: ValidateFunction; rootFn: ValidateFunction } | null = null;
  const fns = (): { eventFn: ValidateFunction; rootFn: ValidateFunction } => {
    if (compiled !== null) return compiled;
    const schema = JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as { $id: string };
    // strict off: the official schema uses keywords and formats beyond ajv's strict vocabulary.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(schema);
    const get = (ref: string): ValidateFunction => {
      const f = ajv.getSchema(`${schema.$id}${ref}`);
      if (f === undefined) throw new Error(`EPCIS schema: ${ref} not found`);
      return f;
    };
    compiled = { eventFn: get("#/definitions/EPCIS-Document-Event"), rootFn: get("") };
    return compiled;
  };

  const run = (fn: ValidateFunction, value: unknown, where: string): string[] => {
    if (fn(value)) return [];
    return describe(fn.errors ?? [], where);
  };
  // The schema lets an event of any other type through as an extension event;
  // this server stores only the five event types of EPCIS 2.0.
  const typeProblem = (event: unknown, where: string): string[] => {
    const t = event !== null && typeof event === "object" ? (event as Record<string, unknown>).type : undefined;
    if (typeof t !== "string") return [`${where}: /type: must be an event type`];
    if (!EPCIS_EVENT_TYPES.includes(t)) return [`${where}: /type: "${t}" is not an EPCIS 2.0 event type (${EPCIS_EVENT_TYPES.join(", ")})`];
    return [];
  };
  return {
    header(doc) {
      // The header as the scanner leaves it (events emptied), checked by the
      // schema's root, which picks EPCISDocument or EPCISQueryDocument by type.
      if (doc.type !== "EPCISDocument" && doc.type !== "EPCISQueryDocument") return ['document: /type: must be "EPCISDocument" (or "EPCISQueryDocument")'];
      const body = doc.epcisBody;
      const stripped = doc.type === "EPCISDocument" && body !== null && typeof body === "object" && !Array.isArray(body) ? { ...doc, epcisBody: { ...body, eventList: [] } } : doc;
      return run(fns().rootFn, stripped, "document");
    },
    event(event, where) {
      const t = typeProblem(event, where);
      return t.length > 0 ? t : run(fns().eventFn, event, where);
    },
    standaloneEvent(event) {
      const t = typeProblem(event, "event");
      return t.length > 0 ? t : run(fns().rootFn, event, "event");
    },
  };
}

// ajv reports every branch of the schema's if/then and anyOf; the leaf
// errors say what is wrong, the branch errors only that a branch failed.
function describe(errors: readonly ErrorObject[], where: string): string[] {
  const leaves = errors.filter((e) => !["if", "anyOf", "allOf", "oneOf", "then", "else"].includes(e.keyword));
  const chosen = leaves.length > 0 ? leaves : errors;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of chosen) {
    const extra =
      e.keyword === "enum"
        ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.slice(0, 12).join(", ")}`
        : e.keyword === "propertyNames"
          ? ` (${String((e.params as { propertyName?: string }).propertyName)})`
          : "";
    const line = `${where}: ${e.instancePath === "" ? "/" : e.instancePath}: ${e.message ?? e.keyword}${extra}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
    if (out.length >= MAX_PROBLEMS) break;
  }
  return out;
}
