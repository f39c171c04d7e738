/**
 * Capture on every core: worker threads that check events (parse, schema,
 * event hash) and build their signed records, a group of events per message.
 * With one core, or for a handful of events, the same work runs inline.
 */
import { availableParallelism } from "node:os";
import { SealTrailError, buildRecord, eventHashId, parseIJson, readSecurityExtension, toBase64, type EventHashContext, type JsonValue, type SignedEnvelope } from "@sealtrail/core";
import type { EpcisValidator } from "./epcis-validate.js";
import { prepareEvent, type PreparedEvent } from "./prepare.js";
import { createWorkerPool } from "../ledger/worker-pool.js";

/** Check a group of events (their JSON texts), numbered from `first`. */
export interface CheckRequest {
  readonly op: "check";
  readonly first: number;
  readonly texts: readonly string[];
  readonly hashContext: EventHashContext;
}

/** What the check of one event found. */
export interface CheckResult {
  readonly problems: readonly string[];
  readonly eventID?: string;
  /** CBV 2.0 event hash, when the event passed. */
  readonly hash?: string;
  /** The event is an error declaration (it hashes as the event it corrects). */
  readonly declares?: boolean;
}

/** Build the signed records of a group of checked events. */
export interface BuildRequest {
  readonly op: "build";
  readonly vault: string;
  readonly type: string;
  readonly author: string;
  readonly seed: Uint8Array;
  readonly recordTime: string;
  readonly hashContext: EventHashContext;
  readonly items: readonly { readonly text: string; readonly hash: string }[];
}

/** A built record: the signed envelope, the canonical payload and its salt. */
export interface BuiltEvent {
  readonly signed: SignedEnvelope;
  readonly payload: string;
  readonly salt: string;
  readonly eventID: string;
}

/** Checks and builds, on worker threads when worth it. */
export interface CapturePool {
  check(req: CheckRequest): Promise<CheckResult[]>;
  build(req: BuildRequest): Promise<BuiltEvent[]>;
  close(): Promise<void>;
  readonly threads: number;
}

// Works from src/custody (tests) and dist/custody (built); the worker always runs the built file.
const WORKER_URL = new URL("../../dist/custody/capture-worker.js", import.meta.url);
// Groups smaller than this run inline: a round trip would cost more.
const INLINE_LIMIT = 32;

/** The check of one group, inline. */
export function checkGroup(validator: EpcisValidator, m: CheckRequest): CheckResult[] {
  return m.texts.map((text, k) => {
    const n = m.first + k;
    let eventID: string | undefined;
    try {
      const ev = parseIJson(text, `event ${n}`);
      if (ev !== null && typeof ev === "object" && !Array.isArray(ev) && typeof ev.eventID === "string") eventID = ev.eventID;
      const problems = validator.event(ev, `event ${n}`);
      if (problems.length > 0) return { problems, ...(eventID !== undefined ? { eventID } : {}) };
      const e = ev as Record<string, unknown>;
      // The security extension (docs/epcis-security-extension.md) is checked here too: a
      // misspelt seal field or a result that contradicts the disposition is refused, not stored.
      readSecurityExtension({ ...e, eventID: `event ${n}` }, m.hashContext.context);
      return { problems: [], hash: eventHashId(e, m.hashContext), declares: e.errorDeclaration !== undefined, ...(eventID !== undefined ? { eventID } : {}) };
    } catch (err) {
      return { problems: [err instanceof SealTrailError ? err.message : `event ${n}: ${(err as Error).message}`], ...(eventID !== undefined ? { eventID } : {}) };
    }
  });
}

/** Sign a prepared event's record with the custodial key `seed` of `author`. */
export function signCustodyEvent(p: PreparedEvent, vault: string, type: string, author: string, seed: Uint8Array): BuiltEvent {
  const rec = buildRecord({ vault, type, author, seed, mode: "custodial", payload: p.event, subjects: p.subjects });
  return { signed: rec.signed, payload: rec.payload!, salt: toBase64(rec.salt!), eventID: p.eventID };
}

/** The build of one group, inline. */
export function buildGroup(m: BuildRequest): BuiltEvent[] {
  return m.items.map(({ text, hash }) =>
    signCustodyEvent(prepareEvent(parseIJson(text) as Record<string, JsonValue>, m.hashContext, m.recordTime, hash), m.vault, m.type, m.author, m.seed),
  );
}

/**
 * A pool of `threads` workers (default one per core).
 *
 * @example
 * ```ts
 * const pool = createCapturePool(validator);
 * const results = await pool.check({ op: "check", first: 0, texts, hashContext });
 * ```
 */
export function createCapturePool(validator: EpcisValidator, opts: { threads?: number } = {}): CapturePool {
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  const pool = createWorkerPool<unknown>(WORKER_URL, threads, "capture", (m) => {
    if (m.ok !== true) throw new SealTrailError("internal", `capture worker: ${String(m.error)}`);
    return m.result;
  });
  const run = <T>(msg: CheckRequest | BuildRequest): Promise<T> => pool.run({ ...msg }) as Promise<T>;
  return {
    threads,
    check: (req) => (threads === 1 || req.texts.length < INLINE_LIMIT ? Promise.resolve(checkGroup(validator, req)) : run<CheckResult[]>(req)),
    build: (req) => (threads === 1 || req.items.length < INLINE_LIMIT ? Promise.resolve(buildGroup(req)) : run<BuiltEvent[]>(req)),
    close: () => pool.close(),
  };
}
