/**
 * The embedded store: SQLite through better-sqlite3. WAL journal with
 * synchronous=FULL, so a committed batch survives power loss; every write is
 * one transaction, so a crash leaves either the whole batch or none of it.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { SealTrailError } from "@sealtrail/core";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import { OPERATOR_SETTING, refusalOf, replayCheck, seriesRefusal, type EntryView, type KeyView, type RedactionContext } from "../rules.js";
import {
  idemKey,
  markedRequests,
  newRecords,
  planRequests,
  resolveSameBatch,
  skippedOutcomes,
  type IdempotencyRecord,
} from "../idempotency.js";
import {
  tileKey,
  type AccessStore,
  type ApiKeyRow,
  type CheckpointRow,
  type MemberRow,
  type OrgRow,
  type EntryRow,
  type HeldKeyRow,
  type Integrator,
  type KeyRow,
  type PendingEntry,
  type SequenceOutcome,
  type Store,
  type StoredTileId,
  type TreeState,
  type VaultRow,
} from "../types.js";

type Row = Record<string, unknown>;

const u8 = (b: unknown): Uint8Array => {
  const buf = b as Buffer;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};
const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt(v as number));

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file (`:memory:` for a throw-away one). */
  readonly path: string;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
}

/** Apply pending migrations; returns the names of those applied. */
export function migrateSqlite(db: Database.Database): string[] {
  const current = Number(db.pragma("user_version", { simple: true }));
  const applied: string[] = [];
  for (const m of SQLITE_MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(`${m.version}-${m.name}`);
  }
  return applied;
}

/**
 * Apply pending migrations to the database file at `path` (created if
 * missing) and return the names of those applied, oldest first.
 *
 * @example
 * ```ts
 * migrateSqliteFile("data/sealtrail.db") // ["5-anchors", "6-redactions"]
 * ```
 */
export function migrateSqliteFile(path: string): string[] {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 10000");
    return migrateSqlite(db);
  } finally {
    db.close();
  }
}

/**
 * Open (and create) an SQLite store.
 *
 * @example
 * ```ts
 * const store = openSqliteStore({ path: "data/sealtrail.db" });
 * ```
 */
