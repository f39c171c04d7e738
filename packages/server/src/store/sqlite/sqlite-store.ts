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
import type { AccessStore, Store } from "../types.js";
import { createSqliteAccess } from "./access.js";
import { createSqliteAdmin } from "./admin.js";
import { createSqliteReader } from "./readers.js";
import { createSqliteSequencer } from "./sequence.js";
import { createSqliteFiles } from "./files.js";
import { prepareStatements } from "./statements.js";

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

  const q = prepareStatements(db);
  const files = createSqliteFiles(db);
  const store: Store & AccessStore = {
    engine: "sqlite",
    sequence: createSqliteSequencer(db, q, files),
    async putCheckpoint(vault, cp) {
      q.putCheckpoint.run(vault, cp.size, cp.root, cp.note, new Date().toISOString());
    },
    async pruneIdempotency(before) {
      return Number(q.idemPrune.run(before).changes);
    },
    // --- Anchors (issue 4) ---
    async putAnchor(vault, a) {
      q.putAnchor.run(vault, a.checkpointSize, a.type, a.record, new Date().toISOString());
    },
    ...createSqliteReader(q),
    ...createSqliteAdmin(q),
    ...createSqliteAccess(q),
    ...files.catalog,
    async close() {
      db.close();
    },
  };
  return store;
}
