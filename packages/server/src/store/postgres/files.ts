/**
 * Evidence files in the PostgreSQL store: the catalog (one row per file a
 * vault holds, and which records name it; never the bytes) and the file
 * rules' state for one sequencing transaction.
 *
 * Concurrency (several servers on one database, READ COMMITTED): the
 * sequencing transaction reads the rows of the files its batch names FOR
 * SHARE, and a sweep takes the row FOR UPDATE before it looks for records
 * naming the file. Whichever comes second waits for the first to commit and
 * then sees what it wrote: a batch sees the row `sweeping` and refuses the
 * record, or the sweep sees the new reference and leaves the file.
 */
import type { Insertable, Selectable, Transaction } from "kysely";
import { fileRefusal } from "../file-rules.js";
import type { RedactionContext } from "../rules.js";
import type { FileCatalog, FileRow, FileState, FileUpload, PendingEntry, SequenceOutcome } from "../types.js";
import { chunks, type Db, type Tables } from "./db.js";
import { ENTRY_COLUMNS, entryRowOf } from "./rows.js";

// Values of one `IN (...)` list, far below the bind-parameter limit (db.ts).
const IN_LIST_MAX = 10_000;

function inLists<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += IN_LIST_MAX) out.push(values.slice(i, i + IN_LIST_MAX));
  return out;
}

function fileRow(r: Selectable<Tables["files"]>): FileRow {
  return {
    vault: r.vault,
    sha256: r.sha256,
    length: Number(r.length),
    mediaType: r.media_type,
    state: r.state as FileState,
    uploadedAt: r.uploaded_at,
    uploadedBy: r.uploaded_by,
    touchedAt: r.touched_at,
    erasedAt: r.erased_at,
    erasedBy: r.erased_by,
  };
}

function rowOf(vault: string, f: FileUpload, state: FileState): Insertable<Tables["files"]> {
  return {
    vault,
    sha256: f.sha256,
    length: BigInt(f.length),
    media_type: f.mediaType,
    state,
    uploaded_at: f.at,
    uploaded_by: f.uploadedBy,
    touched_at: f.at,
    erased_at: null,
    erased_by: null,
  };
}

/**
 * The files catalog over a database.
 *
 * @example
 * ```ts
 * const catalog = createPostgresFiles(db);
 * const row = await catalog.file("default", sha256);
 * ```
 */
