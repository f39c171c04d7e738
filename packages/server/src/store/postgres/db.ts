/**
 * The PostgreSQL database as the store sees it: the tables as Kysely types
 * them, the connection pool (int8 as bigint, bytea as Uint8Array), the
 * migrations, and the limits of one statement.
 */
import { Kysely, Migrator, PostgresDialect, sql, type ColumnType, type Migration } from "kysely";
import { Pool, types } from "pg";
import { SealTrailError } from "@sealtrail/core";
import { POSTGRES_MIGRATIONS, migrationName } from "./migrations.js";

/** The tables, as Kysely sees them (see migrations.ts). */
export interface Tables {
  settings: { key: string; value: string };
  orgs: { id: string; name: string; country: string | null; roles: Json<readonly string[]>; created_at: string };
  held_keys: { org: string; key_id: string; seed: Uint8Array };
  vaults: { name: string; origin: string; log_seed: Uint8Array; size: bigint; root: Uint8Array; created_at: string };
  entries: {
    vault: string;
    idx: bigint;
    leaf_hash: Uint8Array;
    entry: Uint8Array;
    type: string;
    author: string;
    key_id: string;
    claimed_time: string;
    supersedes: bigint | null;
    sequenced_at: string;
    submitted_by: string | null;
    // --- Redaction (issue 4) ---
    redacted_by: ColumnType<bigint | null, never, bigint>;
  };
  entry_subjects: { vault: string; subject: string; idx: bigint };
  payloads: { vault: string; idx: bigint; payload: string; salt: Uint8Array };
  tiles: { vault: string; level: number; idx: bigint; hashes: Uint8Array };
  keys: { vault: string; key_id: string; org: string; public_key: Uint8Array; registered_idx: bigint; revoked_idx: bigint | null };
  checkpoints: { vault: string; size: bigint; root: Uint8Array; note: string; published_at: string };
  api_keys: {
    id: string;
    org: string;
    name: string;
    secret_hash: Uint8Array;
    vaults: Json<readonly string[] | "*">;
    can_read: boolean;
    can_write: Json<readonly string[]>;
    is_admin: boolean;
    created_at: string;
    expires_at: string | null;
    revoked_at: string | null;
    last_used_at: string | null;
  };
  members: { vault: string; org: string; can_read: boolean; can_write: Json<readonly string[]>; is_admin: boolean; since_idx: bigint };
  idempotency: { vault: string; scope: string; idem_key: string; hash: Uint8Array; outcomes: string; created_at: string };
  series: { vault: string; name: string; head_idx: bigint };
  // --- Anchors (issue 4) ---
  anchors: { id: ColumnType<bigint, never, never>; vault: string; checkpoint_size: bigint; type: string; record: string; created_at: string };
  // --- Evidence files (metadata only; the bytes are in the file store) ---
  files: {
    vault: string;
    sha256: string;
    length: bigint;
    media_type: string;
    state: string;
    uploaded_at: string;
    uploaded_by: string | null;
    touched_at: string;
    erased_at: string | null;
    erased_by: bigint | null;
  };
  file_refs: { vault: string; sha256: string; idx: bigint };
}

/** A jsonb column: node-postgres parses it on the way out; it is written as JSON text. */
export type Json<T> = ColumnType<T, string, string>;

export type Db = Kysely<Tables>;

// PostgreSQL accepts at most 65535 bind parameters in one statement.
const MAX_PARAMS = 65_535;
const UNIQUE_VIOLATION = "23505";
const INT8_OID = 20;

// node-postgres returns bytea as Buffer: hand out plain Uint8Array views, as
// the SQLite store does, so that callers never see which engine answered.
export const u8 = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

// int8 as bigint (node-postgres returns it as a string by default); set per
// pool, not in pg's global type table, so an embedding program keeps its own.
const getTypeParser = ((oid: number, format?: "text" | "binary") =>
  oid === INT8_OID && format !== "binary" ? (v: string) => BigInt(v) : types.getTypeParser(oid, format)) as typeof types.getTypeParser;

export function connect(url: string, maxConnections: number): Db {
  const pool = new Pool({ connectionString: url, max: maxConnections, types: { getTypeParser } });
  // An idle connection that the server drops (restart, failover) must not
  // end the process: the pool replaces it on the next query.
  pool.on("error", (e) => console.error("postgres: idle connection lost:", e.message));
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
}

export function migrator(db: Db): Migrator {
  const migrations: Record<string, Migration> = {};
  for (const m of POSTGRES_MIGRATIONS) {
    migrations[migrationName(m)] = {
      // No parameters: node-postgres sends it as one simple query, which may hold several statements.
      up: async (trx) => void (await sql.raw(m.sql).execute(trx)),
    };
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export async function applyMigrations(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new SealTrailError("internal", `PostgreSQL migration ${failed ?? "(before any migration ran)"} failed: ${why}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Split `rows` into chunks that each fit in one statement: as many rows as
 * the parameter limit allows at the rows' own column count (so adding a
 * column can never push a statement past the limit).
 */
export function chunks<T extends object>(rows: readonly T[]): T[][] {
  const columns = Math.max(1, Object.keys(rows[0] ?? {}).length);
  const per = Math.floor(MAX_PARAMS / columns);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}
