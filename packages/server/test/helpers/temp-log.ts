/** Test helpers: a fresh data directory (or PostgreSQL database) with an initialised ledger. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRecord, toBase64 } from "@sealtrail/core";
import { openContext, type Context } from "../../src/main.js";
import { initialize, operatorKey } from "../../src/ledger/bootstrap.js";
import type { RecordSubmission } from "../../src/ledger/submission.js";
import { freshDatabase } from "./postgres.js";

/** The database engines that suites run over: `for (const engine of ENGINES)`. */
export const ENGINES = ["sqlite", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

/** A temp directory removed by `cleanup`. */
export function tempDir(prefix = "sealtrail-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An initialised data directory or database with its context and the operator's key. */
export interface TempLog {
  readonly engine: Engine;
  dir: string;
  ctx: Context;
  org: string;
  seed: Uint8Array;
  vkey: string;
  /** A signed submission of a payload by the operator. */
  submission(payload: Record<string, unknown>, extra?: { type?: string; subjects?: string[]; supersedes?: { index: number; leafHash: string } }): RecordSubmission;
  close(): Promise<void>;
}

/** A fresh log on `engine` (default SQLite): a temp data directory, or a fresh database on the run's PostgreSQL server. */
export async function tempLog(opts: { checkpointIntervalMs?: number; engine?: Engine } = {}): Promise<TempLog> {
  const engine = opts.engine ?? "sqlite";
  const { dir, cleanup: removeDir } = tempDir();
  const pg = engine === "postgres" ? await freshDatabase() : undefined;
  const cleanup = async () => {
    removeDir();
    await pg?.drop();
  };
  const ctx = await openContext({ data: dir, db: pg?.url, checkpointIntervalMs: opts.checkpointIntervalMs ?? 1000 });
  await initialize(ctx.store, ctx.ledger);
  const { org, seed } = await operatorKey(ctx.store);
  const vkey = await ctx.ledger.verifierKey("default");
  return {
    engine,
    dir,
    ctx,
    org,
    seed,
    vkey,
    submission(payload, extra = {}) {
      const rec = buildRecord({
        vault: "default",
        type: extra.type ?? "test.risk",
        author: org,
        seed,
        mode: "custodial",
        payload,
        ...(extra.subjects ? { subjects: extra.subjects } : {}),
        ...(extra.supersedes ? { supersedes: extra.supersedes } : {}),
      });
      return { entry: rec.signed, payload, salt: toBase64(rec.salt!) };
    },
    async close() {
      await ctx.close();
      await cleanup();
    },
  };
}
