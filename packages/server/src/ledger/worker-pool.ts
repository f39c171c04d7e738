/**
 * Worker threads shared out round-robin: each request goes to one worker
 * with an id, and its answer comes back by that id. A worker that fails or
 * exits takes only its own requests down with it and leaves the pool; the
 * next request spawns a replacement. Idle workers do not keep the process
 * alive. The verifier pool and the capture pool are built on it.
 */
import { Worker, type TransferListItem } from "node:worker_threads";

/** Worker threads answering `{ id, ... }` messages. */
export interface WorkerPool<A> {
  /** Post `msg` (with `id` added) to the next worker; resolves with its answer. */
  run(msg: Record<string, unknown>, transfer?: readonly TransferListItem[]): Promise<A>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` workers running the module at `url`. `answer` turns a
 * worker's message into the result, or throws for a worker-side failure.
 *
 * @example
 * ```ts
 * const pool = createWorkerPool<Uint8Array>(new URL("./verify-worker.js", import.meta.url), 2, "verifier", (m) => m.results as Uint8Array);
 * ```
 */
export function createWorkerPool<A>(url: URL, threads: number, name: string, answer: (m: Record<string, unknown>) => A): WorkerPool<A> {
  interface Slot {
    readonly worker: Worker;
    readonly pending: Map<number, { resolve: (r: A) => void; reject: (e: Error) => void }>;
  }
  const slots: Slot[] = [];
  let nextId = 0;
  let rr = 0;

  const retire = (slot: Slot, e: Error): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    for (const p of slot.pending.values()) p.reject(e);
    slot.pending.clear();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(url), pending: new Map() };
    slot.worker.unref();
    slot.worker.on("message", (m: Record<string, unknown> & { id: number }) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) slot.worker.unref();
      try {
        p.resolve(answer(m));
      } catch (e) {
        p.reject(e as Error);
      }
    });
    slot.worker.on("error", (e) => retire(slot, e));
    slot.worker.on("exit", (code) => retire(slot, new Error(`${name} worker exited with code ${code}`)));
    return slot;
  };

  return {
    run(msg, transfer = []) {
      while (slots.length < threads) slots.push(spawn());
      const slot = slots[rr++ % slots.length]!;
      return new Promise<A>((resolve, reject) => {
        const id = nextId++;
        slot.pending.set(id, { resolve, reject });
        slot.worker.ref();
        slot.worker.postMessage({ ...msg, id }, transfer);
      });
    },
    async close() {
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
