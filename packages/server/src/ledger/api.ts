/**
 * The ledger's API: what HTTP and the CLI call (append, publish, proofs,
 * publication status), how they call it and what they get back.
 */
import { toHex, type Envelope } from "@sealtrail/core";
import type { CheckpointRow, LogReader, PendingEntry, SequenceOutcome, Store } from "../store/types.js";
import type { RecordSubmission } from "./submission.js";
import type { RecordRules } from "./record-rules.js";
import type { VerifierPool } from "./verifier-pool.js";
import type { RoundStatus, WitnessStatus } from "./publisher.js";
import type { WitnessEndpoint } from "./witness-client.js";
import type { AnchorProvider, AnchorStatus } from "./anchoring.js";

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
  /**
   * Called after each committed batch with its entries and their outcomes,
   * before the appends are answered: work that must follow a durable commit
   * (a file erasure deletes the file's bytes). A failure is logged; the
   * records stay appended.
   */
  readonly onCommitted?: (vault: string, entries: readonly PendingEntry[], outcomes: readonly SequenceOutcome[]) => Promise<void>;
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
