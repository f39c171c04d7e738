/**
 * The rules an entry must meet at the moment it is sequenced, shared by every
 * engine: its key registered for its author and not revoked (a registration
 * signed by the key it registers and not a duplicate; a revocation of a key
 * of the same author, not revoked already), and a supersedes link naming an
 * entry of this vault with that leaf hash and the same type. Engines supply
 * the registry and entries as of that point in the batch.
 */
import { bytesEqual } from "@sealtrail/core";
import type { PendingEntry, SequenceOutcome } from "./types.js";

/** A registered key as the rules see it. */
export interface KeyView {
  readonly org: string;
  readonly revokedIndex: bigint | null;
}

/** A stored entry as the rules see it. */
export interface EntryView {
  readonly type: string;
  readonly leafHash: Uint8Array;
}

/**
 * Why `e` may not be sequenced now, or null when it may.
 *
 * @example
 * ```ts
 * const refusal = refusalOf(vault, e, (k) => registry.get(k), (i) => heads.get(i));
 * ```
 */
export function refusalOf(
  vault: string,
  e: PendingEntry,
  keyOf: (keyId: string) => KeyView | undefined,
  entryAt: (index: bigint) => EntryView | undefined,
): SequenceOutcome | null {
  const kc = e.keyChange;
  if (kc?.action === "register") {
    if (keyOf(kc.keyId) !== undefined) return { ok: false, code: "conflict", message: `key ${kc.keyId} is already registered` };
    if (e.keyId !== kc.keyId) return { ok: false, code: "unknown_key", message: "a key registration must be signed by the key it registers" };
    return null;
  }
  const signer = keyOf(e.keyId);
  if (signer === undefined) return { ok: false, code: "unknown_key", message: `key ${e.keyId} is not registered in vault ${vault}` };
  if (signer.org !== e.author) return { ok: false, code: "unknown_key", message: `key ${e.keyId} does not belong to ${e.author}` };
  if (signer.revokedIndex !== null) return { ok: false, code: "unknown_key", message: `key ${e.keyId} was revoked at index ${signer.revokedIndex}` };
  if (kc?.action === "revoke") {
    const target = keyOf(kc.keyId);
    if (target === undefined || target.org !== e.author) return { ok: false, code: "not_found", message: `key ${kc.keyId} is not a key of ${e.author}` };
    if (target.revokedIndex !== null) return { ok: false, code: "conflict", message: `key ${kc.keyId} is already revoked` };
  }
  if (e.supersedes !== null) {
    const r = entryAt(e.supersedes.index);
    if (r === undefined || !bytesEqual(r.leafHash, e.supersedes.leafHash)) {
      return { ok: false, code: "not_found", message: `the superseded record (index ${e.supersedes.index}) is not in this vault with that leaf hash` };
    }
    if (r.type !== e.type) return { ok: false, code: "conflict", message: `a ${e.type} record cannot supersede a ${r.type} record` };
  }
  return null;
}
