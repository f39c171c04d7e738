/**
 * SealTrail record envelopes: what an author signs and what the log holds.
 *
 * A log entry is the RFC 8785 canonical JSON of a {@link SignedEnvelope}:
 * `{"env":{...},"sig":"<base64 Ed25519 signature>"}`. The signature covers
 * {@link RECORD_SIGNING_CONTEXT} followed by the canonical envelope, so a
 * record signature can never be replayed as a signature of any other kind
 * (checkpoints, notes). The payload is not in the entry: the envelope carries
 * a salted SHA-256 commitment to it, and the payload and salt are stored
 * beside the log, so a payload can be erased while every proof stays valid.
 * docs/formats.md specifies every byte.
 */
import { concat, fromBase64, toBase64, toHex, utf8 } from "../bytes.js";
import { ed25519Sign, ed25519Verify, ED25519_PUBLIC_KEY_SIZE, sha256 } from "../crypto.js";
import { requireBytes, requireObject, requireString } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { canonicalBytes, canonicalize, parseJson } from "../json/canonicalize.js";
import { BASE64_PATTERN, HASH_HEX_PATTERN, KEY_ID_PATTERN, NAME_PATTERN, TIME_PATTERN, TYPE_PATTERN, TYPE_PATTERN_PATTERN } from "./names.js";

/** Envelope format version. */
export const ENVELOPE_VERSION = 1;
/** Domain-separation prefix of every record signature. */
export const RECORD_SIGNING_CONTEXT = "sealtrail/record/v1\n";
/** Domain-separation prefix of a key id. */
export const KEY_ID_CONTEXT = "sealtrail/key/v1\n";
const SIGNING_CONTEXT_BYTES = utf8(RECORD_SIGNING_CONTEXT);
/** Largest log entry: entry bundles use a 16-bit length prefix (C2SP tlog-tiles). */
export const MAX_ENTRY_SIZE = 65535;
/** Type of the log entries that register and revoke signing keys. */
export const KEY_RECORD_TYPE = "sealtrail.key";
/** Type of the log entries that add, change and remove vault members. */
export const MEMBER_RECORD_TYPE = "sealtrail.member";
/** Type of the log entries that erase an earlier record's payload. */
export const REDACTION_RECORD_TYPE = "sealtrail.redaction";
/** Longest reason a redaction may give. */
export const MAX_REDACTION_REASON = 256;

/** How a record was signed: by its author, or by the server holding the author's key. */
export type SigningMode = "author" | "custodial";

/** A change to an organisation's signing keys, carried inline in a `sealtrail.key` envelope. */
export interface KeyChange {
  readonly action: "register" | "revoke";
  /** The key being registered or revoked. */
  readonly keyId: string;
  /** Base64 raw Ed25519 public key (32 bytes). */
  readonly publicKey: string;
}

/**
 * A change of a vault's membership, carried inline in a `sealtrail.member`
 * envelope: what an organisation may do in the vault from this entry on.
 * `write` holds record type patterns: a type (`sms.risk`), a prefix
 * (`custody.*`) or `*`.
 */
export type MemberChange =
  | { readonly action: "set"; readonly org: string; readonly read: boolean; readonly write: readonly string[]; readonly admin: boolean }
  | { readonly action: "remove"; readonly org: string };

/**
 * What a `sealtrail.redaction` record erases: the payload (and its salt) of
 * the entry at `index`, whose leaf hash must be `leafHash`. The entry itself
 * and every proof stay; only what was stored beside the log goes.
 */
export interface Redaction {
  readonly index: number;
  /** Hex leaf hash of the redacted entry. */
  readonly leafHash: string;
  /** Why, in a few words (a data-subject request, a court order). */
  readonly reason?: string;
}

/** A link to an earlier record: its log index and its leaf hash (hex), which must agree. */
export interface Supersedes {
  readonly index: number;
  readonly leafHash: string;
}

/** The signed part of a record. */
export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly vault: string;
  /** Dotted record type, e.g. `sms.risk`. */
  readonly type: string;
  /** Author organisation id. */
  readonly author: string;
  /** Id of the author's key that signed (see {@link keyIdOf}). */
  readonly keyId: string;
  readonly mode: SigningMode;
  /** Time the author claims, RFC 3339 UTC with milliseconds. */
  readonly time: string;
  /** Ids of what the record is about (shipment, asset, site...). */
  readonly subjects?: readonly string[];
  /** The earlier record of the same vault and type that this one replaces. */
  readonly supersedes?: Supersedes;
  /** Hex SHA-256 commitment to salt and canonical payload; absent for records without payload. */
  readonly payload?: string;
  /** Inline data that must stay readable from the log alone (key changes). */
  readonly key?: KeyChange;
  /** Inline membership change of a `sealtrail.member` record. */
  readonly member?: MemberChange;
  /** What a `sealtrail.redaction` record erases. */
  readonly redacts?: Redaction;
}

