/**
 * Ed25519 verification on every core: a small pool of worker threads that
 * verify batches of signatures. Small batches are verified inline, where a
 * round trip to a worker would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { ed25519Verify, packSignatureTasks, verifyPackedSignatures, type SignatureTask } from "@sealtrail/core";
import { createWorkerPool } from "./worker-pool.js";

/** One signature to check (core's SignatureTask). */
export type VerifyTask = SignatureTask;

/** Verifies many signatures, in parallel when worth it. */
export interface VerifierPool {
  verifyAll(tasks: readonly VerifyTask[]): Promise<boolean[]>;
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
  // A worker that fails or exits takes only its own chunks down with it (worker-pool.ts).
  const pool = createWorkerPool<Uint8Array>(WORKER_URL, threads, "verifier", (m) => m.results as Uint8Array);
  const runOn = (tasks: readonly VerifyTask[]): Promise<Uint8Array> => {
    const packed = packSignatureTasks(tasks);
    return pool.run({ packed, count: tasks.length }, [packed.buffer as ArrayBuffer]);
  };

  return {
    threads,
    async verifyAll(tasks) {
      if (tasks.length < INLINE_LIMIT || threads === 1) {
        return tasks.map((t) => ed25519Verify(t.publicKey, t.message, t.signature));
      }
      // A key or signature of the wrong length cannot verify: answered here.
      const wellFormed: number[] = [];
      tasks.forEach((t, i) => {
        if (t.publicKey.length === 32 && t.signature.length === 64) wellFormed.push(i);
      });
      const chunk = Math.ceil(wellFormed.length / threads);
      const parts: Promise<Uint8Array>[] = [];
      for (let i = 0; i < wellFormed.length; i += chunk) {
        const part = wellFormed.slice(i, i + chunk).map((j) => tasks[j]!);
        parts.push(runOn(part));
      }
      const results = await Promise.all(parts);
      const out: boolean[] = new Array<boolean>(tasks.length).fill(false);
      let k = 0;
      for (const r of results) for (const x of r) out[wellFormed[k++]!] = x === 1;
      return out;
    },
    async verifyPacked(packed, count) {
      if (count < INLINE_LIMIT || threads === 1) return verifyPackedSignatures(packed, count);
      return pool.run({ packed, count }, [packed.buffer as ArrayBuffer]);
    },
    close: () => pool.close(),
  };
}
