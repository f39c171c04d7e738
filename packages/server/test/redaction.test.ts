/**
 * Redaction (docs/formats.md §5b) on both engines: who may redact and what
 * is refused, the payload and salt gone from the database (for SQLite, from
 * the file's bytes), every proof still valid against the published
 * checkpoints, and the audit telling a redaction from a payload removed by
 * hand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import pg from "pg";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import {
  buildKeyRecord,
  buildRecord,
  buildRedactionRecord,
  canonicalBytes,
  generateEd25519KeyPair,
  hashLeaf,
  isSealTrailError,
  openCheckpoint,
  toBase64,
  toHex,
  verifyConsistency,
  verifyTlogProof,
  type Redaction,
} from "@sealtrail/core";
import { DB_FILE, openContext, type Context } from "../src/main.js";
import { SETTING_OPERATOR, initialize, operatorKey } from "../src/ledger/bootstrap.js";
import { changeMembership, redactCustodial } from "../src/ledger/custodial.js";
import { createOrganisation } from "../src/access/orgs.js";
import { auditVault } from "../src/ledger/audit.js";
import { recordHistory } from "../src/ledger/history.js";
import { OPERATOR_SETTING } from "../src/store/rules.js";
import type { RecordSubmission } from "../src/ledger/submission.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

const VAULT = "default";

it("the store reads the operator from the setting that bootstrap writes", () => {
  expect(OPERATOR_SETTING).toBe(SETTING_OPERATOR);
});

for (const engine of ENGINES) {
  describe(`redaction: ${engine}`, () => {
    let ctx: Context;
    let dir: string;
    let pgUrl: string | undefined;
    let cleanup: () => Promise<void>;
    let operator: { org: string; seed: Uint8Array };
    const carrier = generateEd25519KeyPair();
    const stranger = generateEd25519KeyPair();
    const admin = generateEd25519KeyPair();
    let n = 0;

    beforeAll(async () => {
      const tmp = tempDir();
      dir = tmp.dir;
      const db = engine === "postgres" ? await freshDatabase() : undefined;
      pgUrl = db?.url;
      ctx = await openContext({ data: dir, db: pgUrl, checkpointIntervalMs: 60_000 });
      cleanup = async () => {
        await ctx.close();
        tmp.cleanup();
        await db?.drop();
      };
      await initialize(ctx.store, ctx.ledger);
      operator = await operatorKey(ctx.store);
      const { store, ledger } = ctx;
      for (const [id, key] of [
        ["carrier", carrier],
        ["stranger", stranger],
        ["port-authority", admin],
      ] as const) {
        await createOrganisation(store, { id, name: id, country: "NL", roles: ["carrier"] });
        const reg = buildKeyRecord({ vault: VAULT, author: id, seed: key.seed, action: "register", publicKey: key.publicKey });
        await ledger.append(VAULT, [{ entry: reg.signed }]);
      }
      await changeMembership(store, ledger, VAULT, { action: "set", org: "carrier", read: true, write: ["custody.*", "sealtrail.redaction"], admin: false });
      await changeMembership(store, ledger, VAULT, { action: "set", org: "stranger", read: true, write: ["custody.*", "sealtrail.redaction"], admin: false });
      await changeMembership(store, ledger, VAULT, { action: "set", org: "port-authority", read: true, write: ["sealtrail.redaction"], admin: true });
      await ledger.publish(VAULT);
    });
    afterAll(async () => cleanup());

    /** A carrier record whose payload holds a marker found nowhere else. */
    function carrierRecord(extra: Record<string, unknown> = {}): { sub: RecordSubmission; marker: string } {
      const marker = `DRIVER-${engine}-${++n}-${toHex(generateEd25519KeyPair().publicKey).slice(0, 12)}`;
      const payload = { container: "MSCU1234565", driver: marker, ...extra };
      const rec = buildRecord({ vault: VAULT, type: "custody.handoff", author: "carrier", seed: carrier.seed, payload });
      return { sub: { entry: rec.signed, payload, salt: toBase64(rec.salt!) }, marker };
    }

    async function append(sub: RecordSubmission): Promise<{ index: bigint; leafHash: Uint8Array }> {
      const [r] = await ctx.ledger.append(VAULT, [sub]);
      return r!;
    }

    function redaction(author: string, seed: Uint8Array, target: { index: bigint; leafHash: Uint8Array }, reason?: string): RecordSubmission {
      const redacts: Redaction = { index: Number(target.index), leafHash: toHex(target.leafHash), ...(reason !== undefined ? { reason } : {}) };
      return { entry: buildRedactionRecord({ vault: VAULT, author, seed, redacts }).signed };
    }

    async function row(index: bigint) {
      const [r] = await ctx.store.entries(VAULT, index, index + 1n);
      return r!;
    }

    /** Run SQL on the database directly, as someone with write access to it could. */
    async function rawSql(text: string, params: unknown[] = []): Promise<void> {
      if (engine === "postgres") {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        try {
          await c.query(text, params);
        } finally {
          await c.end();
        }
        return;
      }
      const db = new Database(join(dir, DB_FILE));
      try {
        db.prepare(text.replace(/\$\d+/g, "?")).run(...params);
      } finally {
        db.close();
      }
    }

    async function expectRefused(sub: RecordSubmission, code: string, message: RegExp): Promise<void> {
      const before = (await ctx.store.tree(VAULT)).size;
      const err = await ctx.ledger.append(VAULT, [sub]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSealTrailError(err), String(err)).toBe(true);
      expect((err as { code: string }).code).toBe(code);
      expect((err as Error).message).toMatch(message);
      // A refusal takes no index.
      expect((await ctx.store.tree(VAULT)).size).toBe(before);
    }

    it("the author redacts its own record: payload and salt gone, who and when recorded, proofs still valid", async () => {
      const { sub } = carrierRecord();
      const target = await append(sub);
      const cpBefore = (await ctx.ledger.publish(VAULT)) ?? (await ctx.store.latestCheckpoint(VAULT))!;
      const entryBytes = (await row(target.index)).entry;

      const r = await append(redaction("carrier", carrier.seed, target, "driver's erasure request"));
      const redacted = await row(target.index);
      expect(redacted.payload).toBeNull();
      expect(redacted.salt).toBeNull();
      expect(redacted.redactedBy).toBe(r.index);
      // The entry itself is untouched.
      expect(redacted.entry).toEqual(entryBytes);
      expect(redacted.leafHash).toEqual(target.leafHash);
      expect((await row(r.index)).redactedBy).toBeNull();

      // Inclusion against the new checkpoint, and consistency with the one before the redaction.
      const cp = (await ctx.ledger.publish(VAULT))!;
      const vkey = await ctx.ledger.verifierKey(VAULT);
      const proof = await ctx.ledger.tlogProof(VAULT, target.index);
      expect(verifyTlogProof(proof, redacted.entry, vkey).index).toBe(target.index);
      const older = openCheckpoint(cpBefore.note, vkey);
      const newer = openCheckpoint(cp.note, vkey);
      expect(() => verifyConsistency(older.size, newer.size, [], older.root, newer.root)).toThrow();
      verifyConsistency(older.size, newer.size, await ctx.ledger.consistencyProof(VAULT, older.size, newer.size), older.root, newer.root);
      // The proof of the old checkpoint still holds for the redacted entry too.
      const oldProof = await ctx.ledger.tlogProof(VAULT, target.index, older.size);
      expect(verifyTlogProof(oldProof, redacted.entry, vkey).size).toBe(older.size);

      // The history shows the redaction.
      const [v] = await recordHistory(ctx.store, VAULT, target.index);
      expect(v!.redacted).toMatchObject({ by: r.index, author: "carrier", reason: "driver's erasure request" });
    });

    it("the operator and a vault administrator may redact a member's record", async () => {
      const a = await append(carrierRecord().sub);
      const byOperator = await redactCustodial(ctx.store, ctx.ledger, VAULT, operator.org, a.index, { reason: "court order" });
      expect((await row(a.index)).redactedBy).toBe(byOperator.index);
      const entry = JSON.parse(new TextDecoder().decode((await row(byOperator.index)).entry));
      expect(entry.env).toMatchObject({ type: "sealtrail.redaction", author: operator.org, mode: "custodial", redacts: { index: Number(a.index), reason: "court order" } });

      const b = await append(carrierRecord().sub);
      const byAdmin = await append(redaction("port-authority", admin.seed, b));
      expect((await row(b.index)).redactedBy).toBe(byAdmin.index);
    });

    it("refuses a third party, a key record, an unknown index, a wrong leaf hash, a second redaction; none takes an index", async () => {
      const t = await append(carrierRecord().sub);
      await expectRefused(redaction("stranger", stranger.seed, t), "conflict", /stranger may not redact record \d+: only its author \(carrier\), the operator or an administrator/);
      const keyRecord = await row(0n);
      expect(keyRecord.type).toBe("sealtrail.key");
      await expectRefused(redaction("carrier", carrier.seed, { index: 0n, leafHash: keyRecord.leafHash }), "conflict", /sealtrail\.key record: key, membership and redaction records are never redacted/);
      const size = (await ctx.store.tree(VAULT)).size;
      await expectRefused(redaction("carrier", carrier.seed, { index: size + 5n, leafHash: t.leafHash }), "not_found", /not in this vault with that leaf hash/);
      await expectRefused(redaction("carrier", carrier.seed, { index: t.index, leafHash: keyRecord.leafHash }), "not_found", /not in this vault with that leaf hash/);
      // The payload is still there after all these refusals.
      expect((await row(t.index)).payload).not.toBeNull();

      const first = await append(redaction("carrier", carrier.seed, t));
      await expectRefused(redaction("carrier", carrier.seed, t), "conflict", new RegExp(`already redacted by record ${first.index}`));
      // A redaction record itself is never redacted.
      await expectRefused(redaction("carrier", carrier.seed, first), "conflict", /sealtrail\.redaction record/);
      // Membership is what the log says at that point: the stranger made admin may redact, then no more.
      const u1 = await append(carrierRecord().sub);
      const u2 = await append(carrierRecord().sub);
      await changeMembership(ctx.store, ctx.ledger, VAULT, { action: "set", org: "stranger", read: true, write: ["sealtrail.redaction"], admin: true });
      await append(redaction("stranger", stranger.seed, u1));
      await changeMembership(ctx.store, ctx.ledger, VAULT, { action: "set", org: "stranger", read: true, write: ["custody.*", "sealtrail.redaction"], admin: false });
      await expectRefused(redaction("stranger", stranger.seed, u2), "conflict", /stranger may not redact/);
    });

    it("a record and its redaction in one batch: the payload is never left stored; a second redaction in the batch is refused", async () => {
      const { sub } = carrierRecord();
      const next = (await ctx.store.tree(VAULT)).size;
      // The leaf hash is that of the canonical entry: computed here as the server will.
      const leafHash = hashLeaf(canonicalBytes(sub.entry));
      const stored = await ctx.ledger.append(VAULT, [sub, redaction("carrier", carrier.seed, { index: next, leafHash })]);
      expect(stored.map((s) => s.index)).toEqual([next, next + 1n]);
      expect(await row(next)).toMatchObject({ payload: null, salt: null, redactedBy: next + 1n });

      const t = await append(carrierRecord().sub);
      const before = (await ctx.store.tree(VAULT)).size;
      const err = await ctx.ledger
        .append(VAULT, [redaction("carrier", carrier.seed, t, "one"), redaction("port-authority", admin.seed, t, "two")])
        .catch((e: unknown) => e as { code: string; detail: { stored: number } });
      expect(err).toMatchObject({ code: "conflict", detail: { stored: 1 } });
      expect((await ctx.store.tree(VAULT)).size).toBe(before + 1n);
      expect((await row(t.index)).redactedBy).toBe(before);
    });

    it("the audit reports redactions as redacted and passes", async () => {
      await ctx.ledger.publish(VAULT);
      const report = await auditVault(ctx.store, VAULT);
      expect(report.problems).toEqual([]);
      const redactedRows = (await ctx.store.entries(VAULT, 0n, (await ctx.store.tree(VAULT)).size)).filter((r) => r.redactedBy !== null);
      expect(redactedRows.length).toBeGreaterThanOrEqual(5);
      expect(report.redacted.map((r) => r.index)).toEqual(redactedRows.map((r) => r.index));
      expect(report.redacted.map((r) => r.by)).toEqual(redactedRows.map((r) => r.redactedBy));
      expect(report.redacted[0]).toMatchObject({ author: "carrier", reason: "driver's erasure request" });
    });

    it("the audit flags a payload removed by hand, and a redaction whose target still has its payload", async () => {
      const { sub } = carrierRecord();
      const t = await append(sub);
      const other = await append(carrierRecord().sub);
      const r = await append(redaction("carrier", carrier.seed, other));
      await ctx.ledger.publish(VAULT);
      expect((await auditVault(ctx.store, VAULT)).problems).toEqual([]);

      // Removed by hand: no redaction names it.
      await rawSql("DELETE FROM payloads WHERE vault = $1 AND idx = $2", [VAULT, Number(t.index)]);
      // Put back by hand: the redaction at r is not applied any more.
      await rawSql("INSERT INTO payloads (vault, idx, payload, salt) VALUES ($1, $2, $3, $4)", [
        VAULT,
        Number(other.index),
        JSON.stringify({ restored: true }),
        Buffer.alloc(32, 1),
      ]);
      const report = await auditVault(ctx.store, VAULT);
      const kinds = report.problems.map((p) => p.kind).sort();
      expect(kinds).toEqual(["entry_column", "payload_changed", "payload_missing", "redaction_not_applied"]);
      const problem = (kind: string) => report.problems.find((p) => p.kind === kind)!;
      expect(problem("payload_missing")).toMatchObject({ index: t.index });
      expect(problem("payload_missing").message).toMatch(/no payload is stored and no redaction record names it/);
      expect(problem("redaction_not_applied")).toMatchObject({ index: r.index });
      expect(problem("redaction_not_applied").message).toMatch(new RegExp(`redacts entry ${other.index}, but that entry's payload is still stored`));
      expect(problem("entry_column").message).toMatch(/redacted_by column names entry \d+, but its payload is still stored/);
      expect(report.redacted.map((x) => x.index)).not.toContain(t.index);
      expect(report.redacted.map((x) => x.index)).not.toContain(other.index);

      // Clean up for the tests after this one.
      await rawSql("DELETE FROM payloads WHERE vault = $1 AND idx = $2", [VAULT, Number(other.index)]);
      await rawSql("UPDATE entries SET redacted_by = NULL WHERE vault = $1 AND idx = $2", [VAULT, Number(other.index)]);
      const after = await auditVault(ctx.store, VAULT);
      expect(after.problems.map((p) => p.kind).sort()).toEqual(["entry_column", "payload_missing"]);
      expect(after.problems.find((p) => p.kind === "entry_column")!.message).toMatch(new RegExp(`redacted_by column is empty, but entry ${r.index} redacted it`));
      await rawSql("UPDATE entries SET redacted_by = $1 WHERE vault = $2 AND idx = $3", [Number(r.index), VAULT, Number(other.index)]);
    });

    it("the audit replays who may redact from the log and the operator setting: a redaction by someone else is invalid", async () => {
      const t = await append(carrierRecord().sub);
      const r = await redactCustodial(ctx.store, ctx.ledger, VAULT, operator.org, t.index);
      await ctx.ledger.publish(VAULT);
      expect((await auditVault(ctx.store, VAULT)).problems.filter((p) => p.index === t.index || p.index === r.index)).toEqual([]);
      // Were the operator another organisation, this redaction would not be one the rules accept.
      await rawSql("UPDATE settings SET value = $1 WHERE key = $2", ["someone-else", OPERATOR_SETTING]);
      try {
        const report = await auditVault(ctx.store, VAULT);
        expect(report.problems.filter((p) => p.index === r.index)).toEqual([
          {
            kind: "redaction_invalid",
            index: r.index,
            message: `entry ${r.index}: redaction of entry ${t.index} is by ${operator.org}, who is neither its author (carrier), the operator, nor an administrator of the vault at that point`,
          },
        ]);
        expect(report.problems.filter((p) => p.index === t.index).map((p) => p.kind)).toEqual(["payload_missing"]);
        expect(report.redacted.map((x) => x.index)).not.toContain(t.index);
      } finally {
        await rawSql("UPDATE settings SET value = $1 WHERE key = $2", [operator.org, OPERATOR_SETTING]);
      }
    });

    if (engine === "sqlite") {
      it("the payload's bytes are gone from the SQLite file and its WAL, small or spilling to overflow pages", async () => {
        const small = carrierRecord();
        const large = carrierRecord({ notes: "x".repeat(6000) });
        const keep = carrierRecord();
        const a = await append(small.sub);
        const b = await append(large.sub);
        await append(keep.sub);
        // Written through to the main file first, as a long-running server would have.
        const raw = new Database(join(dir, DB_FILE));
        raw.pragma("wal_checkpoint(TRUNCATE)");
        raw.close();
        const bytes = () => {
          const wal = join(dir, DB_FILE + "-wal");
          return Buffer.concat([readFileSync(join(dir, DB_FILE)), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
        };
        for (const m of [small.marker, large.marker, keep.marker]) expect(bytes().includes(m), m).toBe(true);

        await append(redaction("carrier", carrier.seed, a));
        await redactCustodial(ctx.store, ctx.ledger, VAULT, operator.org, b.index);
        const after = bytes();
        expect(after.includes(small.marker)).toBe(false);
        expect(after.includes(large.marker)).toBe(false);
        // The check can see a payload that was not redacted.
        expect(after.includes(keep.marker)).toBe(true);
      });
    }
  });
}
