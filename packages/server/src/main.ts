/**
 * Composition root: opens the store (SQLite in a data directory, or a
 * PostgreSQL database named by URL) and builds the ledger over it. The only
 * file that picks the database engine.
 */
import { join } from "node:path";
import { SealTrailError } from "@sealtrail/core";
import { migrateSqliteFile, openSqliteStore } from "./store/sqlite/sqlite-store.js";
import { isPostgresUrl, migratePostgres, openPostgresStore } from "./store/postgres/postgres-store.js";
import type { AccessStore, Store } from "./store/types.js";
import { createSmsRules } from "./sms/record-rules.js";
import { createLedger, type Ledger, type LedgerOptions } from "./ledger/ledger.js";
import { rfc3161Provider } from "./ledger/anchoring.js";
import { DEFAULT_FILE_LIMITS, openFileStore, type FileLimits, type FileStore } from "./files/index.js";
import { withFileRules } from "./files/rules.js";
import { deleteErasedBytes } from "./files/erasure.js";

/** A store, a ledger over it, and the file store of evidence files beside it. */
export interface Context {
  readonly store: Store & AccessStore;
  readonly ledger: Ledger;
  /** The bytes of attached files (the metadata is in `store`). */
  readonly files: FileStore;
  readonly fileLimits: FileLimits;
  close(): Promise<void>;
}

/** Where attached files live and what is accepted. */
export interface FileOptions {
  /** File store URL: empty for `<data>/files`, `s3://bucket/prefix?...` for an S3-compatible bucket, `file:///path`. */
  readonly filesUrl?: string | undefined;
  /** Limits on attached files (each defaults to DEFAULT_FILE_LIMITS'). */
  readonly fileLimits?: Partial<FileLimits> | undefined;
}

/** Database file inside a data directory. */
export const DB_FILE = "sealtrail.db";

/** Where the data lives: a data directory (SQLite), unless `db` is a PostgreSQL URL. */
export interface DatabaseLocation {
  /** Data directory of the embedded SQLite database. */
  readonly data: string;
  /** `postgres://` or `postgresql://` URL: selects PostgreSQL (and `data` is not used). */
  readonly db?: string | undefined;
}

/** The engine a location selects; throws for a `db` that is neither empty nor a PostgreSQL URL. */
export function engineOf(loc: DatabaseLocation): "sqlite" | "postgres" {
  if (loc.db === undefined || loc.db === "") return "sqlite";
  if (isPostgresUrl(loc.db)) return "postgres";
  throw new SealTrailError("invalid", "the database URL must start with postgres:// or postgresql:// (leave it out for SQLite in the data directory)");
}

/** A location for messages: the data directory, or the URL without its password. */
export function describeLocation(loc: DatabaseLocation): string {
  if (engineOf(loc) === "sqlite") return loc.data;
  return loc.db!.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, "$1:***@");
}

/** Open the store of a location, applying pending migrations unless `migrate` is false. */
export async function openStore(loc: DatabaseLocation & { migrate?: boolean }): Promise<Store & AccessStore> {
  if (engineOf(loc) === "postgres") return openPostgresStore({ url: loc.db!, migrate: loc.migrate ?? true });
  return openSqliteStore({ path: join(loc.data, DB_FILE), migrate: loc.migrate ?? true });
}

/**
 * Apply pending schema migrations; returns the names of those applied.
 *
 * @example
 * ```ts
 * await migrateDatabase({ data: "./data", db: "postgres://localhost/sealtrail" }); // ["0001-ledger"]
 * ```
 */
export async function migrateDatabase(loc: DatabaseLocation): Promise<string[]> {
  if (engineOf(loc) === "postgres") return migratePostgres(loc.db!);
  return migrateSqliteFile(join(loc.data, DB_FILE));
}

/** Time-stamp authorities that anchor published checkpoints (formats §16), beside `anchors`. */
export interface TsaOptions {
  /** TSA URLs: each is an RFC 3161 anchor provider. */
  readonly tsa?: readonly string[];
  /** DER certificates of the CAs the TSAs chain to (tokens are checked before they are stored). */
  readonly tsaRoots?: readonly Uint8Array[];
  /** Time limit of a time-stamp request in ms (default 10000). */
  readonly tsaTimeoutMs?: number;
}

/**
 * Open a store (a data directory, created if missing, or a PostgreSQL
 * database) and the ledger over it.
 *
 * @example
 * ```ts
 * const ctx = await openContext({ data: "./data" });
 * const pg = await openContext({ data: "./data", db: "postgres://localhost/sealtrail" });
 * ```
 */
export async function openContext(opts: DatabaseLocation & { migrate?: boolean } & Omit<LedgerOptions, "store"> & TsaOptions & FileOptions): Promise<Context> {
  // Anchor providers: the TSAs, then any given (an EVM chain) in `anchors`.
  const tsas = (opts.tsa ?? []).map((url) =>
    rfc3161Provider({ url, roots: opts.tsaRoots ?? [], ...(opts.tsaTimeoutMs !== undefined ? { timeoutMs: opts.tsaTimeoutMs } : {}) }),
  );
  const anchors = [...tsas, ...(opts.anchors ?? [])];
  const fileLimits: FileLimits = { ...DEFAULT_FILE_LIMITS, ...definedOf(opts.fileLimits ?? {}) };
  const files = openFileStore({ dataDir: opts.data, url: opts.filesUrl });
  let store: Store & AccessStore;
  try {
    store = await openStore(opts);
  } catch (e) {
    await files.close();
    throw e;
  }
  let ledger: Ledger;
  try {
    // SMS records are checked by their rules (schemas, versions, references, workflows) unless told
    // otherwise; the attachments of every record by the file rule; an erasure deletes bytes once committed.
    ledger = createLedger({
      ...opts,
      rules: withFileRules(opts.rules ?? createSmsRules(store), store, fileLimits),
      onCommitted: deleteErasedBytes(files),
      store,
      ...(anchors.length > 0 ? { anchors } : {}),
    });
  } catch (e) {
    // A bad option (a witness threshold above the number of witnesses...) leaves nothing open.
    await store.close();
    await files.close();
    throw e;
  }
  return {
    store,
    ledger,
    files,
    fileLimits,
    async close() {
      await ledger.close();
      await store.close();
      await files.close();
    },
  };
}

// The members of `o` that are set: an option left undefined keeps its default.
function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
