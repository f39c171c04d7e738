/**
 * Rows as better-sqlite3 returns them (safe integers on, blobs as Buffer),
 * turned into the store's row types: plain Uint8Array views and bigint
 * indices, so that callers never see which engine answered.
 */
import type { ApiKeyRow, CheckpointRow, EntryRow, KeyRow, MemberRow, OrgRow, VaultRow } from "../types.js";

export type Row = Record<string, unknown>;

export const u8 = (b: unknown): Uint8Array => {
  const buf = b as Buffer;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};
export const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt(v as number));

export const vaultRow = (r: Row): VaultRow => ({
  name: r.name as string,
  origin: r.origin as string,
  logSeed: u8(r.log_seed),
  createdAt: r.created_at as string,
});
export const keyRow = (r: Row): KeyRow => ({
  vault: r.vault as string,
  keyId: r.key_id as string,
  org: r.org as string,
  publicKey: u8(r.public_key),
  registeredIndex: big(r.registered_idx),
  revokedIndex: r.revoked_idx === null ? null : big(r.revoked_idx),
});
export const entryRow = (r: Row): EntryRow => ({
  index: big(r.idx),
  entry: u8(r.entry),
  leafHash: u8(r.leaf_hash),
  type: r.type as string,
  author: r.author as string,
  keyId: r.key_id as string,
  claimedTime: r.claimed_time as string,
  sequencedAt: r.sequenced_at as string,
  submittedBy: (r.submitted_by as string | null | undefined) ?? null,
  payload: (r.payload as string | null) ?? null,
  salt: r.salt === null || r.salt === undefined ? null : u8(r.salt),
  redactedBy: r.redacted_by === null || r.redacted_by === undefined ? null : big(r.redacted_by),
});
export const checkpointRow = (r: Row): CheckpointRow => ({
  size: big(r.size),
  root: u8(r.root),
  note: r.note as string,
  publishedAt: r.published_at as string,
});
export const orgRow = (r: Row): OrgRow => ({
  id: r.id as string,
  name: r.name as string,
  country: (r.country as string | null) ?? null,
  roles: JSON.parse(r.roles as string) as string[],
  createdAt: r.created_at as string,
});
export const apiKeyRow = (r: Row): ApiKeyRow => ({
  id: r.id as string,
  org: r.org as string,
  name: r.name as string,
  secretHash: u8(r.secret_hash),
  vaults: JSON.parse(r.vaults as string) as string[] | "*",
  read: big(r.can_read) === 1n,
  write: JSON.parse(r.can_write as string) as string[],
  admin: big(r.is_admin) === 1n,
  createdAt: r.created_at as string,
  expiresAt: (r.expires_at as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
  lastUsedAt: (r.last_used_at as string | null) ?? null,
});
export const memberRow = (r: Row): MemberRow => ({
  vault: r.vault as string,
  org: r.org as string,
  read: big(r.can_read) === 1n,
  write: JSON.parse(r.can_write as string) as string[],
  admin: big(r.is_admin) === 1n,
  sinceIndex: big(r.since_idx),
});
