/**
 * Evidence bundle document and verification report types (docs/formats.md
 * §14). A bundle is JSON, so every field here is what a parser may find, not
 * what it is promised: the verifier checks each one.
 */

/** Format tag of an evidence bundle. */
export const BUNDLE_FORMAT = "sealtrail-bundle/v1";

/** One bundled log entry, with its payload and salt unless redacted. */
export interface BundleRecord {
  /** Log index the exporter claims for the entry. */
  readonly index: number;
  /** The entry bytes (canonical JSON of the signed envelope), base64. */
  readonly entry: string;
  /** The payload's canonical JSON text exactly as stored; absent when redacted. */
  readonly payload?: string;
  /** The payload salt, base64 of 32 bytes; absent when redacted. */
  readonly salt?: string;
}

/** A consistency proof between two bundled checkpoint sizes (RFC 9162 §2.1.4). */
export interface BundleConsistency {
  readonly from: number;
  readonly to: number;
  /** Base64 hashes. */
  readonly proof: readonly string[];
}

/** An evidence bundle (docs/formats.md §14). */
export interface EvidenceBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly vault: string;
  readonly origin: string;
  /** When it was exported (informative). */
  readonly createdAt?: string;
  /** How the exporter chose the records (informative). */
  readonly selection?: string;
  /** Checkpoint notes exactly as the log stored them, ascending size. */
  readonly checkpoints: readonly string[];
  readonly consistency: readonly BundleConsistency[];
  /** Anchor records as stored (docs/formats.md §12, §13). */
  readonly anchors: readonly Record<string, unknown>[];
  /** Every entry index the bundle holds, ascending, and the leaf hash of each. */
  readonly manifest: { readonly indices: readonly number[]; readonly leafHashes: string };
  /** One multi-leaf proof of every manifest leaf in the checkpoint of `size`. */
  readonly inclusion: { readonly size: number; readonly proof: string };
  /** The vault's `sealtrail.key` records up to the proof's checkpoint. */
  readonly keys: readonly BundleRecord[];
  /** Every other bundled record: the selected ones, membership and redaction records. */
  readonly records: readonly BundleRecord[];
  /** A custody bundle: every custody event of this identifier (docs/formats.md §17), for bundleCustodyChain. */
  readonly custody?: { readonly identifier: string };
  /**
   * A bundle with its files (the ZIP form, docs/formats.md §14): the
   * attachments whose bytes the vault erased, each with the index of its
   * `file.erasure` record (bundled in `records`). Informative: the verifier
   * trusts only the signed erasure records themselves.
   */
  readonly erased?: readonly { readonly sha256: string; readonly index: number }[];
}

/**
 * Stable codes of everything the bundle verifier can find wrong. They are
 * part of the format: scripts match on them.
 */
export const BUNDLE_FAILURE_CODES = [
  /** The bundle (or a section of it) does not parse as docs/formats.md §14. */
  "bundle_malformed",
  /** The bundle names another vault origin than the policy. */
  "origin_mismatch",
  /** One record does not parse (entry, envelope, payload/salt pairing, duplicate index). */
  "record_malformed",
  /** The payload and salt do not match the envelope's commitment. */
  "payload_changed",
  /** The payload and salt are gone and no valid redaction record names the entry. */
  "payload_missing",
  /** The author signature does not verify: the envelope was changed. */
  "envelope_changed",
  /** No key of that id was registered for the author before the record. */
  "key_unknown",
  /** The key was revoked at an index before the record. */
  "key_revoked",
  /** An index in the manifest has no record in the bundle. */
  "entry_missing",
  /** A logged entry given at another index than the one the log holds it at. */
  "entry_reordered",
  /** An entry the log does not hold (its leaf is not proven), or a proof that fails. */
  "entry_inserted",
  /** The record is not covered by a valid inclusion proof. */
  "inclusion_unproven",
  /** A checkpoint of the vault's origin without a valid log signature. */
  "checkpoint_forged",
  /** A checkpoint of another origin, or a witness cosignature made over another checkpoint. */
  "checkpoint_replayed",
  /**
   * A checkpoint given again: the same note, another note of a checkpoint
   * already given (other signature lines), or a third note of one size. Set
   * aside before any signature is checked.
   */
  "checkpoint_duplicate",
  /** Checkpoints not in ascending size, as the format requires. */
  "checkpoint_unordered",
  /** The checkpoint the records are proven in has fewer valid cosignatures than the policy needs. */
  "witness_threshold",
  /** Two checkpoints of one size with different roots, or a consistency proof that fails. */
  "split_view",
  /** Two bundled checkpoint sizes with no consistency proof between them. */
  "consistency_unproven",
  /** A consistency entry that is not {from, to, proof: [base64 hash, …]}. */
  "consistency_malformed",
  /**
   * A consistency entry that proves nothing the verifier uses: from not
   * below to, a pair that is not two consecutive bundled sizes, or a second
   * entry for one pair.
   */
  "consistency_superfluous",
  /** A record claims a time more than maxSealDelay before an anchor over a checkpoint that did not hold it. */
  "backdated",
  /** A record claims a time after the earliest anchor that proves it existed. */
  "claimed_after_anchor",
  /** An anchor that does not verify, or that names no bundled checkpoint. */
  "anchor_invalid",
  /** An anchor record given again, byte for byte (as JSON): set aside unchecked. */
  "anchor_duplicate",
  /**
   * Checked when the policy names the operator: a record its author could
   * not write at its index (no membership in force allows its type), or a
   * membership record not written by the operator.
   */
  "write_unauthorised",
  /**
   * Checked when the caller gives the bundle's files (a ZIP bundle): an
   * attachment of a valid record whose bytes the bundle does not carry, and
   * that no valid `file.erasure` record in the bundle erases.
   */
  "attachment_missing",
  /** Checked when the caller gives the bundle's files: carried bytes whose SHA-256 or length is not the one the record signed. */
  "attachment_tampered",
] as const;

