/**
 * The multi-party HTTP API under load: a real server process
 * (`sealtrail serve`, SQLite in a data dir or PostgreSQL by URL) and a
 * separate load-generating process (bench/http-load.js) on loopback.
 *
 * Clients write as an organisation of their own, as partners do: the
 * operator's bootstrap API key (parsed from the server's first-start output)
 * creates the organisation, its membership of the vault and an admin API key
 * for it; that key registers the organisation's Ed25519 key (a sealtrail.key
 * record signed by it) and creates one write key per load connection; every
 * record is pre-signed by the organisation before timing. The server runs as
 * shipped: `serve` has no rate-limit flag, so the load spreads its requests
 * over many API keys to stay under the default per-key limit.
 *
 * Measured per engine: records/s with batches of 100 per request, records/s
 * with single-record requests, ack latency p50/p99 of single appends under an
 * open-loop load; then inclusion proofs over HTTP at 1M entries (the log
 * built through store.sequence before the server starts). Each figure stands
 * beside the all-core Ed25519 verification ceiling measured just before and
 * after it, and the CPU each process spent on it.
 */
import { fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildKeyRecord } from "@sealtrail/core";
import { openContext, initialize, operatorKey } from "@sealtrail/server";
import { ed25519Ceiling } from "./ceiling.js";
import { startBenchPostgres } from "./postgres.js";
import { makeAuthors, verifyTasksOf } from "./records.js";
import { buildSyntheticLog } from "./synthetic.js";
import { cleanup, log, processCpu, processTreeCpu, tempDir } from "./util.js";

const VAULT = "default";
const CLI = fileURLToPath(new URL("../packages/server/bin/sealtrail.js", import.meta.url));
const LOAD = fileURLToPath(new URL("./http-load.js", import.meta.url));

