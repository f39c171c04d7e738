/**
 * Ed25519 verification on every core: a small pool of worker threads that
 * verify batches of signatures. Small batches are verified inline, where a
 * round trip to a worker would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { ed25519Verify, packSignatureTasks, verifyPackedSignatures, type SignatureTask } from "@sealtrail/core";
import type { PayloadProblem, RecordRules, WorkerValidator } from "./record-rules.js";
import { createWorkerPool } from "./worker-pool.js";

/** One signature to check (core's SignatureTask). */
export type VerifyTask = SignatureTask;

/**
 * The schema checks that go with a batch of signatures: the record rules'
 * check, run where each signature is verified (a worker, or inline).
 */
export interface PayloadChecks {
  /** The check on the calling thread, for batches verified inline. */
  readonly validate: RecordRules["validate"];
  /** The same check, where a worker finds it. */
  readonly validator: WorkerValidator;
  /** The record type of each task. */
  readonly types: readonly string[];
  /** The canonical payload of each task; null: none to check. */
  readonly payloads: readonly (string | null)[];
}

/** What verifyChecked answers: each signature's verdict, and the problems of each payload that has some. */
export interface CheckedVerification {
  readonly ok: boolean[];
  /** Payload problems by task position (absent: none). */
  readonly problems: ReadonlyMap<number, readonly PayloadProblem[]>;
  /** What the validator's facts export found of each payload checked on a worker, by task position. */
  readonly facts: ReadonlyMap<number, unknown>;
}

/** A worker's answer: 1/0 per signature, and the payloads with problems as [position, problems] pairs. */
interface WorkerAnswer {
  readonly results: Uint8Array;
  readonly problems?: [number, PayloadProblem[]][];
  readonly facts?: [number, unknown][];
}

/** Verifies many signatures, in parallel when worth it. */
export interface VerifierPool {
  verifyAll(tasks: readonly VerifyTask[]): Promise<boolean[]>;
  /**
   * verifyAll, with each task's payload checked against its record type's
   * schema beside its signature, on the same thread (so the caller's thread
   * pays for neither once batches go to workers).
   */
  verifyChecked(tasks: readonly VerifyTask[], checks: PayloadChecks): Promise<CheckedVerification>;
  /**
   * Check a packed batch (core's signature-batch format) on one worker, the
   * buffer transferred as it is (so the caller must not touch it again):
   * 1 or 0 per task. Many batches in flight keep every worker busy.
   */
  verifyPacked(packed: Uint8Array, count: number): Promise<Uint8Array>;
  close(): Promise<void>;
  readonly threads: number;
}

// Below this many signatures a batch is verified on the calling thread.
const INLINE_LIMIT = 64;

// Works from src/ledger (tests) and dist/ledger (built): both sit two levels
// below the package root, and the worker always runs the built file.
const WORKER_URL = new URL("../../dist/ledger/verify-worker.js", import.meta.url);

/**
 * Create a pool with `threads` workers (default: one per core).
 *
 * @example
 * ```ts
 * const pool = createVerifierPool();
 * const ok = await pool.verifyAll(tasks);
 * ```
 */
export function createVerifierPool(opts: { threads?: number } = {}): VerifierPool {
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  // A worker that fails or exits takes only its own chunks down with it
  // (worker-pool.ts); one whose request fails answers with the error.
  const pool = createWorkerPool<WorkerAnswer>(WORKER_URL, threads, "verifier", (m) => {
    if (typeof m.error === "string") throw new Error(`verifier worker: ${m.error}`);
    return m as unknown as WorkerAnswer;
  });
  const runOn = (tasks: readonly VerifyTask[], checks?: Record<string, unknown>): Promise<WorkerAnswer> => {
    const packed = packSignatureTasks(tasks);
    return pool.run({ packed, count: tasks.length, ...(checks !== undefined ? { checks } : {}) }, [packed.buffer as ArrayBuffer]);
  };
  const inline = (tasks: readonly VerifyTask[]): boolean[] => tasks.map((t) => ed25519Verify(t.publicKey, t.message, t.signature));
  const problemsInline = (checks: PayloadChecks, positions: Iterable<number>, into: Map<number, readonly PayloadProblem[]>): void => {
    for (const i of positions) {
      const text = checks.payloads[i];
      if (text === null || text === undefined) continue;
      // The canonical text, parsed as the workers parse it.
      const found = checks.validate(checks.types[i]!, JSON.parse(text) as Record<string, unknown>);
      if (found.length > 0) into.set(i, found);
    }
  };

  // Every well-formed task on the workers, one chunk each; `checks` gives
  // the payloads to check beside them, chunk by chunk.
  async function onWorkers(tasks: readonly VerifyTask[], checks: PayloadChecks | undefined): Promise<CheckedVerification> {
    // A key or signature of the wrong length cannot verify: answered here.
    const wellFormed: number[] = [];
    const misfits: number[] = [];
    tasks.forEach((t, i) => {
      if (t.publicKey.length === 32 && t.signature.length === 64) wellFormed.push(i);
      else misfits.push(i);
    });
    const chunk = Math.max(1, Math.ceil(wellFormed.length / threads));
    const parts: Promise<WorkerAnswer>[] = [];
    const starts: number[] = [];
    for (let i = 0; i < wellFormed.length; i += chunk) {
      const at = wellFormed.slice(i, i + chunk);
      starts.push(i);
      const sent =
        checks === undefined
          ? undefined
          : {
              url: checks.validator.url,
              name: checks.validator.name,
              ...(checks.validator.facts !== undefined ? { facts: checks.validator.facts } : {}),
              types: at.map((j) => checks.types[j]!),
              payloads: at.map((j) => checks.payloads[j] ?? null),
            };
      parts.push(runOn(at.map((j) => tasks[j]!), sent));
    }
    const problems = new Map<number, readonly PayloadProblem[]>();
    const facts = new Map<number, unknown>();
    // Payloads of misfit tasks are still checked (here: they are rare).
    if (checks !== undefined) problemsInline(checks, misfits, problems);
    const answers = await Promise.all(parts);
    const ok: boolean[] = new Array<boolean>(tasks.length).fill(false);
    answers.forEach((a, p) => {
      const from = starts[p]!;
      a.results.forEach((x, k) => (ok[wellFormed[from + k]!] = x === 1));
      for (const [k, found] of a.problems ?? []) problems.set(wellFormed[from + k]!, found);
      for (const [k, f] of a.facts ?? []) facts.set(wellFormed[from + k]!, f);
    });
    return { ok, problems, facts };
  }

  return {
    threads,
    async verifyAll(tasks) {
      if (tasks.length < INLINE_LIMIT || threads === 1) return inline(tasks);
      return (await onWorkers(tasks, undefined)).ok;
    },
    async verifyChecked(tasks, checks) {
      if (tasks.length < INLINE_LIMIT || threads === 1) {
        const problems = new Map<number, readonly PayloadProblem[]>();
        problemsInline(checks, tasks.keys(), problems);
        return { ok: inline(tasks), problems, facts: new Map() };
      }
      return onWorkers(tasks, checks);
    },
    async verifyPacked(packed, count) {
      if (count < INLINE_LIMIT || threads === 1) return verifyPackedSignatures(packed, count);
      return (await pool.run({ packed, count }, [packed.buffer as ArrayBuffer])).results;
    },
    close: () => pool.close(),
  };
}
