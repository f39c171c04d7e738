/**
 * What a captured event becomes before it is signed: its ID, its CBV 2.0
 * hash, the payload stored, and the subjects its record is found by. Shared
 * by the capture service and its worker threads.
 */
import { custodyIdentifierKey, eventHashId, sha256, toHex, utf8, identifiersOf, type EventHashContext, type JsonValue } from "@sealtrail/core";

/** Record type of a captured EPCIS event. */
export const CUSTODY_EVENT_TYPE = "custody.event";

/** An event ready to store: its ID, its CBV 2.0 hash, and what the record indexes it by. */
export interface PreparedEvent {
  readonly event: Record<string, JsonValue>;
  readonly eventID: string;
  readonly hash: string;
  readonly subjects: readonly string[];
}

/** The record subject that finds an event by its eventID. */
export function eventSubject(eventID: string): string {
  // Subjects hold at most 256 characters: a longer ID is indexed by its digest.
  return eventID.length <= 250 ? `event:${eventID}` : `event-sha256:${toHex(sha256(utf8(eventID)))}`;
}

/** The record subject that finds an event by its CBV 2.0 event hash (duplicates). */
export function hashSubject(hash: string): string {
  return `hash:${hash}`;
}

/** The form an identifier is indexed and matched in: GS1 Digital Link where it has one (core's custodyIdentifierKey). */
export const identifierKey = custodyIdentifierKey;

const MAX_SUBJECTS = 64;

/**
 * Give an event its ID (its hash when it has none), its record time and the
 * document's `@context` (so the stored payload stands alone), and list the
 * subjects its record is found by: the event ID, the hash, and up to the
 * first 62 identifiers it is about.
 *
 * @example
 * ```ts
 * const p = prepareEvent(event, hashContext, "2026-05-01T10:00:00.000Z");
 * ```
 */
export function prepareEvent(event: Record<string, JsonValue>, hashContext: EventHashContext, recordTime: string, knownHash?: string): PreparedEvent {
  const hash = knownHash ?? eventHashId(event, hashContext);
  const eventID = typeof event.eventID === "string" ? event.eventID : hash;
  const withContext =
    event["@context"] === undefined && hashContext.context !== undefined ? { "@context": hashContext.context as JsonValue, ...event } : { ...event };
  const stored: Record<string, JsonValue> = { ...withContext, eventID, recordTime };
  const subjects = [eventSubject(eventID), hashSubject(hash)];
  for (const id of identifiersOf(event)) {
    const k = identifierKey(id);
    if (k.length > 256 || subjects.includes(k)) continue;
    if (subjects.length >= MAX_SUBJECTS) break;
    subjects.push(k);
  }
  return { event: stored, eventID, hash, subjects };
}

