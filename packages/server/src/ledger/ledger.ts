/**
 * The ledger: append (check, verify, sequence durably with integration),
 * publish checkpoints, and serve proofs. Shaped as Tessera is: an append is
 * acknowledged with its index only after its batch is committed; checkpoints
 * are signed over what the store has integrated, never ahead of it.
 */
import {
  SealTrailError,
  consistencyPlan,
  formatSignerKey,
  formatTlogProof,
  formatVerifierKey,
  inclusionPlan,
  integrate,
  signCheckpoint,
  signerFromKey,
  ed25519PublicKey,
  tileForNode,
  toHex,
  type Envelope,
  type NodeId,
  type NoteSigner,
} from "@sealtrail/core";
import { tileKey, type CheckpointRow, type LogReader, type SequenceOutcome, type Store, type TreeState } from "../store/types.js";
import { checkSubmission, type CheckedSubmission, type RecordSubmission } from "./submission.js";
import { NO_RECORD_RULES, type RecordRules } from "./record-rules.js";
import { createVerifierPool, type VerifierPool } from "./verifier-pool.js";
import { ExpandedTileCache, expandTile, nodeFromExpanded } from "./tile-cache.js";
import { createPublisher, type Publisher, type RoundStatus, type WitnessStatus } from "./publisher.js";
import type { WitnessEndpoint } from "./witness-client.js";
import { createAnchorer, type AnchorProvider, type AnchorStatus, type Anchorer } from "./anchoring.js";

/** Result of one appended record. */
export interface AppendResult {
  readonly index: bigint;
  readonly leafHash: Uint8Array;
  /** True when an earlier request with the same idempotency key appended this record. */
  readonly replayed?: boolean;
  /** True when this very signed entry (the same leaf) was in the log already: nothing was appended. */
  readonly existing?: boolean;
}

/**
 * An appended record as the API answers it and the CLI prints it: its log
 * index and hex leaf hash.
 *
 * @example
 * ```ts
 * reply.status(201).send({ results: results.map(acknowledgement) });
 * ```
 */
export function acknowledgement(r: AppendResult): { index: number; leafHash: string; existing?: true } {
  return { index: Number(r.index), leafHash: toHex(r.leafHash), ...(r.existing === true ? { existing: true as const } : {}) };
}

/** How a request appends. */
export interface AppendOptions {
  /** Called with each checked envelope before anything is stored; throws to refuse the whole request. */
  readonly authorize?: (env: Envelope, i: number) => void;
  /** Retries of the same request append once. */
  readonly idempotency?: Idempotency;
  /** The API key that sends the request, kept with each record it appends. */
  readonly submittedBy?: string;
  /**
   * The records were signed by this process, just now, with keys it holds
   * (custodial capture): their signatures are not checked a second time.
   * Everything else (shape, commitment, key registered and active) still is.
   */
  readonly signedHere?: boolean;
}

/** An idempotency key: who sends it (an API key id), the key, and a hash of the request. */
export interface Idempotency {
  readonly scope: string;
  readonly key: string;
  readonly requestHash: Uint8Array;
}

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  readonly store: Store;
  /** Checkpoint interval in ms (default 1000). */
  readonly checkpointIntervalMs?: number;
  /** How long an idempotency key is remembered, in ms (default 24 hours); pruned hourly while started. */
  readonly idempotencyTtlMs?: number;
  /** Most entries sequenced in one transaction (default 4096). */
  readonly maxBatch?: number;
  /** Most entries waiting to be sequenced before appends are refused with `unavailable` (default 100000). */
  readonly maxQueue?: number;
  /** Rules of record types (schemas, versions, references): the SMS's, or none. */
  readonly rules?: RecordRules;
  /** Tiles kept expanded in memory for proofs (default 4096, at most 16 KiB each). */
  readonly tileCacheSize?: number;
  /** Signature verification pool (default: one worker per core). */
  readonly verifier?: VerifierPool;
  // --- Publication: witnesses and anchors (docs/formats.md §16) ---
  /** Witnesses asked to cosign each checkpoint before it is published (none: the log signs alone, as before). */
  readonly witnesses?: readonly WitnessEndpoint[];
  /** How many witnesses must cosign a checkpoint for it to be published (default: all). */
  readonly witnessThreshold?: number;
  /** Time limit of each request to a witness in ms (default 5000). */
  readonly witnessTimeoutMs?: number;
  /**
   * Most entries sequenced but not covered by a published checkpoint before
   * appends are refused with `unavailable` (default 100000; in effect with
   * witnesses, or when set).
   */
  readonly maxUnpublished?: number;
  /** Anchor providers (RFC 3161 TSAs, an EVM chain): each anchors published checkpoints off the append path. */
  readonly anchors?: readonly AnchorProvider[];
  /** Anchor every Nth published checkpoint (default 1). */
  readonly anchorEvery?: number;
  /** fetch used to reach witnesses (tests). */
  readonly fetch?: typeof fetch;
  /** Where publication problems are reported (default console.error). */
  readonly log?: (message: string) => void;
}

