import { requireObject } from "../args.js";
import { toBase64 } from "../bytes.js";
import { ed25519PublicKey } from "../crypto.js";
import { canonicalize } from "../json/canonicalize.js";
import {
  ENVELOPE_VERSION,
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  REDACTION_RECORD_TYPE,
  keyIdOf,
  signEnvelope,
  type Envelope,
  type KeyChange,
  type MemberChange,
  type Redaction,
  type SignedEnvelope,
  type SigningMode,
  type Supersedes,
} from "./envelope.js";
import { checkPayload, newPayloadSalt, payloadCommitment } from "./payload.js";

/** What an author provides to write a record. */
export interface RecordInput {
  readonly vault: string;
  readonly type: string;
  readonly author: string;
  /** The author's 32-byte Ed25519 seed. */
  readonly seed: Uint8Array;
  readonly payload?: Record<string, unknown>;
  readonly time?: Date;
  readonly subjects?: readonly string[];
  readonly supersedes?: Supersedes;
  readonly mode?: SigningMode;
}

/** A signed record ready to send: the entry and what is stored beside it. */
export interface BuiltRecord {
  readonly signed: SignedEnvelope;
  /** Canonical log entry bytes. */
  readonly entry: Uint8Array;
  /** The payload as canonical JSON text, if any. */
  readonly payload?: string;
  readonly salt?: Uint8Array;
}

/**
 * Build and sign a record on the author's side: canonicalise the payload,
 * commit to it with a fresh salt, fill the envelope and sign it.
 *
 * @example
 * ```ts
 * const rec = buildRecord({ vault: "default", type: "sms.risk", author: "acme", seed, payload: { title: "Theft" } });
 * ```
 */
export function buildRecord(input: RecordInput): BuiltRecord {
  requireObject(input, "buildRecord: record input");
  const publicKey = ed25519PublicKey(input.seed);
  let payloadText: string | undefined;
  let salt: Uint8Array | undefined;
  let commitment: string | undefined;
  if (input.payload !== undefined) {
    checkPayload(input.payload);
    payloadText = canonicalize(input.payload);
    salt = newPayloadSalt();
    commitment = payloadCommitment(input.payload, salt);
  }
  const env: Envelope = {
    v: ENVELOPE_VERSION,
    vault: input.vault,
    type: input.type,
    author: input.author,
    keyId: keyIdOf(publicKey),
    mode: input.mode ?? "author",
    time: (input.time ?? new Date()).toISOString(),
    ...(input.subjects !== undefined ? { subjects: [...input.subjects] } : {}),
    ...(input.supersedes !== undefined ? { supersedes: { index: input.supersedes.index, leafHash: input.supersedes.leafHash } } : {}),
    ...(commitment !== undefined ? { payload: commitment } : {}),
  };
  const { signed, entry } = signEnvelope(env, input.seed);
  return { signed, entry, ...(payloadText !== undefined && salt !== undefined ? { payload: payloadText, salt } : {}) };
}

/** What every record without a payload is signed with. */
interface InlineRecordInput {
  readonly vault: string;
  readonly author: string;
  readonly seed: Uint8Array;
  readonly time?: Date;
  readonly mode?: SigningMode;
}

// Key, membership and redaction records carry their content inline in the
// envelope (no payload): one envelope skeleton, signed by `seed`.
function buildInlineRecord(input: InlineRecordInput, type: string, inline: Partial<Envelope>): BuiltRecord {
  const env: Envelope = {
    v: ENVELOPE_VERSION,
    vault: input.vault,
    type,
    author: input.author,
    keyId: keyIdOf(ed25519PublicKey(input.seed)),
    mode: input.mode ?? "author",
    time: (input.time ?? new Date()).toISOString(),
    ...inline,
  };
  const { signed, entry } = signEnvelope(env, input.seed);
  return { signed, entry };
}

/**
 * Build a `sealtrail.member` record: a change of what `member.org` may do in
 * the vault, signed by the organisation that administers it.
 *
 * @example
 * ```ts
 * buildMemberRecord({ vault: "v", author: "operator", seed, member: { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false } });
 * ```
 */
export function buildMemberRecord(input: {
  vault: string;
  author: string;
  seed: Uint8Array;
  member: MemberChange;
  time?: Date;
  mode?: SigningMode;
}): BuiltRecord {
  requireObject(requireObject(input, "buildMemberRecord: record input").member, "buildMemberRecord: member");
  return buildInlineRecord(input, MEMBER_RECORD_TYPE, {
    member: input.member.action === "set" ? { ...input.member, write: [...input.member.write] } : { ...input.member },
  });
}

/**
 * Build a `sealtrail.key` record. A registration is signed by the key being
 * registered (proof of possession); a revocation by any active key of the
 * same organisation, including the one revoked.
 *
 * @example
 * ```ts
 * const rec = buildKeyRecord({ vault: "default", author: "acme", seed, action: "register", publicKey });
 * ```
 */
export function buildKeyRecord(input: {
  vault: string;
  author: string;
  seed: Uint8Array;
  action: KeyChange["action"];
  publicKey: Uint8Array;
  time?: Date;
  mode?: SigningMode;
}): BuiltRecord {
  requireObject(input, "buildKeyRecord: record input");
  return buildInlineRecord(input, KEY_RECORD_TYPE, {
    key: { action: input.action, keyId: keyIdOf(input.publicKey), publicKey: toBase64(input.publicKey) },
  });
}

/**
 * Build a `sealtrail.redaction` record: a signed request to erase the payload
 * and salt of the entry at `redacts.index`. The log keeps the entry, so every
 * proof stays valid and a verifier reports the record as redacted, by this
 * record's author, at this record's index.
 *
 * @example
 * ```ts
 * buildRedactionRecord({ vault: "v", author: "acme", seed, redacts: { index: 12, leafHash, reason: "erasure request" } });
 * ```
 */
export function buildRedactionRecord(input: {
  vault: string;
  author: string;
  seed: Uint8Array;
  redacts: Redaction;
  subjects?: readonly string[];
  time?: Date;
  mode?: SigningMode;
}): BuiltRecord {
  requireObject(input, "buildRedactionRecord: record input");
  return buildInlineRecord(input, REDACTION_RECORD_TYPE, {
    ...(input.subjects !== undefined ? { subjects: [...input.subjects] } : {}),
    redacts: { ...input.redacts },
  });
}
