/**
 * Store interfaces, shaped by their callers (the ledger, the HTTP readers and
 * the audit). Nothing above src/store/ knows which database is behind them;
 * sqlite/ (and postgres/, later) are the only folders that import a driver.
 * Every method is async so that a networked engine fits the same contract.
 */
import type { MemberChange } from "@sealtrail/core";

/** A vault: one append-only log with its own identity and log key. */
export interface VaultRow {
  readonly name: string;
  /** Checkpoint origin line, also the log key's name. */
  readonly origin: string;
  /** Seed of the vault's Ed25519 log key. */
  readonly logSeed: Uint8Array;
  readonly createdAt: string;
}

/** The integrated tree of a vault. */
export interface TreeState {
  readonly size: bigint;
  readonly root: Uint8Array;
}

/** An organisation known to the server. */
export interface OrgRow {
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2 country code. */
  readonly country?: string | null;
  /** Supply-chain roles (see ORG_ROLES in access/). */
  readonly roles?: readonly string[];
  readonly createdAt: string;
}

/** A signing key that the server holds on behalf of an organisation. */
export interface HeldKeyRow {
  readonly org: string;
  readonly keyId: string;
  readonly seed: Uint8Array;
}

/** A signing key as the log registered it. */
export interface KeyRow {
  readonly vault: string;
  readonly keyId: string;
  readonly org: string;
  readonly publicKey: Uint8Array;
  readonly registeredIndex: bigint;
  readonly revokedIndex: bigint | null;
}

/** One record to sequence, already parsed and signature-checked by the ledger. */
export interface PendingEntry {
  /** Canonical log entry bytes. */
  readonly entry: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly type: string;
  readonly author: string;
  /** The key that signed it: must be active for `author` when sequenced. */
  readonly keyId: string;
  readonly claimedTime: string;
  readonly subjects: readonly string[];
  /** An earlier record of the same vault and type that this one replaces: its index and leaf hash. */
  readonly supersedes: { readonly index: bigint; readonly leafHash: Uint8Array } | null;
  /** Canonical payload JSON and its salt, stored beside the log. */
  readonly payload: string | null;
  readonly salt: Uint8Array | null;
  /** Key registry change that takes effect at this entry's index. */
  readonly keyChange: { action: "register" | "revoke"; keyId: string; publicKey: Uint8Array } | null;
  /** Membership change that takes effect at this entry's index. */
  readonly memberChange?: MemberChange | null;
  /**
   * On the first entry of a request sent with an idempotency key: who sent
   * it, the key, a hash of the whole request, and how many entries it has.
   */
  readonly request?: { readonly scope: string; readonly key: string; readonly hash: Uint8Array; readonly count: number } | null;
  /** Id of the API key that sent it, so that every use of a key is attributable. */
  readonly submittedBy?: string | null;
  // --- Redaction (issue 4) ---
  /**
   * On a `sealtrail.redaction` record: the entry whose payload and salt the
   * store destroys when it sequences this one (its index and leaf hash).
   */
  readonly redacts?: { readonly index: bigint; readonly leafHash: Uint8Array } | null;
  // --- Versioned records (SMS) ---
  /**
   * The record series this entry is a version of (`sms.risk R-12`: type and
   * record id): a first version (no `supersedes`) must start a new series,
   * and a later one must supersede the series' latest version.
   */
  readonly series?: string | null;
  // --- Evidence files ---
  /**
   * SHA-256 (hex) of each file the record's payload names in `attachments`:
   * each must be held by the vault (stored whole, not erased, not being
   * swept) when the record is sequenced, and is then recorded as named by it.
   */
  readonly files?: readonly string[] | null;
  /**
   * On a `file.erasure` record: the SHA-256 (hex) of the file whose bytes it
   * erases. The store marks the file erased by this record in the same
   * transaction; the bytes are deleted once it is committed.
   */
  readonly erasesFile?: string | null;
}

/** Outcome of one entry of a batch: its index, or why it was refused. */
export type SequenceOutcome =
  /** `replayed`: answered from an earlier request's idempotency key; `existing`: this very leaf was in the log already. */
  | { readonly ok: true; readonly index: bigint; readonly replayed?: true; readonly existing?: true }
  | { readonly ok: false; readonly code: "unknown_key" | "conflict" | "not_found"; readonly message: string };