/** An envelope with its author signature: the JSON of a log entry. */
export interface SignedEnvelope {
  readonly env: Envelope;
  /** Base64 Ed25519 signature over RECORD_SIGNING_CONTEXT || canonical(env). */
  readonly sig: string;
}

const MAX_SUBJECTS = 64;
const MAX_SUBJECT_LENGTH = 256;

/**
 * The key id of an Ed25519 public key: the first 16 bytes of
 * SHA-256(KEY_ID_CONTEXT || 0x01 || publicKey), in hex.
 *
 * @example
 * ```ts
 * keyIdOf(publicKey) // "3f1c...": 32 hex digits
 * ```
 */
export function keyIdOf(publicKey: Uint8Array): string {
  requireBytes(publicKey, "keyIdOf: public key");
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) throw new SealTrailError("invalid", "public key must be 32 bytes");
  return toHex(sha256(utf8(KEY_ID_CONTEXT), new Uint8Array([0x01]), publicKey).subarray(0, 16));
}

/**
 * The exact bytes an author signs for an envelope.
 *
 * @example
 * ```ts
 * const msg = envelopeSigningMessage(env);
 * ```
 */
export function envelopeSigningMessage(env: Envelope): Uint8Array {
  requireObject(env, "envelopeSigningMessage: envelope");
  return concat(SIGNING_CONTEXT_BYTES, canonicalBytes(env));
}

/**
 * The log entry bytes and the signing message of a signed envelope, from one
 * canonicalisation of the envelope. The entry equals
 * `canonicalBytes({ env, sig })`: RFC 8785 orders "env" before "sig", and a
 * base64 signature needs no JSON escaping.
 *
 * @example
 * ```ts
 * const { entry, message } = encodeSignedEnvelope(signed);
 * ```
 */
export function encodeSignedEnvelope(signed: SignedEnvelope): { entry: Uint8Array; message: Uint8Array } {
  requireString(requireObject(signed, "encodeSignedEnvelope: signed envelope").sig, "encodeSignedEnvelope: signed envelope.sig");
  requireObject(signed.env, "encodeSignedEnvelope: signed envelope.env");
  if (!BASE64_PATTERN.test(signed.sig)) throw malformed("signature: not base64");
  // The canonical envelope is encoded once and copied into both (this runs
  // for every appended record).
  const env = utf8(canonicalize(signed.env));
  const tail = utf8(`,"sig":"${signed.sig}"}`);
  const entry = new Uint8Array(ENTRY_HEAD_BYTES.length + env.length + tail.length);
  entry.set(ENTRY_HEAD_BYTES, 0);
  entry.set(env, ENTRY_HEAD_BYTES.length);
  entry.set(tail, ENTRY_HEAD_BYTES.length + env.length);
  const message = new Uint8Array(SIGNING_CONTEXT_BYTES.length + env.length);
  message.set(SIGNING_CONTEXT_BYTES, 0);
  message.set(env, SIGNING_CONTEXT_BYTES.length);
  return { entry, message };
}

const ENTRY_HEAD_BYTES = utf8('{"env":');

/**
 * Sign an envelope and return the log entry bytes.
 *
 * @example
 * ```ts
 * const entry = signEnvelope(env, seed);
 * ```
 */
export function signEnvelope(env: Envelope, seed: Uint8Array): { signed: SignedEnvelope; entry: Uint8Array } {
  validateEnvelope(env);
  const sig = ed25519Sign(seed, envelopeSigningMessage(env));
  const signed: SignedEnvelope = { env, sig: toBase64(sig) };
  const entry = canonicalBytes(signed);
  if (entry.length > MAX_ENTRY_SIZE) throw new SealTrailError("too_large", `entry is ${entry.length} bytes, over ${MAX_ENTRY_SIZE}`);
  return { signed, entry };
}

