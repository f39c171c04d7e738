/**
 * EPCIS 2.0 capture: every event of a document becomes a `custody.event`
 * record, signed by the capturing organisation (with the key the server
 * holds for it) and sealed in the vault's log. A document is checked whole
 * before anything is stored (schema, event hash, duplicates), then stored in
 * chunks; it is held once, as the bytes received, and parsed an event at a
 * time (see epcis-scan.ts).
 */
import { randomUUID } from "node:crypto";
import {
  SealTrailError,
  buildRecord,
  epcisDocumentHashContext,
  eventHashId,
  normaliseGs1Identifier,
  sha256,
  toBase64,
  toHex,
  utf8,
  type EventHashContext,
  type JsonValue,
} from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { heldKeyIn } from "../ledger/custodial.js";
import type { Store } from "../store/types.js";
import { identifiersOf } from "@sealtrail/core";
import { parseEvent, scanEpcisDocument } from "./epcis-scan.js";
import type { EpcisValidator } from "./epcis-validate.js";

/** Record type of a captured EPCIS event. */
export const CUSTODY_EVENT_TYPE = "custody.event";
/** How a capture treats events in error: store none (the default) or store the others. */
export type CaptureErrorBehaviour = "rollback" | "proceed";

/** Problems of one event of a capture. */
export interface CaptureEventError {
  /** Position of the event in the document's eventList. */
  readonly event: number;
  readonly eventID?: string;
  readonly problems: readonly string[];
}

/** A capture job, shaped as the EPCIS 2.0 capture job resource with SealTrail's counts. */
export interface CaptureJob {
  readonly captureID: string;
  readonly vault: string;
  readonly org: string;
  readonly createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  readonly captureErrorBehaviour: CaptureErrorBehaviour;
  /** Events in the document (known once it is scanned). */
  eventCount: number;
  /** Events stored so far. */
  capturedCount: number;
  /** Log indices of the first and last record stored. */
  firstIndex?: string;
  lastIndex?: string;
  /** Problems of the document as a whole. */
  documentErrors: string[];
  errors: CaptureEventError[];
}

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

/** The form an identifier is indexed and matched in: GS1 Digital Link where it has one. */
export function identifierKey(id: string): string {
  try {
    return normaliseGs1Identifier(id) ?? id;
  } catch {
    return id;
  }
}

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

/** Options of {@link createCaptureService}. */
export interface CaptureServiceOptions {
  readonly ledger: Ledger;
  readonly store: Store;
  readonly validator: EpcisValidator;
  /** Events per append (default 1000). */
  readonly chunk?: number;
  /** Capture jobs remembered (default 1000; the oldest finished go first). */
  readonly maxJobs?: number;
}

/** Captures documents and single events. */
export interface CaptureService {
  /** Start capturing a document; the job runs on and reports through {@link CaptureService.job}. */
  start(vault: string, org: string, body: Uint8Array, behaviour: CaptureErrorBehaviour, submittedBy?: string): CaptureJob;
  job(captureID: string): CaptureJob | null;
  /** Capture one event (sent with its own `@context`), synchronously. */
  captureEvent(vault: string, org: string, event: Record<string, JsonValue>, submittedBy?: string): Promise<{ eventID: string; index: bigint }>;
  /** Wait for every running job (shutdown, tests). */
  idle(): Promise<void>;
}

/**
 * The capture service of a server.
 *
 * @example
 * ```ts
 * const capture = createCaptureService({ ledger, store, validator: createEpcisValidator() });
 * const job = capture.start("default", "carrier", body, "rollback");
 * ```
 */
