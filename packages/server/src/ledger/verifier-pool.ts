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
  interface Slot {
    readonly worker: Worker;
    readonly pending: Map<number, { resolve: (r: Uint8Array) => void; reject: (e: Error) => void }>;
  }
  const slots: Slot[] = [];
  let nextId = 0;
  let rr = 0;

  // A worker that fails or exits takes only its own chunks down with it, and
  // leaves the pool: the next call spawns a replacement.
  const retire = (slot: Slot, e: Error): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    for (const p of slot.pending.values()) p.reject(e);
    slot.pending.clear();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_URL), pending: new Map() };
    slot.worker.unref();
    slot.worker.on("message", (m: { id: number; results: Uint8Array }) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) slot.worker.unref();
      p.resolve(m.results);
    });
    slot.worker.on("error", (e) => retire(slot, e));
    slot.worker.on("exit", (code) => retire(slot, new Error(`verifier worker exited with code ${code}`)));
    return slot;
  };

  const runOn = (slot: Slot, tasks: readonly VerifyTask[]): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ id, tasks });
    });

  return {
    threads,
    async verifyAll(tasks) {
      if (tasks.length < INLINE_LIMIT || threads === 1) {
        return tasks.map((t) => ed25519Verify(t.publicKey, t.message, t.signature));
      }
      while (slots.length < threads) slots.push(spawn());
      const chunk = Math.ceil(tasks.length / threads);
      const parts: Promise<Uint8Array>[] = [];
      for (let i = 0; i < tasks.length; i += chunk) {
        parts.push(runOn(slots[rr++ % slots.length]!, tasks.slice(i, i + chunk)));
      }
      const results = await Promise.all(parts);
      const out: boolean[] = [];
      for (const r of results) for (const x of r) out.push(x === 1);
      return out;
    },
    async close() {
      const all = slots.splice(0);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
