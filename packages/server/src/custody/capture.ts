/**
 * EPCIS 2.0 capture: every event of a document becomes a `custody.event`
 * record, signed by the capturing organisation (with the key the server
 * holds for it) and sealed in the vault's log. A document is checked whole
 * before anything is stored (schema, event hash, duplicates), then stored in
 * chunks; it is held once, as the bytes received, and parsed an event at a
 * time (see epcis-scan.ts).
 */
import { randomUUID } from "node:crypto";
import { SealTrailError, epcisDocumentHashContext, readSecurityExtension, type JsonValue } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { heldKeyIn } from "../ledger/custodial.js";
import type { Store } from "../store/types.js";
import { scanEpcisDocument } from "./epcis-scan.js";
import type { EpcisValidator } from "./epcis-validate.js";
import { createCapturePool, signCustodyEvent, type BuiltEvent, type CapturePool, type CheckResult } from "./capture-pool.js";
import { CUSTODY_EVENT_TYPE, hashSubject, prepareEvent } from "./prepare.js";

export { CUSTODY_EVENT_TYPE, eventSubject, hashSubject, identifierKey, prepareEvent, type PreparedEvent } from "./prepare.js";

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

// Events per message to the pool, and groups being checked at once: enough
// to keep every worker busy, few enough that the texts in flight stay small.
const GROUP = 250;
const IN_FLIGHT = 4;

/** Options of {@link createCaptureService}. */
export interface CaptureServiceOptions {
  readonly ledger: Ledger;
  readonly store: Store;
  readonly validator: EpcisValidator;
  /** Events per append (default 1000). */
  readonly chunk?: number;
  /** Capture jobs remembered (default 1000; the oldest finished go first). */
  readonly maxJobs?: number;
  /** Worker threads that check and sign events (default: one per core; 1 runs inline). */
  readonly threads?: number;
}

/** Captures documents and single events. */
export interface CaptureService {
  /** Start capturing a document; the job runs on and reports through {@link CaptureService.job}. */
  start(vault: string, org: string, body: Uint8Array, behaviour: CaptureErrorBehaviour, submittedBy?: string): CaptureJob;
  job(captureID: string): CaptureJob | null;
  /** Capture one event (sent with its own `@context`), synchronously. */
  captureEvent(vault: string, org: string, event: Record<string, JsonValue>, submittedBy?: string): Promise<{ eventID: string; index: bigint }>;
  /** Wait for every running job (tests). */
  idle(): Promise<void>;
  /** Wait for every running job, then stop the worker threads. */
  close(): Promise<void>;
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
  const pool: CapturePool = createCapturePool(validator, opts.threads !== undefined ? { threads: opts.threads } : {});

  const duplicateIn = (vault: string, hash: string): Promise<bigint | null> => store.firstWithSubject(vault, hashSubject(hash));

  const keyOf = async (vault: string, org: string): Promise<Uint8Array> => {
    const seed = await heldKeyIn(store, org, vault);
    if (seed === null) throw new SealTrailError("unknown_key", `the server holds no active key of ${org} in vault ${vault}: create a custodial key first`);
    return seed;
  };