/** Publication of a vault: how far the published checkpoints are behind the tree, and why. */
export interface PublicationStatus {
  readonly vault: string;
  readonly treeSize: string;
  /** Size of the latest published checkpoint (0 before the first). */
  readonly publishedSize: string;
  /** Entries not yet covered by a published checkpoint. */
  readonly unpublished: string;
  /** Appends are refused beyond this backlog (null: no limit). */
  readonly maxUnpublished: number | null;
  /** Cosignatures a checkpoint needs (0 without witnesses). */
  readonly threshold: number;
  readonly witnesses: WitnessStatus[];
  readonly lastRound: RoundStatus | null;
  readonly anchorEvery: number;
  readonly anchors: AnchorStatus[];
}

/** An inclusion proof with the checkpoint it is against. */
export interface InclusionProof {
  readonly index: bigint;
  readonly size: bigint;
  readonly proof: Uint8Array[];
  readonly checkpoint: CheckpointRow;
}

/** The ledger API used by HTTP and the CLI. */
export interface Ledger {
  /**
   * Check, verify and durably append records. `authorize`, when given, is
   * called with each checked envelope before anything is stored; it throws
   * to refuse the whole request.
   */
  append(vault: string, subs: readonly RecordSubmission[], opts?: AppendOptions): Promise<AppendResult[]>;
  /** Sign and store a checkpoint if the tree grew since the last one. */
  publish(vault: string): Promise<CheckpointRow | null>;
  inclusionProof(vault: string, index: bigint, size?: bigint): Promise<InclusionProof>;
  tlogProof(vault: string, index: bigint, size?: bigint): Promise<string>;
  consistencyProof(vault: string, from: bigint, to: bigint): Promise<Uint8Array[]>;
  verifierKey(vault: string): Promise<string>;
  /** Publication status of a vault: backlog, each witness's last answer, anchoring. */
  publication(vault: string): Promise<PublicationStatus>;
  /** Run an anchoring round now (for one vault or all) and wait for it; the interval runs one too. */
  anchorRound(vault?: string): Promise<void>;
  /** Start publishing checkpoints on the interval. */
  start(): void;
  /** Stop publishing and wait for queued appends to commit. */
  close(): Promise<void>;
  readonly reader: LogReader;
}