export function createCaptureService(opts: CaptureServiceOptions): CaptureService {
  const { ledger, store, validator } = opts;
  const chunk = opts.chunk ?? 1000;
  const maxJobs = opts.maxJobs ?? 1000;
  const jobs = new Map<string, CaptureJob>();
  const running = new Set<Promise<void>>();

  const duplicateIn = (vault: string, hash: string): Promise<bigint | null> => store.firstWithSubject(vault, hashSubject(hash));

  const keyOf = async (vault: string, org: string): Promise<Uint8Array> => {
    const seed = await heldKeyIn(store, org, vault);
    if (seed === null) throw new SealTrailError("unknown_key", `the server holds no active key of ${org} in vault ${vault}: create a custodial key first`);
    return seed;
  };

  const append = async (vault: string, org: string, seed: Uint8Array, events: readonly PreparedEvent[], submittedBy?: string) => {
    const subs = events.map((p) => {
      const built = buildRecord({ vault, type: CUSTODY_EVENT_TYPE, author: org, seed, mode: "custodial", payload: p.event, subjects: p.subjects });
      return { entry: built.signed, payload: p.event, salt: toBase64(built.salt!) };
    });
    return ledger.append(vault, subs, { signedHere: true, ...(submittedBy !== undefined ? { submittedBy } : {}) });
  };

  const remember = (job: CaptureJob): void => {
    if (jobs.size >= maxJobs) {
      for (const [id, j] of jobs) {
        if (!j.running) {
          jobs.delete(id);
          break;
        }
      }
    }
    jobs.set(job.captureID, job);
  };

  async function run(job: CaptureJob, body: Uint8Array, submittedBy?: string): Promise<void> {
    try {
      const doc = scanEpcisDocument(body);
      job.eventCount = doc.events.length;
      job.documentErrors.push(...validator.header(doc.header));
      if (job.documentErrors.length > 0) return;
      const hashContext = epcisDocumentHashContext(doc.header);
      // First pass: check every event, keep only their hashes.
      const seen = new Map<string, number>();
      const hashes: (string | undefined)[] = new Array<string | undefined>(doc.events.length);
      const bad = new Set<number>();
      for (let i = 0; i < doc.events.length; i++) {
        const problems: string[] = [];
        let eventID: string | undefined;
        try {
          const ev = parseEvent(body, doc.events[i]!, i);
          if (ev !== null && typeof ev === "object" && !Array.isArray(ev) && typeof ev.eventID === "string") eventID = ev.eventID;
          problems.push(...validator.event(ev, `event ${i}`));
          if (problems.length === 0) {
            const hash = eventHashId(ev as object, hashContext);
            hashes[i] = hash;
            // An error declaration hashes as the event it corrects (CBV 2.0 leaves
            // errorDeclaration out of the hash): it is a new event, not a copy.
            const declares = (ev as Record<string, unknown>).errorDeclaration !== undefined;
            const earlier = seen.get(hash);
            if (declares) {
              // Not a duplicate of the event it corrects.
            } else if (earlier !== undefined) problems.push(`event ${i}: the same event as event ${earlier} of this document (event hash ${hash})`);
            else {
              seen.set(hash, i);
              const stored = await duplicateIn(job.vault, hash);
              if (stored !== null) problems.push(`event ${i}: already captured as record ${stored} (event hash ${hash})`);
            }
          }
        } catch (e) {
          problems.push(e instanceof SealTrailError ? e.message : `event ${i}: ${(e as Error).message}`);
        }
        if (problems.length > 0) {
          bad.add(i);
          job.errors.push({ event: i, ...(eventID !== undefined ? { eventID } : {}), problems });
        }
      }
      if (bad.size > 0 && job.captureErrorBehaviour === "rollback") return;
      // Second pass: store the good ones, a chunk at a time.
      const seed = await keyOf(job.vault, job.org);
      const recordTime = new Date().toISOString();
      let batch: PreparedEvent[] = [];
      // One chunk is stored while the next is prepared; chunks commit in order.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const mine = batch;
        batch = [];
        const previous = inFlight;
        const appended = append(job.vault, job.org, seed, mine, submittedBy);
        // Failures surface where the chunk is awaited, not as unhandled rejections meanwhile.
        appended.catch(() => {});
        inFlight = (async () => {
          await previous;
          const results = await appended;
          job.firstIndex ??= results[0]!.index.toString();
          job.lastIndex = results[results.length - 1]!.index.toString();
          job.capturedCount += results.length;
        })();
        inFlight.catch(() => {});
        // Keep at most two chunks in the ledger's queue.
        await previous;
      };
      for (let i = 0; i < doc.events.length; i++) {
        if (bad.has(i)) continue;
        batch.push(prepareEvent(parseEvent(body, doc.events[i]!, i) as Record<string, JsonValue>, hashContext, recordTime, hashes[i]));
        if (batch.length >= chunk) await flush();
      }
      await flush();
      await inFlight;
    } catch (e) {
      job.documentErrors.push(e instanceof SealTrailError ? e.message : `capture failed: ${(e as Error).message}`);
    } finally {
      job.success = job.documentErrors.length === 0 && (job.errors.length === 0 || (job.captureErrorBehaviour === "proceed" && job.capturedCount > 0));
      job.running = false;
      job.finishedAt = new Date().toISOString();
    }
  }

  return {
    start(vault, org, body, behaviour, submittedBy) {
      const job: CaptureJob = {
        captureID: randomUUID(),
        vault,
        org,
        createdAt: new Date().toISOString(),
        running: true,
        success: false,
        captureErrorBehaviour: behaviour,
        eventCount: 0,
        capturedCount: 0,
        documentErrors: [],
        errors: [],
      };
      remember(job);
      const p = run(job, body, submittedBy).finally(() => running.delete(p));
      running.add(p);
      return job;
    },
    job(id) {
      return jobs.get(id) ?? null;
    },
    async captureEvent(vault, org, event, submittedBy) {
      const problems = validator.standaloneEvent(event);
      if (problems.length > 0) throw new SealTrailError("invalid", problems.join("; "), { detail: { problems } });
      const prepared = prepareEvent(event, { context: event["@context"] }, new Date().toISOString());
      const stored = event.errorDeclaration === undefined ? await duplicateIn(vault, prepared.hash) : null;
      if (stored !== null) throw new SealTrailError("conflict", `event already captured as record ${stored} (event hash ${prepared.hash})`);
      const [r] = await append(vault, org, await keyOf(vault, org), [prepared], submittedBy);
      return { eventID: prepared.eventID, index: r!.index };
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
