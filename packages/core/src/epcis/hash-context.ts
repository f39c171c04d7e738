/**
 * What the CBV 2.0 event hash reads from the document around an event: the
 * namespaces its JSON-LD `@context` declares (user extension member names
 * are written `{namespace}localName`, CBV 2.0 §8.9) and the extension fields
 * to leave out.
 */
import { SealTrailError } from "../errors.js";
import { isObject } from "./hash-values.js";

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
export class Namespaces {
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

// The namespaces and ignore list of a context, worked out once per context
// object: a document's events share one (a capture of 100,000 events parses
// its @context once).
export interface Prepared {
  readonly ns: Namespaces;
  readonly ignore: ReadonlySet<string>;
}
const PREPARED = new WeakMap<EventHashContext, Prepared>();
export function prepare(context: EventHashContext): Prepared {
  let p = PREPARED.get(context);
  if (p === undefined) {
    const ns = new Namespaces();
    ns.add(context.context);
    p = { ns, ignore: new Set(context.ignoreFields ?? []) };
    PREPARED.set(context, p);
  }
  return p;
}
