/**
 * What the bundle verifier holds while it judges: a record, a checkpoint,
 * a key, each as parsed and checked so far, and the failures and report
 * lines made from them (docs/formats.md §14).
 */
import type { Attachment } from "../files/attachment.js";
import type { BundleFailure, BundleFailureCode, BundleReport, RecordReport } from "./types.js";

/** Parsed and checked fields of one bundled record. */
export interface Rec {
  readonly index: number;
  readonly section: "keys" | "records";
  /** Leaf hash (hex), kept only where it is needed later. */
  leaf: string | null;
  /** The record's line of the report, from its envelope (null when the entry did not parse); completed when judged. */
  env: Line | null;
  /** The envelope's `redacts`, `key` or `member` object, on those records. */
  extra: Record<string, unknown> | null;
  /** Where the record's signature task sits in its batch writer, and its message length. */
  slot: number;
  msgLen: number;
  /** Leaf equals the manifest's leaf hash at `index`. */
  positioned: boolean;
  /** null: not checked (no key); true/false: signature result. */
  sigOk: boolean | null;
  /** Payload and salt: "ok", "changed", "absent" (redacted?), or "none" (no commitment). */
  payload: "ok" | "changed" | "absent" | "none";
  failures: readonly BundleFailure[];
  /** Its signature sits in a batch not answered yet. */
  awaiting: boolean;
  /** Its line of the report, once judged. */
  report: RecordReport | null;
  /** The attachments its payload names (read only when the bundle's files are checked), else null. */
  files: readonly Attachment[] | null;
  /** On a `file.erasure` record whose payload was read: the erased file (hex) and the reason. */
  erases: { readonly sha256: string; readonly reason: string | null } | null;
}

/** A report line while it is being filled in. */
export type Line = { -readonly [K in keyof RecordReport]: RecordReport[K] };

export interface Cp {
  readonly note: string;
  readonly hashHex: string;
  readonly size: number;
  readonly root: Uint8Array;
  valid: boolean;
  usable: boolean;
  cosigners: string[];
  anchors: { type: string; time: string }[];
}

export interface KeyState {
  readonly author: string;
  readonly publicKey: Uint8Array;
  readonly registeredAt: number;
  revokedAt: number | null;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function fail(code: BundleFailureCode, message: string, where: { index?: number; size?: number } = {}): BundleFailure {
  return { code, message, ...where };
}

export function emptyReport(failures: BundleFailure[], b?: Record<string, unknown>): BundleReport {
  return {
    ok: false,
    vault: typeof b?.vault === "string" ? b.vault : null,
    origin: typeof b?.origin === "string" ? b.origin : null,
    proofSize: null,
    checkpoints: [],
    records: [],
    failures,
    warnings: [],
    counts: { valid: 0, redacted: 0, invalid: 0 },
  };
}

// Most records have no failure: they share one empty list until their first.
export const NO_FAILURES: readonly BundleFailure[] = Object.freeze([]);

/** Add a failure to a record (its first replaces the shared empty list). */
export function addFailure(r: Rec, f: BundleFailure): void {
  if (r.failures === NO_FAILURES) r.failures = [f];
  else (r.failures as BundleFailure[]).push(f);
}

// Values that many records share (type, author, key id) stored once.
const shared = new Map<string, string>();
export function once(s: string): string {
  const had = shared.get(s);
  if (had !== undefined) return had;
  if (shared.size >= 65536) shared.clear();
  shared.set(s, s);
  return s;
}

// The line of a record with no envelope to report (not parsed, or missing).
export function blankLine(index: number, status: RecordReport["status"], failures: readonly BundleFailure[]): RecordReport {
  return {
    index,
    type: null,
    author: null,
    keyId: null,
    claimedTime: null,
    subjects: [],
    status,
    custodial: false,
    redactedBy: null,
    redactedAt: null,
    redactionIndex: null,
    redactionReason: null,
    signedNoLaterThan: null,
    failures,
  };
}

// A record's line of the report, from the envelope fields judged and
// reported after the signatures come back: kept for every record until the
// report, so only those, in the one object the report returns, and the
// values records share (type, author, key id) only once (fewer bytes for the
// collector to move).
export function lineOf(index: number, env: Record<string, unknown>): Line {
  return {
    index,
    type: once(env.type as string),
    author: once(env.author as string),
    keyId: once(env.keyId as string),
    claimedTime: env.time as string,
    subjects: Array.isArray(env.subjects) ? (env.subjects as string[]) : [],
    status: "valid",
    custodial: env.mode === "custodial",
    redactedBy: null,
    redactedAt: null,
    redactionIndex: null,
    redactionReason: null,
    signedNoLaterThan: null,
    failures: NO_FAILURES,
  };
}
