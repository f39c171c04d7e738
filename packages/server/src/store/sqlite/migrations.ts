/**
 * Versioned SQLite schema migrations. Each entry runs once, in order, inside a
 * transaction; the applied version is kept in `PRAGMA user_version`.
 */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "ledger",
    sql: `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE orgs (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE held_keys (
  org    TEXT NOT NULL REFERENCES orgs(id),
  key_id TEXT NOT NULL,
  seed   BLOB NOT NULL,
  PRIMARY KEY (org, key_id)
);
CREATE TABLE vaults (
  name       TEXT PRIMARY KEY,
  origin     TEXT NOT NULL UNIQUE,
  log_seed   BLOB NOT NULL,
  size       INTEGER NOT NULL DEFAULT 0,
  root       BLOB NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE entries (
  vault        TEXT NOT NULL REFERENCES vaults(name),
  idx          INTEGER NOT NULL,
  leaf_hash    BLOB NOT NULL,
  entry        BLOB NOT NULL,
  type         TEXT NOT NULL,
  author       TEXT NOT NULL,
  key_id       TEXT NOT NULL,
  claimed_time TEXT NOT NULL,
  supersedes   INTEGER,
  sequenced_at TEXT NOT NULL,
  PRIMARY KEY (vault, idx)
) WITHOUT ROWID;
-- No index on leaf_hash: a random key costs more on every append than all
-- other writes together; records are addressed by index.
CREATE INDEX entries_superseded ON entries (vault, supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX entries_by_type ON entries (vault, type, idx);
CREATE TABLE entry_subjects (
  vault   TEXT NOT NULL,
  subject TEXT NOT NULL,
  idx     INTEGER NOT NULL,
  PRIMARY KEY (vault, subject, idx)
) WITHOUT ROWID;
CREATE TABLE payloads (
  vault   TEXT NOT NULL,
  idx     INTEGER NOT NULL,
  payload TEXT NOT NULL,
  salt    BLOB NOT NULL,
  PRIMARY KEY (vault, idx)
) WITHOUT ROWID;
CREATE TABLE tiles (
  vault  TEXT NOT NULL,
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY (vault, level, idx)
) WITHOUT ROWID;
CREATE TABLE keys (
  vault          TEXT NOT NULL,
  key_id         TEXT NOT NULL,
  org            TEXT NOT NULL,
  public_key     BLOB NOT NULL,
  registered_idx INTEGER NOT NULL,
  revoked_idx    INTEGER,
  PRIMARY KEY (vault, key_id)
);
CREATE TABLE checkpoints (
  vault        TEXT NOT NULL,
  size         INTEGER NOT NULL,
  root         BLOB NOT NULL,
  note         TEXT NOT NULL,
  published_at TEXT NOT NULL,
  PRIMARY KEY (vault, size)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: "access",
    sql: `
ALTER TABLE orgs ADD COLUMN country TEXT;
ALTER TABLE orgs ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  org          TEXT NOT NULL REFERENCES orgs(id),
  name         TEXT NOT NULL,
  secret_hash  BLOB NOT NULL,
  vaults       TEXT NOT NULL,
  can_read     INTEGER NOT NULL,
  can_write    TEXT NOT NULL,
  is_admin     INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT,
  revoked_at   TEXT,
  last_used_at TEXT
);
CREATE INDEX api_keys_by_org ON api_keys (org);
CREATE TABLE members (
  vault     TEXT NOT NULL REFERENCES vaults(name),
  org       TEXT NOT NULL,
  can_read  INTEGER NOT NULL,
  can_write TEXT NOT NULL,
  is_admin  INTEGER NOT NULL,
  since_idx INTEGER NOT NULL,
  PRIMARY KEY (vault, org)
);
`,
  },
  {
    version: 3,
    name: "idempotency",
    sql: `
CREATE TABLE idempotency (
  vault      TEXT NOT NULL,
  scope      TEXT NOT NULL,
  idem_key   TEXT NOT NULL,
  hash       BLOB NOT NULL,
  outcomes   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (vault, scope, idem_key)
);
`,
  },
  {
    version: 4,
    name: "submitted-by",
    sql: `
ALTER TABLE entries ADD COLUMN submitted_by TEXT;
`,
  },
  // --- v5: anchors of published checkpoints (issue 4, publication) ---
  {
    version: 5,
    name: "anchors",
    sql: `
CREATE TABLE anchors (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  vault           TEXT NOT NULL REFERENCES vaults(name),
  checkpoint_size INTEGER NOT NULL,
  type            TEXT NOT NULL,
  record          TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX anchors_by_checkpoint ON anchors (vault, checkpoint_size, id);
`,
  },
  // --- v6: redaction (issue 4, redaction; independent of v5) ---
  {
    version: 6,
    name: "redaction",
    sql: `
ALTER TABLE entries ADD COLUMN redacted_by INTEGER;
`,
  },
  // --- v7: exact replays are answered, not appended (formats.md §3) ---
  {
    version: 7,
    name: "entries-by-leaf",
    // Led by the claimed time, which grows with the log, so inserts land at
    // the index's right edge instead of on random pages as a leaf-hash
    // index's would.
    sql: `
CREATE INDEX entries_by_leaf ON entries (vault, claimed_time, leaf_hash);
`,
  },
  // --- v8: versioned records: the latest version of each record series ---
  {
    version: 8,
    name: "series",
    sql: `
CREATE TABLE series (
  vault    TEXT NOT NULL,
  name     TEXT NOT NULL,
  head_idx INTEGER NOT NULL,
  PRIMARY KEY (vault, name)
) WITHOUT ROWID;
`,
  },
  // --- v9: evidence files: metadata of each file a vault holds, and which records name it (never the bytes) ---
  {
    version: 9,
    name: "files",
    sql: `
CREATE TABLE files (
  vault       TEXT NOT NULL REFERENCES vaults(name),
  sha256      TEXT NOT NULL,
  length      INTEGER NOT NULL,
  media_type  TEXT NOT NULL,
  state       TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT,
  touched_at  TEXT NOT NULL,
  erased_at   TEXT,
  erased_by   INTEGER,
  PRIMARY KEY (vault, sha256)
) WITHOUT ROWID;
-- The sweep reads files by age.
CREATE INDEX files_by_touched ON files (vault, touched_at);
CREATE TABLE file_refs (
  vault  TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  idx    INTEGER NOT NULL,
  PRIMARY KEY (vault, sha256, idx),
  FOREIGN KEY (vault, sha256) REFERENCES files (vault, sha256)
) WITHOUT ROWID;
`,
  },
];
