/**
 * The ledger: append (check, verify, sequence durably with integration),
 * publish checkpoints, and serve proofs. Shaped as Tessera is: an append is
 * acknowledged with its index only after its batch is committed; checkpoints
 * are signed over what the store has integrated, never ahead of it.
 *
 * This file composes the parts (append.ts, queue.ts, publication.ts,
 * proofs.ts) and runs the intervals: checkpoint rounds and idempotency
 * pruning.
 */
import { SealTrailError } from "@sealtrail/core";
import { NO_RECORD_RULES } from "./record-rules.js";
import { createVerifierPool } from "./verifier-pool.js";
import { createPublisher, type Publisher } from "./publisher.js";
import { createAnchorer, type Anchorer } from "./anchoring.js";
import type { Ledger, LedgerOptions } from "./api.js";
import { createAppend } from "./append.js";
import { createBacklog } from "./backlog.js";
import { createProofs } from "./proofs.js";
import { createPublication } from "./publication.js";
import { createSequencingQueue } from "./queue.js";
import { createVaultSigners } from "./vault-signers.js";

export {
  acknowledgement,
  type AppendOptions,
  type AppendResult,
  type Idempotency,
  type InclusionProof,
  type Ledger,
  type LedgerOptions,
  type PublicationStatus,
} from "./api.js";

/**
 * Create the ledger over a store.
 *
 * @example
 * ```ts
 * const ledger = createLedger({ store });
 * const [r] = await ledger.append("default", [submission]);
 * ```
 */
export function createLedger(opts: LedgerOptions): Ledger {
  const store = opts.store;
  const maxBatch = opts.maxBatch ?? 4096;
  const maxQueue = opts.maxQueue ?? 100_000;
  const rules = opts.rules ?? NO_RECORD_RULES;
  const intervalMs = opts.checkpointIntervalMs ?? 1000;
  const idempotencyTtlMs = opts.idempotencyTtlMs ?? 24 * 3600_000;
  let verifier = opts.verifier;
  const ownsVerifier = verifier === undefined;
  const proofs = createProofs({ store, tileCacheSize: opts.tileCacheSize ?? 4096, intervalMs });
  let timer: NodeJS.Timeout | null = null;
  let pruner: NodeJS.Timeout | null = null;
  const log = opts.log ?? ((m: string) => console.error(m));
  // Publication (formats §16): witnesses before a checkpoint is stored, anchors after.
  const publisher: Publisher | null =
    opts.witnesses !== undefined && opts.witnesses.length > 0
      ? createPublisher({
          witnesses: opts.witnesses,
          ...(opts.witnessThreshold !== undefined ? { threshold: opts.witnessThreshold } : {}),
          ...(opts.witnessTimeoutMs !== undefined ? { timeoutMs: opts.witnessTimeoutMs } : {}),
          ...(opts.fetch !== undefined ? { fetch: opts.fetch } : {}),
          consistencyProof: (vault, from, to) => ledger.consistencyProof(vault, from, to),
          log,
        })
      : null;
  const anchorer: Anchorer | null =
    opts.anchors !== undefined && opts.anchors.length > 0
      ? createAnchorer({ store, providers: opts.anchors, ...(opts.anchorEvery !== undefined ? { every: opts.anchorEvery } : {}), log })
      : null;
  // The backlog limit is pushback for a log whose publication can stall (on its witnesses).
  const maxUnpublished = opts.maxUnpublished ?? (publisher !== null ? 100_000 : null);
  if (maxUnpublished !== null && (!Number.isInteger(maxUnpublished) || maxUnpublished < 1)) {
    throw new SealTrailError("invalid", `maxUnpublished must be a positive integer, got ${maxUnpublished}`);
  }
  const backlog = createBacklog(store);
  const vaultSigner = createVaultSigners(store);
  const queue = createSequencingQueue({ store, maxBatch, sequenced: backlog.sequenced, committed: opts.onCommitted });
  const publication = createPublication({ store, vaultSigner, backlog, publisher, anchorer, maxUnpublished });
  const append = createAppend({
    store,
    rules,
    maxBatch,
    maxQueue,
    maxUnpublished,
    intervalMs,
    queue,
    backlog,
    vaultSigner,
    verifier: () => (verifier ??= createVerifierPool()),
  });

  const ledger: Ledger = {
    reader: store,
    append,
    publish: publication.publish,
    inclusionProof: proofs.inclusionProof,
    tlogProof: proofs.tlogProof,
    consistencyProof: proofs.consistencyProof,

    async verifierKey(vault) {
      return (await vaultSigner(vault)).vkey;
    },

    publication: publication.status,

    async anchorRound(vault) {
      await anchorer?.round(vault);
    },

    start() {
      if (timer !== null) return;
      const prune = (): void => {
        store.pruneIdempotency(new Date(Date.now() - idempotencyTtlMs).toISOString()).catch((e: unknown) => console.error("idempotency pruning failed:", e));
      };
      prune();
      pruner = setInterval(prune, Math.min(3_600_000, idempotencyTtlMs));
      pruner.unref();
      timer = setInterval(() => {
        void (async () => {
          // Vaults in parallel: a round that waits on a slow witness holds up only its own vault.
          await Promise.all(
            (await store.vaults()).map(async (v) => {
              try {
                await ledger.publish(v.name);
              } catch (e) {
                console.error(`checkpoint of vault ${v.name} failed:`, e);
              }
            }),
          );
          // Retries of failed anchors, off the append path (not awaited by publication).
          if (anchorer !== null) void anchorer.round();
        })().catch((e: unknown) => console.error("checkpoint round failed:", e));
      }, intervalMs);
    },

    async close() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (pruner !== null) clearInterval(pruner);
      pruner = null;
      await queue.drain();
      await publication.settled();
      await anchorer?.close();
      if (ownsVerifier && verifier !== undefined) await verifier.close();
    },
  };
  return ledger;
}