/**
 * Verify an author signature over an envelope with the given public key.
 *
 * @example
 * ```ts
 * if (!verifyEnvelopeSignature(signed, publicKey)) throw new Error("forged");
 * ```
 */
export function verifyEnvelopeSignature(signed: SignedEnvelope, publicKey: Uint8Array): boolean {
  requireString(requireObject(signed, "verifyEnvelopeSignature: signed envelope").sig, "verifyEnvelopeSignature: signed envelope.sig");
  requireObject(signed.env, "verifyEnvelopeSignature: signed envelope.env");
  requireBytes(publicKey, "verifyEnvelopeSignature: public key");
  let sig: Uint8Array;
  try {
    sig = fromBase64(signed.sig, "signature");
  } catch {
    return false;
  }
  return ed25519Verify(publicKey, envelopeSigningMessage(signed.env), sig);
}

/**
 * Parse log entry bytes as hostile input: JSON, envelope shape, and that the
 * bytes are exactly the canonical form (so one record has exactly one entry).
 *
 * @example
 * ```ts
 * const { env, sig } = parseEntry(entryBytes);
 * ```
 */
export function parseEntry(entry: Uint8Array): SignedEnvelope {
  requireBytes(entry, "entry");
  if (entry.length > MAX_ENTRY_SIZE) throw new SealTrailError("too_large", `entry is ${entry.length} bytes, over ${MAX_ENTRY_SIZE}`);
  const signed = parseSignedEnvelope(parseJson(entry, "entry"));
  const canon = canonicalBytes(signed);
  if (canon.length !== entry.length || !canon.every((b, i) => b === entry[i])) {
    throw malformed("entry: not in RFC 8785 canonical form");
  }
  return signed;
}

/**
 * Check that a JSON value is a well-formed signed envelope.
 *
 * @example
 * ```ts
 * const signed = parseSignedEnvelope(JSON.parse(text));
 * ```
 */
export function parseSignedEnvelope(v: unknown): SignedEnvelope {
  const o = asObject(v, "signed envelope");
  onlyKeys(o, ["env", "sig"], "signed envelope");
  if (typeof o.sig !== "string") throw malformed("signed envelope: sig must be a string");
  const sigBytes = fromBase64(o.sig, "signature");
  if (sigBytes.length !== 64) throw malformed("signature: must be 64 bytes");
  const env = validateEnvelope(o.env);
  return { env, sig: o.sig };
}

/**
 * Check that a value is a well-formed envelope and return it typed. Raises
 * `malformed` naming the field at fault.
 *
 * @example
 * ```ts
 * validateEnvelope({ v: 1, vault: "default", ... });
 * ```
 */
