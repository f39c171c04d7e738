/**
 * Ed25519 verification on every core: a small pool of worker threads that
 * verify batches of signatures. Small batches are verified inline, where a
 * round trip to a worker would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { ed25519Verify } from "@sealtrail/core";
import { createWorkerPool } from "./worker-pool.js";

/** One signature to check. */
export interface VerifyTask {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

// A chunk travels to its worker as one transferred buffer (no structured
// clone of thousands of small arrays): per task, the 32-byte public key, the
// 64-byte signature, the message length (u32, big-endian) and the message.
const TASK_HEADER = 32 + 64 + 4;

/** Pack tasks into one buffer for a worker. */
export function packTasks(tasks: readonly VerifyTask[]): Uint8Array {
  let n = 0;
  for (const t of tasks) n += TASK_HEADER + t.message.length;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const t of tasks) {
    if (t.publicKey.length !== 32 || t.signature.length !== 64) throw new Error("packTasks: key or signature of the wrong length");
    out.set(t.publicKey, o);
    out.set(t.signature, o + 32);
    view.setUint32(o + 96, t.message.length);
    out.set(t.message, o + TASK_HEADER);
    o += TASK_HEADER + t.message.length;
  }
  return out;
}

/** Walk a packed buffer, calling `fn` with views (no copies) of each task. */
export function unpackTasks(
  packed: Uint8Array,
  count: number,
  fn: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, i: number) => void,
): void {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let o = 0;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(o + 96);
    fn(packed.subarray(o, o + 32), packed.subarray(o + TASK_HEADER, o + TASK_HEADER + len), packed.subarray(o + 32, o + 96), i);
    o += TASK_HEADER + len;
  }
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
  // A worker that fails or exits takes only its own chunks down with it (worker-pool.ts).
  const pool = createWorkerPool<Uint8Array>(WORKER_URL, threads, "verifier", (m) => m.results as Uint8Array);
  const runOn = (tasks: readonly VerifyTask[]): Promise<Uint8Array> => {
    const packed = packTasks(tasks);
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
    close: () => pool.close(),
  };
}