/** Integrates new leaves into stored tiles (core's pure integrate()). */
export type Integrator = (
  size: bigint,
  readTile: (id: StoredTileId) => Uint8Array,
  leafHashes: Uint8Array[],
) => { size: bigint; root: Uint8Array; tiles: { id: StoredTileId; hashes: Uint8Array }[] };

/** A tile address: level, index and width (number of hashes). */
export interface StoredTileId {
  readonly level: number;
  readonly index: bigint;
  readonly width: number;
}

/** A stored log entry with what is kept beside it. */
export interface EntryRow {
  readonly index: bigint;
  readonly entry: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly type: string;
  readonly author: string;
  readonly keyId: string;
  readonly claimedTime: string;
  readonly sequencedAt: string;
  /** Id of the API key that sent it (null for records written by the server itself or the CLI). */
  readonly submittedBy: string | null;
  readonly payload: string | null;
  readonly salt: Uint8Array | null;
  // --- Redaction (issue 4) ---
  /** Index of the `sealtrail.redaction` record that destroyed this entry's payload and salt, or null. */
  readonly redactedBy: bigint | null;
}

/** A filter over a vault's entries. */
export interface EntryQuery {
  /** Exact record type. */
  readonly type?: string;
  /** Type prefix, e.g. `custody.` for every custody type. */
  readonly typePrefix?: string;
  readonly author?: string;
  readonly subject?: string;
  /** Only entries with a larger index (the cursor). */
  readonly after?: bigint;
  readonly limit: number;
}

/** A published checkpoint. */
export interface CheckpointRow {
  readonly size: bigint;
  readonly root: Uint8Array;
  /** The signed note text. */
  readonly note: string;
  readonly publishedAt: string;
}

// --- Anchors (issue 4: publication) -------------------------------------

/** An anchor (external proof of time) of a published checkpoint, as stored. */
export interface AnchorRow {
  /** Size of the published checkpoint it anchors. */
  readonly checkpointSize: bigint;
  /** Provider type, e.g. `rfc3161` or `evm`. */
  readonly type: string;
  /** The anchor record, JSON text (formats.md §12 for rfc3161). */
  readonly record: string;
  readonly createdAt: string;
}

/**
 * What the ledger needs to write: sequencing with integration in one durable
 * transaction, and checkpoint publication.
 */
export interface LedgerStore {
  /**
   * Sequence a batch: in one transaction, assign each accepted entry the next
   * contiguous index, store it with its payload, apply key changes, integrate
   * the new leaves into the tiles with `integrate`, and commit durably. An
   * entry is refused (and takes no index) if its key is not active for its
   * author at that point, if it supersedes a record that is not in the vault
   * at that index with that leaf hash and type,
   * or if a key change conflicts with the registry.
   * An entry of a record series must start it or supersede its latest
   * version (store/rules.ts, seriesRefusal).
   * A redaction that the rules accept (store/rules.ts) destroys its target's
   * payload and salt and sets the target's `redactedBy`, in the same
   * transaction.
   */
  sequence(vault: string, entries: readonly PendingEntry[], integrate: Integrator): Promise<{ outcomes: SequenceOutcome[]; tree: TreeState }>;
  /** Forget idempotency keys recorded before `before` (RFC 3339); returns how many. */
  pruneIdempotency(before: string): Promise<number>;
  /** Store a checkpoint; ignored if one of that size exists already. */
  putCheckpoint(vault: string, cp: { size: bigint; root: Uint8Array; note: string }): Promise<void>;
  // --- Anchors (issue 4) ---
  /** Store an anchor of a published checkpoint; several per checkpoint (one per provider or TSA) are kept. */
  putAnchor(vault: string, a: { checkpointSize: bigint; type: string; record: string }): Promise<void>;
}

