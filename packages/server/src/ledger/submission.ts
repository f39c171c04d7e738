/**
 * Checks an incoming record before it may be sequenced: envelope shape,
 * vault, type rules, payload commitment, claimed time. Signature checks
 * happen in batches afterwards (see ledger.ts).
 */
import {
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  MAX_ENTRY_SIZE,
  REDACTION_RECORD_TYPE,
  SealTrailError,
  attachmentsOf,
  canonicalize,
  checkPayload,
  commitmentOfCanonicalPayload,
  encodeSignedEnvelope,
  fromBase64,
  hashLeaf,
  keyChangePublicKey,
  parseHashHex,
  parseSignedEnvelope,
  type SignedEnvelope,
} from "@sealtrail/core";
import type { PendingEntry } from "../store/types.js";
import { erasedFileOf } from "../store/file-rules.js";
import type { PayloadProblem, RecordRules } from "./record-rules.js";

/** One record as a client sends it: the signed envelope and what is stored beside it. */
export interface RecordSubmission {
  /** The signed envelope `{ env, sig }` as JSON. */
  readonly entry: unknown;
  /** The payload object the envelope commits to. */
  readonly payload?: unknown;
  /** Base64 of the 32-byte salt of the commitment. */
  readonly salt?: string;
}


/** Claimed times may run ahead of the server clock by at most this much. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A submission that passed every check but the signature. */
export interface CheckedSubmission {
  readonly signed: SignedEnvelope;
  readonly pending: PendingEntry;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  /** What the rules' worker export found of the payload (WorkerValidator.facts); absent when none ran. */
  readonly facts?: unknown;
}

/**
 * Check one submission for `vault`, as hostile input. Raises a
 * SealTrailError naming the field at fault. With `deferValidation` the
 * payload's schema (`rules.validate`) is left to the caller, who runs it on
 * the canonical payload elsewhere (the ledger: in the verifier's workers);
 * should another check of this record fail, the schema's problems are still
 * the ones reported, as without it.
 *
 * @example
 * ```ts
 * const checked = checkSubmission("default", body.records[0], NO_RECORD_RULES);
 * ```
 */
export function checkSubmission(
  vault: string,
  sub: RecordSubmission,
  rules: RecordRules,
  now: number = Date.now(),
  opts: { readonly deferValidation?: boolean } = {},
): CheckedSubmission {
  if (sub === null || typeof sub !== "object") throw new SealTrailError("malformed", "record: must be an object");
  const signed = parseSignedEnvelope(sub.entry);
  const env = signed.env;
  if (env.vault !== vault) throw new SealTrailError("invalid", `envelope.vault: record is for vault "${env.vault}", not "${vault}"`);
  if (env.type.startsWith("sealtrail.") && env.type !== KEY_RECORD_TYPE && env.type !== MEMBER_RECORD_TYPE && env.type !== REDACTION_RECORD_TYPE) {
    throw new SealTrailError("invalid", `envelope.type: "${env.type}" is reserved`);
  }
  if (Date.parse(env.time) > now + MAX_CLOCK_SKEW_MS) {
    throw new SealTrailError("invalid", `envelope.time: ${env.time} is in the future`);
  }
  const { entry, message } = encodeSignedEnvelope(signed);
  if (entry.length > MAX_ENTRY_SIZE) throw new SealTrailError("too_large", `entry is ${entry.length} bytes, over ${MAX_ENTRY_SIZE}`);

  let payload: string | null = null;
  let salt: Uint8Array | null = null;
  if (env.payload !== undefined) {
    if (sub.payload === undefined || sub.salt === undefined) {
      throw new SealTrailError("invalid", "payload: the envelope commits to a payload, send payload and salt");
    }
    checkPayload(sub.payload);
    if (typeof sub.salt !== "string") throw new SealTrailError("malformed", "salt: must be base64");
    salt = fromBase64(sub.salt, "salt");
    if (salt.length !== 32) throw new SealTrailError("invalid", "salt: must be 32 bytes");
    payload = canonicalize(sub.payload);
    if (commitmentOfCanonicalPayload(payload, salt) !== env.payload) {
      throw new SealTrailError("invalid", "payload: does not match the envelope's commitment");
    }
    if (opts.deferValidation !== true) {
      const problems = rules.validate(env.type, sub.payload);
      if (problems.length > 0) throw payloadProblemsError(env.type, problems);
    }
  } else if (sub.payload !== undefined || sub.salt !== undefined) {
    throw new SealTrailError("invalid", "payload: the envelope commits to no payload");
  }

  try {
    return { signed, pending: pendingOf(signed, entry, payload, salt, sub, rules), message, signature: fromBase64(signed.sig, "signature") };
  } catch (e) {
    // A deferred schema check still comes first, as when it runs here.
    if (opts.deferValidation === true && payload !== null) {
      const problems = rules.validate(env.type, sub.payload as Readonly<Record<string, unknown>>);
      if (problems.length > 0) throw payloadProblemsError(env.type, problems);
    }
    throw e;
  }
}

/**
 * The refusal of a payload that breaks its type's rules, each problem named
 * by its pointer into the record (`/payload/...`).
 *
 * @example
 * ```ts
 * throw payloadProblemsError("sms.risk", [{ pointer: "/owner", message: "Required" }]);
 * ```
 */
export function payloadProblemsError(type: string, problems: readonly PayloadProblem[]): SealTrailError {
  const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
  return new SealTrailError("invalid", `not a valid ${type}: ${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
    detail: { problems: named },
  });
}

function pendingOf(signed: SignedEnvelope, entry: Uint8Array, payload: string | null, salt: Uint8Array | null, sub: RecordSubmission, rules: RecordRules): PendingEntry {
  const env = signed.env;
  return {
    entry,
    leafHash: hashLeaf(entry),
    type: env.type,
    author: env.author,
    keyId: env.keyId,
    claimedTime: env.time,
    subjects: env.subjects ?? [],
    supersedes:
      env.supersedes === undefined
        ? null
        : { index: BigInt(env.supersedes.index), leafHash: parseHashHex(env.supersedes.leafHash, "envelope.supersedes.leafHash") },
    payload,
    salt,
    keyChange:
      env.key === undefined ? null : { action: env.key.action, keyId: env.key.keyId, publicKey: keyChangePublicKey(env.key) },
    memberChange: env.member ?? null,
    // A redaction names its target by index and leaf hash (formats.md §5b).
    redacts:
      env.redacts === undefined
        ? null
        : { index: BigInt(env.redacts.index), leafHash: parseHashHex(env.redacts.leafHash, "envelope.redacts.leafHash") },
    series: rules.seriesOf(env.type, (sub.payload as Record<string, unknown> | undefined) ?? null),
    // Evidence files, for every record type: the files it names (each must be held by the vault) and the one it erases.
    files: payload === null ? null : filesNamed(sub.payload),
    erasesFile: erasedFileOf(env.type, sub.payload),
  };
}


function filesNamed(payload: unknown): string[] | null {
  const named = attachmentsOf(payload);
  return named.length === 0 ? null : named.map((a) => a.sha256);
}
