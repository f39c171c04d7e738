/**
 * The PostgreSQL store's reads for the ledger's readers (HTTP, proofs, the
 * audit, the CLI): tree, checkpoints, tiles, entries and their indexes, keys,
 * anchors.
 */
import { sql } from "kysely";
import { SealTrailError } from "@sealtrail/core";
import { tileKey, type LogReader } from "../types.js";
import { u8, type Db } from "./db.js";
import { ENTRY_COLUMNS, checkpointRow, entryRowOf, keyRow } from "./rows.js";

// Values of one `IN (...)` list: far below the 65,535 bind parameters a
// statement may carry (db.ts), the vault's included.
const IN_LIST_MAX = 10_000;

// A list cut into `IN` lists of at most IN_LIST_MAX values; none when empty.
function inLists<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += IN_LIST_MAX) out.push(values.slice(i, i + IN_LIST_MAX));
  return out;
}

/**
 * The log reader over a database.
 *
 * @example
 * ```ts
 * const reader = createPostgresReader(db);
 * const cp = await reader.latestCheckpoint("default");
 * ```
 */
export function createPostgresReader(db: Db): LogReader {
  const reader: LogReader = {
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
    async seriesHeads(vault, names) {
      const out = new Map<string, bigint>();
      for (const part of inLists([...new Set(names)])) {
        const rows = await db.selectFrom("series").select(["name", "head_idx"]).where("vault", "=", vault).where("name", "in", part).execute();
        for (const r of rows) out.set(r.name, r.head_idx);
      }
      return out;
    },
    async payloadsAt(vault, indices) {
      const out = new Map<bigint, string>();
      for (const part of inLists([...new Set(indices)])) {
        const rows = await db.selectFrom("payloads").select(["idx", "payload"]).where("vault", "=", vault).where("idx", "in", part).execute();
        for (const r of rows) out.set(r.idx, r.payload);
      }
      return out;
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
    async anchors(vault, opts = {}) {
      let q = db.selectFrom("anchors").select(["checkpoint_size", "type", "record", "created_at"]).where("vault", "=", vault);
      if (opts.checkpointSize !== undefined) q = q.where("checkpoint_size", "=", opts.checkpointSize);
      const rows = await q.orderBy("checkpoint_size").orderBy("id").execute();
      return rows.map((r) => ({ checkpointSize: r.checkpoint_size, type: r.type, record: r.record, createdAt: r.created_at }));
    },
  };
  return reader;
}
