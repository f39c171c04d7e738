/**
 * Evidence files in the SQLite store: the catalog (one row per file a vault
 * holds, and which records name it; never the bytes) and the file rules'
 * steps inside the sequencing transaction. Its statements are prepared
 * here, apart from statements.ts, since only this module runs them.
 */
import type Database from "better-sqlite3";
import { fileRefusal, type FileContext } from "../file-rules.js";
import type { RedactionContext } from "../rules.js";
import type { EntryRow, FileCatalog, FileRow, FileState, PendingEntry, SequenceOutcome } from "../types.js";
import { big, entryRow, type Row } from "./rows.js";

const SQL = {
  file: "SELECT * FROM files WHERE vault = ? AND sha256 = ?",
  filesAt: "SELECT f.* FROM json_each(?) j CROSS JOIN files f ON f.vault = ? AND f.sha256 = j.value",
  insertReceiving: `INSERT INTO files (vault, sha256, length, media_type, state, uploaded_at, uploaded_by, touched_at)
       VALUES (@vault, @sha256, @length, @mediaType, 'receiving', @at, @uploadedBy, @at)
       ON CONFLICT (vault, sha256) DO UPDATE SET touched_at = excluded.touched_at
       WHERE files.state <> 'sweeping' AND files.erased_at IS NULL`,
  insertStored: `INSERT INTO files (vault, sha256, length, media_type, state, uploaded_at, uploaded_by, touched_at)
       VALUES (@vault, @sha256, @length, @mediaType, 'stored', @at, @uploadedBy, @at)
       ON CONFLICT (vault, sha256) DO UPDATE SET state = 'stored'
       WHERE files.state <> 'sweeping' AND files.erased_at IS NULL`,
  abandon: "DELETE FROM files WHERE vault = ? AND sha256 = ? AND state = 'receiving' AND touched_at = ?",
  fileRecords: `SELECT e.idx, e.entry, e.leaf_hash, e.type, e.author, e.key_id, e.claimed_time, e.sequenced_at, e.submitted_by, e.redacted_by, p.payload, p.salt
       FROM file_refs r JOIN entries e ON e.vault = r.vault AND e.idx = r.idx
       LEFT JOIN payloads p ON p.vault = e.vault AND p.idx = e.idx
       WHERE r.vault = ? AND r.sha256 = ? AND r.idx > ? ORDER BY r.idx LIMIT ?`,
  unreferenced: `SELECT f.* FROM files f
       WHERE f.vault = ? AND f.touched_at < ? AND f.erased_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM file_refs r WHERE r.vault = f.vault AND r.sha256 = f.sha256)
       ORDER BY f.touched_at, f.sha256 LIMIT ?`,
  beginSweep: `UPDATE files SET state = 'sweeping'
       WHERE vault = ? AND sha256 = ? AND touched_at < ? AND erased_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM file_refs r WHERE r.vault = files.vault AND r.sha256 = files.sha256)`,
  swept: "DELETE FROM files WHERE vault = ? AND sha256 = ? AND state = 'sweeping'",
  claimOrphan: `INSERT INTO files (vault, sha256, length, media_type, state, uploaded_at, uploaded_by, touched_at)
       VALUES (?, ?, ?, 'application/octet-stream', 'sweeping', ?, NULL, ?) ON CONFLICT (vault, sha256) DO NOTHING`,
  // Inside the sequencing transaction.
  namedBy: `SELECT 1 FROM file_refs r JOIN entries e ON e.vault = r.vault AND e.idx = r.idx
       WHERE r.vault = ? AND r.sha256 = ? AND e.author = ? LIMIT 1`,
  insertRef: "INSERT OR IGNORE INTO file_refs (vault, sha256, idx) VALUES (?, ?, ?)",
  markErased: "UPDATE files SET erased_at = ?, erased_by = ? WHERE vault = ? AND sha256 = ?",
} as const;

type FileStatements = { readonly [K in keyof typeof SQL]: Database.Statement };

/** A files row as the store hands it out. */
export function fileRow(r: Row): FileRow {
  return {
    vault: r.vault as string,
    sha256: r.sha256 as string,
    length: Number(r.length),
    mediaType: r.media_type as string,
    state: r.state as FileState,
    uploadedAt: r.uploaded_at as string,
    uploadedBy: (r.uploaded_by as string | null) ?? null,
    touchedAt: r.touched_at as string,
    erasedAt: (r.erased_at as string | null) ?? null,
    erasedBy: r.erased_by === null || r.erased_by === undefined ? null : big(r.erased_by),
  };
}

