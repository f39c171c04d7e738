/**
 * EPCIS 2.0 documents as the event hash reads them: the events a document
 * holds and the hash context it gives them.
 */
import { SealTrailError } from "../errors.js";
import { eventHashId } from "./event-hash.js";
import type { EventHashContext } from "./hash-context.js";
import { isObject } from "./hash-values.js";

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
