/**
 * Ed25519 verification on every core: a small pool of worker threads that
 * verify batches of signatures. Small batches are verified inline, where a
 * round trip to a worker would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ed25519Verify } from "@sealtrail/core";

/** One signature to check. */
export interface VerifyTask {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Verifies many signatures, in parallel when worth it. */
export interface VerifierPool {
  verifyAll(tasks: readonly VerifyTask[]): Promise<boolean[]>;
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
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: (r: Uint8Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let rr = 0;

  const spawn = (): Worker => {
    const w = new Worker(WORKER_URL);
    w.unref();
    w.on("message", (m: { id: number; results: Uint8Array }) => {
      const p = pending.get(m.id);
      if (p !== undefined) {
        pending.delete(m.id);
        p.resolve(m.results);
      }
    });
    w.on("error", (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    return w;
  };

  const runOn = (w: Worker, tasks: readonly VerifyTask[]): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, tasks });
    }).finally(() => {
      if (pending.size === 0) w.unref();
    }) as Promise<Uint8Array>;

  return {
    threads,
    async verifyAll(tasks) {
      if (tasks.length < INLINE_LIMIT || threads === 1) {
        return tasks.map((t) => ed25519Verify(t.publicKey, t.message, t.signature));
      }
      while (workers.length < threads) workers.push(spawn());
      const chunk = Math.ceil(tasks.length / threads);
      const parts: Promise<Uint8Array>[] = [];
      for (let i = 0; i < tasks.length; i += chunk) {
        const w = workers[rr++ % workers.length]!;
        parts.push(runOn(w, tasks.slice(i, i + chunk)));
      }
      const results = await Promise.all(parts);
      const out: boolean[] = [];
      for (const r of results) for (const x of r) out.push(x === 1);
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}
