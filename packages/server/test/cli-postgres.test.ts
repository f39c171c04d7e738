/**
 * The CLI on PostgreSQL: `--db URL` or DATABASE_URL selects it on every
 * command that takes --data, and `migrate` says what it applied, for either
 * engine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { SQLITE_MIGRATIONS } from "../src/store/sqlite/migrations.js";
import { hashLeaf, openCheckpoint, toHex } from "@sealtrail/core";
import { cli } from "./helpers/cli.js";
import { freshDatabase, type TestDatabase } from "./helpers/postgres.js";
import { tempDir } from "./helpers/temp-log.js";

describe("sealtrail CLI on PostgreSQL", () => {
  let db: TestDatabase;
  const tmp = tempDir();
  // --data is given a directory that must stay empty: with --db, nothing goes there.
  const data = join(tmp.dir, "unused");
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
    tmp.cleanup();
  });

  it("migrate applies each migration once and says so; commands refuse a database not initialised", async () => {
    const first = await cli(["migrate", "--db", db.url]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^postgres .*: applied 0001-ledger, 0002-access/);
    expect(first.out).not.toContain(new URL(db.url).password);
    const again = await cli(["migrate", "--db", db.url]);
    expect(again.out).toMatch(/up to date/);
    const noData = await cli(["checkpoint", "--db", db.url, "--vault", "default"]);
    expect(noData.code).toBe(1);
    expect(noData.err).toMatch(/sealtrail init --db/);
  });

  it("init, append, checkpoint, entry, proof and audit with --db", async () => {
    const init = await cli(["init", "--db", db.url, "--data", data, "--json"]);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.out)).toMatchObject({ created: true, operator: "operator", vault: "default" });
    const app = await cli(["append", "--db", db.url, "--vault", "default", "--type", "test.risk", "-"], JSON.stringify([{ a: 1 }, { a: 2 }]));
    expect(app.code).toBe(0);
    const res = JSON.parse(app.out) as { index: number; leafHash: string }[];
    expect(res.map((r) => r.index)).toEqual([1, 2]);
    const vkey = (await cli(["vkey", "--db", db.url, "--vault", "default"])).out.trim();
    const cp = await cli(["checkpoint", "--db", db.url, "--vault", "default"]);
    expect(openCheckpoint(cp.out, vkey).size).toBe(3n);
    const entry = await cli(["entry", "--db", db.url, "--vault", "default", "--index", "2"]);
    expect(toHex(hashLeaf(entry.bytes))).toBe(res[1]!.leafHash);
    expect((await cli(["proof", "--db", db.url, "--vault", "default", "--index", "1"])).code).toBe(0);
    const audit = await cli(["audit", "--db", db.url, "--vault", "default"]);
    expect(audit.out).toMatch(/3 entries.*\n[\s\S]*OK/);
    expect(audit.code).toBe(0);
  });

  it("DATABASE_URL selects the same database when --db is not given; other URLs are refused", async () => {
    const before = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      const r = await cli(["checkpoint", "--data", data, "--vault", "default", "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).size).toBe(3);
    } finally {
      if (before === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = before;
    }
    const bad = await cli(["checkpoint", "--db", "mysql://localhost/x", "--vault", "default"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/postgres:\/\//);
  });

  it("migrate --data on SQLite names what it applied to a new data directory", async () => {
    const dir = join(tmp.dir, "sqlite");
    const r = await cli(["migrate", "--data", dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sqlite .*: applied 1-ledger/);
    expect((await cli(["migrate", "--data", dir])).out).toMatch(/up to date/);
  });

  it("migrate --data on an SQLite database of an older schema names exactly the migrations it applied", async () => {
    const dir = join(tmp.dir, "sqlite-old");
    mkdirSync(dir, { recursive: true });
    const older = SQLITE_MIGRATIONS.slice(0, 4);
    const db = new Database(join(dir, "sealtrail.db"));
    for (const m of older) db.exec(m.sql);
    db.pragma(`user_version = ${older.at(-1)!.version}`);
    db.close();
    const r = await cli(["migrate", "--data", dir]);
    expect(r.code, r.err).toBe(0);
    const rest = SQLITE_MIGRATIONS.slice(4).map((m) => `${m.version}-${m.name}`);
    expect(rest.length).toBeGreaterThan(0);
    expect(r.out).toMatch(new RegExp(`: applied ${rest.join(", ")}\\n$`));
    expect((await cli(["migrate", "--data", dir])).out).toMatch(/up to date/);
  });
});
