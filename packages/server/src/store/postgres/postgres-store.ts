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
import { Kysely, Migrator, PostgresDialect, sql, type ColumnType, type Migration, type Insertable, type Selectable, type Transaction } from "kysely";
import { Pool, types } from "pg";
import { SealTrailError, edgeTiles, toHex, type MemberChange } from "@sealtrail/core";
import { POSTGRES_MIGRATIONS, migrationName } from "./migrations.js";
import { OPERATOR_SETTING, refusalOf, replayCheck, seriesRefusal, type RedactionContext } from "../rules.js";
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
  type EntryRow,
  type Integrator,
  type KeyRow,
  type MemberRow,
  type OrgRow,
  type PendingEntry,
  type SequenceOutcome,
  type Store,
  type StoredTileId,
  type TreeState,
  type VaultRow,
} from "../types.js";

/** The tables, as Kysely sees them (see migrations.ts). */
interface Tables {
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
}

/** A jsonb column: node-postgres parses it on the way out; it is written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

type Db = Kysely<Tables>;

// PostgreSQL accepts at most 65535 bind parameters in one statement.
const MAX_PARAMS = 65_535;
const UNIQUE_VIOLATION = "23505";
const INT8_OID = 20;

// node-postgres returns bytea as Buffer: hand out plain Uint8Array views, as
// the SQLite store does, so that callers never see which engine answered.
const u8 = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

// int8 as bigint (node-postgres returns it as a string by default); set per
// pool, not in pg's global type table, so an embedding program keeps its own.
const getTypeParser = ((oid: number, format?: "text" | "binary") =>
  oid === INT8_OID && format !== "binary" ? (v: string) => BigInt(v) : types.getTypeParser(oid, format)) as typeof types.getTypeParser;

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

function connect(url: string, maxConnections: number): Db {
  const pool = new Pool({ connectionString: url, max: maxConnections, types: { getTypeParser } });
  // An idle connection that the server drops (restart, failover) must not
  // end the process: the pool replaces it on the next query.
  pool.on("error", (e) => console.error("postgres: idle connection lost:", e.message));
  return new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
}

function migrator(db: Db): Migrator {
  const migrations: Record<string, Migration> = {};
  for (const m of POSTGRES_MIGRATIONS) {
    migrations[migrationName(m)] = {
      // No parameters: node-postgres sends it as one simple query, which may hold several statements.
      up: async (trx) => void (await sql.raw(m.sql).execute(trx)),
    };
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

async function applyMigrations(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new SealTrailError("internal", `PostgreSQL migration ${failed ?? "(before any migration ran)"} failed: ${why}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
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

/** A key of the registry as one batch sees it. */
interface KeyState {
  readonly org: string;
  readonly publicKey: Uint8Array;
  readonly registeredIndex: bigint;
  revokedIndex: bigint | null;
  /** Present in the database before this batch. */
  readonly stored: boolean;
}

/** What a supersedes link is checked against. */
interface EntryHead {
  readonly type: string;
  readonly leafHash: Uint8Array;
}

/**
 * Split `rows` into chunks that each fit in one statement: as many rows as
 * the parameter limit allows at the rows' own column count (so adding a
 * column can never push a statement past the limit).
 */