  // Records built by this service (on the pool or inline) go to the ledger as signed here.
  const appendBuilt = (vault: string, built: readonly BuiltEvent[], submittedBy?: string) =>
    ledger.append(
      vault,
      built.map((b) => ({ entry: b.signed, payload: JSON.parse(b.payload) as unknown, salt: b.salt })),
      { signedHere: true, ...(submittedBy !== undefined ? { submittedBy } : {}) },
    );

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
      const decoder = new TextDecoder("utf-8", { fatal: false });
      const textsOf = (from: number, to: number): string[] => {
        const out: string[] = [];
        for (let i = from; i < to; i++) out.push(decoder.decode(body.subarray(doc.events[i]![0], doc.events[i]![1])));
        return out;
      };
      // First pass: check every event on the pool, a group at a time with a
      // few groups in flight; keep only their hashes.
      const seen = new Map<string, number>();
      const hashes: (string | undefined)[] = new Array<string | undefined>(doc.events.length);
      const bad = new Set<number>();
      const groups: [number, number][] = [];
      for (let i = 0; i < doc.events.length; i += GROUP) groups.push([i, Math.min(i + GROUP, doc.events.length)]);
      const checking: Promise<CheckResult[]>[] = [];
      const ask = (g: number): void => {
        if (g >= groups.length) return;
        const [from, to] = groups[g]!;
        const p = pool.check({ op: "check", first: from, texts: textsOf(from, to), hashContext });
        p.catch(() => {});
        checking[g] = p;
      };
      for (let g = 0; g < IN_FLIGHT; g++) ask(g);
      for (let g = 0; g < groups.length; g++) {
        const results = await checking[g]!;
        delete checking[g];
        ask(g + IN_FLIGHT);
        const from = groups[g]![0];
        for (let k = 0; k < results.length; k++) {
          const i = from + k;
          const r = results[k]!;
          const problems = [...r.problems];
          if (problems.length === 0 && r.hash !== undefined) {
            hashes[i] = r.hash;
            // An error declaration hashes as the event it corrects (CBV 2.0
            // leaves errorDeclaration out of the hash): a new event, not a copy.
            if (r.declares !== true) {
              const earlier = seen.get(r.hash);
              if (earlier !== undefined) problems.push(`event ${i}: the same event as event ${earlier} of this document (event hash ${r.hash})`);
              else {
                seen.set(r.hash, i);
                const stored = await duplicateIn(job.vault, r.hash);
                if (stored !== null) problems.push(`event ${i}: already captured as record ${stored} (event hash ${r.hash})`);
              }
            }
          }
          if (problems.length > 0) {
            bad.add(i);
            job.errors.push({ event: i, ...(r.eventID !== undefined ? { eventID: r.eventID } : {}), problems });
          }
        }
      }
      if (bad.size > 0 && job.captureErrorBehaviour === "rollback") return;
      // Second pass: records built and signed on the pool, appended in order,
      // one chunk stored while the next is built.
      const seed = await keyOf(job.vault, job.org);
      const recordTime = new Date().toISOString();
      const good: number[] = [];
      for (let i = 0; i < doc.events.length; i++) if (!bad.has(i)) good.push(i);
      let inFlight: Promise<void> = Promise.resolve();
      // Records of the next chunks are built on the pool while the main
      // thread appends the current one.
      const buildChunk = (c: number): Promise<BuiltEvent[]> => {
        const ids = good.slice(c, c + chunk);
        const parts: Promise<BuiltEvent[]>[] = [];
        for (let k = 0; k < ids.length; k += GROUP) {
          const items = ids.slice(k, k + GROUP).map((i) => ({ text: decoder.decode(body.subarray(doc.events[i]![0], doc.events[i]![1])), hash: hashes[i]! }));
          parts.push(pool.build({ op: "build", vault: job.vault, type: CUSTODY_EVENT_TYPE, author: job.org, seed, recordTime, hashContext, items }));
        }
        const all = Promise.all(parts).then((x) => x.flat());
        all.catch(() => {});
        return all;
      };
      const building = new Map<number, Promise<BuiltEvent[]>>();
      for (let c = 0; c < good.length; c += chunk) {
        for (let a = c; a < good.length && a <= c + chunk; a += chunk) if (!building.has(a)) building.set(a, buildChunk(a));
        const built = await building.get(c)!;
        building.delete(c);
        const previous = inFlight;
        // Appends queue in call order, so chunks commit in document order.
        const appended = appendBuilt(job.vault, built, submittedBy);
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
        // At most two chunks in the ledger's queue.
        await previous;
      }
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
      readSecurityExtension(event, event["@context"]);
      const prepared = prepareEvent(event, { context: event["@context"] }, new Date().toISOString());
      const stored = event.errorDeclaration === undefined ? await duplicateIn(vault, prepared.hash) : null;
      if (stored !== null) throw new SealTrailError("conflict", `event already captured as record ${stored} (event hash ${prepared.hash})`);
      const [r] = await appendBuilt(vault, [signCustodyEvent(prepared, vault, CUSTODY_EVENT_TYPE, org, await keyOf(vault, org))], submittedBy);
      return { eventID: prepared.eventID, index: r!.index };
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
    async close() {
      while (running.size > 0) await Promise.all(running);
      await pool.close();
    },
  };
}
