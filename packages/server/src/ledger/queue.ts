/**
 * The sequencing queue of each vault and its group commit: every request
 * that arrives while a batch is being written joins the next batch, and
 * learns its durable indices only once that batch is committed (an append
 * is acknowledged after its transaction, as in Tessera).
 */
import { integrate } from "@sealtrail/core";
import type { PendingEntry, SequenceOutcome, Store } from "../store/types.js";
import type { CheckedSubmission } from "./submission.js";

interface Waiting {
  readonly items: CheckedSubmission[];
  resolve(o: SequenceOutcome[]): void;
  reject(e: unknown): void;
}

/** The queues of every vault. */
export interface SequencingQueue {
  /** Entries of the vault waiting to be sequenced. */
  queued(vault: string): number;
  /** Queue checked records for the next batch; resolves with their outcomes once it is committed. */
  enqueue(vault: string, items: CheckedSubmission[]): Promise<SequenceOutcome[]>;
  /** Commit everything queued (on close). */
  drain(): Promise<void>;
}

/** Options of {@link createSequencingQueue}. */
export interface QueueOptions {
  readonly store: Store;
  /** Most entries sequenced in one transaction. */
  readonly maxBatch: number;
  /** Called after each committed batch with the tree's new size. */
  readonly sequenced: (vault: string, size: bigint) => void;
  /** Called after each committed batch, before its appends are answered (see LedgerOptions.onCommitted). */
  readonly committed?: ((vault: string, entries: readonly PendingEntry[], outcomes: readonly SequenceOutcome[]) => Promise<void>) | undefined;
}

/**
 * Create the sequencing queues over a store.
 *
 * @example
 * ```ts
 * const queue = createSequencingQueue({ store, maxBatch: 4096, sequenced: backlog.sequenced });
 * const outcomes = await queue.enqueue("default", checked);
 * ```
 */
export function createSequencingQueue(opts: QueueOptions): SequencingQueue {
  const { store, maxBatch } = opts;
  const queues = new Map<string, { waiting: Waiting[]; queued: number; flushing: boolean; scheduled: boolean }>();

  function queueOf(vault: string) {
    let q = queues.get(vault);
    if (q === undefined) {
      q = { waiting: [], queued: 0, flushing: false, scheduled: false };
      queues.set(vault, q);
    }
    return q;
  }

  // Group commit: every request that arrives while a batch is being written
  // joins the next batch.
  async function flush(vault: string): Promise<void> {
    const q = queueOf(vault);
    if (q.flushing) return;
    q.flushing = true;
    try {
      while (q.waiting.length > 0) {
        const batch: Waiting[] = [];
        let n = 0;
        while (q.waiting.length > 0 && (batch.length === 0 || n + q.waiting[0]!.items.length <= maxBatch)) {
          const w = q.waiting.shift()!;
          batch.push(w);
          n += w.items.length;
        }
        q.queued -= n;
        try {
          const entries = batch.flatMap((w) => w.items.map((i) => i.pending));
          const { outcomes, tree } = await store.sequence(vault, entries, integrate);
          opts.sequenced(vault, tree.size);
          // Work that must follow a durable commit (a file erasure deletes its bytes) ends before the append is answered.
          if (opts.committed !== undefined) await opts.committed(vault, entries, outcomes).catch((e: unknown) => console.error(`after-commit work of vault ${vault} failed:`, e));
          let o = 0;
          for (const w of batch) {
            w.resolve(outcomes.slice(o, o + w.items.length));
            o += w.items.length;
          }
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      q.flushing = false;
    }
  }

  return {
    queued: (vault) => queueOf(vault).queued,

    enqueue(vault, items) {
      const q = queueOf(vault);
      return new Promise<SequenceOutcome[]>((resolve, reject) => {
        q.waiting.push({ items, resolve, reject });
        q.queued += items.length;
        // Flush on the next turn of the event loop, not now: every request
        // that reaches this point in the current turn joins the same batch
        // (an engine whose writes are synchronous would otherwise commit
        // each request alone).
        if (!q.scheduled) {
          q.scheduled = true;
          setImmediate(() => {
            q.scheduled = false;
            void flush(vault);
          });
        }
      });
    },

    async drain() {
      for (const [vault, q] of queues) {
        while (q.flushing || q.scheduled || q.waiting.length > 0) {
          await flush(vault);
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    },
  };
}
