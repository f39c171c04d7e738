/**
 * The store at scale: PostgreSQL through Kysely over node-postgres. Same
 * contract and same refusal rules as the embedded SQLite store
 * (store/sqlite/sqlite-store.ts is the reference; test/store-contract.test.ts
 * holds both to it), for several stateless servers sharing one database:
 *
 * - `sequence()` is one READ COMMITTED transaction that first takes the
 *   vault's row lock (`SELECT ... FOR UPDATE`), so batches of one vault are
 *   serialised by the database, whichever process sends them; every later
 *   statement of the transaction sees what the previous holder committed.
 * - Indices are assigned from the size stored in that row, so they are
 *   contiguous across processes, and a rolled-back batch leaves no gap.
 * - Reads of the registry, the superseded records and the edge tiles are
 *   one query each per batch, and writes are multi-row INSERTs, so a batch
 *   of thousands of records costs about a dozen round trips.
 * - Committed means durable: PostgreSQL's default `synchronous_commit = on`
 *   flushes the WAL before COMMIT returns.
 */
import { SealTrailError } from "@sealtrail/core";
import type { AccessStore, Store } from "../types.js";
import { createPostgresAccess } from "./access.js";
import { createPostgresAdmin } from "./admin.js";
import { applyMigrations, connect, migrator } from "./db.js";
import { createPostgresReader } from "./readers.js";
import { sequenceIn } from "./sequence.js";
import { createPostgresFiles } from "./files.js";

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq connection URI). */
  readonly url: string;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** Most connections this process keeps to the database (default 10). */
  readonly maxConnections?: number;
}

/** True for a URL that names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Apply pending migrations to the database at `url`; returns the names of
 * those applied (empty when the schema is up to date).
 *
 * @example
 * ```ts
 * const applied = await migratePostgres("postgres://localhost/sealtrail"); // ["0001-ledger"]
 * ```
 */
export async function migratePostgres(url: string): Promise<string[]> {
  const db = connect(url, 1);
  try {
    return await applyMigrations(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Open a PostgreSQL store (the database must exist; its tables are created
 * by the migrations).
 *
 * @example
 * ```ts
 * const store = await openPostgresStore({ url: process.env.DATABASE_URL! });
 * ```
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store & AccessStore> {
  if (!isPostgresUrl(opts.url)) throw new SealTrailError("invalid", "a PostgreSQL URL starts with postgres:// or postgresql://");
  const db = connect(opts.url, opts.maxConnections ?? 10);
  try {
    if (opts.migrate !== false) await applyMigrations(db);
    else if ((await migrator(db).getMigrations()).some((m) => m.executedAt === undefined)) {
      throw new SealTrailError("internal", "database schema is out of date: run `sealtrail migrate`");
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }

  const store: Store & AccessStore = {
    engine: "postgres",
    async sequence(vault, entries, integrate) {
      return db.transaction().execute((trx) => sequenceIn(trx, vault, entries, integrate));
    },
    async putCheckpoint(vault, cp) {
      await db
        .insertInto("checkpoints")
        .values({ vault, size: cp.size, root: cp.root, note: cp.note, published_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(["vault", "size"]).doNothing())
        .execute();
    },
    async pruneIdempotency(before) {
      const r = await db.deleteFrom("idempotency").where("created_at", "<", before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    // --- Anchors (issue 4) ---
    async putAnchor(vault, a) {
      await db
        .insertInto("anchors")
        .values({ vault, checkpoint_size: a.checkpointSize, type: a.type, record: a.record, created_at: new Date().toISOString() })
        .execute();
    },
    ...createPostgresReader(db),
    ...createPostgresAdmin(db),
    ...createPostgresAccess(db),
    ...createPostgresFiles(db),
    async close() {
      await db.destroy();
    },
  };
  return store;
}