interface Waiting {
  readonly items: CheckedSubmission[];
  resolve(o: SequenceOutcome[]): void;
  reject(e: unknown): void;
}


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
  const queues = new Map<string, { waiting: Waiting[]; queued: number; flushing: boolean; scheduled: boolean }>();
  const signers = new Map<string, { signer: NoteSigner; origin: string; vkey: string }>();
  const keyCache = new Map<string, Uint8Array>();
  const tileCache = new ExpandedTileCache(opts.tileCacheSize ?? 4096);
  const publishing = new Map<string, Promise<CheckpointRow | null>>();
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
  // Per vault: the tree size after the last batch and the latest published size, as this process saw them.
  const sizes = new Map<string, { tree: bigint; published: bigint }>();
  async function sizesOf(vault: string): Promise<{ tree: bigint; published: bigint }> {
    let s = sizes.get(vault);
    if (s === undefined) {
      const [tree, cp] = await Promise.all([store.tree(vault), store.latestCheckpoint(vault)]);
      s = sizes.get(vault) ?? { tree: tree.size, published: cp?.size ?? 0n };
      sizes.set(vault, s);
    }
    return s;
  }

  async function vaultSigner(vault: string): Promise<{ signer: NoteSigner; origin: string; vkey: string }> {
    let s = signers.get(vault);
    if (s === undefined) {
      const v = await store.vault(vault);
      if (v === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
      s = {
        signer: signerFromKey(formatSignerKey(v.origin, v.logSeed)),
        origin: v.origin,
        vkey: formatVerifierKey(v.origin, ed25519PublicKey(v.logSeed)),
      };
      signers.set(vault, s);
    }
    return s;
  }

  async function publicKeyOf(vault: string, keyId: string): Promise<Uint8Array | null> {
    const k = `${vault}/${keyId}`;
    let pub = keyCache.get(k);
    if (pub === undefined) {
      const row = await store.key(vault, keyId);
      if (row === null) return null;
      pub = row.publicKey;
      keyCache.set(k, pub);
    }
    return pub;
  }

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
          const { outcomes, tree } = await store.sequence(
            vault,
            batch.flatMap((w) => w.items.map((i) => i.pending)),
            integrate,
          );
          const known = sizes.get(vault);
          if (known !== undefined && tree.size > known.tree) known.tree = tree.size;
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

  async function readNodes(vault: string, ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const tiles = ids.map((id) => tileForNode(id));
    const cacheKeys = tiles.map((t) => `${vault}/${tileKey(t.level, t.index)}`);
    const out: (Uint8Array | undefined)[] = ids.map((id, i) => {
      const cached = tileCache.get(cacheKeys[i]!);
      return cached === undefined ? undefined : nodeFromExpanded(cached, id);
    });
    const missing = tiles.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as Uint8Array[];
    const fetched = await store.readTiles(vault, missing);
    for (const [k, hashes] of fetched) tileCache.set(`${vault}/${k}`, expandTile(hashes));
    return ids.map((id, i) => {
      const have = out[i];
      if (have !== undefined) return have;
      const t = tiles[i]!;
      const tile = tileCache.get(cacheKeys[i]!);
      const h = tile === undefined ? undefined : nodeFromExpanded(tile, id);
      if (h === undefined) throw new SealTrailError("internal", `tile ${t.level}/${t.index} is missing or too short for node ${id.level}/${id.index}`);
      return h;
    });
  }

  async function checkpointFor(vault: string, size: bigint | undefined, index: bigint): Promise<CheckpointRow> {
    if (size === undefined) {
      const cp = await store.latestCheckpoint(vault);
      if (cp === null || cp.size <= index) {
        const tree = await store.tree(vault);
        if (index >= tree.size) throw new SealTrailError("not_found", `no entry ${index}: the log has ${tree.size} entries`);
        throw new SealTrailError("unavailable", `entry ${index} is not yet covered by a published checkpoint`, {
          detail: { retryAfter: Math.ceil(intervalMs / 1000) },
        });
      }
      return cp;
    }
    const cp = await store.checkpointAt(vault, size);
    if (cp === null) throw new SealTrailError("not_found", `no published checkpoint of size ${size}`);
    if (index >= size) throw new SealTrailError("invalid", `index ${index} is not below size ${size}`);
    return cp;
  }

  const ledger: Ledger = {
    reader: store,
    async append(vault, subs, opts = {}) {
      const { authorize, idempotency, submittedBy } = opts;
      if (subs.length === 0) return [];
      if (subs.length > maxBatch) throw new SealTrailError("too_large", `at most ${maxBatch} records per append`);
      const q = queueOf(vault);
      if (q.queued + subs.length > maxQueue) {
        throw new SealTrailError("unavailable", "append queue is full, retry later", { detail: { retryAfter: 1 } });
      }
      if (maxUnpublished !== null) {
        const s = await sizesOf(vault);
        if (s.tree - s.published + BigInt(q.queued + subs.length) > BigInt(maxUnpublished)) {
          throw new SealTrailError(
            "unavailable",
            `${s.tree - s.published} entries of vault ${vault} wait for a published checkpoint (at most ${maxUnpublished}): appends resume once one is published`,
            { detail: { retryAfter: Math.max(1, Math.ceil(intervalMs / 1000)) } },
          );
        }
      }
      await vaultSigner(vault);
      const checked: CheckedSubmission[] = subs.map((s, i) => {
        try {
          return checkSubmission(vault, s, rules);
        } catch (e) {
          throw prefixed(e, subs.length > 1 ? `record ${i}: ` : "");
        }
      });
      if (authorize !== undefined) {
        checked.forEach((c, i) => {
          try {
            authorize(c.signed.env, i);
          } catch (e) {
            throw prefixed(e, subs.length > 1 ? `record ${i}: ` : "");
          }
        });
      }
      await rules.checkRequest(vault, checked);
      // Keys registered earlier in the same request may sign later records of it.
      const newKeys = new Map<string, Uint8Array>();
      const tasks = [];
      for (const [i, c] of checked.entries()) {
        const kc = c.pending.keyChange;
        let pub: Uint8Array | null | undefined;
        if (kc?.action === "register") {
          pub = kc.publicKey;
          newKeys.set(kc.keyId, kc.publicKey);
        } else {
          pub = newKeys.get(c.pending.keyId) ?? (await publicKeyOf(vault, c.pending.keyId));
        }
        if (pub === null || pub === undefined) {
          throw new SealTrailError("unknown_key", `${subs.length > 1 ? `record ${i}: ` : ""}key ${c.pending.keyId} is not registered in vault ${vault}`);
        }
        tasks.push({ publicKey: pub, message: c.message, signature: c.signature });
      }
      verifier ??= createVerifierPool();
      const ok = opts.signedHere === true ? tasks.map(() => true) : await verifier.verifyAll(tasks);
      const bad = ok.indexOf(false);
      if (bad >= 0) {
        throw new SealTrailError("bad_signature", `${subs.length > 1 ? `record ${bad}: ` : ""}signature does not verify with key ${checked[bad]!.pending.keyId}`);
      }
      if (submittedBy !== undefined) {
        for (const [i, c] of checked.entries()) checked[i] = { ...c, pending: { ...c.pending, submittedBy } };
      }
      if (idempotency !== undefined) {
        const first = checked[0]!;
        checked[0] = {
          ...first,
          pending: { ...first.pending, request: { scope: idempotency.scope, key: idempotency.key, hash: idempotency.requestHash, count: checked.length } },
        };
      }
      const outcomes = await new Promise<SequenceOutcome[]>((resolve, reject) => {
        q.waiting.push({ items: checked, resolve, reject });
        q.queued += checked.length;
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
      for (const c of checked) {
        if (c.pending.keyChange?.action === "revoke") keyCache.delete(`${vault}/${c.pending.keyChange.keyId}`);
      }
      const failed = outcomes.findIndex((o) => !o.ok);
      if (failed >= 0) {
        const f = outcomes[failed] as Extract<SequenceOutcome, { ok: false }>;
        const stored = outcomes.filter((o) => o.ok).length;
        throw new SealTrailError(f.code, `${subs.length > 1 ? `record ${failed}: ` : ""}${f.message}`, {
          detail: {
            stored,
            results: outcomes.map((o) => (o.ok ? { index: o.index.toString() } : { error: o.message })),
          },
        });
      }
      const results: AppendResult[] = [];
      for (const [i, o] of outcomes.entries()) {
        const { index, replayed, existing } = o as { index: bigint; replayed?: true; existing?: true };
        if (existing === true) results.push({ index, leafHash: checked[i]!.pending.leafHash, existing: true });
        else if (replayed === true) {
          // The original request's record (a retried custodial request is signed anew).
          const [row] = await store.entries(vault, index, index + 1n);
          results.push({ index, leafHash: row!.leafHash, replayed: true });
        } else results.push({ index, leafHash: checked[i]!.pending.leafHash });
      }
      return results;
    },

    async publish(vault) {
      // One publication at a time per vault; concurrent callers share it.
      const running = publishing.get(vault);
      if (running !== undefined) return running;
      const p = (async () => {
        const { signer, origin } = await vaultSigner(vault);
        const tree: TreeState = await store.tree(vault);
        const last = await store.latestCheckpoint(vault);
        const known = await sizesOf(vault);
        if (tree.size > known.tree) known.tree = tree.size;
        if (last !== null && last.size > known.published) known.published = last.size;
        if (last !== null && last.size >= tree.size) return null;
        let note = signCheckpoint({ origin, size: tree.size, root: tree.root }, signer);
        if (publisher !== null) {
          // C2SP tlog-witness: publish only what k witnesses cosigned; the
          // note is final once stored (log signature, then the witnesses in
          // configured order), so anchors can stamp its bytes.
          const { lines, enough } = await publisher.collect(vault, note, tree.size, last?.size ?? 0n);
          publisher.roundDone(vault, tree.size, lines.length, enough);
          if (!enough) return null;
          note += lines.join("");
        }
        await store.putCheckpoint(vault, { size: tree.size, root: tree.root, note });
        if (tree.size > known.published) known.published = tree.size;
        anchorer?.published(vault, tree.size);
        return { size: tree.size, root: tree.root, note, publishedAt: new Date().toISOString() };
      })().finally(() => publishing.delete(vault));
      publishing.set(vault, p);
      return p;
    },

    async inclusionProof(vault, index, size) {
      const checkpoint = await checkpointFor(vault, size, index);
      const plan = inclusionPlan(index, checkpoint.size);
      const proof = plan.assemble(await readNodes(vault, plan.nodes));
      return { index, size: checkpoint.size, proof, checkpoint };
    },

    async tlogProof(vault, index, size) {
      const p = await ledger.inclusionProof(vault, index, size);
      return formatTlogProof({ index, proof: p.proof, checkpoint: p.checkpoint.note });
    },

    async consistencyProof(vault, from, to) {
      const tree = await store.tree(vault);
      if (from > to) throw new SealTrailError("invalid", `from (${from}) must not exceed to (${to})`);
      if (to > tree.size) throw new SealTrailError("not_found", `the log has ${tree.size} entries, fewer than ${to}`);
      const plan = consistencyPlan(from, to);
      return plan.assemble(await readNodes(vault, plan.nodes));
    },

    async verifierKey(vault) {
      return (await vaultSigner(vault)).vkey;
    },

    async publication(vault) {
      await vaultSigner(vault);
      const [tree, cp] = await Promise.all([store.tree(vault), store.latestCheckpoint(vault)]);
      const published = cp?.size ?? 0n;
      const w = publisher?.status(vault) ?? { witnesses: [], lastRound: null };
      return {
        vault,
        treeSize: tree.size.toString(),
        publishedSize: published.toString(),
        unpublished: (tree.size - published).toString(),
        maxUnpublished,
        threshold: publisher?.threshold ?? 0,
        witnesses: w.witnesses,
        lastRound: w.lastRound,
        anchorEvery: anchorer?.every ?? 1,
        anchors: anchorer === null ? [] : await anchorer.status(vault),
      };
    },

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
      for (const [vault, q] of queues) {
        while (q.flushing || q.scheduled || q.waiting.length > 0) {
          await flush(vault);
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      await Promise.all(publishing.values());
      await anchorer?.close();
      if (ownsVerifier && verifier !== undefined) await verifier.close();
    },
  };
  return ledger;
}

function prefixed(e: unknown, prefix: string): unknown {
  if (prefix === "" || !(e instanceof SealTrailError)) return e;
  return new SealTrailError(e.code, prefix + e.message, { cause: e, ...(e.detail ? { detail: { ...e.detail } } : {}) });
}

