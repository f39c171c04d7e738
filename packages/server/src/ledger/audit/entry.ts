/**
 * The checks of one entry: it parses, its columns are its envelope's, its
 * key is registered and not revoked (the registry replayed in index order),
 * and its stored payload opens the envelope's commitment.
 */
import {
  KEY_RECORD_TYPE,
  SealTrailError,
  envelopeSigningMessage,
  fromBase64,
  keyChangePublicKey,
  parseEntry,
  parseJson,
  payloadCommitment,
  type SignedEnvelope,
} from "@sealtrail/core";
import type { EntryRow } from "../../store/types.js";
import type { VerifyTask } from "../verifier-pool.js";
import type { ReplayedKey } from "./keys.js";
import type { Problems } from "./problems.js";
import type { RedactionScan } from "./redactions.js";

/**
 * Per-entry checks: parse, columns, key registry replay, payload. Returns
 * the signature to verify, if a key to verify it with is known.
 */
export function checkEntry(
  vault: string,
  row: EntryRow,
  registry: Map<string, ReplayedKey>,
  problems: Problems,
  redactions: RedactionScan,
): { task: VerifyTask; keyId: string; org: string } | null {
  const where = { index: row.index };
  let signed: SignedEnvelope;
  try {
    signed = parseEntry(row.entry);
  } catch (e) {
    if (!(e instanceof SealTrailError)) throw e;
    problems.add("malformed", `entry ${row.index}: ${e.message}`, where);
    return null;
  }
  const env = signed.env;
  if (env.vault !== vault) problems.add("malformed", `entry ${row.index}: a record of vault "${env.vault}", not "${vault}"`, where);
  const columns: [string, string, string][] = [
    ["type", row.type, env.type],
    ["author", row.author, env.author],
    ["key_id", row.keyId, env.keyId],
    ["claimed_time", row.claimedTime, env.time],
  ];
  for (const [name, stored, actual] of columns) {
    if (stored !== actual) problems.add("entry_column", `entry ${row.index}: the ${name} column says "${stored}", the entry says "${actual}"`, where);
  }

  // Key registry, replayed in index order: a registration takes effect at
  // its own index and is signed by the key it registers; a revocation takes
  // effect from its index on (so it may be signed by the key it revokes).
  let signer: Uint8Array | null = null;
  const kc = env.type === KEY_RECORD_TYPE ? env.key : undefined;
  if (kc?.action === "register") {
    const publicKey = keyChangePublicKey(kc);
    if (env.keyId !== kc.keyId) {
      problems.add("key_change", `entry ${row.index}: registration of key ${kc.keyId} is signed by another key (${env.keyId})`, where);
      signer = registry.get(env.keyId)?.publicKey ?? null;
    } else signer = publicKey;
    const earlier = registry.get(kc.keyId);
    if (earlier !== undefined) {
      problems.add("key_change", `entry ${row.index}: key ${kc.keyId} is registered again (first at index ${earlier.registeredIndex})`, where);
    } else {
      registry.set(kc.keyId, { org: env.author, publicKey, registeredIndex: row.index, revokedIndex: null });
    }
  } else {
    const k = registry.get(env.keyId);
    if (k === undefined) {
      problems.add("unknown_key", `entry ${row.index}: signed by key ${env.keyId}, which no earlier entry registers`, where);
    } else {
      signer = k.publicKey;
      if (k.org !== env.author) {
        problems.add("unknown_key", `entry ${row.index}: signed by key ${env.keyId} of ${k.org}, but its author is ${env.author}`, where);
      } else if (k.revokedIndex !== null && k.revokedIndex < row.index) {
        problems.add("revoked_key", `entry ${row.index}: signed by key ${env.keyId}, revoked at index ${k.revokedIndex}`, where);
      }
    }
    if (kc?.action === "revoke") {
      const target = registry.get(kc.keyId);
      if (target === undefined || target.org !== env.author) {
        problems.add("key_change", `entry ${row.index}: revokes key ${kc.keyId}, which is not a registered key of ${env.author}`, where);
      } else if (target.revokedIndex !== null) {
        problems.add("key_change", `entry ${row.index}: revokes key ${kc.keyId} again (revoked at index ${target.revokedIndex})`, where);
      } else {
        target.revokedIndex = row.index;
      }
    }
  }

  // Memberships and redactions, replayed in index order (formats.md §5a, §5b).
  redactions.see(row, env);

  // Payload: the stored payload and salt must open the envelope's commitment,
  // unless a redaction erased both (decided once every entry is read).
  if (env.payload !== undefined) {
    if (row.payload === null || row.salt === null) {
      redactions.missing(row, env);
    } else {
      let commitment: string;
      try {
        commitment = payloadCommitment(parseJson(row.payload, "payload"), row.salt);
      } catch (e) {
        if (!(e instanceof SealTrailError)) throw e;
        commitment = "";
        problems.add("payload_changed", `entry ${row.index}: the stored payload or salt is unusable: ${e.message}`, where);
      }
      if (commitment !== "" && commitment !== env.payload) {
        problems.add("payload_changed", `entry ${row.index}: the stored payload and salt do not match the envelope's commitment`, where);
      }
    }
  } else if (row.payload !== null || row.salt !== null) {
    problems.add("payload_changed", `entry ${row.index}: a payload is stored, but the envelope commits to none`, where);
  }

  if (signer === null) return null;
  return {
    task: { publicKey: signer, message: envelopeSigningMessage(env), signature: fromBase64(signed.sig, "signature") },
    keyId: env.keyId,
    org: env.author,
  };
}
