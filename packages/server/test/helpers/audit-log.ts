/**
 * Test helpers of the audit: a real log in an SQLite file, built once with
 * the ledger and copied for each test, and a raw better-sqlite3 connection
 * to tamper with it the way someone with write access to the file could.
 */
import Database from "better-sqlite3";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildKeyRecord,
  buildRecord,
  canonicalBytes,
  ed25519PublicKey,
  generateEd25519KeyPair,
  hashLeaf,
  toBase64,
  type SignedEnvelope,
} from "@sealtrail/core";
import { DB_FILE, openContext } from "../../src/main.js";
import { initialize, operatorKey } from "../../src/ledger/bootstrap.js";
import type { RecordSubmission } from "../../src/ledger/submission.js";

export const VAULT = "default";

/** What {@link buildAuditLog} wrote. */
export interface AuditLog {
  readonly dir: string;
  readonly size: number;
  readonly checkpointSizes: readonly number[];
  /** Index of the registration of a second operator key, and of its revocation. */
  readonly secondKey: { readonly registered: number; readonly revoked: number };
  readonly org: string;
  readonly seed: Uint8Array;
  readonly origin: string;
  cleanup(): void;
}

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-audit-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A log of `size` entries: the operator key at 0, records with payloads
 * (a few without), a second key registered, used, then revoked, and
 * checkpoints at several sizes (not at the very end, so the tail is covered
 * by the tree but by no checkpoint).
 */
export async function buildAuditLog(size = 300): Promise<AuditLog> {
  const { dir, cleanup } = tempDir();
  const ctx = await openContext({ data: dir });
  try {
    await initialize(ctx.store, ctx.ledger);
    const { org, seed } = await operatorKey(ctx.store);
    const second = generateEd25519KeyPair();
    const record = (i: number, signer: Uint8Array): RecordSubmission => {
      const withPayload = i % 17 !== 5;
      const rec = buildRecord({
        vault: VAULT,
        type: i % 3 === 0 ? "test.incident" : "test.risk",
        author: org,
        seed: signer,
        mode: "custodial",
        subjects: [`shipment-${i % 11}`],
        ...(withPayload ? { payload: { title: `record ${i}`, n: i } } : {}),
      });
      return withPayload ? { entry: rec.signed, payload: { title: `record ${i}`, n: i }, salt: toBase64(rec.salt!) } : { entry: rec.signed };
    };
    const checkpointSizes = [1];
    let n = 1;
    const appendUpTo = async (target: number, signer: Uint8Array) => {
      const subs: RecordSubmission[] = [];
      for (; n < target; n++) subs.push(record(n, signer));
      await ctx.ledger.append(VAULT, subs);
    };
    const publish = async () => {
      const cp = await ctx.ledger.publish(VAULT);
      if (cp !== null) checkpointSizes.push(Number(cp.size));
    };
    await appendUpTo(40, seed);
    await publish();
    const reg = buildKeyRecord({ vault: VAULT, author: org, seed: second.seed, action: "register", publicKey: second.publicKey, mode: "custodial" });
    await ctx.ledger.append(VAULT, [{ entry: reg.signed }]);
    const registered = n++;
    await appendUpTo(120, second.seed);
    await publish();
    const rev = buildKeyRecord({ vault: VAULT, author: org, seed, action: "revoke", publicKey: second.publicKey, mode: "custodial" });
    await ctx.ledger.append(VAULT, [{ entry: rev.signed }]);
    const revoked = n++;
    await appendUpTo(200, seed);
    await publish();
    await appendUpTo(257, seed);
    await publish();
    await appendUpTo(size - 10, seed);
    await publish();
    await appendUpTo(size, seed);
    const v = (await ctx.store.vault(VAULT))!;
    return { dir, size, checkpointSizes, secondKey: { registered, revoked }, org, seed, origin: v.origin, cleanup };
  } finally {
    await ctx.close();
  }
}

/** A copy of a built log's data directory, to tamper with. */
export function copyLog(log: AuditLog): { dir: string; cleanup: () => void } {
  const t = tempDir();
  cpSync(log.dir, t.dir, { recursive: true });
  return t;
}

/** Run `fn` over a raw connection to the data directory's database. */
export function tamper(dir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(join(dir, DB_FILE));
  try {
    db.transaction(() => fn(db))();
  } finally {
    db.close();
  }
}

