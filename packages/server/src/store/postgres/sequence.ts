/**
 * Sequencing in the PostgreSQL store: one READ COMMITTED transaction per
 * batch, serialised per vault by the vault's row lock, that reads what the
 * batch needs in a few queries, applies the refusal rules of store/rules.ts,
 * writes the batch in multi-row INSERTs and integrates the new leaves into
 * the tiles (see LedgerStore.sequence and this folder's postgres-store.ts).
 */
import type { Insertable, Transaction } from "kysely";
import { SealTrailError, edgeTiles, toHex, type MemberChange } from "@sealtrail/core";
import { refusalOf, replayCheck, seriesRefusal } from "../rules.js";
import { idemKey, markedRequests, newRecords, planRequests, resolveSameBatch, skippedOutcomes, type IdempotencyRecord } from "../idempotency.js";
import { integrationTile } from "../tree.js";
import { tileKey, type Integrator, type PendingEntry, type SequenceOutcome, type StoredTileId, type TreeState } from "../types.js";
import { chunks, u8, type Tables } from "./db.js";
import { redactionState } from "./redaction.js";
import { fileState } from "./files.js";

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

export async function sequenceIn(trx: Transaction<Tables>, vault: string, entries: readonly PendingEntry[], integrate: Integrator) {
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
  const files = await fileState(trx, vault, entries);
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
      refusalOf(vault, e, (k) => registry.get(k), (i) => heads.get(i), redaction.context(memberChanges)) ??
      seriesRefusal(e, (name) => seriesHeads.get(name)) ??
      files.refusal(e, redaction.context(memberChanges));
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
    files.sequenced(idx, e, now);
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
  const readTile = (id: StoredTileId): Uint8Array => integrationTile(id, stored.get(tileKey(id.level, id.index)));
  const result = integrate(start.size, readTile, leafHashes);
  if (result.size !== next) throw new SealTrailError("internal", "integration size does not match sequencing");

  for (const rows of chunks(entryRows)) await trx.insertInto("entries").values(rows).execute();
  for (const rows of chunks(subjectRows)) {
    await trx.insertInto("entry_subjects").values(rows).onConflict((oc) => oc.doNothing()).execute();
  }
  for (const rows of chunks(payloadRows)) await trx.insertInto("payloads").values(rows).execute();
  await redaction.apply();
  await files.apply();
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