/** What readers (HTTP, proofs, CLI) need. */
export interface LogReader {
  tree(vault: string): Promise<TreeState>;
  latestCheckpoint(vault: string): Promise<CheckpointRow | null>;
  checkpoints(vault: string): Promise<CheckpointRow[]>;
  checkpointAt(vault: string, size: bigint): Promise<CheckpointRow | null>;
  /** Tiles as stored (the widest version); missing tiles are absent from the map. */
  readTiles(vault: string, ids: readonly { level: number; index: bigint }[]): Promise<Map<string, Uint8Array>>;
  entries(vault: string, from: bigint, to: bigint): Promise<EntryRow[]>;
  /** Entries matching a filter, in index order, after a cursor. */
  findEntries(vault: string, q: EntryQuery): Promise<EntryRow[]>;
  /** Index of the latest version of a record series (see PendingEntry.series), or null. */
  seriesHead(vault: string, series: string): Promise<bigint | null>;
  /**
   * {@link seriesHead} of many series in one read: the index of the latest
   * version of each series named that exists; a series with none is absent.
   */
  seriesHeads(vault: string, series: readonly string[]): Promise<Map<string, bigint>>;
  /**
   * The stored payloads (canonical JSON) of the entries at `indices`, in one
   * read; an index with no entry, no payload or a destroyed (redacted) one is
   * absent.
   */
  payloadsAt(vault: string, indices: readonly bigint[]): Promise<Map<bigint, string>>;
  /**
   * The latest version of each record series whose name starts with
   * `prefix`, in series-name order after the series `after`.
   */
  latestVersions(vault: string, q: { prefix: string; after?: string; limit: number }): Promise<(EntryRow & { series: string })[]>;
  /** Indices of the entries whose `supersedes` names `index`. */
  supersedersOf(vault: string, index: bigint): Promise<bigint[]>;
  /**
   * Index, author and payload of the entries of `type` with `subject`, in
   * index order after `after`: what a chain of custody reads, without the
   * entry bytes (null payload when redacted).
   */
  subjectPayloads(vault: string, q: { type: string; subject: string; after?: bigint; limit: number }): Promise<{ index: bigint; author: string; payload: string | null }[]>;
  /** Index of the first entry with this subject, or null: a cheap existence check (duplicate events). */
  firstWithSubject(vault: string, subject: string): Promise<bigint | null>;
  keys(vault: string): Promise<KeyRow[]>;
  key(vault: string, keyId: string): Promise<KeyRow | null>;
  // --- Anchors (issue 4) ---
  /** Anchors of a vault's checkpoints, by checkpoint size then in the order stored; only those of one checkpoint with `checkpointSize`. */
  anchors(vault: string, opts?: { checkpointSize?: bigint }): Promise<AnchorRow[]>;
}

/** Vaults, organisations and held keys. */
export interface AdminStore {
  createVault(v: VaultRow): Promise<void>;
  vault(name: string): Promise<VaultRow | null>;
  vaults(): Promise<VaultRow[]>;
  createOrg(o: OrgRow): Promise<void>;
  org(id: string): Promise<OrgRow | null>;
  putHeldKey(k: HeldKeyRow): Promise<void>;
  heldKeys(org: string): Promise<HeldKeyRow[]>;
  getSetting(key: string): Promise<string | null>;
  putSetting(key: string, value: string): Promise<void>;
  /** Store `value` unless the key has one already; return the value stored (the first writer wins). */
  claimSetting(key: string, value: string): Promise<string>;
}

// --- Evidence files ------------------------------------------------------

/**
 * Where a file's bytes stand: being received (a row exists before any byte
 * is written, so that a sweep never removes bytes an upload relies on),
 * stored whole, or being removed by a sweep.
 */
export type FileState = "receiving" | "stored" | "sweeping";

/** A file a vault holds: metadata only, the bytes are in the file store. */
export interface FileRow {
  readonly vault: string;
  /** SHA-256 of the bytes, 64 lowercase hex digits: the file's name. */
  readonly sha256: string;
  readonly length: number;
  /** The media type declared at the first upload and checked against the bytes. */
  readonly mediaType: string;
  readonly state: FileState;
  /** When the bytes were first received (RFC 3339). */
  readonly uploadedAt: string;
  /** Id of the API key that first sent them (null from the CLI). */
  readonly uploadedBy: string | null;
  /** Last upload of these bytes: a sweep measures a file's age from it. */
  readonly touchedAt: string;
  /** When a `file.erasure` record erased the bytes, and that record's index; null when not erased. */
  readonly erasedAt: string | null;
  readonly erasedBy: bigint | null;
}

/** An upload of a file, as the catalog records it. */
export interface FileUpload {
  readonly sha256: string;
  readonly length: number;
  readonly mediaType: string;
  readonly uploadedBy: string | null;
  /** The upload's time (RFC 3339): the row's touchedAt, and its uploadedAt when new. */
  readonly at: string;
}

