/**
 * The sweep of evidence files, on both engines: uploads no record names are
 * removed once older than the cut-off (rows and bytes), never a file a
 * record names nor a recent upload; a dry run removes nothing; bytes with no
 * row and bytes of an erased file are cleaned up; an upload interrupted
 * before its bytes were stored leaves a row no record can name, which the
 * sweep removes. `sealtrail files sweep` prints the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { buildRecord, integrate, toBase64 } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { initialize, operatorKey } from "../src/ledger/bootstrap.js";
import { receiveFile } from "../src/files/receive.js";
import { sweepFiles } from "../src/files/sweep.js";
import { eraseFileCustodial } from "../src/files/erasure.js";
import { cli } from "./helpers/cli.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

const VAULT = "default";
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);
async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}
const pause = () => new Promise((r) => setTimeout(r, 15));

for (const engine of ENGINES) {
  describe(`evidence file sweep: ${engine}`, () => {
    let ctx: Context;
    let loc: string[];
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const tmp = tempDir();
      const db = engine === "postgres" ? await freshDatabase() : undefined;
      ctx = await openContext({ data: tmp.dir, db: db?.url, checkpointIntervalMs: 100 });
      await initialize(ctx.store, ctx.ledger);
      // The data directory holds the file store with either engine.
      loc = db === undefined ? ["--data", tmp.dir] : ["--data", tmp.dir, "--db", db.url];
      cleanup = async () => {
        await ctx.close();
        tmp.cleanup();
        await db?.drop();
      };
    });
    afterAll(async () => cleanup());

    const receive = (bytes: Uint8Array) =>
      receiveFile(
        { store: ctx.store, files: ctx.files, limits: ctx.fileLimits },
        { vault: VAULT, sha256: sha(bytes), length: bytes.length, mediaType: "text/plain", uploadedBy: null, body: once(bytes) },
      );
    async function name(bytes: Uint8Array): Promise<void> {
      const { org, seed } = await operatorKey(ctx.store);
      const payload = { attachments: [{ sha256: sha(bytes), length: bytes.length, mediaType: "text/plain", name: "kept.txt" }] };
      const rec = buildRecord({ vault: VAULT, type: "doc.evidence", author: org, seed, payload });
      await ctx.ledger.append(VAULT, [{ entry: rec.signed, payload, salt: toBase64(rec.salt!) }]);
    }
    const state = async (bytes: Uint8Array) => ({ row: (await ctx.store.file(VAULT, sha(bytes)))?.state ?? null, bytes: (await ctx.files.stat(VAULT, sha(bytes))) !== null });

    it("removes old uploads no record names, keeps named and recent ones; a dry run removes nothing", async () => {
      const named = text("named by a record\n");
      const old = text("uploaded, never named\n");
      const recent = text("uploaded after the cut-off\n");
      await receive(named);
      await name(named);
      await receive(old);
      await pause();
      const cut = new Date();
      await pause();
      await receive(recent);

      const dry = await sweepFiles({ store: ctx.store, files: ctx.files }, { olderThanMs: 0, now: () => cut, dryRun: true });
      expect(dry).toEqual([{ vault: VAULT, unreferenced: [{ sha256: sha(old), length: old.length, touchedAt: expect.any(String) }], orphans: [], erased: [] }]);
      expect(await state(old)).toEqual({ row: "stored", bytes: true });

      const done = await sweepFiles({ store: ctx.store, files: ctx.files }, { olderThanMs: 0, now: () => cut });
      expect(done[0]!.unreferenced.map((f) => f.sha256)).toEqual([sha(old)]);
      expect(await state(old)).toEqual({ row: null, bytes: false });
      expect(await state(named)).toEqual({ row: "stored", bytes: true });
      expect(await state(recent)).toEqual({ row: "stored", bytes: true });
      // Swept bytes may be uploaded again, as new.
      expect(await receive(old)).toEqual({ created: true });
    });

    it("cleans up bytes with no row and bytes of an erased file; an interrupted upload is named by no record and swept", async () => {
      // Bytes in the file store with no row (an upload cut off between its steps).
      const orphan = text("orphaned bytes\n");
      await ctx.files.put(VAULT, sha(orphan), orphan.length, once(orphan));
      // An erasure whose bytes outlived its commit (put back by hand, as a crash would leave them).
      const erased = text("erased evidence\n");
      await receive(erased);
      await name(erased);
      const { org } = await operatorKey(ctx.store);
      await eraseFileCustodial(ctx.store, ctx.ledger, VAULT, org, sha(erased));
      await ctx.files.put(VAULT, sha(erased), erased.length, once(erased));
      // An upload whose body never came: claimed, never stored.
      const cut = text("cut off mid-body\n");
      await ctx.store.claimFile(VAULT, { sha256: sha(cut), length: cut.length, mediaType: "text/plain", uploadedBy: null, at: new Date().toISOString() });
      const refused = await ctx.store.sequence(VAULT, [{ ...(await pendingNaming(cut)) }], integrate);
      expect(refused.outcomes[0]).toMatchObject({ ok: false, code: "conflict" });

      const later = new Date(Date.now() + 3_600_000);
      const r = await sweepFiles({ store: ctx.store, files: ctx.files }, { olderThanMs: 60_000, now: () => later });
      expect(r[0]!.orphans).toEqual([sha(orphan)]);
      expect(r[0]!.erased).toEqual([sha(erased)]);
      expect(r[0]!.unreferenced.map((f) => f.sha256)).toContain(sha(cut));
      expect(await state(orphan)).toEqual({ row: null, bytes: false });
      expect(await state(erased)).toEqual({ row: "stored", bytes: false });
      expect(await state(cut)).toEqual({ row: null, bytes: false });
    });

    it("sealtrail files sweep --dry-run lists, then sweeps", async () => {
      const old = text("for the command\n");
      await receive(old);
      const dry = await cli(["files", "sweep", ...loc, "--older-than", "0s", "--dry-run", "--json"]);
      expect(dry.code, dry.err).toBe(0);
      expect(JSON.parse(dry.out).vaults[0].unreferenced.map((f: { sha256: string }) => f.sha256)).toContain(sha(old));
      expect(await state(old)).toEqual({ row: "stored", bytes: true });
      const run = await cli(["files", "sweep", ...loc, "--older-than", "0s"]);
      expect(run.code, run.err).toBe(0);
      expect(run.out).toContain(`sha256:${sha(old)}`);
      expect(await state(old)).toEqual({ row: null, bytes: false });
      const bad = await cli(["files", "sweep", ...loc, "--older-than", "soon"]);
      expect(bad.code).toBe(2);
    });

    // A pending entry naming `bytes`, as the ledger would hand it to the store.
    async function pendingNaming(bytes: Uint8Array) {
      const { org, seed } = await operatorKey(ctx.store);
      const payload = { attachments: [{ sha256: sha(bytes), length: bytes.length, mediaType: "text/plain", name: "x.txt" }] };
      const rec = buildRecord({ vault: VAULT, type: "doc.evidence", author: org, seed, payload });
      const { checkSubmission } = await import("../src/ledger/submission.js");
      const { NO_RECORD_RULES } = await import("../src/ledger/record-rules.js");
      return checkSubmission(VAULT, { entry: rec.signed, payload, salt: toBase64(rec.salt!) }, NO_RECORD_RULES).pending;
    }
  });
}