function chunks<T extends object>(rows: readonly T[]): T[][] {
  const columns = Math.max(1, Object.keys(rows[0] ?? {}).length);
  const per = Math.floor(MAX_PARAMS / columns);
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

// The columns of an EntryRow, from entries e left-joined with payloads p.
const ENTRY_COLUMNS = [
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

function entryRowOf(r: {
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

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
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

  const vaultRow = (r: Selectable<Tables["vaults"]>): VaultRow => ({ name: r.name, origin: r.origin, logSeed: u8(r.log_seed), createdAt: r.created_at });
  const keyRow = (r: Selectable<Tables["keys"]>): KeyRow => ({
    vault: r.vault,
    keyId: r.key_id,
    org: r.org,
    publicKey: u8(r.public_key),
    registeredIndex: r.registered_idx,
    revokedIndex: r.revoked_idx,
  });
  const checkpointRow = (r: Selectable<Tables["checkpoints"]>): CheckpointRow => ({ size: r.size, root: u8(r.root), note: r.note, publishedAt: r.published_at });
  const orgRow = (r: Selectable<Tables["orgs"]>): OrgRow => ({ id: r.id, name: r.name, country: r.country, roles: r.roles, createdAt: r.created_at });
  const apiKeyRow = (r: Selectable<Tables["api_keys"]>): ApiKeyRow => ({
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
  const memberRow = (r: Selectable<Tables["members"]>): MemberRow => ({
    vault: r.vault,
    org: r.org,
    read: r.can_read,
    write: r.can_write,
    admin: r.is_admin,
    sinceIndex: r.since_idx,
  });

  async function sequenceIn(trx: Transaction<Tables>, vault: string, entries: readonly PendingEntry[], integrate: Integrator) {
    // The vault's row lock serialises every sequencer of this vault, in any
    // process, until COMMIT or ROLLBACK.
    const v = await trx.selectFrom("vaults").select(["size", "root"]).where("name", "=", vault).forUpdate().executeTakeFirst();
    if (v === undefined) throw new SealTrailError("not_found", `no vault named "${vault}"`);
    const start: TreeState = { size: v.size, root: u8(v.root) };
    if (entries.length === 0) return { outcomes: [], tree: start };

    // Every key and every superseded record the batch names, in one query each.
    const keyIds = new Set<string>();
    const superseded = new Set<bigint>();
    for (const e of entries) {
      keyIds.add(e.keyId);
      if (e.keyChange !== null) keyIds.add(e.keyChange.keyId);
      if (e.supersedes !== null) superseded.add(e.supersedes.index);
    }
    const registry = new Map<string, KeyState>();
    for (const r of await trx.selectFrom("keys").selectAll().where("vault", "=", vault).where("key_id", "in", [...keyIds]).execute()) {
      registry.set(r.key_id, { org: r.org, publicKey: u8(r.public_key), registeredIndex: r.registered_idx, revokedIndex: r.revoked_idx, stored: true });
    }
    const heads = new Map<bigint, EntryHead>();
    if (superseded.size > 0) {
      const rows = await trx
        .selectFrom("entries")
        .select(["idx", "type", "leaf_hash"])
        .where("vault", "=", vault)
        .where("idx", "in", [...superseded])
        .execute();
      for (const r of rows) heads.set(r.idx, { type: r.type, leafHash: u8(r.leaf_hash) });
    }

    // Requests sent before with the same idempotency key are answered, not appended.
    const seen = new Map<string, IdempotencyRecord>();
    for (const m of markedRequests(entries)) {
      const r = await trx
        .selectFrom("idempotency")
        .select(["hash", "outcomes"])
        .where("vault", "=", vault)
        .where("scope", "=", m.scope)
        .where("idem_key", "=", m.key)
        .executeTakeFirst();
      if (r !== undefined) seen.set(idemKey(m.scope, m.key), { hash: u8(r.hash), outcomes: r.outcomes });
    }
    const plans = planRequests(entries, seen);
    const skipped = skippedOutcomes(plans);
    const redaction = await redactionState(trx, vault, entries);
    // Leaves of this batch already in the log, in one query (entries_by_leaf):
    // a leaf hash fixes its entry, so its claimed time too.
    const storedLeaves = new Map<string, bigint>();
    const rows = await trx
      .selectFrom("entries")
      .select(["idx", "leaf_hash"])
      .where("vault", "=", vault)
      .where("claimed_time", "in", [...new Set(entries.map((e) => e.claimedTime))])
      .where("leaf_hash", "in", entries.map((e) => e.leafHash))
      .execute();
    for (const r of rows) storedLeaves.set(toHex(u8(r.leaf_hash)), r.idx);
    const replays = replayCheck((e) => storedLeaves.get(toHex(e.leafHash)));
    // The latest version of every record series the batch names; the rows
    // changed are written back with the batch.
    const seriesNames = [...new Set(entries.flatMap((e) => (e.series != null ? [e.series] : [])))];
    const seriesHeads = new Map<string, bigint>();
    if (seriesNames.length > 0) {
      const heads = await trx.selectFrom("series").select(["name", "head_idx"]).where("vault", "=", vault).where("name", "in", seriesNames).execute();
      for (const r of heads) seriesHeads.set(r.name, r.head_idx);
    }
    const movedSeries = new Set<string>();

    const now = new Date().toISOString();
    const outcomes: (SequenceOutcome | "later")[] = [];
    const leafHashes: Uint8Array[] = [];
    const entryRows: Insertable<Tables["entries"]>[] = [];
    const subjectRows: Insertable<Tables["entry_subjects"]>[] = [];
    const payloadRows: Insertable<Tables["payloads"]>[] = [];
    const revokedStored: { keyId: string; index: bigint }[] = [];
    // The last membership change of each organisation in this batch, with its index.
    const memberChanges = new Map<string, { change: MemberChange; index: bigint }>();
    let next = start.size;
    for (const [pos, e] of entries.entries()) {
      const answered = skipped.get(pos) ?? replays.existing(e);
      if (answered !== null && answered !== undefined) {
        outcomes.push(answered);
        continue;
      }
      const refusal =
        refusalOf(vault, e, (k) => registry.get(k), (i) => heads.get(i), redaction.context(memberChanges)) ?? seriesRefusal(e, (name) => seriesHeads.get(name));
      if (refusal !== null) {
        outcomes.push(refusal);
        continue;
      }
      const idx = next++;
      entryRows.push({
        vault,
        idx,
        leaf_hash: e.leafHash,
        entry: e.entry,
        type: e.type,
        author: e.author,
        key_id: e.keyId,
        claimed_time: e.claimedTime,
        supersedes: e.supersedes?.index ?? null,
        sequenced_at: now,
        submitted_by: e.submittedBy ?? null,
      });
      // A subject named twice in one record is stored once (INSERT OR IGNORE in SQLite).
      for (const s of new Set(e.subjects)) subjectRows.push({ vault, subject: s, idx });
      if (e.payload !== null && e.salt !== null) payloadRows.push({ vault, idx, payload: e.payload, salt: e.salt });
      const kc = e.keyChange;
      if (kc?.action === "register") {
        registry.set(kc.keyId, { org: e.author, publicKey: kc.publicKey, registeredIndex: idx, revokedIndex: null, stored: false });
      } else if (kc?.action === "revoke") {
        const target = registry.get(kc.keyId)!;
        target.revokedIndex = idx;
        if (target.stored) revokedStored.push({ keyId: kc.keyId, index: idx });
      }
      if (e.memberChange != null) memberChanges.set(e.memberChange.org, { change: e.memberChange, index: idx });
      heads.set(idx, { type: e.type, leafHash: e.leafHash });
      redaction.sequenced(idx, e);
      if (e.series != null) {
        seriesHeads.set(e.series, idx);
        movedSeries.add(e.series);
      }
      leafHashes.push(e.leafHash);
      replays.appended(e, idx);
      outcomes.push({ ok: true, index: idx });
    }
    const final = resolveSameBatch(plans, outcomes);
    const records = newRecords(plans, final);
    if (records.length > 0) {
      await trx
        .insertInto("idempotency")
        .values(records.map((r) => ({ vault, scope: r.scope, idem_key: r.key, hash: r.hash, outcomes: r.outcomes, created_at: now })))
        .execute();
    }
    if (leafHashes.length === 0) return { outcomes: final, tree: start };

    // Integration: the edge tiles as committed by the previous holder of the lock.
    const edge = edgeTiles(start.size);
    const stored = new Map<string, Uint8Array>();
    if (edge.length > 0) {
      const rows = await trx
        .selectFrom("tiles")
        .select(["level", "idx", "hashes"])
        .where("vault", "=", vault)
        .where(({ eb, refTuple, tuple }) => eb(refTuple("level", "idx"), "in", edge.map((t) => tuple(t.level, t.index))))
        .execute();
      for (const r of rows) stored.set(tileKey(r.level, r.idx), u8(r.hashes));
    }
    const readTile = (id: StoredTileId): Uint8Array => {
      const hashes = stored.get(tileKey(id.level, id.index));
      if (hashes === undefined) throw new SealTrailError("internal", `tile ${id.level}/${id.index} missing during integration`);
      if (hashes.length < id.width * 32) {
        throw new SealTrailError("internal", `tile ${id.level}/${id.index} holds ${hashes.length / 32} hashes, needs ${id.width}`);
      }
      return hashes.subarray(0, id.width * 32);
    };
    const result = integrate(start.size, readTile, leafHashes);
    if (result.size !== next) throw new SealTrailError("internal", "integration size does not match sequencing");

    for (const rows of chunks(entryRows)) await trx.insertInto("entries").values(rows).execute();
    for (const rows of chunks(subjectRows)) {
      await trx.insertInto("entry_subjects").values(rows).onConflict((oc) => oc.doNothing()).execute();
    }
    for (const rows of chunks(payloadRows)) await trx.insertInto("payloads").values(rows).execute();
    await redaction.apply();
    if (movedSeries.size > 0) {
      await trx
        .insertInto("series")
        .values([...movedSeries].map((name) => ({ vault, name, head_idx: seriesHeads.get(name)! })))
        .onConflict((oc) => oc.columns(["vault", "name"]).doUpdateSet((eb) => ({ head_idx: eb.ref("excluded.head_idx") })))
        .execute();
    }
    const newKeys = [...registry].filter(([, k]) => !k.stored);
    if (newKeys.length > 0) {
      await trx
        .insertInto("keys")
        .values(
          newKeys.map(([keyId, k]) => ({
            vault,
            key_id: keyId,
            org: k.org,
            public_key: k.publicKey,
            registered_idx: k.registeredIndex,
            revoked_idx: k.revokedIndex,
          })),
        )
        .execute();
    }
    for (const r of revokedStored) {
      await trx.updateTable("keys").set({ revoked_idx: r.index }).where("vault", "=", vault).where("key_id", "=", r.keyId).execute();
    }
    const removed = [...memberChanges.values()].filter((m) => m.change.action === "remove").map((m) => m.change.org);
    if (removed.length > 0) await trx.deleteFrom("members").where("vault", "=", vault).where("org", "in", removed).execute();
    const set = [...memberChanges.values()].flatMap(({ change: c, index }) =>
      c.action === "set"
        ? [{ vault, org: c.org, can_read: c.read, can_write: JSON.stringify(c.write), is_admin: c.admin, since_idx: index }]
        : [],
    );
    if (set.length > 0) {
      await trx
        .insertInto("members")
        .values(set)
        .onConflict((oc) =>
          oc.columns(["vault", "org"]).doUpdateSet((eb) => ({
            can_read: eb.ref("excluded.can_read"),
            can_write: eb.ref("excluded.can_write"),
            is_admin: eb.ref("excluded.is_admin"),
            since_idx: eb.ref("excluded.since_idx"),
          })),
        )
        .execute();
    }
    const tiles = new Map(result.tiles.map((t) => [tileKey(t.id.level, t.id.index), t]));
    for (const rows of chunks([...tiles.values()].map((t) => ({ vault, level: t.id.level, idx: t.id.index, hashes: t.hashes })))) {
      await trx
        .insertInto("tiles")
        .values(rows)
        .onConflict((oc) => oc.columns(["vault", "level", "idx"]).doUpdateSet({ hashes: (eb) => eb.ref("excluded.hashes") }))
        .execute();
    }
    await trx.updateTable("vaults").set({ size: result.size, root: result.root }).where("name", "=", vault).execute();
    return { outcomes: final, tree: { size: result.size, root: result.root } };
  }

  // --- Redaction (issue 4) -------------------------------------------------
  /**
   * What the redaction rule needs for one batch, read in one query each
   * (targets, operator, admin members), then kept current as the batch is
   * sequenced; `apply` destroys the payloads and marks the targets, after the
   * batch's own payloads are inserted (a target may be in the same batch).
   */
  async function redactionState(trx: Transaction<Tables>, vault: string, entries: readonly PendingEntry[]) {
    const wanted = new Set<bigint>();
    const authors = new Set<string>();
    for (const e of entries) {
      if (e.redacts != null) {
        wanted.add(e.redacts.index);
        authors.add(e.author);
      }
    }
    type Target = { type: string; leafHash: Uint8Array; author: string; hasPayload: boolean; redactedBy: bigint | null };
    const targets = new Map<bigint, Target>();
    const admins = new Set<string>();
    let operator: string | null = null;
    if (wanted.size > 0) {
      const rows = await trx
        .selectFrom("entries as e")
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
        .select(["e.idx", "e.type", "e.leaf_hash", "e.author", "e.redacted_by", "p.idx as payload_idx"])
        .where("e.vault", "=", vault)
        .where("e.idx", "in", [...wanted])
        .execute();
      for (const r of rows) {
        targets.set(r.idx, { type: r.type, leafHash: u8(r.leaf_hash), author: r.author, hasPayload: r.payload_idx !== null, redactedBy: r.redacted_by });
      }
      const members = await trx.selectFrom("members").select("org").where("vault", "=", vault).where("org", "in", [...authors]).where("is_admin", "=", true).execute();
      for (const m of members) admins.add(m.org);
      operator = (await trx.selectFrom("settings").select("value").where("key", "=", OPERATOR_SETTING).executeTakeFirst())?.value ?? null;
    }
    const done: { target: bigint; by: bigint }[] = [];
    return {
      context: (changes: ReadonlyMap<string, { change: MemberChange }>): RedactionContext => ({
        targetAt: (i) => targets.get(i),
        operator: () => operator,
        // A membership changed earlier in this batch counts as changed.
        isAdminMember: (org) => {
          const c = changes.get(org)?.change;
          return c === undefined ? admins.has(org) : c.action === "set" && c.admin;
        },
      }),
      sequenced(idx: bigint, e: PendingEntry) {
        if (wanted.has(idx)) {
          targets.set(idx, { type: e.type, leafHash: e.leafHash, author: e.author, hasPayload: e.payload !== null, redactedBy: null });
        }
        if (e.redacts != null) {
          const t = targets.get(e.redacts.index)!;
          t.hasPayload = false;
          t.redactedBy = idx;
          done.push({ target: e.redacts.index, by: idx });
        }
      },
      async apply() {
        if (done.length === 0) return;
        // The old row versions stay in the table file as dead tuples until
        // VACUUM reclaims them (ADR 0009 says what the operator runs).
        await trx.deleteFrom("payloads").where("vault", "=", vault).where("idx", "in", done.map((d) => d.target)).execute();
        for (const d of done) {
          await trx.updateTable("entries").set({ redacted_by: d.by }).where("vault", "=", vault).where("idx", "=", d.target).execute();
        }
      },
    };
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
    async tree(vault) {
      const r = await db.selectFrom("vaults").select(["size", "root"]).where("name", "=", vault).executeTakeFirst();
      if (r === undefined) throw new SealTrailError("not_found", `no vault named "${vault}"`);
      return { size: r.size, root: u8(r.root) };
    },
    async latestCheckpoint(vault) {
      const r = await db.selectFrom("checkpoints").selectAll().where("vault", "=", vault).orderBy("size", "desc").limit(1).executeTakeFirst();
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpointAt(vault, size) {
      const r = await db.selectFrom("checkpoints").selectAll().where("vault", "=", vault).where("size", "=", size).executeTakeFirst();
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpoints(vault) {
      return (await db.selectFrom("checkpoints").selectAll().where("vault", "=", vault).orderBy("size").execute()).map(checkpointRow);
    },
    async readTiles(vault, ids) {
      const out = new Map<string, Uint8Array>();
      const wanted = new Map(ids.map((id) => [tileKey(id.level, id.index), id]));
      if (wanted.size === 0) return out;
      const rows = await db
        .selectFrom("tiles")
        .select(["level", "idx", "hashes"])
        .where("vault", "=", vault)
        .where(({ eb, refTuple, tuple }) => eb(refTuple("level", "idx"), "in", [...wanted.values()].map((t) => tuple(t.level, t.index))))
        .execute();
      for (const r of rows) out.set(tileKey(r.level, r.idx), u8(r.hashes));
      return out;
    },
    async entries(vault, from, to) {
      const rows = await db
        .selectFrom("entries as e")
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
        .select(ENTRY_COLUMNS)
        .where("e.vault", "=", vault)
        .where("e.idx", ">=", from)
        .where("e.idx", "<", to)
        .orderBy("e.idx")
        .execute();
      return rows.map(entryRowOf);
    },
    async findEntries(vault, f) {
      let q = db
        .selectFrom("entries as e")
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
        .select(ENTRY_COLUMNS)
        .where("e.vault", "=", vault)
        .where("e.idx", ">", f.after ?? -1n);
      if (f.type !== undefined) q = q.where("e.type", "=", f.type);
      if (f.typePrefix !== undefined) q = q.where(sql<string>`left(e.type, ${f.typePrefix.length})`, "=", f.typePrefix);
      if (f.author !== undefined) q = q.where("e.author", "=", f.author);
      if (f.subject !== undefined) {
        // The subject index drives the search: its rows for one subject come in index order.
        const subject = f.subject;
        q = q
          .innerJoin("entry_subjects as s", (j) => j.onRef("s.vault", "=", "e.vault").onRef("s.idx", "=", "e.idx"))
          .where("s.subject", "=", subject);
      }
      const rows = await q.orderBy("e.idx").limit(f.limit).execute();
      return rows.map(entryRowOf);
    },
    async pruneIdempotency(before) {
      const r = await db.deleteFrom("idempotency").where("created_at", "<", before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async subjectPayloads(vault, f) {
      const rows = await db
        .selectFrom("entry_subjects as s")
        .innerJoin("entries as e", (j) => j.onRef("e.vault", "=", "s.vault").onRef("e.idx", "=", "s.idx"))
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "s.vault").onRef("p.idx", "=", "s.idx"))
        .select(["s.idx", "e.author", "p.payload"])
        .where("s.vault", "=", vault)
        .where("s.subject", "=", f.subject)
        .where("s.idx", ">", f.after ?? -1n)
        .where("e.type", "=", f.type)
        .orderBy("s.idx")
        .limit(f.limit)
        .execute();
      return rows.map((r) => ({ index: r.idx, author: r.author, payload: r.payload ?? null }));
    },
    async firstWithSubject(vault, subject) {
      const r = await db
        .selectFrom("entry_subjects")
        .select("idx")
        .where("vault", "=", vault)
        .where("subject", "=", subject)
        .orderBy("idx")
        .limit(1)
        .executeTakeFirst();
      return r === undefined ? null : r.idx;
    },
    async latestVersions(vault, f) {
      const rows = await db
        .selectFrom("series as s")
        .innerJoin("entries as e", (j) => j.onRef("e.vault", "=", "s.vault").onRef("e.idx", "=", "s.head_idx"))
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
        .select([...ENTRY_COLUMNS, "s.name as series"])
        .where("s.vault", "=", vault)
        .where("s.name", ">", f.after ?? "")
        // A prefix match as a range, so the primary key serves it (no LIKE escaping).
        .where("s.name", ">=", f.prefix)
        .where(sql<boolean>`left(s.name, length(${f.prefix})) = ${f.prefix}`)
        .orderBy("s.name")
        .limit(f.limit)
        .execute();
      return rows.map((r) => ({ ...entryRowOf(r), series: r.series }));
    },
    async seriesHead(vault, name) {
      const r = await db.selectFrom("series").select("head_idx").where("vault", "=", vault).where("name", "=", name).executeTakeFirst();
      return r === undefined ? null : r.head_idx;
    },
    async supersedersOf(vault, index) {
      const rows = await db.selectFrom("entries").select("idx").where("vault", "=", vault).where("supersedes", "=", index).orderBy("idx").execute();
      return rows.map((r) => r.idx);
    },
    async keys(vault) {
      return (await db.selectFrom("keys").selectAll().where("vault", "=", vault).orderBy("registered_idx").execute()).map(keyRow);
    },
    async key(vault, keyId) {
      const r = await db.selectFrom("keys").selectAll().where("vault", "=", vault).where("key_id", "=", keyId).executeTakeFirst();
      return r === undefined ? null : keyRow(r);
    },
    async createVault(v) {
      try {
        await db
          .insertInto("vaults")
          .values({ name: v.name, origin: v.origin, log_seed: v.logSeed, size: 0n, root: EMPTY_ROOT, created_at: v.createdAt })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new SealTrailError("conflict", `vault "${v.name}" or origin "${v.origin}" exists already`, { cause: e });
        throw e;
      }
    },
    async vault(name) {
      const r = await db.selectFrom("vaults").selectAll().where("name", "=", name).executeTakeFirst();
      return r === undefined ? null : vaultRow(r);
    },
    async vaults() {
      return (await db.selectFrom("vaults").selectAll().orderBy("name").execute()).map(vaultRow);
    },
    async createOrg(o) {
      try {
        await db
          .insertInto("orgs")
          .values({ id: o.id, name: o.name, country: o.country ?? null, roles: JSON.stringify(o.roles ?? []), created_at: o.createdAt })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new SealTrailError("conflict", `organisation "${o.id}" exists already`, { cause: e });
        throw e;
      }
    },
    async org(id) {
      const r = await db.selectFrom("orgs").selectAll().where("id", "=", id).executeTakeFirst();
      return r === undefined ? null : orgRow(r);
    },
    async orgs() {
      return (await db.selectFrom("orgs").selectAll().orderBy("id").execute()).map(orgRow);
    },
    async createApiKey(k) {
      await db
        .insertInto("api_keys")
        .values({
          id: k.id,
          org: k.org,
          name: k.name,
          secret_hash: k.secretHash,
          vaults: JSON.stringify(k.vaults),
          can_read: k.read,
          can_write: JSON.stringify(k.write),
          is_admin: k.admin,
          created_at: k.createdAt,
          expires_at: k.expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },
    async apiKey(id) {
      const r = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return r === undefined ? null : apiKeyRow(r);
    },
    async apiKeys(org) {
      return (await db.selectFrom("api_keys").selectAll().where("org", "=", org).orderBy("created_at").orderBy("id").execute()).map(apiKeyRow);
    },
    async revokeApiKey(id, at) {
      const r = await db.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async touchApiKey(id, at) {
      await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
    },
    async members(vault) {
      return (await db.selectFrom("members").selectAll().where("vault", "=", vault).orderBy("org").execute()).map(memberRow);
    },
    async member(vault, org) {
      const r = await db.selectFrom("members").selectAll().where("vault", "=", vault).where("org", "=", org).executeTakeFirst();
      return r === undefined ? null : memberRow(r);
    },
    async putHeldKey(k) {
      await db
        .insertInto("held_keys")
        .values({ org: k.org, key_id: k.keyId, seed: k.seed })
        .onConflict((oc) => oc.columns(["org", "key_id"]).doUpdateSet({ seed: (eb) => eb.ref("excluded.seed") }))
        .execute();
    },
    async heldKeys(org) {
      const rows = await db.selectFrom("held_keys").selectAll().where("org", "=", org).orderBy("key_id").execute();
      return rows.map((r) => ({ org: r.org, keyId: r.key_id, seed: u8(r.seed) }));
    },
    async getSetting(key) {
      const r = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
      return r === undefined ? null : r.value;
    },
    async claimSetting(key, value) {
      await db.insertInto("settings").values({ key, value }).onConflict((oc) => oc.column("key").doNothing()).execute();
      const r = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirstOrThrow();
      return r.value;
    },
    async putSetting(key, value) {
      await db
        .insertInto("settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: (eb) => eb.ref("excluded.value") }))
        .execute();
    },
    // --- Anchors (issue 4) ---
    async putAnchor(vault, a) {
      await db
        .insertInto("anchors")
        .values({ vault, checkpoint_size: a.checkpointSize, type: a.type, record: a.record, created_at: new Date().toISOString() })
        .execute();
    },
    async anchors(vault, opts = {}) {
      let q = db.selectFrom("anchors").select(["checkpoint_size", "type", "record", "created_at"]).where("vault", "=", vault);
      if (opts.checkpointSize !== undefined) q = q.where("checkpoint_size", "=", opts.checkpointSize);
      const rows = await q.orderBy("checkpoint_size").orderBy("id").execute();
      return rows.map((r) => ({ checkpointSize: r.checkpoint_size, type: r.type, record: r.record, createdAt: r.created_at }));
    },
    async close() {
      await db.destroy();
    },
  };
  return store;
}

// SHA-256 of the empty string: the RFC 6962 root of an empty tree.
const EMPTY_ROOT = Uint8Array.from(Buffer.from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "hex"));