/** The stored entry bytes at `idx`. */
export function entryAt(db: Database.Database, idx: number): Uint8Array {
  const r = db.prepare("SELECT entry FROM entries WHERE vault = ? AND idx = ?").get(VAULT, idx) as { entry: Buffer } | undefined;
  if (r === undefined) throw new Error(`no entry ${idx}`);
  return new Uint8Array(r.entry);
}

/** Parse stored entry bytes. */
export function signedOf(entry: Uint8Array): SignedEnvelope {
  return JSON.parse(new TextDecoder().decode(entry)) as SignedEnvelope;
}

/** Overwrite an entry's bytes; with `leafHash`, its leaf_hash column too (a careful forger). */
export function writeEntry(db: Database.Database, idx: number, entry: Uint8Array, opts: { leafHash?: boolean } = {}): void {
  if (opts.leafHash === true) {
    db.prepare("UPDATE entries SET entry = ?, leaf_hash = ? WHERE vault = ? AND idx = ?").run(entry, hashLeaf(entry), VAULT, idx);
  } else {
    db.prepare("UPDATE entries SET entry = ? WHERE vault = ? AND idx = ?").run(entry, VAULT, idx);
  }
}

/** Add `delta` to the index of every entry (and its payload and subjects) at or after `from`. */
export function renumber(db: Database.Database, from: number, delta: number): void {
  // Two steps through negative indices, so that no step collides with the primary key.
  for (const table of ["entries", "payloads", "entry_subjects"]) {
    db.prepare(`UPDATE ${table} SET idx = -idx - 1 WHERE vault = ? AND idx >= ?`).run(VAULT, from);
    db.prepare(`UPDATE ${table} SET idx = -idx - 1 + ? WHERE vault = ? AND idx < 0`).run(delta, VAULT);
  }
}

/** Exchange the entries (and what is stored beside them) at indices `a` and `b`. */
export function swapEntries(db: Database.Database, a: number, b: number): void {
  for (const table of ["entries", "payloads", "entry_subjects"]) {
    const move = db.prepare(`UPDATE ${table} SET idx = ? WHERE vault = ? AND idx = ?`);
    move.run(-1, VAULT, a);
    move.run(a, VAULT, b);
    move.run(b, VAULT, -1);
  }
}

/** Move the entry at `from` to `to` (> from), the ones between one index down. */
export function moveEntry(db: Database.Database, from: number, to: number): void {
  for (const table of ["entries", "payloads", "entry_subjects"]) {
    const move = db.prepare(`UPDATE ${table} SET idx = ? WHERE vault = ? AND idx = ?`);
    move.run(-1, VAULT, from);
    for (let i = from + 1; i <= to; i++) move.run(i - 1, VAULT, i);
    move.run(to, VAULT, -1);
  }
}

/** Delete the entry at `idx` with what is stored beside it. */
export function deleteEntry(db: Database.Database, idx: number): void {
  for (const table of ["entries", "payloads", "entry_subjects"]) db.prepare(`DELETE FROM ${table} WHERE vault = ? AND idx = ?`).run(VAULT, idx);
}

/** Insert a validly signed operator record at `idx` (the index must be free). */
export function insertRecord(db: Database.Database, log: AuditLog, idx: number, payload: Record<string, unknown>): Uint8Array {
  const rec = buildRecord({ vault: VAULT, type: "test.risk", author: log.org, seed: log.seed, mode: "custodial", payload });
  const entry = canonicalBytes(rec.signed);
  db.prepare(
    "INSERT INTO entries (vault, idx, leaf_hash, entry, type, author, key_id, claimed_time, supersedes, sequenced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
  ).run(VAULT, idx, hashLeaf(entry), entry, rec.signed.env.type, rec.signed.env.author, rec.signed.env.keyId, rec.signed.env.time, new Date().toISOString());
  db.prepare("INSERT INTO payloads (vault, idx, payload, salt) VALUES (?, ?, ?, ?)").run(VAULT, idx, rec.payload!, rec.salt!);
  return entry;
}

/** A fresh key's public key, for tampering with the keys table. */
export function otherPublicKey(): Uint8Array {
  return ed25519PublicKey(generateEd25519KeyPair().seed);
}
