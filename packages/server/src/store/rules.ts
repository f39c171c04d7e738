/**
 * The rules an entry must meet at the moment it is sequenced, shared by every
 * engine: its key registered for its author and not revoked (a registration
 * signed by the key it registers and not a duplicate; a revocation of a key
 * of the same author, not revoked already), and a supersedes link naming an
 * entry of this vault with that leaf hash and the same type; a redaction
 * whose target and author the redaction rule accepts. Engines supply the
 * registry, entries and memberships as of that point in the batch.
 */
import { bytesEqual, toHex } from "@sealtrail/core";
import type { PendingEntry, SequenceOutcome } from "./types.js";

/**
 * Settings key naming the operator organisation (the one that runs the
 * server and signs membership records). Same value as SETTING_OPERATOR in
 * ledger/bootstrap.ts, which writes it; the store reads it to know who may
 * redact any record.
 */
export const OPERATOR_SETTING = "operator_org";

/** Record types under this prefix belong to the log itself (keys, members, redactions): never redacted. */
const LOG_TYPE_PREFIX = "sealtrail.";

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

/** The target of a redaction as the rules see it. */
export interface RedactionTargetView extends EntryView {
  /** Author organisation of the target. */
  readonly author: string;
  /** A payload (and salt) is stored beside the entry. */
  readonly hasPayload: boolean;
  /** Index of the redaction that already erased it, or null. */
  readonly redactedBy: bigint | null;
}

/**
 * What the redaction rule reads, as of this point in the batch: the target
 * entry, the operator organisation (null before the store is initialised),
 * and whether an organisation holds admin membership of the vault.
 */
export interface RedactionContext {
  targetAt(index: bigint): RedactionTargetView | undefined;
  operator(): string | null;
  isAdminMember(org: string): boolean;
}

/**
 * Why `e` may not be sequenced now, or null when it may.
 *
 * @example
 * ```ts
 * const refusal = refusalOf(vault, e, (k) => registry.get(k), (i) => heads.get(i), redactions);
 * ```
 */
export function refusalOf(
  vault: string,
  e: PendingEntry,
  keyOf: (keyId: string) => KeyView | undefined,
  entryAt: (index: bigint) => EntryView | undefined,
  redactions: RedactionContext,
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
  if (e.redacts != null) return redactionRefusal(e.author, e.redacts, redactions);
  return null;
}

/**
 * The redaction rule (docs/formats.md §5b): the target is an entry of this
 * vault with that leaf hash, not a record of the log itself (key, member,
 * redaction), with a payload stored and not yet redacted; and the author is
 * the target's author, the operator, or an organisation with admin
 * membership of the vault.
 *
 * @example
 * ```ts
 * const refusal = redactionRefusal("carrier", { index: 12n, leafHash }, redactions);
 * ```
 */
export function redactionRefusal(
  author: string,
  redacts: { readonly index: bigint; readonly leafHash: Uint8Array },
  ctx: RedactionContext,
): SequenceOutcome | null {
  const i = redacts.index;
  const t = ctx.targetAt(i);
  if (t === undefined || !bytesEqual(t.leafHash, redacts.leafHash)) {
    return { ok: false, code: "not_found", message: `the record to redact (index ${i}) is not in this vault with that leaf hash` };
  }
  if (t.type.startsWith(LOG_TYPE_PREFIX)) {
    return { ok: false, code: "conflict", message: `record ${i} is a ${t.type} record: key, membership and redaction records are never redacted` };
  }
  if (t.redactedBy !== null) return { ok: false, code: "conflict", message: `record ${i} was already redacted by record ${t.redactedBy}` };
  if (!t.hasPayload) return { ok: false, code: "conflict", message: `record ${i} has no payload stored to redact` };
  if (author !== t.author && author !== ctx.operator() && !ctx.isAdminMember(author)) {
    return {
      ok: false,
      code: "conflict",
      message: `${author} may not redact record ${i}: only its author (${t.author}), the operator or an administrator of the vault may`,
    };
  }
  return null;
}

/**
 * Exact replays (docs/formats.md §3, "Replays"): an entry whose leaf is
 * already in the log, or earlier in the same batch, is answered with the
 * index it has, marked `existing`, and never appended a second time. A
 * record signed afresh has a new salt, so a new leaf, and is a new record.
 * `stored` finds a leaf in the log (by claimed time and leaf hash, which
 * the entries_by_leaf index serves).
 *
 * @example
 * ```ts
 * const replays = replayCheck((e) => storedIndexOf(e));
 * const earlier = replays.existing(e); // outcome, or null to append
 * replays.appended(e, idx);
 * ```
 */
export function replayCheck(stored: (e: PendingEntry) => bigint | undefined): {
  existing(e: PendingEntry): SequenceOutcome | null;
  appended(e: PendingEntry, index: bigint): void;
} {
  const inBatch = new Map<string, bigint>();
  return {
    existing(e) {
      const index = inBatch.get(toHex(e.leafHash)) ?? stored(e);
      return index === undefined ? null : { ok: true, index, existing: true };
    },
    appended(e, index) {
      inBatch.set(toHex(e.leafHash), index);
    },
  };
}

/**
 * The series rule (formats.md §10, versioned records): a first version of a
 * record id starts its series, which must not exist; a later version must
 * supersede the series' latest version, so that two versions can never both
 * claim to replace the same one. `headOf` is the series' latest index as of
 * this point in the batch.
 *
 * @example
 * ```ts
 * const refusal = seriesRefusal(e, (s) => heads.get(s));
 * ```
 */
export function seriesRefusal(e: PendingEntry, headOf: (series: string) => bigint | undefined): SequenceOutcome | null {
  if (e.series == null) return null;
  const head = headOf(e.series);
  if (e.supersedes === null) {
    if (head === undefined) return null;
    return { ok: false, code: "conflict", message: `${e.series} exists already (latest version at index ${head}): send a new version that supersedes it` };
  }
  if (head === e.supersedes.index) return null;
  return {
    ok: false,
    code: "conflict",
    message:
      head === undefined
        ? `index ${e.supersedes.index} is not a version of ${e.series}`
        : `index ${e.supersedes.index} is not the latest version of ${e.series} (index ${head} is): supersede the latest`,
  };
}
