/**
 * Sequencing in the SQLite store: one IMMEDIATE transaction per batch (the
 * database's write lock serialises every writer of the file) that assigns
 * each accepted entry the next index, applies the refusal rules of
 * store/rules.ts against the rows as of that point in the batch, stores the
 * entries, key and membership changes, and integrates the new leaves into
 * the tiles (see LedgerStore.sequence).
 */
import type Database from "better-sqlite3";
import { SealTrailError } from "@sealtrail/core";
import { refusalOf, replayCheck, seriesRefusal, type EntryView, type KeyView } from "../rules.js";
import { idemKey, markedRequests, newRecords, planRequests, resolveSameBatch, skippedOutcomes, type IdempotencyRecord } from "../idempotency.js";
import { integrationTile } from "../tree.js";
import type { Integrator, LedgerStore, PendingEntry, SequenceOutcome, StoredTileId } from "../types.js";
import { treeOf } from "./readers.js";
import { createSqliteRedaction } from "./redaction.js";
import { createSqliteFiles, type SqliteFiles } from "./files.js";
import { big, u8, type Row } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The store's `sequence` over a database and its statements.
 *
 * @example
 * ```ts
 * const sequence = createSqliteSequencer(db, q);
 * const { outcomes, tree } = await sequence("default", entries, integrate);
 * ```
 */
export function createSqliteSequencer(db: Database.Database, q: Statements, files: SqliteFiles = createSqliteFiles(db)): LedgerStore["sequence"] {
  const { context: redactionContext, redact, flush: flushRedactions } = createSqliteRedaction(db, q);

  const sequenceTx = db.transaction(
    (vault: string, entries: readonly PendingEntry[], integrate: Integrator) => {
      const start = treeOf(q, vault);
      const now = new Date().toISOString();
      const outcomes: (SequenceOutcome | "later")[] = [];
      const leafHashes: Uint8Array[] = [];
      let next = start.size;
      // Requests sent before with the same idempotency key are answered, not appended.
      const stored = new Map<string, IdempotencyRecord>();
      for (const m of markedRequests(entries)) {
        const r = q.idemGet.get(vault, m.scope, m.key) as Row | undefined;
        if (r !== undefined) stored.set(idemKey(m.scope, m.key), { hash: u8(r.hash), outcomes: r.outcomes as string });
      }
      const plans = planRequests(entries, stored);
      const skipped = skippedOutcomes(plans);
      // Key rows looked up in this transaction; a key change drops its row.
      const keyRows = new Map<string, Row | undefined>();
      const keyRow = (keyId: string): Row | undefined => {
        if (!keyRows.has(keyId)) keyRows.set(keyId, q.key.get(vault, keyId) as Row | undefined);
        return keyRows.get(keyId);
      };
      const redactions = redactionContext(vault);
      const replays = replayCheck((e) => (q.leafAt.get(vault, e.claimedTime, e.leafHash) as Row | undefined)?.idx as bigint | undefined);
      for (const [pos, e] of entries.entries()) {
        const answered = skipped.get(pos) ?? replays.existing(e);
        if (answered !== null && answered !== undefined) {
          outcomes.push(answered);
          continue;
        }
        const refusal =
          refusalOf(vault, e, (k) => keyView(keyRow(k)), (i) => entryView(vault, i), redactions) ??
          seriesRefusal(e, (name) => (q.seriesHead.get(vault, name) as Row | undefined)?.head_idx as bigint | undefined) ??
          files.refusal(vault, e, redactions);
        if (refusal !== null) {
          outcomes.push(refusal);
          continue;
        }
        const idx = next++;
        q.insertEntry.run(vault, idx, e.leafHash, e.entry, e.type, e.author, e.keyId, e.claimedTime, e.supersedes?.index ?? null, now, e.submittedBy ?? null);
        for (const s of e.subjects) q.insertSubject.run(vault, s, idx);
        if (e.payload !== null && e.salt !== null) q.insertPayload.run(vault, idx, e.payload, e.salt);
        if (e.keyChange?.action === "register") {
          q.insertKey.run(vault, e.keyChange.keyId, e.author, e.keyChange.publicKey, idx);
        } else if (e.keyChange?.action === "revoke") {
          q.revokeKey.run(idx, vault, e.keyChange.keyId);
        }
        if (e.keyChange !== null) keyRows.delete(e.keyChange.keyId);
        const mc = e.memberChange;
        if (mc?.action === "set") q.setMember.run(vault, mc.org, mc.read ? 1 : 0, JSON.stringify(mc.write), mc.admin ? 1 : 0, idx);
        else if (mc?.action === "remove") q.removeMember.run(vault, mc.org);
        if (e.redacts != null) redact(vault, e.redacts.index, idx);
        if (e.series != null) q.putSeriesHead.run(vault, e.series, idx);
        files.sequenced(vault, idx, e, now);
        leafHashes.push(e.leafHash);
        replays.appended(e, idx);
        outcomes.push({ ok: true, index: idx });
      }
      const final = resolveSameBatch(plans, outcomes);
      for (const r of newRecords(plans, final)) q.idemPut.run(vault, r.scope, r.key, r.hash, r.outcomes, now);
      if (leafHashes.length === 0) return { outcomes: final, tree: start };
      const readTile = (id: StoredTileId): Uint8Array => {
        const r = q.tile.get(vault, id.level, id.index) as Row | undefined;
        return integrationTile(id, r === undefined ? undefined : u8(r.hashes));
      };
      const result = integrate(start.size, readTile, leafHashes);
      if (result.size !== next) throw new SealTrailError("internal", "integration size does not match sequencing");
      for (const t of result.tiles) q.putTile.run(vault, t.id.level, t.id.index, t.hashes);
      q.setTree.run(result.size, result.root, vault);
      return { outcomes: final, tree: { size: result.size, root: result.root } };
    },
  );

  // Rules that need the registry as of this point in the batch (see LedgerStore.sequence).
  const keyView = (r: Row | undefined): KeyView | undefined =>
    r === undefined ? undefined : { org: r.org as string, revokedIndex: r.revoked_idx === null ? null : big(r.revoked_idx) };
  const entryView = (vault: string, index: bigint): EntryView | undefined => {
    const r = q.entryAt.get(vault, index) as Row | undefined;
    return r === undefined ? undefined : { type: r.type as string, leafHash: u8(r.leaf_hash) };
  };

  return async function sequence(vault, entries, integrate) {
    try {
      return sequenceTx.immediate(vault, entries, integrate);
    } finally {
      flushRedactions();
    }
  };
}
