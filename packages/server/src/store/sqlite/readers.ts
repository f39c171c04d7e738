/**
 * The SQLite store's reads for the ledger's readers (HTTP, proofs, the
 * audit, the CLI): tree, checkpoints, tiles, entries and their indexes, keys,
 * anchors.
 */
import { SealTrailError } from "@sealtrail/core";
import { tileKey, type LogReader, type TreeState } from "../types.js";
import { big, checkpointRow, entryRow, keyRow, u8, type Row } from "./rows.js";
import type { Statements } from "./statements.js";

/** A vault's tree state; `not_found` if there is no such vault. */
export function treeOf(q: Statements, vault: string): TreeState {
  const r = q.tree.get(vault) as Row | undefined;
  if (r === undefined) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  return { size: big(r.size), root: u8(r.root) };
}

/**
 * The log reader over the prepared statements.
 *
 * @example
 * ```ts
 * const reader = createSqliteReader(prepareStatements(db));
 * const cp = await reader.latestCheckpoint("default");
 * ```
 */
export function createSqliteReader(q: Statements): LogReader {
  const reader: LogReader = {
    async tree(vault) {
      return treeOf(q, vault);
    },
    async latestCheckpoint(vault) {
      const r = q.latestCheckpoint.get(vault) as Row | undefined;
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpointAt(vault, size) {
      const r = q.checkpointAt.get(vault, size) as Row | undefined;
      return r === undefined ? null : checkpointRow(r);
    },
    async checkpoints(vault) {
      return (q.checkpoints.all(vault) as Row[]).map(checkpointRow);
    },
    async readTiles(vault, ids) {
      const out = new Map<string, Uint8Array>();
      for (const id of ids) {
        const k = tileKey(id.level, id.index);
        if (out.has(k)) continue;
        const r = q.tile.get(vault, id.level, id.index) as Row | undefined;
        if (r !== undefined) out.set(k, u8(r.hashes));
      }
      return out;
    },
    async entries(vault, from, to) {
      return (q.entries.all(vault, from, to) as Row[]).map(entryRow);
    },
    async findEntries(vault, f) {
      const params = {
        vault,
        after: f.after ?? -1n,
        type: f.type ?? null,
        prefix: f.typePrefix ?? null,
        author: f.author ?? null,
        limit: f.limit,
      };
      const rows = (f.subject === undefined ? q.findEntries.all(params) : q.findEntriesBySubject.all({ ...params, subject: f.subject })) as Row[];
      return rows.map(entryRow);
    },
    async subjectPayloads(vault, f) {
      const rows = q.subjectPayloads.all(vault, f.subject, f.after ?? -1n, f.type, f.limit) as Row[];
      return rows.map((r) => ({ index: big(r.idx), author: r.author as string, payload: (r.payload as string | null) ?? null }));
    },
    async firstWithSubject(vault, subject) {
      const r = q.firstWithSubject.get(vault, subject) as Row | undefined;
      return r === undefined ? null : big(r.idx);
    },
    async latestVersions(vault, f) {
      const rows = q.latestVersions.all({ vault, prefix: f.prefix, after: f.after ?? "", limit: f.limit }) as Row[];
      return rows.map((r) => ({ ...entryRow(r), series: r.series as string }));
    },
    async seriesHead(vault, name) {
      const r = q.seriesHead.get(vault, name) as Row | undefined;
      return r === undefined ? null : big(r.head_idx);
    },
    async seriesHeads(vault, names) {
      const out = new Map<string, bigint>();
      if (names.length === 0) return out;
      for (const r of q.seriesHeads.all(JSON.stringify([...new Set(names)]), vault) as Row[]) out.set(r.name as string, big(r.head_idx));
      return out;
    },
    async payloadsAt(vault, indices) {
      const out = new Map<bigint, string>();
      if (indices.length === 0) return out;
      for (const r of q.payloadsAt.all(`[${[...new Set(indices)].join(",")}]`, vault) as Row[]) out.set(big(r.idx), r.payload as string);
      return out;
    },
    async supersedersOf(vault, index) {
      return (q.supersedersOf.all(vault, index) as Row[]).map((r) => big(r.idx));
    },
    async keys(vault) {
      return (q.keys.all(vault) as Row[]).map(keyRow);
    },
    async key(vault, keyId) {
      const r = q.key.get(vault, keyId) as Row | undefined;
      return r === undefined ? null : keyRow(r);
    },
    async anchors(vault, opts = {}) {
      return (q.anchors.all({ vault, size: opts.checkpointSize ?? null }) as Row[]).map((r) => ({
        checkpointSize: big(r.checkpoint_size),
        type: r.type as string,
        record: r.record as string,
        createdAt: r.created_at as string,
      }));
    },
  };
  return reader;
}
