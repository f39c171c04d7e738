/**
 * Versioned PostgreSQL schema migrations: the same logical schema as
 * store/sqlite/migrations.ts, in PostgreSQL types (bytea for hashes, keys
 * and blobs; bigint for indices and sizes; text for ISO 8601 times, so that
 * both engines return the strings they were given; jsonb and boolean where
 * SQLite keeps JSON text and 0/1). Names and ids that are
 * listed in order are COLLATE "C", so that they sort byte-wise as SQLite's
 * BINARY collation does, whatever the database's locale. Kysely's Migrator applies
 * them in name order, each in its own transaction, under an advisory lock so
 * that several servers starting at once apply each migration exactly once.
 * Never edit a migration that has shipped: add the next one.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "ledger",
    sql: `
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE orgs (
  id         text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL,
  created_at text NOT NULL
);
CREATE TABLE held_keys (
  org    text NOT NULL REFERENCES orgs(id),
  key_id text COLLATE "C" NOT NULL,
  seed   bytea NOT NULL,
  PRIMARY KEY (org, key_id)
);
CREATE TABLE vaults (
  name       text COLLATE "C" PRIMARY KEY,
  origin     text NOT NULL UNIQUE,
  log_seed   bytea NOT NULL,
  size       bigint NOT NULL DEFAULT 0,
  root       bytea NOT NULL,
  created_at text NOT NULL
);
CREATE TABLE entries (
  vault        text NOT NULL REFERENCES vaults(name),
  idx          bigint NOT NULL,
  leaf_hash    bytea NOT NULL,
  entry        bytea NOT NULL,
  type         text NOT NULL,
  author       text NOT NULL,
  key_id       text NOT NULL,
  claimed_time text NOT NULL,
  supersedes   bigint,
  sequenced_at text NOT NULL,
  PRIMARY KEY (vault, idx)
);
-- No index on leaf_hash: a random key costs more on every append than all
-- other writes together; records are addressed by index.
CREATE INDEX entries_superseded ON entries (vault, supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX entries_by_type ON entries (vault, type, idx);
CREATE TABLE entry_subjects (
  vault   text NOT NULL,
  subject text NOT NULL,
  idx     bigint NOT NULL,
  PRIMARY KEY (vault, subject, idx)
);
CREATE TABLE payloads (
  vault   text NOT NULL,
  idx     bigint NOT NULL,
  payload text NOT NULL,
  salt    bytea NOT NULL,
  PRIMARY KEY (vault, idx)
);
CREATE TABLE tiles (
  vault  text NOT NULL,
  level  integer NOT NULL,
  idx    bigint NOT NULL,
  hashes bytea NOT NULL,
  PRIMARY KEY (vault, level, idx)
);
CREATE TABLE keys (
  vault          text NOT NULL,
  key_id         text NOT NULL,
  org            text NOT NULL,
  public_key     bytea NOT NULL,
  registered_idx bigint NOT NULL,
  revoked_idx    bigint,
  PRIMARY KEY (vault, key_id)
);
CREATE TABLE checkpoints (
  vault        text NOT NULL,
  size         bigint NOT NULL,
  root         bytea NOT NULL,
  note         text NOT NULL,
  published_at text NOT NULL,
  PRIMARY KEY (vault, size)
);
`,
  },
  {
    version: 2,
    name: "access",
    sql: `
ALTER TABLE orgs ADD COLUMN country text;
ALTER TABLE orgs ADD COLUMN roles jsonb NOT NULL DEFAULT '[]';
CREATE TABLE api_keys (
  id           text COLLATE "C" PRIMARY KEY,
  org          text NOT NULL REFERENCES orgs(id),
  name         text NOT NULL,
  secret_hash  bytea NOT NULL,
  vaults       jsonb NOT NULL,
  can_read     boolean NOT NULL,
  can_write    jsonb NOT NULL,
  is_admin     boolean NOT NULL,
  created_at   text COLLATE "C" NOT NULL,
  expires_at   text,
  revoked_at   text,
  last_used_at text
);
CREATE INDEX api_keys_by_org ON api_keys (org);
CREATE TABLE members (
  vault     text NOT NULL REFERENCES vaults(name),
  org       text COLLATE "C" NOT NULL,
  can_read  boolean NOT NULL,
  can_write jsonb NOT NULL,
  is_admin  boolean NOT NULL,
  since_idx bigint NOT NULL,
  PRIMARY KEY (vault, org)
);
`,
  },
  {
    version: 3,
    name: "idempotency",
    sql: `
CREATE TABLE idempotency (
  vault      text NOT NULL,
  scope      text NOT NULL,
  idem_key   text NOT NULL,
  hash       bytea NOT NULL,
  outcomes   text NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (vault, scope, idem_key)
);
`,
  },
  {
    version: 4,
    name: "submitted-by",
    sql: `
ALTER TABLE entries ADD COLUMN submitted_by text;
`,
  },
  // --- v5: anchors of published checkpoints (issue 4, publication) ---
  {
    version: 5,
    name: "anchors",
    sql: `
CREATE TABLE anchors (
  id              bigserial PRIMARY KEY,
  vault           text NOT NULL REFERENCES vaults(name),
  checkpoint_size bigint NOT NULL,
  type            text NOT NULL,
  record          text NOT NULL,
  created_at      text NOT NULL
);
CREATE INDEX anchors_by_checkpoint ON anchors (vault, checkpoint_size, id);
`,
  },
  // --- v6: redaction (issue 4, redaction; independent of v5) ---
  {
    version: 6,
    name: "redaction",
    sql: `
ALTER TABLE entries ADD COLUMN redacted_by bigint;
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
  head_idx bigint NOT NULL,
  PRIMARY KEY (vault, name)
);
`,
  },
  // --- v9: evidence files: metadata of each file a vault holds, and which records name it (never the bytes) ---
  {
    version: 9,
    name: "files",
    sql: `
CREATE TABLE files (
  vault       text NOT NULL REFERENCES vaults(name),
  sha256      text NOT NULL,
  length      bigint NOT NULL,
  media_type  text NOT NULL,
  state       text NOT NULL,
  uploaded_at text NOT NULL,
  uploaded_by text,
  touched_at  text NOT NULL,
  erased_at   text,
  erased_by   bigint,
  PRIMARY KEY (vault, sha256)
);
-- The sweep reads files by age.
CREATE INDEX files_by_touched ON files (vault, touched_at);
CREATE TABLE file_refs (
  vault  text NOT NULL,
  sha256 text NOT NULL,
  idx    bigint NOT NULL,
  PRIMARY KEY (vault, sha256, idx),
  FOREIGN KEY (vault, sha256) REFERENCES files (vault, sha256)
);
`,
  },
];

/** Migration name as Kysely's Migrator records it: zero-padded so that name order is version order. */
export function migrationName(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, "0")}-${m.name}`;
}