export function createPostgresFiles(db: Db): FileCatalog {
  const get = async (vault: string, sha256: string): Promise<FileRow | null> => {
    const r = await db.selectFrom("files").selectAll().where("vault", "=", vault).where("sha256", "=", sha256).executeTakeFirst();
    return r === undefined ? null : fileRow(r);
  };
  return {
    async claimFile(vault, f) {
      // An upsert works on the row's latest committed version, so a claim
      // that follows a sweep's mark sees `sweeping` and leaves it.
      await db
        .insertInto("files")
        .values(rowOf(vault, f, "receiving"))
        .onConflict((oc) =>
          oc
            .columns(["vault", "sha256"])
            .doUpdateSet((eb) => ({ touched_at: eb.ref("excluded.touched_at") }))
            .where("files.state", "<>", "sweeping")
            .where("files.erased_at", "is", null),
        )
        .execute();
      return (await get(vault, f.sha256))!;
    },
    async fileStored(vault, f) {
      await db
        .insertInto("files")
        .values(rowOf(vault, f, "stored"))
        .onConflict((oc) =>
          oc
            .columns(["vault", "sha256"])
            .doUpdateSet({ state: "stored" })
            .where("files.state", "<>", "sweeping")
            .where("files.erased_at", "is", null),
        )
        .execute();
      const row = await get(vault, f.sha256);
      return row === null || row.state !== "stored" || row.erasedBy !== null ? null : row;
    },
    async abandonFile(vault, sha256, at) {
      await db.deleteFrom("files").where("vault", "=", vault).where("sha256", "=", sha256).where("state", "=", "receiving").where("touched_at", "=", at).execute();
    },
    file: get,
    async filesAt(vault, sha256s) {
      const out = new Map<string, FileRow>();
      for (const list of inLists([...new Set(sha256s)])) {
        for (const r of await db.selectFrom("files").selectAll().where("vault", "=", vault).where("sha256", "in", list).execute()) out.set(r.sha256, fileRow(r));
      }
      return out;
    },
    async fileRecords(vault, sha256, q) {
      const rows = await db
        .selectFrom("file_refs as r")
        .innerJoin("entries as e", (j) => j.onRef("e.vault", "=", "r.vault").onRef("e.idx", "=", "r.idx"))
        .leftJoin("payloads as p", (j) => j.onRef("p.vault", "=", "e.vault").onRef("p.idx", "=", "e.idx"))
        .select(ENTRY_COLUMNS)
        .where("r.vault", "=", vault)
        .where("r.sha256", "=", sha256)
        .where("r.idx", ">", q.after ?? -1n)
        .orderBy("r.idx")
        .limit(q.limit)
        .execute();
      return rows.map(entryRowOf);
    },
    async unreferencedFiles(vault, before, limit) {
      const rows = await db
        .selectFrom("files as f")
        .selectAll("f")
        .where("f.vault", "=", vault)
        .where("f.touched_at", "<", before)
        .where("f.erased_at", "is", null)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom("file_refs as r").select("r.idx").whereRef("r.vault", "=", "f.vault").whereRef("r.sha256", "=", "f.sha256"))),
        )
        .orderBy("f.touched_at")
        .orderBy("f.sha256")
        .limit(limit)
        .execute();
      return rows.map(fileRow);
    },
    async beginSweep(vault, sha256, before) {
      return db.transaction().execute(async (trx) => {
        // The row lock first, then the references in a statement of their
        // own: under READ COMMITTED it sees every batch committed before the
        // lock was granted (see the head of this file).
        const r = await trx.selectFrom("files").selectAll().where("vault", "=", vault).where("sha256", "=", sha256).forUpdate().executeTakeFirst();
        if (r === undefined || r.erased_at !== null || r.touched_at >= before) return false;
        const named = await trx.selectFrom("file_refs").select("idx").where("vault", "=", vault).where("sha256", "=", sha256).limit(1).executeTakeFirst();
        if (named !== undefined) return false;
        await trx.updateTable("files").set({ state: "sweeping" }).where("vault", "=", vault).where("sha256", "=", sha256).execute();
        return true;
      });
    },
    async sweptFile(vault, sha256) {
      await db.deleteFrom("files").where("vault", "=", vault).where("sha256", "=", sha256).where("state", "=", "sweeping").execute();
    },
    async claimOrphan(vault, sha256, length, at) {
      const row = { ...rowOf(vault, { sha256, length, mediaType: "application/octet-stream", uploadedBy: null, at }, "sweeping") };
      const r = await db.insertInto("files").values(row).onConflict((oc) => oc.columns(["vault", "sha256"]).doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}

/**
 * What the file rules need for one batch, read up front in a query or two
 * (the rows of every file named or erased, FOR SHARE; the authors who named
 * the files being erased), then kept current as the batch is sequenced;
 * `apply` writes the references and the erasures.
 */
export async function fileState(trx: Transaction<Tables>, vault: string, entries: readonly PendingEntry[]) {
  const wanted = new Set<string>();
  const erasing = new Set<string>();
  const erasers = new Set<string>();
  for (const e of entries) {
    for (const f of e.files ?? []) wanted.add(f);
    if (e.erasesFile != null) {
      wanted.add(e.erasesFile);
      erasing.add(e.erasesFile);
      erasers.add(e.author);
    }
  }
  const rows = new Map<string, { state: FileState; erasedBy: bigint | null }>();
  const named = new Set<string>();
  const key = (sha: string, org: string): string => `${sha} ${org}`;
  for (const list of inLists([...wanted])) {
    const got = await trx.selectFrom("files").select(["sha256", "state", "erased_by"]).where("vault", "=", vault).where("sha256", "in", list).forShare().execute();
    for (const r of got) rows.set(r.sha256, { state: r.state as FileState, erasedBy: r.erased_by });
  }
  for (const list of inLists([...erasing])) {
    const got = await trx
      .selectFrom("file_refs as r")
      .innerJoin("entries as e", (j) => j.onRef("e.vault", "=", "r.vault").onRef("e.idx", "=", "r.idx"))
      .select(["r.sha256", "e.author"])
      .distinct()
      .where("r.vault", "=", vault)
      .where("r.sha256", "in", list)
      .where("e.author", "in", [...erasers])
      .execute();
    for (const r of got) named.add(key(r.sha256, r.author));
  }
  const refs: Insertable<Tables["file_refs"]>[] = [];
  const erased: { sha256: string; by: bigint; at: string }[] = [];
  return {
    refusal(e: PendingEntry, redactions: RedactionContext): SequenceOutcome | null {
      if ((e.files == null || e.files.length === 0) && e.erasesFile == null) return null;
      return fileRefusal(e, {
        fileAt: (sha) => rows.get(sha),
        namedBy: (sha, org) => named.has(key(sha, org)),
        operator: () => redactions.operator(),
        isAdminMember: (org) => redactions.isAdminMember(org),
      });
    },
    sequenced(idx: bigint, e: PendingEntry, now: string): void {
      for (const sha of new Set(e.files ?? [])) {
        refs.push({ vault, sha256: sha, idx });
        named.add(key(sha, e.author));
      }
      if (e.erasesFile != null) {
        rows.get(e.erasesFile)!.erasedBy = idx;
        erased.push({ sha256: e.erasesFile, by: idx, at: now });
      }
    },
    async apply(): Promise<void> {
      for (const list of chunks(refs)) await trx.insertInto("file_refs").values(list).onConflict((oc) => oc.doNothing()).execute();
      for (const x of erased) {
        await trx.updateTable("files").set({ erased_at: x.at, erased_by: x.by }).where("vault", "=", vault).where("sha256", "=", x.sha256).execute();
      }
    },
  };
}