// Every child this process starts is killed if it exits first, even on an error.
const children = new Set();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Fork the load process; `call(msg)` resolves with its answer. */
function startLoad() {
  const child = fork(LOAD, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  const pending = new Map();
  let seq = 0;
  child.on("message", (m) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(new Error(`load process: ${m.error}`));
  });
  child.on("exit", (code, signal) => {
    children.delete(child);
    for (const p of pending.values()) p.reject(new Error(`load process exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    pid: child.pid,
    call(msg) {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        child.send({ ...msg, id });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      await this.call({ op: "exit" }).catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/**
 * Spawn `sealtrail serve` on a free port; resolves once it listens, with its
 * URL and the operator's bootstrap API key it printed on first start.
 */
async function startServer(loc) {
  // SEALTRAIL_BENCH_SERVER_NODE_ARGS: node flags for the server only, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" (then: node bench/profile.js).
  const nodeArgs = (process.env.SEALTRAIL_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const args = [...nodeArgs, CLI, "serve", "--data", loc.data, "--port", "0", "--host", "127.0.0.1", ...(loc.db !== undefined ? ["--db", loc.db] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) log(`server ${child.pid} exited unasked (${code ?? signal}):\n${stderr.slice(-4000)}`);
  });
  let stopping = false;
  let token = null;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${stderr}`)), 60_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      stderr += d;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
      token ??= /operator API key \(shown once, keep it safe\): (stk_\S+)/.exec(stderr)?.[1] ?? null;
      const m = /SealTrail listening on (http:\/\/\S+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  if (token === null) throw new Error(`server printed no operator API key:\n${stderr}`);
  return {
    url,
    token,
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM"); // serve closes the app and the store on SIGTERM
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

async function api(server, token, method, path, body) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text.startsWith("{") ? JSON.parse(text) : text;
}

/** API keys of `org` for the load, each able to `scope`; created by `adminToken`. */
async function loadKeys(server, adminToken, org, n, scope) {
  const tokens = [];
  for (let i = 0; i < n; i++) {
    const r = await api(server, adminToken, "POST", `/v1/orgs/${org}/api-keys`, { name: `bench-load-${i + 1}`, vaults: [VAULT], ...scope });
    tokens.push(r.token);
  }
  return tokens;
}

/**
 * A partner organisation as a client sets it up: created by the operator,
 * made a member that may write any type, its own admin key, its signing key
 * registered in the log, and `keys` write keys for the load connections.
 */
async function setUpAuthor(server, author, keys) {
  await api(server, server.token, "POST", "/v1/orgs", { id: author.org, name: `Bench ${author.org}`, country: "NL", roles: ["carrier"] });
  await api(server, server.token, "PUT", `/v1/vaults/${VAULT}/members/${author.org}`, { read: true, write: ["*"] });
  const admin = await api(server, server.token, "POST", `/v1/orgs/${author.org}/api-keys`, { name: "bench-admin", admin: true, write: ["*"] });
  const rec = buildKeyRecord({ vault: VAULT, author: author.org, seed: author.seed, action: "register", publicKey: author.publicKey });
  await api(server, admin.token, "POST", `/v1/vaults/${VAULT}/records`, { entry: rec.signed });
  return loadKeys(server, admin.token, author.org, keys, { read: true, write: ["*"] });
}

/**
 * Run `fn` between two all-core Ed25519 ceiling runs on the same signatures
 * (the machine is shared and its speed drifts), with the CPU the server, the
 * load process and PostgreSQL spent on it.
 */
async function measured(tasks, pids, fn) {
  const before = await ed25519Ceiling(tasks, 2000, { single: false });
  const cpu0 = { server: processCpu(pids.server), pg: pids.pg === null ? NaN : processTreeCpu(pids.pg) };
  const r = await fn();
  const cpu1 = { server: processCpu(pids.server), pg: pids.pg === null ? NaN : processTreeCpu(pids.pg) };
  const after = await ed25519Ceiling(tasks, 2000, { single: false });
  return {
    ...r,
    ceiling: { cores: before.cores, all: (before.all + after.all) / 2, before: before.all, after: after.all },
    cpu: { serverMs: cpu1.server - cpu0.server, loadMs: r.cpuMs, pgMs: cpu1.pg - cpu0.pg },
  };
}

const DEFAULTS = {
  engines: ["sqlite", "postgres"],
  proofEngines: ["sqlite", "postgres"],
  batchRecords: 40_000,
  batchSize: 100,
  batchInFlight: 8,
  singleRecords: 5_000,
  singleInFlight: 64,
  openRates: [1000, 250],
  openSeconds: 10,
  openSockets: 256,
  keys: 64,
  entries: 1_000_000,
  proofs: 20_000,
  proofsInFlight: 16,
  warmProofs: 2000,
};

/**
 * @param {Partial<typeof DEFAULTS>} opts
 */
export async function benchHttp(opts = {}) {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  const warm = 600;
  const openRecords = o.openRates.reduce((s, rate) => s + Math.round(rate * o.openSeconds), 0);
  const ranges = {
    warm: [0, warm],
    batch: [warm, o.batchRecords],
    single: [warm + o.batchRecords, o.singleRecords],
    open: [warm + o.batchRecords + o.singleRecords, openRecords],
  };
  // Without appends, the records signed serve only as the ceiling's sample.
  const total = o.engines.length === 0 ? 4096 : warm + o.batchRecords + o.singleRecords + openRecords;
  const result = { options: o, engines: {}, proofs: {} };
  const load = startLoad();
  let pg = null;
  const stops = [];
  try {
    // One organisation and its key: the same pre-signed records serve every
    // engine (each engine gets a log of its own).
    const [author] = makeAuthors(1);
    log(`http: the load process signs ${total.toLocaleString("en-US")} records as ${author.org} (clients' work, untimed)`);
    const signed = await load.call({ op: "sign", vault: VAULT, authors: [{ org: author.org, seed: author.seed }], count: total, sample: 4096 });
    log(`http: signed in ${(signed.ms / 1000).toFixed(1)} s`);
    const tasks = verifyTasksOf(signed.sample, [author]);

    const engineNeeded = [...new Set([...o.engines, ...o.proofEngines])];
    if (engineNeeded.includes("postgres")) {
      pg = await startBenchPostgres();
      stops.push(() => pg.stop());
    }
    const locationOf = async (engine, label) => {
      const dir = tempDir(`http-${label}-${engine}`);
      if (engine === "sqlite") return { data: dir, drop: async () => cleanup(dir) };
      const db = await pg.freshDatabase();
      return {
        data: dir,
        db: db.url,
        drop: async () => {
          await db.drop();
          cleanup(dir);
        },
      };
    };

    for (const engine of o.engines) {
      const loc = await locationOf(engine, "append");
      const server = await startServer(loc);
      const stop = async () => {
        await server.stop();
        await loc.drop();
      };
      stops.push(stop);
      const pids = { server: server.pid, pg: engine === "postgres" ? (pg.postmasterPid ?? null) : null };
      const r = {};
      log(`http ${engine}: server at ${server.url}; setting up ${author.org} with ${o.keys} API keys`);
      const tokens = await setUpAuthor(server, author, o.keys);
      const base = { base: server.url, tokens, vault: VAULT };
      // Warm-up, untimed: connections, JIT, caches.
      await load.call({ op: "closed", ...base, from: ranges.warm[0], count: 200, perRequest: 100, inFlight: 2 });
      await load.call({ op: "closed", ...base, from: ranges.warm[0] + 200, count: warm - 200, perRequest: 1, inFlight: 16 });

      log(`http ${engine}: ${o.batchRecords} records in batches of ${o.batchSize}, ${o.batchInFlight} requests in flight`);
      r.batch = await measured(tasks, pids, () =>
        load.call({ op: "closed", ...base, from: ranges.batch[0], count: ranges.batch[1], perRequest: o.batchSize, inFlight: o.batchInFlight }),
      );
      log(`http ${engine}: ${o.singleRecords} single-record requests, ${o.singleInFlight} in flight`);
      r.single = await measured(tasks, pids, () =>
        load.call({ op: "closed", ...base, from: ranges.single[0], count: ranges.single[1], perRequest: 1, inFlight: o.singleInFlight }),
      );
      r.open = [];
      let from = ranges.open[0];
      for (const rate of o.openRates) {
        const count = Math.round(rate * o.openSeconds);
        log(`http ${engine}: open loop, ${rate} single appends/s for ${o.openSeconds} s`);
        r.open.push(await measured(tasks, pids, () => load.call({ op: "open", ...base, from, count, rate, sockets: o.openSockets })));
        from += count;
      }
      result.engines[engine] = r;
      await stop();
      stops.splice(stops.indexOf(stop), 1);
    }

    for (const engine of o.proofEngines) {
      const loc = await locationOf(engine, "proofs");
      const stopLoc = async () => loc.drop();
      stops.push(stopLoc);
      // Build the log before the server starts, as bench/proofs.js does.
      const ctx = await openContext({ data: loc.data, db: loc.db });
      let buildMs;
      try {
        await initialize(ctx.store, ctx.ledger, {});
        const op = await operatorKey(ctx.store);
        // PostgreSQL: at most the ledger's own batch (4096). Larger sequencing
        // transactions fail there today: the entries insert is chunked for 10
        // columns, and with 11 a chunk passes 65,535 bind parameters.
        const batch = engine === "postgres" ? 4096 : 10_000;
        ({ buildMs } = await buildSyntheticLog(ctx, VAULT, op, o.entries, { batch, label: `http ${engine} proofs` }));
        const cp = await ctx.ledger.publish(VAULT);
        if (cp === null || cp.size !== BigInt(o.entries)) throw new Error("http: no checkpoint of the whole log");
      } finally {
        await ctx.close();
      }
      const server = await startServer(loc);
      const stop = async () => server.stop();
      stops.push(stop);
      const pids = { server: server.pid, pg: engine === "postgres" ? (pg.postmasterPid ?? null) : null };
      const tokens = await loadKeys(server, server.token, "operator", o.keys, { read: true, write: [] });
      const vkey = await api(server, server.token, "GET", `/v1/vaults/${VAULT}/vkey`);
      const call = { op: "proofs", base: server.url, tokens, vault: VAULT, entries: o.entries, vkey: vkey.trim(), verify: 500 };
      log(`http ${engine}: ${o.proofs} inclusion proofs at ${o.entries.toLocaleString("en-US")} entries, ${o.proofsInFlight} in flight (server tile cache cold at start)`);
      const loaded = await measured(tasks, pids, () => load.call({ ...call, count: o.proofs, inFlight: o.proofsInFlight, seed: 28000 }));
      log(`http ${engine}: ${o.warmProofs} more, one at a time (warm)`);
      const single = await load.call({ ...call, count: o.warmProofs, inFlight: 1, seed: 6962, verify: 100 });
      result.proofs[engine] = { entries: o.entries, buildMs, loaded, single };
      await stop();
      stops.splice(stops.indexOf(stop), 1);
      await stopLoc();
      stops.splice(stops.indexOf(stopLoc), 1);
    }
    return result;
  } finally {
    await load.stop();
    // Servers before their databases, databases before PostgreSQL itself.
    for (const s of stops.reverse()) await s().catch((e) => log(`http: cleanup: ${e instanceof Error ? e.message : e}`));
  }
}

// Goals on 2 cores, records/s in batches of 100.
const BATCH_GOAL = { sqlite: 10_000, postgres: 5_000 };

/** The rows of the closing table for a {@link benchHttp} result. */
export function httpRows(r, { fmtMs, fmtPct, fmtRate }) {
  const rows = [];
  const ceil = (x) => `${fmtRate(x.ceiling.all)} verify/s, ${x.ceiling.cores} cores (${fmtRate(x.ceiling.before)} / ${fmtRate(x.ceiling.after)})`;
  const cpuNote = (x, per, unit) => {
    const parts = [`server ${((x.cpu.serverMs * 1000) / per).toFixed(0)}`, `load ${((x.cpu.loadMs * 1000) / per).toFixed(0)}`];
    if (Number.isFinite(x.cpu.pgMs)) parts.push(`postgres ${((x.cpu.pgMs * 1000) / per).toFixed(0)}`);
    return `CPU us/${unit}: ${parts.join(", ")}`;
  };
  const retried = (x) => {
    const n = Object.entries(x.retries ?? {}).map(([s, c]) => `${c} x ${s}`);
    return n.length > 0 ? `; retried ${n.join(", ")}` : "";
  };
  const keys = r.options.keys;
  if (Object.keys(r.engines).length > 0) {
    const maxRate = Math.max(...r.options.openRates);
    rows.push([
      "http",
      "per-key rate limit: serve runs with its default (--rate-limit 200)",
      `${keys} API keys`,
      "200 req/s, burst 400 per key (default)",
      `each load request takes the next key in turn; single appends at ${fmtRate(maxRate)}/s need >= ${Math.ceil(maxRate / 200)} keys`,
    ]);
  }
  for (const [engine, e] of Object.entries(r.engines)) {
    const b = e.batch;
    const rate = (b.records * 1000) / b.ms;
    const goal = BATCH_GOAL[engine];
    rows.push([
      `http ${engine}`,
      `${b.records.toLocaleString("en-US")} records, ${b.records / b.requests}/request, ${r.options.batchInFlight} requests in flight`,
      `${fmtRate(rate)} rec/s`,
      ceil(b),
      `${fmtPct(rate / b.ceiling.all)}${goal === undefined ? "" : ` (goal >= ${fmtRate(goal)}: ${rate >= goal ? "met" : "not met"})`}; request p50/p99 ${fmtMs(b.p50)} / ${fmtMs(b.p99)}; ${cpuNote(b, b.records, "rec")}${retried(b)}`,
    ]);
    const s = e.single;
    const srate = (s.records * 1000) / s.ms;
    rows.push([
      `http ${engine}`,
      `${s.records.toLocaleString("en-US")} single-record requests, ${r.options.singleInFlight} in flight, ${keys} API keys`,
      `${fmtRate(srate)} rec/s`,
      ceil(s),
      `${fmtPct(srate / s.ceiling.all)}; request p50/p99 ${fmtMs(s.p50)} / ${fmtMs(s.p99)}; ${cpuNote(s, s.records, "rec")}${retried(s)}`,
    ]);
    for (const op of e.open) {
      rows.push([
        `http ${engine}`,
        `open loop ${op.rate}/s single appends, ${(op.records / op.rate).toFixed(0)} s, ${keys} API keys: ack p50 / p99`,
        `${fmtMs(op.p50)} / ${fmtMs(op.p99)}`,
        ceil(op),
        `max ${fmtMs(op.max)}, sent ${fmtRate(op.achievedRate)}/s (send lag p99 ${fmtMs(op.lagP99)}), ${op.maxInFlight} max in flight on ${op.sockets} connections, all answered in ${(op.ms / 1000).toFixed(1)} s; ${cpuNote(op, op.records, "rec")}${retried(op)}`,
      ]);
    }
  }
  for (const [engine, p] of Object.entries(r.proofs)) {
    const n = p.entries.toLocaleString("en-US");
    rows.push([`http ${engine}`, `build ${n} entries via store.sequence (before serve)`, `${fmtRate((p.entries * 1000) / p.buildMs)} entries/s`, `${(p.buildMs / 1000).toFixed(1)} s`, ""]);
    const l = p.loaded;
    rows.push([
      `http ${engine}`,
      `${l.proofs.toLocaleString("en-US")} GET proofs/inclusion at ${n}, ${l.inFlight} in flight, from cold`,
      `${fmtRate(l.rate)} proofs/s`,
      ceil(l),
      `p50/p99 ${fmtMs(l.p50)} / ${fmtMs(l.p99)}; ${l.verified} verified (verifyTlogProof); ${cpuNote(l, l.proofs, "proof")}${retried(l)}`,
    ]);
    const s = p.single;
    rows.push([
      `http ${engine}`,
      `${s.proofs.toLocaleString("en-US")} GET proofs/inclusion at ${n}, 1 in flight, warm`,
      `${fmtMs(s.p50)} / ${fmtMs(s.p99)}`,
      `p50 / p99`,
      `${fmtRate(s.rate)} proofs/s; ${s.verified} verified${retried(s)}`,
    ]);
  }
  return rows;
}