/** The catalog and the sequencing steps of evidence files over one connection. */
export interface SqliteFiles {
  readonly catalog: FileCatalog;
  /** Inside the sequencing transaction: why `e` may not be sequenced for its files, or null. */
  refusal(vault: string, e: PendingEntry, redactions: RedactionContext): SequenceOutcome | null;
  /** Inside the sequencing transaction, once `e` has index `idx`: record the files it names, mark the file it erases. */
  sequenced(vault: string, idx: bigint, e: PendingEntry, now: string): void;
}

/**
 * Prepare the files statements on an open, migrated database.
 *
 * @example
 * ```ts
 * const files = createSqliteFiles(db);
 * const row = await files.catalog.file("default", sha256);
 * ```
 */
export function createSqliteFiles(db: Database.Database): SqliteFiles {
  const q = {} as Record<keyof typeof SQL, Database.Statement>;
  for (const name of Object.keys(SQL) as (keyof typeof SQL)[]) q[name] = db.prepare(SQL[name]);
  const s = q as FileStatements;
  const get = (vault: string, sha256: string): FileRow | null => {
    const r = s.file.get(vault, sha256) as Row | undefined;
    return r === undefined ? null : fileRow(r);
  };
  const upload = (vault: string, f: Parameters<FileCatalog["claimFile"]>[1]) => ({
    vault,
    sha256: f.sha256,
    length: f.length,
    mediaType: f.mediaType,
    uploadedBy: f.uploadedBy,
    at: f.at,
  });

  const catalog: FileCatalog = {
    async claimFile(vault, f) {
      return db.transaction(() => {
        s.insertReceiving.run(upload(vault, f));
        return get(vault, f.sha256)!;
      }).immediate();
    },
    async fileStored(vault, f) {
      return db.transaction(() => {
        s.insertStored.run(upload(vault, f));
        const row = get(vault, f.sha256);
        return row === null || row.state !== "stored" || row.erasedBy !== null ? null : row;
      }).immediate();
    },
    async abandonFile(vault, sha256, at) {
      s.abandon.run(vault, sha256, at);
    },
    async file(vault, sha256) {
      return get(vault, sha256);
    },
    async filesAt(vault, sha256s) {
      const out = new Map<string, FileRow>();
      if (sha256s.length === 0) return out;
      for (const r of s.filesAt.all(JSON.stringify(sha256s), vault) as Row[]) out.set(r.sha256 as string, fileRow(r));
      return out;
    },
    async fileRecords(vault, sha256, opts) {
      return (s.fileRecords.all(vault, sha256, opts.after ?? -1n, opts.limit) as Row[]).map((r): EntryRow => entryRow(r));
    },
    async unreferencedFiles(vault, before, limit) {
      return (s.unreferenced.all(vault, before, limit) as Row[]).map(fileRow);
    },
    async beginSweep(vault, sha256, before) {
      // One statement: the write lock makes the check of the file's
      // references and the mark one step against any sequencing.
      return Number(s.beginSweep.run(vault, sha256, before).changes) === 1;
    },
    async sweptFile(vault, sha256) {
      s.swept.run(vault, sha256);
    },
    async claimOrphan(vault, sha256, length, at) {
      return Number(s.claimOrphan.run(vault, sha256, length, at, at).changes) === 1;
    },
  };

  const context = (vault: string, redactions: RedactionContext): FileContext => ({
    fileAt: (sha) => get(vault, sha) ?? undefined,
    namedBy: (sha, org) => s.namedBy.get(vault, sha, org) !== undefined,
    operator: () => redactions.operator(),
    isAdminMember: (org) => redactions.isAdminMember(org),
  });

  return {
    catalog,
    refusal(vault, e, redactions) {
      if ((e.files == null || e.files.length === 0) && e.erasesFile == null) return null;
      return fileRefusal(e, context(vault, redactions));
    },
    sequenced(vault, idx, e, now) {
      for (const sha of e.files ?? []) s.insertRef.run(vault, sha, idx);
      if (e.erasesFile != null) s.markErased.run(now, idx, vault, e.erasesFile);
    },
  };
}
