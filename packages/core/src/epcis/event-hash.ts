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
import { optionalObject } from "../args.js";
import { SealTrailError } from "../errors.js";
import { sha256 } from "../crypto.js";
import { toHex, utf8 } from "../bytes.js";
import type { EventHashContext } from "./hash-context.js";
import { isObject } from "./hash-values.js";
import { PreHash } from "./pre-hash.js";

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
