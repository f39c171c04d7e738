/**
 * Payloads: what a record's author may sign (any I-JSON object, exactly as
 * given), and the salted commitment to it that the envelope carries, so the
 * payload can be erased while every proof stays valid (docs/formats.md §2).
 */
import { toHex, utf8 } from "../bytes.js";
import { randomBytes, sha256 } from "../crypto.js";
import { requireBytes, requireString } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { canonicalize, type JsonValue } from "../json/canonicalize.js";
import { checkIJsonValue } from "../json/i-json.js";

/** Domain-separation prefix of the salted payload commitment. */
export const PAYLOAD_COMMITMENT_CONTEXT = "sealtrail/payload/v1\n";
const PAYLOAD_CONTEXT_BYTES = utf8(PAYLOAD_COMMITMENT_CONTEXT);
/** Salt length of a payload commitment. */
export const PAYLOAD_SALT_SIZE = 32;

/**
 * Salted commitment to a payload: hex SHA-256(PAYLOAD_COMMITMENT_CONTEXT ||
 * salt || canonical JSON of payload).
 *
 * @example
 * ```ts
 * const salt = newPayloadSalt();
 * const c = payloadCommitment({ risk: "theft" }, salt);
 * ```
 */
export function payloadCommitment(payload: unknown, salt: Uint8Array): string {
  if (payload === undefined) throw malformed("payloadCommitment: payload must be a JSON value, not undefined");
  requireBytes(salt, "payloadCommitment: salt");
  return commitmentOfCanonicalPayload(canonicalize(payload), salt);
}

/**
 * The same commitment as {@link payloadCommitment}, from the payload's
 * canonical JSON text (saves canonicalising twice when the text is needed too).
 *
 * @example
 * ```ts
 * const text = canonicalize(payload);
 * const c = commitmentOfCanonicalPayload(text, salt);
 * ```
 */
export function commitmentOfCanonicalPayload(canonicalText: string, salt: Uint8Array): string {
  requireString(canonicalText, "commitmentOfCanonicalPayload: canonical payload");
  requireBytes(salt, "commitmentOfCanonicalPayload: salt");
  if (salt.length !== PAYLOAD_SALT_SIZE) throw new SealTrailError("invalid", `salt must be ${PAYLOAD_SALT_SIZE} bytes`);
  return toHex(sha256(PAYLOAD_CONTEXT_BYTES, salt, utf8(canonicalText)));
}

/**
 * A fresh random payload salt.
 *
 * @example
 * ```ts
 * const salt = newPayloadSalt(); // 32 random bytes
 * ```
 */
export function newPayloadSalt(): Uint8Array {
  return randomBytes(PAYLOAD_SALT_SIZE);
}

/**
 * Check a payload: any JSON object that I-JSON (RFC 7493) allows, so that
 * it is signed exactly as given (see {@link checkIJsonValue}).
 *
 * @example
 * ```ts
 * checkPayload({ a: 1 });
 * ```
 */
export function checkPayload(p: unknown): asserts p is { [k: string]: JsonValue } {
  if (p === null || typeof p !== "object" || Array.isArray(p)) throw malformed("payload: must be a JSON object");
  // Signed exactly as given, or refused: nothing JSON would drop or change.
  checkIJsonValue(p, "payload");
}