/**
 * What a vault knows of its files: one row per file (never its bytes) and
 * which records name it. The upload protocol is claim, store the bytes,
 * then mark stored; a sweep marks a row `sweeping` only while no record
 * names it and no upload touched it since its cut-off, so a record can
 * never come to name bytes that a sweep removes.
 */
export interface FileCatalog {
  /**
   * Before any byte is stored: create the row as `receiving` when there is
   * none, otherwise move its touchedAt to `at` (unless it is being swept or
   * was erased). Returns the row as it now is: the caller compares length
   * and media type and refuses a file being swept or erased.
   */
  claimFile(vault: string, f: FileUpload): Promise<FileRow>;
  /**
   * Once the bytes are stored whole: mark the row stored (creating it again
   * if a failed concurrent upload removed it). Null when the file is being
   * swept or was erased meanwhile.
   */
  fileStored(vault: string, f: FileUpload): Promise<FileRow | null>;
  /** After a failed upload: remove the row if it is still `receiving` with touchedAt `at` (no later upload of the same bytes). */
  abandonFile(vault: string, sha256: string, at: string): Promise<void>;
  file(vault: string, sha256: string): Promise<FileRow | null>;
  /** {@link file} of many in one read; a file the vault does not hold is absent. */
  filesAt(vault: string, sha256s: readonly string[]): Promise<Map<string, FileRow>>;
  /** The records that name a file in their attachments, in index order after `after`. */
  fileRecords(vault: string, sha256: string, q: { after?: bigint; limit: number }): Promise<EntryRow[]>;
  /** Files that no record names, last touched before `before` (RFC 3339), oldest first. */
  unreferencedFiles(vault: string, before: string, limit: number): Promise<FileRow[]>;
  /**
   * Mark a file `sweeping` if no record names it, it is not erased and it
   * was last touched before `before`; true when marked. The caller then
   * deletes the bytes and calls {@link sweptFile}.
   */
  beginSweep(vault: string, sha256: string, before: string): Promise<boolean>;
  /** Remove the row of a file marked `sweeping`, once its bytes are deleted. */
  sweptFile(vault: string, sha256: string): Promise<void>;
  /**
   * Bytes found in the file store with no row (an interrupted upload or
   * sweep): create a `sweeping` row for them so that no upload can rely on
   * them while the sweep deletes them; false when a row exists (an upload
   * claimed them first).
   */
  claimOrphan(vault: string, sha256: string, length: number, at: string): Promise<boolean>;
}

/** One database behind all the interfaces. */
export interface Store extends LedgerStore, LogReader, AdminStore, FileCatalog {
  readonly engine: string;
  close(): Promise<void>;
}

/** An API key as stored: never the secret, only its SHA-256. */
export interface ApiKeyRow {
  /** Public id, the part of the token before the secret. */
  readonly id: string;
  readonly org: string;
  readonly name: string;
  readonly secretHash: Uint8Array;
  /** Vaults it may act on, or "*" for every vault its organisation belongs to. */
  readonly vaults: readonly string[] | "*";
  readonly read: boolean;
  /** Record type patterns it may write. */
  readonly write: readonly string[];
  /** May administer its organisation (keys, API keys) and, with membership admin, vaults. */
  readonly admin: boolean;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** A member organisation of a vault, as the log's membership records set it. */
export interface MemberRow {
  readonly vault: string;
  readonly org: string;
  readonly read: boolean;
  readonly write: readonly string[];
  readonly admin: boolean;
  /** Index of the membership record that set this. */
  readonly sinceIndex: bigint;
}

/** Organisations, API keys and memberships: what authentication and authorisation read. */
export interface AccessStore {
  orgs(): Promise<OrgRow[]>;
  createApiKey(k: ApiKeyRow): Promise<void>;
  apiKey(id: string): Promise<ApiKeyRow | null>;
  apiKeys(org: string): Promise<ApiKeyRow[]>;
  /** Mark revoked; false when no such key or already revoked. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  touchApiKey(id: string, at: string): Promise<void>;
  members(vault: string): Promise<MemberRow[]>;
  member(vault: string, org: string): Promise<MemberRow | null>;
}

/** Map key of a tile in {@link LogReader.readTiles} results. */
export function tileKey(level: number, index: bigint): string {
  return `${level}/${index}`;
}