export function openSqliteStore(opts: SqliteStoreOptions): Store & AccessStore {
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 10000");
  // 64 MiB of page cache: leaf-hash index inserts land on random pages.
  db.pragma("cache_size = -65536");
  db.defaultSafeIntegers(true);
  if (opts.migrate !== false) migrateSqlite(db);
  else if (Number(db.pragma("user_version", { simple: true })) < SQLITE_MIGRATIONS.length) {
    throw new SealTrailError("internal", "database schema is out of date: run `sealtrail migrate`");
  }

  const q = {
    vault: db.prepare("SELECT name, origin, log_seed, created_at FROM vaults WHERE name = ?"),
    vaults: db.prepare("SELECT name, origin, log_seed, created_at FROM vaults ORDER BY name"),
    tree: db.prepare("SELECT size, root FROM vaults WHERE name = ?"),
    setTree: db.prepare("UPDATE vaults SET size = ?, root = ? WHERE name = ?"),
    tile: db.prepare("SELECT hashes FROM tiles WHERE vault = ? AND level = ? AND idx = ?"),
    putTile: db.prepare(
      "INSERT INTO tiles (vault, level, idx, hashes) VALUES (?, ?, ?, ?) ON CONFLICT (vault, level, idx) DO UPDATE SET hashes = excluded.hashes",
    ),
    insertEntry: db.prepare(
      "INSERT INTO entries (vault, idx, leaf_hash, entry, type, author, key_id, claimed_time, supersedes, sequenced_at, submitted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    insertSubject: db.prepare("INSERT OR IGNORE INTO entry_subjects (vault, subject, idx) VALUES (?, ?, ?)"),
    insertPayload: db.prepare("INSERT INTO payloads (vault, idx, payload, salt) VALUES (?, ?, ?, ?)"),
    key: db.prepare("SELECT * FROM keys WHERE vault = ? AND key_id = ?"),
    keys: db.prepare("SELECT * FROM keys WHERE vault = ? ORDER BY registered_idx"),
    insertKey: db.prepare(
      "INSERT INTO keys (vault, key_id, org, public_key, registered_idx, revoked_idx) VALUES (?, ?, ?, ?, ?, NULL)",
    ),
    revokeKey: db.prepare("UPDATE keys SET revoked_idx = ? WHERE vault = ? AND key_id = ?"),
    entryAt: db.prepare("SELECT type, leaf_hash FROM entries WHERE vault = ? AND idx = ?"),
    leafAt: db.prepare("SELECT idx FROM entries WHERE vault = ? AND claimed_time = ? AND leaf_hash = ?"),
    entries: db.prepare(
      `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE e.vault = ? AND e.idx >= ? AND e.idx < ? ORDER BY e.idx`,
    ),
    findEntries: db.prepare(
      `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE e.vault = @vault AND e.idx > @after
         AND (@type IS NULL OR e.type = @type)
         AND (@prefix IS NULL OR substr(e.type, 1, length(@prefix)) = @prefix)
         AND (@author IS NULL OR e.author = @author)
       ORDER BY e.idx LIMIT @limit`,
    ),
    // With a subject, the subject index drives the search: its rows for one
    // subject are already in index order, so no other entry is read.
    findEntriesBySubject: db.prepare(
      `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entry_subjects s
       JOIN entries e ON e.vault = s.vault AND e.idx = s.idx
       LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE s.vault = @vault AND s.subject = @subject AND s.idx > @after
         AND (@type IS NULL OR e.type = @type)
         AND (@prefix IS NULL OR substr(e.type, 1, length(@prefix)) = @prefix)
         AND (@author IS NULL OR e.author = @author)
       ORDER BY s.idx LIMIT @limit`,
    ),
    supersedersOf: db.prepare("SELECT idx FROM entries WHERE vault = ? AND supersedes = ? ORDER BY idx"),
    seriesHead: db.prepare("SELECT head_idx FROM series WHERE vault = ? AND name = ?"),
    latestVersions: db.prepare(
      `SELECT s.name AS series, e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM series s JOIN entries e ON e.vault = s.vault AND e.idx = s.head_idx
       LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE s.vault = @vault AND s.name > @after AND substr(s.name, 1, length(@prefix)) = @prefix ORDER BY s.name LIMIT @limit`,
    ),
    putSeriesHead: db.prepare("INSERT INTO series (vault, name, head_idx) VALUES (?, ?, ?) ON CONFLICT (vault, name) DO UPDATE SET head_idx = excluded.head_idx"),
    subjectPayloads: db.prepare(
      `SELECT s.idx, e.author, p.payload
       FROM entry_subjects s
       JOIN entries e ON e.vault = s.vault AND e.idx = s.idx
       LEFT JOIN payloads p ON p.vault = s.vault AND p.idx = s.idx
       WHERE s.vault = ? AND s.subject = ? AND s.idx > ? AND e.type = ?
       ORDER BY s.idx LIMIT ?`,
    ),
    firstWithSubject: db.prepare("SELECT idx FROM entry_subjects WHERE vault = ? AND subject = ? ORDER BY idx LIMIT 1"),
    idemGet: db.prepare("SELECT hash, outcomes FROM idempotency WHERE vault = ? AND scope = ? AND idem_key = ?"),
    idemPrune: db.prepare("DELETE FROM idempotency WHERE created_at < ?"),
    idemPut: db.prepare("INSERT INTO idempotency (vault, scope, idem_key, hash, outcomes, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    putCheckpoint: db.prepare(
      "INSERT OR IGNORE INTO checkpoints (vault, size, root, note, published_at) VALUES (?, ?, ?, ?, ?)",
    ),
    latestCheckpoint: db.prepare("SELECT * FROM checkpoints WHERE vault = ? ORDER BY size DESC LIMIT 1"),
    checkpoints: db.prepare("SELECT * FROM checkpoints WHERE vault = ? ORDER BY size"),
    checkpointAt: db.prepare("SELECT * FROM checkpoints WHERE vault = ? AND size = ?"),
    insertVault: db.prepare("INSERT INTO vaults (name, origin, log_seed, size, root, created_at) VALUES (?, ?, ?, 0, ?, ?)"),
    insertOrg: db.prepare("INSERT INTO orgs (id, name, country, roles, created_at) VALUES (?, ?, ?, ?, ?)"),
    orgs: db.prepare("SELECT * FROM orgs ORDER BY id"),
    insertApiKey: db.prepare(
      `INSERT INTO api_keys (id, org, name, secret_hash, vaults, can_read, can_write, is_admin, created_at, expires_at, revoked_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    ),
    apiKey: db.prepare("SELECT * FROM api_keys WHERE id = ?"),
    apiKeys: db.prepare("SELECT * FROM api_keys WHERE org = ? ORDER BY created_at, id"),
    revokeApiKey: db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
    touchApiKey: db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?"),
    setMember: db.prepare(
      `INSERT INTO members (vault, org, can_read, can_write, is_admin, since_idx) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (vault, org) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write, is_admin = excluded.is_admin, since_idx = excluded.since_idx`,
    ),
    removeMember: db.prepare("DELETE FROM members WHERE vault = ? AND org = ?"),
    members: db.prepare("SELECT * FROM members WHERE vault = ? ORDER BY org"),
    member: db.prepare("SELECT * FROM members WHERE vault = ? AND org = ?"),
    org: db.prepare("SELECT * FROM orgs WHERE id = ?"),
    putHeldKey: db.prepare("INSERT OR REPLACE INTO held_keys (org, key_id, seed) VALUES (?, ?, ?)"),
    heldKeys: db.prepare("SELECT * FROM held_keys WHERE org = ? ORDER BY key_id"),
    getSetting: db.prepare("SELECT value FROM settings WHERE key = ?"),
    putSetting: db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"),
    claimSetting: db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)"),
    // --- Redaction (issue 4) ---
    redactionTarget: db.prepare(
      `SELECT e.type, e.leaf_hash, e.author, e.redacted_by, p.idx IS NOT NULL AS has_payload
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx WHERE e.vault = ? AND e.idx = ?`,
    ),
    deletePayload: db.prepare("DELETE FROM payloads WHERE vault = ? AND idx = ?"),
    markRedacted: db.prepare("UPDATE entries SET redacted_by = ? WHERE vault = ? AND idx = ?"),
    // --- Anchors (issue 4) ---
    putAnchor: db.prepare("INSERT INTO anchors (vault, checkpoint_size, type, record, created_at) VALUES (?, ?, ?, ?, ?)"),
    anchors: db.prepare(
      "SELECT checkpoint_size, type, record, created_at FROM anchors WHERE vault = @vault AND (@size IS NULL OR checkpoint_size = @size) ORDER BY checkpoint_size, id",
    ),
  };

  const vaultRow = (r: Row): VaultRow => ({
    name: r.name as string,
    origin: r.origin as string,
    logSeed: u8(r.log_seed),
    createdAt: r.created_at as string,
  });
  const keyRow = (r: Row): KeyRow => ({
    vault: r.vault as string,
    keyId: r.key_id as string,
    org: r.org as string,
    publicKey: u8(r.public_key),
    registeredIndex: big(r.registered_idx),
    revokedIndex: r.revoked_idx === null ? null : big(r.revoked_idx),
  });
  const entryRow = (r: Row): EntryRow => ({
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
  const checkpointRow = (r: Row): CheckpointRow => ({
    size: big(r.size),
    root: u8(r.root),
    note: r.note as string,
    publishedAt: r.published_at as string,
  });
  const orgRow = (r: Row): OrgRow => ({
    id: r.id as string,
    name: r.name as string,
    country: (r.country as string | null) ?? null,
    roles: JSON.parse(r.roles as string) as string[],
    createdAt: r.created_at as string,
  });
  const apiKeyRow = (r: Row): ApiKeyRow => ({
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
  const memberRow = (r: Row): MemberRow => ({
    vault: r.vault as string,
    org: r.org as string,
    read: big(r.can_read) === 1n,
    write: JSON.parse(r.can_write as string) as string[],
    admin: big(r.is_admin) === 1n,
    sinceIndex: big(r.since_idx),
  });
  const treeOf = (vault: string): TreeState => {
    const r = q.tree.get(vault) as Row | undefined;
    if (r === undefined) throw new SealTrailError("not_found", `no vault named "${vault}"`);
    return { size: big(r.size), root: u8(r.root) };
  };

  const sequenceTx = db.transaction(
    (vault: string, entries: readonly PendingEntry[], integrate: Integrator) => {
      const start = treeOf(vault);
      const now = new Date().toISOString();
      const outcomes: (SequenceOutcome | "later")[] = [];
      const leafHashes: Uint8Array[] = [];
      let next = start.size;
      // Requests sent before with the same idempotency key are answered, not appended.
      const stored = new Map<string, IdempotencyRecord>();
      for (const m of markedRequests(entries)) {
        const r = q.idemGet.get(vault, m.scope, m.key) as Row | undefined;
        if (r !== undefined) stored.set(idemKey(m.scope, m.key), { hash: u8(r.hash), outcomes: r.outcomes as string });
      }
      const plans = planRequests(entries, stored);
      const skipped = skippedOutcomes(plans);
      // Key rows looked up in this transaction; a key change drops its row.
      const keyRows = new Map<string, Row | undefined>();
      const keyRow = (keyId: string): Row | undefined => {
        if (!keyRows.has(keyId)) keyRows.set(keyId, q.key.get(vault, keyId) as Row | undefined);
        return keyRows.get(keyId);
      };
      const redactions = redactionContext(vault);
      const replays = replayCheck((e) => (q.leafAt.get(vault, e.claimedTime, e.leafHash) as Row | undefined)?.idx as bigint | undefined);
      for (const [pos, e] of entries.entries()) {
        const answered = skipped.get(pos) ?? replays.existing(e);
        if (answered !== null && answered !== undefined) {
          outcomes.push(answered);
          continue;
        }
        const refusal =
          refusalOf(vault, e, (k) => keyView(keyRow(k)), (i) => entryView(vault, i), redactions) ??
          seriesRefusal(e, (name) => (q.seriesHead.get(vault, name) as Row | undefined)?.head_idx as bigint | undefined);
        if (refusal !== null) {
          outcomes.push(refusal);
          continue;
        }
        const idx = next++;
        q.insertEntry.run(vault, idx, e.leafHash, e.entry, e.type, e.author, e.keyId, e.claimedTime, e.supersedes?.index ?? null, now, e.submittedBy ?? null);
        for (const s of e.subjects) q.insertSubject.run(vault, s, idx);
        if (e.payload !== null && e.salt !== null) q.insertPayload.run(vault, idx, e.payload, e.salt);
        if (e.keyChange?.action === "register") {
          q.insertKey.run(vault, e.keyChange.keyId, e.author, e.keyChange.publicKey, idx);
        } else if (e.keyChange?.action === "revoke") {
          q.revokeKey.run(idx, vault, e.keyChange.keyId);
        }
        if (e.keyChange !== null) keyRows.delete(e.keyChange.keyId);
        const mc = e.memberChange;
        if (mc?.action === "set") q.setMember.run(vault, mc.org, mc.read ? 1 : 0, JSON.stringify(mc.write), mc.admin ? 1 : 0, idx);
        else if (mc?.action === "remove") q.removeMember.run(vault, mc.org);
        if (e.redacts != null) redact(vault, e.redacts.index, idx);
        if (e.series != null) q.putSeriesHead.run(vault, e.series, idx);
        leafHashes.push(e.leafHash);
        replays.appended(e, idx);
        outcomes.push({ ok: true, index: idx });
      }
      const final = resolveSameBatch(plans, outcomes);
      for (const r of newRecords(plans, final)) q.idemPut.run(vault, r.scope, r.key, r.hash, r.outcomes, now);
      if (leafHashes.length === 0) return { outcomes: final, tree: start };
      const readTile = (id: StoredTileId): Uint8Array => {
        const r = q.tile.get(vault, id.level, id.index) as Row | undefined;
        if (r === undefined) throw new SealTrailError("internal", `tile ${id.level}/${id.index} missing during integration`);
        const hashes = u8(r.hashes);
        if (hashes.length < id.width * 32) {
          throw new SealTrailError("internal", `tile ${id.level}/${id.index} holds ${hashes.length / 32} hashes, needs ${id.width}`);
        }
        return hashes.subarray(0, id.width * 32);
      };
      const result = integrate(start.size, readTile, leafHashes);
      if (result.size !== next) throw new SealTrailError("internal", "integration size does not match sequencing");
      for (const t of result.tiles) q.putTile.run(vault, t.id.level, t.id.index, t.hashes);
      q.setTree.run(result.size, result.root, vault);
      return { outcomes: final, tree: { size: result.size, root: result.root } };
    },
  );

  // Rules that need the registry as of this point in the batch (see LedgerStore.sequence).
  const keyView = (r: Row | undefined): KeyView | undefined =>
    r === undefined ? undefined : { org: r.org as string, revokedIndex: r.revoked_idx === null ? null : big(r.revoked_idx) };
  const entryView = (vault: string, index: bigint): EntryView | undefined => {
    const r = q.entryAt.get(vault, index) as Row | undefined;
    return r === undefined ? undefined : { type: r.type as string, leafHash: u8(r.leaf_hash) };
  };

  // --- Redaction (issue 4) -------------------------------------------------
  // The rule's view of a target and of who may redact, read inside the
  // sequencing transaction, so earlier entries of the same batch count.
  const redactionContext = (vault: string): RedactionContext => ({
    targetAt(index) {
      const r = q.redactionTarget.get(vault, index) as Row | undefined;
      if (r === undefined) return undefined;
      return {
        type: r.type as string,
        leafHash: u8(r.leaf_hash),
        author: r.author as string,
        hasPayload: big(r.has_payload) === 1n,
        redactedBy: r.redacted_by === null ? null : big(r.redacted_by),
      };
    },
    operator: () => {
      const r = q.getSetting.get(OPERATOR_SETTING) as Row | undefined;
      return r === undefined ? null : (r.value as string);
    },
    isAdminMember: (org) => {
      const r = q.member.get(vault, org) as Row | undefined;
      return r !== undefined && big(r.is_admin) === 1n;
    },
  });
  let redactedSinceCheckpoint = false;
  // Destroy the target's payload and salt. secure_delete makes SQLite zero
  // the freed cell and any freed overflow pages, so the bytes do not linger
  // in free space of the file; it is on for this statement only because it
  // would cost extra writes on every tile update (ADR 0009).
  const redact = (vault: string, target: bigint, by: bigint): void => {
    const before = db.pragma("secure_delete", { simple: true });
    db.pragma("secure_delete = ON");
    try {
      q.deletePayload.run(vault, target);
    } finally {
      db.pragma(`secure_delete = ${Number(before) === 0 ? "OFF" : "ON"}`);
    }
    q.markRedacted.run(by, vault, target);
    redactedSinceCheckpoint = true;
  };
  // Old page images holding the payload stay in the WAL file until it is
  // checkpointed and truncated: do that once a redaction is committed. Best
  // effort: with other connections reading, SQLite may leave the WAL as is,
  // and it is truncated at a later redaction or when the last connection closes.
  const flushRedactions = (): void => {
    if (!redactedSinceCheckpoint) return;
    redactedSinceCheckpoint = false;
    db.pragma("wal_checkpoint(TRUNCATE)");
  };

  const store: Store & AccessStore = {
    engine: "sqlite",
    async sequence(vault, entries, integrate) {
      try {
        return sequenceTx.immediate(vault, entries, integrate);
      } finally {
        flushRedactions();
      }
    },
    async putCheckpoint(vault, cp) {
      q.putCheckpoint.run(vault, cp.size, cp.root, cp.note, new Date().toISOString());
    },
    async tree(vault) {
      return treeOf(vault);
    },
    async latestCheckpoint(vault) {
      const r = q.latestCheckpoint.get(vault) as Row | undefined;
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpointAt(vault, size) {
      const r = q.checkpointAt.get(vault, size) as Row | undefined;
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpoints(vault) {
      return (q.checkpoints.all(vault) as Row[]).map(checkpointRow);
    },
    async readTiles(vault, ids) {
      const out = new Map<string, Uint8Array>();
      for (const id of ids) {
        const k = tileKey(id.level, id.index);
        if (out.has(k)) continue;
        const r = q.tile.get(vault, id.level, id.index) as Row | undefined;
        if (r !== undefined) out.set(k, u8(r.hashes));
      }
      return out;
    },
    async entries(vault, from, to) {
      return (q.entries.all(vault, from, to) as Row[]).map(entryRow);
    },
    async findEntries(vault, f) {
      const params = {
        vault,
        after: f.after ?? -1n,
        type: f.type ?? null,
        prefix: f.typePrefix ?? null,
        author: f.author ?? null,
        limit: f.limit,
      };
      const rows = (f.subject === undefined ? q.findEntries.all(params) : q.findEntriesBySubject.all({ ...params, subject: f.subject })) as Row[];
      return rows.map(entryRow);
    },
    async pruneIdempotency(before) {
      return Number(q.idemPrune.run(before).changes);
    },
    async subjectPayloads(vault, f) {
      const rows = q.subjectPayloads.all(vault, f.subject, f.after ?? -1n, f.type, f.limit) as Row[];
      return rows.map((r) => ({ index: big(r.idx), author: r.author as string, payload: (r.payload as string | null) ?? null }));
    },
    async firstWithSubject(vault, subject) {
      const r = q.firstWithSubject.get(vault, subject) as Row | undefined;
      return r === undefined ? null : big(r.idx);
    },
    async latestVersions(vault, f) {
      const rows = q.latestVersions.all({ vault, prefix: f.prefix, after: f.after ?? "", limit: f.limit }) as Row[];
      return rows.map((r) => ({ ...entryRow(r), series: r.series as string }));
    },
    async seriesHead(vault, name) {
      const r = q.seriesHead.get(vault, name) as Row | undefined;
      return r === undefined ? null : big(r.head_idx);
    },
    async supersedersOf(vault, index) {
      return (q.supersedersOf.all(vault, index) as Row[]).map((r) => big(r.idx));
    },
    async keys(vault) {
      return (q.keys.all(vault) as Row[]).map(keyRow);
    },
    async key(vault, keyId) {
      const r = q.key.get(vault, keyId) as Row | undefined;
      return r === undefined ? null : keyRow(r);
    },
    async createVault(v) {
      conflictOnConstraint(
        () => q.insertVault.run(v.name, v.origin, v.logSeed, EMPTY_ROOT_PLACEHOLDER, v.createdAt),
        `vault "${v.name}" or origin "${v.origin}" exists already`,
      );
    },
    async vault(name) {
      const r = q.vault.get(name) as Row | undefined;
      return r === undefined ? null : vaultRow(r);
    },
    async vaults() {
      return (q.vaults.all() as Row[]).map(vaultRow);
    },
    async createOrg(o) {
      conflictOnConstraint(
        () => q.insertOrg.run(o.id, o.name, o.country ?? null, JSON.stringify(o.roles ?? []), o.createdAt),
        `organisation "${o.id}" exists already`,
      );
    },
    async org(id) {
      const r = q.org.get(id) as Row | undefined;
      return r === undefined ? null : orgRow(r);
    },
    async orgs() {
      return (q.orgs.all() as Row[]).map(orgRow);
    },
    async createApiKey(k) {
      q.insertApiKey.run(
        k.id,
        k.org,
        k.name,
        k.secretHash,
        JSON.stringify(k.vaults),
        k.read ? 1 : 0,
        JSON.stringify(k.write),
        k.admin ? 1 : 0,
        k.createdAt,
        k.expiresAt,
      );
    },
    async apiKey(id) {
      const r = q.apiKey.get(id) as Row | undefined;
      return r === undefined ? null : apiKeyRow(r);
    },
    async apiKeys(org) {
      return (q.apiKeys.all(org) as Row[]).map(apiKeyRow);
    },
    async revokeApiKey(id, at) {
      return q.revokeApiKey.run(at, id).changes > 0;
    },
    async touchApiKey(id, at) {
      q.touchApiKey.run(at, id);
    },
    async members(vault) {
      return (q.members.all(vault) as Row[]).map(memberRow);
    },
    async member(vault, org) {
      const r = q.member.get(vault, org) as Row | undefined;
      return r === undefined ? null : memberRow(r);
    },
    async putHeldKey(k: HeldKeyRow) {
      q.putHeldKey.run(k.org, k.keyId, k.seed);
    },
    async heldKeys(org) {
      return (q.heldKeys.all(org) as Row[]).map((r) => ({ org: r.org as string, keyId: r.key_id as string, seed: u8(r.seed) }));
    },
    async getSetting(key) {
      const r = q.getSetting.get(key) as Row | undefined;
      return r === undefined ? null : (r.value as string);
    },
    async putSetting(key, value) {
      q.putSetting.run(key, value);
    },
    async claimSetting(key, value) {
      q.claimSetting.run(key, value);
      return (q.getSetting.get(key) as Row).value as string;
    },
    // --- Anchors (issue 4) ---
    async putAnchor(vault, a) {
      q.putAnchor.run(vault, a.checkpointSize, a.type, a.record, new Date().toISOString());
    },
    async anchors(vault, opts = {}) {
      return (q.anchors.all({ vault, size: opts.checkpointSize ?? null }) as Row[]).map((r) => ({
        checkpointSize: big(r.checkpoint_size),
        type: r.type as string,
        record: r.record as string,
        createdAt: r.created_at as string,
      }));
    },
    async close() {
      db.close();
    },
  };
  return store;
}

/** Run an insert; a constraint violation becomes a `conflict` error with `message`. */
function conflictOnConstraint(insert: () => unknown, message: string): void {
  try {
    insert();
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) throw new SealTrailError("conflict", message, { cause: e });
    throw e;
  }
}

// SHA-256 of the empty string: the RFC 6962 root of an empty tree.
const EMPTY_ROOT_PLACEHOLDER = Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex");

