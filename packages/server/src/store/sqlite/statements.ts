/**
 * Every statement the SQLite store runs, prepared once when the store opens.
 */
import type Database from "better-sqlite3";

const SQL = {
  vault: "SELECT name, origin, log_seed, created_at FROM vaults WHERE name = ?",
  vaults: "SELECT name, origin, log_seed, created_at FROM vaults ORDER BY name",
  tree: "SELECT size, root FROM vaults WHERE name = ?",
  setTree: "UPDATE vaults SET size = ?, root = ? WHERE name = ?",
  tile: "SELECT hashes FROM tiles WHERE vault = ? AND level = ? AND idx = ?",
  putTile: "INSERT INTO tiles (vault, level, idx, hashes) VALUES (?, ?, ?, ?) ON CONFLICT (vault, level, idx) DO UPDATE SET hashes = excluded.hashes",
  insertEntry: "INSERT INTO entries (vault, idx, leaf_hash, entry, type, author, key_id, claimed_time, supersedes, sequenced_at, submitted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  insertSubject: "INSERT OR IGNORE INTO entry_subjects (vault, subject, idx) VALUES (?, ?, ?)",
  insertPayload: "INSERT INTO payloads (vault, idx, payload, salt) VALUES (?, ?, ?, ?)",
  key: "SELECT * FROM keys WHERE vault = ? AND key_id = ?",
  keys: "SELECT * FROM keys WHERE vault = ? ORDER BY registered_idx",
  insertKey: "INSERT INTO keys (vault, key_id, org, public_key, registered_idx, revoked_idx) VALUES (?, ?, ?, ?, ?, NULL)",
  revokeKey: "UPDATE keys SET revoked_idx = ? WHERE vault = ? AND key_id = ?",
  entryAt: "SELECT type, leaf_hash FROM entries WHERE vault = ? AND idx = ?",
  leafAt: "SELECT idx FROM entries WHERE vault = ? AND claimed_time = ? AND leaf_hash = ?",
  entries: `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE e.vault = ? AND e.idx >= ? AND e.idx < ? ORDER BY e.idx`,
  findEntries: `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE e.vault = @vault AND e.idx > @after
         AND (@type IS NULL OR e.type = @type)
         AND (@prefix IS NULL OR substr(e.type, 1, length(@prefix)) = @prefix)
         AND (@author IS NULL OR e.author = @author)
       ORDER BY e.idx LIMIT @limit`,
  // With a subject, the subject index drives the search: its rows for one
  // subject are already in index order, so no other entry is read.
  findEntriesBySubject: `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM entry_subjects s
       JOIN entries e ON e.vault = s.vault AND e.idx = s.idx
       LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE s.vault = @vault AND s.subject = @subject AND s.idx > @after
         AND (@type IS NULL OR e.type = @type)
         AND (@prefix IS NULL OR substr(e.type, 1, length(@prefix)) = @prefix)
         AND (@author IS NULL OR e.author = @author)
       ORDER BY s.idx LIMIT @limit`,
  supersedersOf: "SELECT idx FROM entries WHERE vault = ? AND supersedes = ? ORDER BY idx",
  seriesHead: "SELECT head_idx FROM series WHERE vault = ? AND name = ?",
  // Many lookups in one statement: the names (indices) as one JSON array,
  // each looked up by the primary key; one call instead of one per value.
  // CROSS JOIN keeps the array as the outer loop (SQLite's planner would
  // otherwise scan the vault's whole table once per value).
  seriesHeads: "SELECT s.name, s.head_idx FROM json_each(?) j CROSS JOIN series s ON s.vault = ? AND s.name = j.value",
  payloadsAt: "SELECT p.idx, p.payload FROM json_each(?) j CROSS JOIN payloads p ON p.vault = ? AND p.idx = j.value",
  latestVersions: `SELECT s.name AS series, e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM series s JOIN entries e ON e.vault = s.vault AND e.idx = s.head_idx
       LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE s.vault = @vault AND s.name > @after AND substr(s.name, 1, length(@prefix)) = @prefix ORDER BY s.name LIMIT @limit`,
  putSeriesHead: "INSERT INTO series (vault, name, head_idx) VALUES (?, ?, ?) ON CONFLICT (vault, name) DO UPDATE SET head_idx = excluded.head_idx",
  subjectPayloads: `SELECT s.idx, e.author, p.payload
       FROM entry_subjects s
       JOIN entries e ON e.vault = s.vault AND e.idx = s.idx
       LEFT JOIN payloads p ON p.vault = s.vault AND p.idx = s.idx
       WHERE s.vault = ? AND s.subject = ? AND s.idx > ? AND e.type = ?
       ORDER BY s.idx LIMIT ?`,
  firstWithSubject: "SELECT idx FROM entry_subjects WHERE vault = ? AND subject = ? ORDER BY idx LIMIT 1",
  idemGet: "SELECT hash, outcomes FROM idempotency WHERE vault = ? AND scope = ? AND idem_key = ?",
  idemPrune: "DELETE FROM idempotency WHERE created_at < ?",
  idemPut: "INSERT INTO idempotency (vault, scope, idem_key, hash, outcomes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  putCheckpoint: "INSERT OR IGNORE INTO checkpoints (vault, size, root, note, published_at) VALUES (?, ?, ?, ?, ?)",
  latestCheckpoint: "SELECT * FROM checkpoints WHERE vault = ? ORDER BY size DESC LIMIT 1",
  checkpoints: "SELECT * FROM checkpoints WHERE vault = ? ORDER BY size",
  checkpointAt: "SELECT * FROM checkpoints WHERE vault = ? AND size = ?",
  insertVault: "INSERT INTO vaults (name, origin, log_seed, size, root, created_at) VALUES (?, ?, ?, 0, ?, ?)",
  insertOrg: "INSERT INTO orgs (id, name, country, roles, created_at) VALUES (?, ?, ?, ?, ?)",
  orgs: "SELECT * FROM orgs ORDER BY id",
  insertApiKey: `INSERT INTO api_keys (id, org, name, secret_hash, vaults, can_read, can_write, is_admin, created_at, expires_at, revoked_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
  apiKey: "SELECT * FROM api_keys WHERE id = ?",
  apiKeys: "SELECT * FROM api_keys WHERE org = ? ORDER BY created_at, id",
  revokeApiKey: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
  touchApiKey: "UPDATE api_keys SET last_used_at = ? WHERE id = ?",
  setMember: `INSERT INTO members (vault, org, can_read, can_write, is_admin, since_idx) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (vault, org) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write, is_admin = excluded.is_admin, since_idx = excluded.since_idx`,
  removeMember: "DELETE FROM members WHERE vault = ? AND org = ?",
  members: "SELECT * FROM members WHERE vault = ? ORDER BY org",
  member: "SELECT * FROM members WHERE vault = ? AND org = ?",
  org: "SELECT * FROM orgs WHERE id = ?",
  putHeldKey: "INSERT OR REPLACE INTO held_keys (org, key_id, seed) VALUES (?, ?, ?)",
  heldKeys: "SELECT * FROM held_keys WHERE org = ? ORDER BY key_id",
  getSetting: "SELECT value FROM settings WHERE key = ?",
  putSetting: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
  claimSetting: "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
  // --- Redaction (issue 4) ---
  redactionTarget: `SELECT e.type, e.leaf_hash, e.author, e.redacted_by, p.idx IS NOT NULL AS has_payload
       FROM entries e LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx WHERE e.vault = ? AND e.idx = ?`,
  deletePayload: "DELETE FROM payloads WHERE vault = ? AND idx = ?",
  markRedacted: "UPDATE entries SET redacted_by = ? WHERE vault = ? AND idx = ?",
  // --- Anchors (issue 4) ---
  putAnchor: "INSERT INTO anchors (vault, checkpoint_size, type, record, created_at) VALUES (?, ?, ?, ?, ?)",
  anchors: "SELECT checkpoint_size, type, record, created_at FROM anchors WHERE vault = @vault AND (@size IS NULL OR checkpoint_size = @size) ORDER BY checkpoint_size, id",
};

/** The prepared statements of one database connection, by name. */
export type Statements = { readonly [K in keyof typeof SQL]: Database.Statement };

/**
 * Prepare the store's statements on an open, migrated database, in the order
 * they are listed.
 *
 * @example
 * ```ts
 * const q = prepareStatements(db);
 * const row = q.vault.get("default");
 * ```
 */
export function prepareStatements(db: Database.Database): Statements {
  const q: Partial<Record<keyof typeof SQL, Database.Statement>> = {};
  for (const name of Object.keys(SQL) as (keyof typeof SQL)[]) q[name] = db.prepare(SQL[name]);
  return q as Statements;
}
