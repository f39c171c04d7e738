/**
 * Several server processes on one PostgreSQL database (docs/DESIGN.md,
 * "Storage": "several stateless API nodes share one database; sequencing is
 * serialised by the database, never by a process lock"). Real child
 * processes (fixtures/pg-writer.mjs, built code), each with its own ledger
 * and connection pool, append hundreds of records to the SAME vault at the
 * same time and publish checkpoints as they go; then the store is checked
 * against everything they printed as acknowledged (helpers/check-store.ts,
 * the invariants of the crash test) and audited.
 *
 * Needs `npm run build` (the children run packages/*\/dist).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifierPool, type VerifierPool } from "../src/ledger/verifier-pool.js";
import { initialize } from "../src/ledger/bootstrap.js";
import { openContext } from "../src/main.js";
import { migratePostgres, openPostgresStore } from "../src/store/postgres/postgres-store.js";
import { checkStore } from "./helpers/check-store.js";
import { freshDatabase, type TestDatabase } from "./helpers/postgres.js";
import { tempDir } from "./helpers/temp-log.js";

const WRITER = join(import.meta.dirname, "fixtures", "pg-writer.mjs");
const BUILT = join(import.meta.dirname, "..", "dist", "index.js");
const VAULT = "default";
const PROCESSES = 3;
const RECORDS_EACH = 400;
const TIMEOUT_MS = 90_000;

interface Run {
  readonly lines: string[];
  readonly code: number | null;
  readonly stderr: string;
}

function runWriter(url: string, records: number, seed: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, url, String(records), String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const stuck = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (out += d));
    child.stderr.on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(stuck);
      resolve({ lines: out.split("\n").filter((l) => l !== ""), code, stderr: err });
    });
  });
}

describe("several server processes appending to one vault on one PostgreSQL database", () => {
  let db: TestDatabase | undefined;
  let verifier: VerifierPool | undefined;

  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error("this test runs the built server: run `npm run build` first");
    verifier = createVerifierPool();
  });
  afterAll(async () => {
    await verifier?.close();
    await db?.drop();
  });

  it("servers opening an empty database at once apply each migration once", async () => {
    const fresh = await freshDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: fresh.url })));
      await Promise.all(stores.map((s) => s.close()));
      // No open failed (a migration applied twice fails on its CREATE TABLE), and none is left to apply.
      expect(await migratePostgres(fresh.url)).toEqual([]);
      const again = await openPostgresStore({ url: fresh.url, migrate: false });
      await again.close();
    } finally {
      await fresh.drop();
    }
  });

  it(`${PROCESSES} processes x ${RECORDS_EACH} records: contiguous unique indices, every ack stored, one tree, checkpoints that match, a clean audit`, async () => {
    db = await freshDatabase();
    // One node initialises the database first (as `sealtrail init --db` would).
    const t = tempDir();
    const ctx = await openContext({ data: t.dir, db: db.url });
    try {
      await initialize(ctx.store, ctx.ledger);
    } finally {
      await ctx.close();
      t.cleanup();
    }

    const runs = await Promise.all(Array.from({ length: PROCESSES }, (_, p) => runWriter(db!.url, RECORDS_EACH, 1000 + p)));
    const acked = new Map<bigint, string>();
    const printed = new Map<bigint, string>();
    // Which process acknowledged each index: the test is only meaningful if their batches interleaved.
    const owner = new Map<bigint, number>();
    runs.forEach((run, p) => {
      expect(run.code, `process ${p} failed: ${run.stderr}`).toBe(0);
      expect(run.lines.at(-1), `process ${p} did not finish`).toBe("done");
      let acks = 0;
      for (const line of run.lines) {
        const [kind, a, b] = line.split(" ");
        if (kind === "ack") {
          const index = BigInt(a!);
          expect(acked.has(index), `index ${index} acknowledged twice (process ${p} and ${owner.get(index)})`).toBe(false);
          acked.set(index, b!);
          owner.set(index, p);
          acks++;
        } else if (kind === "cp") {
          const size = BigInt(a!);
          expect(printed.get(size) ?? b, `checkpoint ${size} published with two roots`).toBe(b);
          printed.set(size, b!);
        }
      }
      expect(acks, `process ${p}`).toBe(RECORDS_EACH);
    });

    // Indices: exactly 1..N (0 is the operator key), each acknowledged once.
    const total = PROCESSES * RECORDS_EACH;
    expect([...acked.keys()].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
    let switches = 0;
    for (let i = 2n; i <= BigInt(total); i++) if (owner.get(i) !== owner.get(i - 1n)) switches++;
    expect(switches, "the processes' batches did not interleave").toBeGreaterThan(PROCESSES);

    const store = await openPostgresStore({ url: db.url });
    try {
      const r = await checkStore(store, acked, printed, { verifier: verifier!, audit: true, checkedPayloads: 0n });
      expect(r.problems).toEqual([]);
      expect(r.size).toBe(BigInt(total + 1));
      expect((await store.checkpoints(VAULT)).length).toBeGreaterThan(PROCESSES);
    } finally {
      await store.close();
    }
  });
});
