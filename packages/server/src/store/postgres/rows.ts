/**
 * Rows as Kysely returns them, turned into the store's row types.
 */
import type { Selectable } from "kysely";
import type { ApiKeyRow, CheckpointRow, EntryRow, KeyRow, MemberRow, OrgRow, VaultRow } from "../types.js";
import { u8, type Tables } from "./db.js";

// The columns of an EntryRow, from entries e left-joined with payloads p.
export const ENTRY_COLUMNS = [
  "e.idx",
  "e.entry",
  "e.leaf_hash",
  "e.type",
  "e.author",
  "e.key_id",
  "e.claimed_time",
  "e.sequenced_at",
  "e.submitted_by",
  "e.redacted_by",
  "p.payload",
  "p.salt",
] as const;

export function entryRowOf(r: {
  idx: bigint;
  entry: Uint8Array;
  leaf_hash: Uint8Array;
  type: string;
  author: string;
  key_id: string;
  claimed_time: string;
  sequenced_at: string;
  submitted_by: string | null;
  redacted_by: bigint | null;
  payload: string | null;
  salt: Uint8Array | null;
}): EntryRow {
  return {
    index: r.idx,
    entry: u8(r.entry),
    leafHash: u8(r.leaf_hash),
    type: r.type,
    author: r.author,
    keyId: r.key_id,
    claimedTime: r.claimed_time,
    sequencedAt: r.sequenced_at,
    submittedBy: r.submitted_by,
    payload: r.payload,
    salt: r.salt === null ? null : u8(r.salt),
    redactedBy: r.redacted_by,
  };
}

export const vaultRow = (r: Selectable<Tables["vaults"]>): VaultRow => ({ name: r.name, origin: r.origin, logSeed: u8(r.log_seed), createdAt: r.created_at });
export const keyRow = (r: Selectable<Tables["keys"]>): KeyRow => ({
  vault: r.vault,
  keyId: r.key_id,
  org: r.org,
  publicKey: u8(r.public_key),
  registeredIndex: r.registered_idx,
  revokedIndex: r.revoked_idx,
});
export const checkpointRow = (r: Selectable<Tables["checkpoints"]>): CheckpointRow => ({ size: r.size, root: u8(r.root), note: r.note, publishedAt: r.published_at });
export const orgRow = (r: Selectable<Tables["orgs"]>): OrgRow => ({ id: r.id, name: r.name, country: r.country, roles: r.roles, createdAt: r.created_at });
export const apiKeyRow = (r: Selectable<Tables["api_keys"]>): ApiKeyRow => ({
  id: r.id,
  org: r.org,
  name: r.name,
  secretHash: u8(r.secret_hash),
  vaults: r.vaults,
  read: r.can_read,
  write: r.can_write,
  admin: r.is_admin,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});
export const memberRow = (r: Selectable<Tables["members"]>): MemberRow => ({
  vault: r.vault,
  org: r.org,
  read: r.can_read,
  write: r.can_write,
  admin: r.is_admin,
  sinceIndex: r.since_idx,
});