export function validateEnvelope(v: unknown): Envelope {
  const o = asObject(v, "envelope");
  onlyKeys(o, ["v", "vault", "type", "author", "keyId", "mode", "time", "subjects", "supersedes", "payload", "key", "member", "redacts"], "envelope");
  if (o.v !== ENVELOPE_VERSION) throw malformed(`envelope.v: must be ${ENVELOPE_VERSION}`);
  str(o, "vault", NAME_PATTERN);
  str(o, "type", TYPE_PATTERN);
  str(o, "author", NAME_PATTERN);
  str(o, "keyId", KEY_ID_PATTERN);
  if (o.mode !== "author" && o.mode !== "custodial") throw malformed('envelope.mode: must be "author" or "custodial"');
  str(o, "time", TIME_PATTERN);
  if (Number.isNaN(Date.parse(o.time as string)) || new Date(o.time as string).toISOString() !== o.time) {
    throw malformed("envelope.time: not a valid UTC time");
  }
  if (o.subjects !== undefined) {
    if (!Array.isArray(o.subjects) || o.subjects.length === 0 || o.subjects.length > MAX_SUBJECTS) {
      throw malformed(`envelope.subjects: must be a non-empty array of at most ${MAX_SUBJECTS} strings`);
    }
    for (const s of o.subjects) {
      if (typeof s !== "string" || s.length === 0 || s.length > MAX_SUBJECT_LENGTH) {
        throw malformed(`envelope.subjects: each must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters`);
      }
    }
  }
  if (o.supersedes !== undefined) {
    const sup = asObject(o.supersedes, "envelope.supersedes");
    onlyKeys(sup, ["index", "leafHash"], "envelope.supersedes");
    if (typeof sup.index !== "number" || !Number.isSafeInteger(sup.index) || sup.index < 0) {
      throw malformed("envelope.supersedes.index: must be a non-negative integer");
    }
    str(sup, "leafHash", HASH_HEX_PATTERN, "envelope.supersedes");
  }
  if (o.payload !== undefined) str(o, "payload", HASH_HEX_PATTERN);
  if (o.type === KEY_RECORD_TYPE) {
    const k = asObject(o.key, "envelope.key");
    onlyKeys(k, ["action", "keyId", "publicKey"], "envelope.key");
    if (k.action !== "register" && k.action !== "revoke") throw malformed('envelope.key.action: must be "register" or "revoke"');
    str(k, "keyId", KEY_ID_PATTERN, "envelope.key");
    if (typeof k.publicKey !== "string") throw malformed("envelope.key.publicKey: must be base64");
    const pub = fromBase64(k.publicKey, "envelope.key.publicKey");
    if (pub.length !== ED25519_PUBLIC_KEY_SIZE) throw malformed("envelope.key.publicKey: must be 32 bytes");
    if (keyIdOf(pub) !== k.keyId) throw malformed("envelope.key.keyId: does not match publicKey");
    if (o.payload !== undefined) throw malformed("envelope: a key record carries no payload");
  } else if (o.key !== undefined) {
    throw malformed(`envelope.key: only allowed on ${KEY_RECORD_TYPE} records`);
  }
  if (o.type === MEMBER_RECORD_TYPE) {
    validateMemberChange(o.member);
    if (o.payload !== undefined) throw malformed("envelope: a member record carries no payload");
  } else if (o.member !== undefined) {
    throw malformed(`envelope.member: only allowed on ${MEMBER_RECORD_TYPE} records`);
  }
  if (o.type === REDACTION_RECORD_TYPE) {
    const r = asObject(o.redacts, "envelope.redacts");
    onlyKeys(r, ["index", "leafHash", "reason"], "envelope.redacts");
    if (typeof r.index !== "number" || !Number.isSafeInteger(r.index) || r.index < 0) {
      throw malformed("envelope.redacts.index: must be a non-negative integer");
    }
    str(r, "leafHash", HASH_HEX_PATTERN, "envelope.redacts");
    if (r.reason !== undefined && (typeof r.reason !== "string" || r.reason.length === 0 || r.reason.length > MAX_REDACTION_REASON)) {
      throw malformed(`envelope.redacts.reason: must be a string of 1 to ${MAX_REDACTION_REASON} characters`);
    }
    if (o.payload !== undefined) throw malformed("envelope: a redaction record carries no payload");
  } else if (o.redacts !== undefined) {
    throw malformed(`envelope.redacts: only allowed on ${REDACTION_RECORD_TYPE} records`);
  }
  return o as unknown as Envelope;
}

const MAX_WRITE_PATTERNS = 64;

function validateMemberChange(v: unknown): void {
  const m = asObject(v, "envelope.member");
  if (m.action === "remove") {
    onlyKeys(m, ["action", "org"], "envelope.member");
  } else if (m.action === "set") {
    onlyKeys(m, ["action", "org", "read", "write", "admin"], "envelope.member");
    if (typeof m.read !== "boolean" || typeof m.admin !== "boolean") throw malformed("envelope.member: read and admin must be booleans");
    if (!Array.isArray(m.write) || m.write.length > MAX_WRITE_PATTERNS) throw malformed("envelope.member.write: must be an array of type patterns");
    for (const p of m.write) {
      if (typeof p !== "string" || !TYPE_PATTERN_PATTERN.test(p)) throw malformed(`envelope.member.write: "${String(p)}" is not a type pattern`);
    }
  } else {
    throw malformed('envelope.member.action: must be "set" or "remove"');
  }
  str(m, "org", NAME_PATTERN, "envelope.member");
}

/**
 * Decode the public key carried by a key record.
 *
 * @example
 * ```ts
 * const pub = keyChangePublicKey(env.key!);
 * ```
 */
export function keyChangePublicKey(k: KeyChange): Uint8Array {
  requireObject(k, "keyChangePublicKey: key change");
  return fromBase64(k.publicKey, "publicKey");
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw malformed(`${what}: must be a JSON object`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw malformed(`${what}: unknown field "${k}"`);
}

function str(o: Record<string, unknown>, key: string, pattern: RegExp, what = "envelope"): void {
  const v = o[key];
  if (typeof v !== "string" || !pattern.test(v)) throw malformed(`${what}.${key}: missing or not well-formed`);
}