/** One of {@link BUNDLE_FAILURE_CODES}. */
export type BundleFailureCode = (typeof BUNDLE_FAILURE_CODES)[number];

/** A failure: its stable code and what exactly was found. */
export interface BundleFailure {
  readonly code: BundleFailureCode;
  readonly message: string;
  /** The record's index, or the checkpoint size, it is about (when there is one). */
  readonly index?: number;
  readonly size?: number;
}

/** What the verifier found about one attachment of a valid record, when the bundle's files were given. */
export interface AttachmentReport {
  /** Position in the payload's `attachments`. */
  readonly position: number;
  readonly sha256: string;
  readonly length: number;
  readonly mediaType: string;
  readonly name: string;
  /**
   * `verified`: the carried bytes hash to the signed digest and length;
   * `redacted`: not carried, and a valid `file.erasure` record erased them;
   * `missing`: not carried, with no such record; `tampered`: carried, but
   * other bytes (or unreadable).
   */
  readonly status: "verified" | "redacted" | "missing" | "tampered";
  /** For `redacted`: the erasure record's index, author, claimed time and reason. */
  readonly erasure?: { readonly index: number; readonly by: string; readonly at: string; readonly reason: string | null };
  /** For `tampered`: what the carried bytes are (absent when they could not be read whole). */
  readonly found?: { readonly sha256: string; readonly length: number };
}

/** What the verifier found about one record. */
export interface RecordReport {
  readonly index: number;
  /** Envelope fields (null when the entry did not parse or is missing). */
  readonly type: string | null;
  readonly author: string | null;
  readonly keyId: string | null;
  readonly claimedTime: string | null;
  readonly subjects: readonly string[];
  readonly status: "valid" | "redacted" | "invalid";
  /** Signed by the server holding the author's key (envelope mode "custodial"). */
  readonly custodial: boolean;
  /** For a redacted record: the redaction record's author, claimed time, index and reason. */
  readonly redactedBy: string | null;
  readonly redactedAt: string | null;
  readonly redactionIndex: number | null;
  readonly redactionReason: string | null;
  /** Earliest verified anchor time over a checkpoint that holds the record (ISO 8601), or null. */
  readonly signedNoLaterThan: string | null;
  readonly failures: readonly BundleFailure[];
  /** Each attachment the payload names, when the bundle's files were given (a valid record with attachments only). */
  readonly attachments?: readonly AttachmentReport[];
}

/** One bundled checkpoint as the verifier judged it. */
export interface CheckpointReport {
  readonly size: number;
  /** Base64 root hash. */
  readonly root: string;
  /** Log signature valid, origin right, known cosignatures valid, consistent with the proof's checkpoint. */
  readonly valid: boolean;
  /** Names of the policy witnesses that cosigned it. */
  readonly cosignedBy: readonly string[];
  /** Verified anchors over this note: type and time. */
  readonly anchors: readonly { readonly type: string; readonly time: string }[];
}

/** The verifier's answer: `ok` only when every check of every record and of the bundle holds. */
export interface BundleReport {
  readonly ok: boolean;
  readonly vault: string | null;
  readonly origin: string | null;
  /** Size of the checkpoint the records are proven in. */
  readonly proofSize: number | null;
  readonly checkpoints: readonly CheckpointReport[];
  /** Per record, in index order (manifest indices with no record included, as invalid). */
  readonly records: readonly RecordReport[];
  /** Failures of the bundle as a whole (checkpoints, proofs, anchors, missing entries). */
  readonly failures: readonly BundleFailure[];
  /** Things not checked, and why (an anchor type with no verifier, for instance). */
  readonly warnings: readonly string[];
  readonly counts: { readonly valid: number; readonly redacted: number; readonly invalid: number };
  /** Attachments of valid records by status, when the bundle's files were given (VerifyBundleOptions.files). */
  readonly files?: { readonly verified: number; readonly redacted: number; readonly missing: number; readonly tampered: number };
}
