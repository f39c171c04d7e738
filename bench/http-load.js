#!/usr/bin/env node
/**
 * The load-generating process of the HTTP benchmark (bench/http.js forks it):
 * a separate process, so that the server's CPU and the clients' CPU are two
 * processes as in production, talking HTTP/1.1 over loopback with keep-alive
 * agents (node:http, no extra packages). It plays the clients: signs records
 * with the authors' own keys before any timing (core's buildRecord, one
 * worker per core), pre-serialises request bodies, then runs what the parent
 * asks over IPC and answers with what it measured:
 *
 *   { op: "sign", vault, authors, count, sample }           -> { ms, sample }
 *   { op: "closed", base, tokens, from, count, perRequest, inFlight }
 *   { op: "open", base, tokens, from, count, rate, sockets }
 *   { op: "proofs", base, tokens, vault, count, inFlight, entries, vkey, verify, seed }
 *   { op: "exit" }
 *
 * Every request carries one of `tokens` in turn (API keys of one
 * organisation), so that the server's per-key rate limit (200 req/s, burst
 * 400 by default) does not throttle the run; 429 and 503 answers are retried
 * after their Retry-After and counted.
 */
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { verifyTlogProof } from "@sealtrail/core";
import { signRecords } from "./records.js";
import { entryOf, rng } from "./synthetic.js";
import { now, percentile } from "./util.js";

let subs = [];

// The parent going away ends the clients too.
process.on("disconnect", () => process.exit(1));

process.on("message", (m) => {
  handle(m).then(
    (r) => process.send({ id: m.id, ok: true, result: r }),
    (e) => process.send({ id: m.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
  );
});

async function handle(m) {
  switch (m.op) {
    case "sign":
      return sign(m);
    case "closed":
      return closedLoop(m);
    case "open":
      return openLoop(m);
    case "proofs":
      return proofs(m);
    case "exit":
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`http-load: unknown op ${m.op}`);
  }
}

async function sign({ vault, authors, count, sample }) {
  const t = now();
  subs = await signRecords(vault, authors, count);
  return { ms: now() - t, sample: subs.slice(0, sample) };
}

/** One HTTP request on a keep-alive agent; resolves with status, headers and body. */
function request(agent, base, method, path, token, body) {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = body.length;
    }
    const req = http.request({ host: base.hostname, port: base.port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Send until answered with a success: 429 and 503 are waited out (their
 * Retry-After) and counted; anything else that is not `expect` is an error.
 */
async function send(ctx, method, path, body, expect) {
  for (;;) {
    const token = ctx.tokens[ctx.next++ % ctx.tokens.length];
    const res = await request(ctx.agent, ctx.base, method, path, token, body);
    if (res.status === expect) return res;
    if (res.status === 429 || res.status === 503) {
      ctx.retries[res.status] = (ctx.retries[res.status] ?? 0) + 1;
      await sleep(Number(res.headers["retry-after"] ?? 1) * 1000);
      continue;
    }
    throw new Error(`http-load: ${method} ${path} answered ${res.status}: ${res.body.toString("utf8").slice(0, 400)}`);
  }
}

function clientContext(base, tokens, maxSockets) {
  return {
    base: new URL(base),
    tokens,
    next: 0,
    retries: {},
    agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
  };
}

function bodiesOf(from, count, perRequest) {
  const bodies = [];
  for (let i = from; i < from + count; i += perRequest) {
    const n = Math.min(perRequest, from + count - i);
    bodies.push({ n, body: Buffer.from(JSON.stringify(perRequest === 1 ? subs[i] : { records: subs.slice(i, i + n) })) });
  }
  return bodies;
}

function checkAck(res, n) {
  const r = JSON.parse(res.body.toString("utf8"));
  if (!Array.isArray(r.results) || r.results.length !== n) throw new Error(`http-load: ${n} records sent, ${r.results?.length} acknowledged`);
  return r.results;
}

/**
 * `n` requests from `inFlight` clients, each sending its next as soon as
 * its last is answered: `request(k)` sends request k, `answered(k, res)`
 * checks its answer (outside its latency). Timed from the first send to the
 * last answer, with each request's latency and this process's CPU.
 */
async function timedClients(ctx, n, inFlight, request, answered) {
  const latencies = new Float64Array(n);
  let next = 0;
  const client = async () => {
    while (next < n) {
      const k = next++;
      const t = now();
      const res = await request(k);
      latencies[k] = now() - t;
      answered(k, res);
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await Promise.all(Array.from({ length: inFlight }, client));
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  ctx.agent.destroy();
  return { ms, latencies, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** `inFlight` clients, each sending its next request as soon as the last is answered. */
async function closedLoop({ base, tokens, vault, from, count, perRequest, inFlight }) {
  if (from + count > subs.length) throw new Error("http-load: not enough signed records");
  const bodies = bodiesOf(from, count, perRequest);
  const ctx = clientContext(base, tokens, inFlight);
  const path = `/v1/vaults/${vault}/records`;
  let acked = 0;
  const { ms, latencies, cpuMs } = await timedClients(
    ctx,
    bodies.length,
    inFlight,
    (k) => send(ctx, "POST", path, bodies[k].body, 201),
    (k, res) => {
      acked += checkAck(res, bodies[k].n).length;
    },
  );
  if (acked !== count) throw new Error(`http-load: ${acked} acknowledged of ${count}`);
  return {
    records: count,
    requests: bodies.length,
    ms,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    retries: ctx.retries,
    cpuMs,
  };
}

/**
 * Open loop: single-record appends scheduled at `rate`/s whatever the
 * answers; each latency runs from the scheduled send to the answer, so a
 * late send is charged to its record (no coordinated omission).
 */
async function openLoop({ base, tokens, vault, from, count, rate, sockets }) {
  if (from + count > subs.length) throw new Error("http-load: not enough signed records");
  const bodies = bodiesOf(from, count, 1);
  // At most `sockets` connections: past the server's listen backlog (511 in
  // Node) a burst of new connections to a busy server is reset. Requests
  // beyond them wait in the agent, and their latency still counts from
  // their scheduled time.
  const ctx = clientContext(base, tokens, sockets);
  const path = `/v1/vaults/${vault}/records`;
  const latency = new Float64Array(count);
  const lag = new Float64Array(count);
  const inflight = [];
  const period = 1000 / rate;
  const cpu0 = process.cpuUsage();
  const t0 = now() + 10;
  let i = 0;
  let maxOpen = 0;
  let open = 0;
  while (i < count) {
    const wait = t0 + i * period - now();
    if (wait > 1) await sleep(wait - 0.5);
    const t = now();
    while (i < count && t0 + i * period <= t + 0.05) {
      const k = i++;
      const scheduled = t0 + k * period;
      lag[k] = t - scheduled;
      open++;
      if (open > maxOpen) maxOpen = open;
      inflight.push(
        send(ctx, "POST", path, bodies[k].body, 201).then((res) => {
          latency[k] = now() - scheduled;
          open--;
          checkAck(res, 1);
        }),
      );
    }
    if (i < count && t0 + i * period <= now()) await new Promise((r) => setImmediate(r));
  }
  const sendMs = now() - t0;
  await Promise.all(inflight);
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  ctx.agent.destroy();
  return {
    records: count,
    rate,
    achievedRate: (count * 1000) / sendMs,
    ms,
    p50: percentile(latency, 50),
    p99: percentile(latency, 99),
    max: Math.max(...latency),
    lagP99: percentile(lag, 99),
    maxInFlight: maxOpen,
    sockets,
    retries: ctx.retries,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * Inclusion proofs of random indices: `count` with `inFlight` at once
 * (throughput), then a sample verified in full with core's verifyTlogProof
 * (checkpoint signature, entry hash, path) against the vault's verifier key.
 */
async function proofs({ base, tokens, vault, count, inFlight, entries, vkey, verify, seed }) {
  const rand = rng(seed);
  const indices = Array.from({ length: count }, () => 1 + Math.floor(rand() * (entries - 1)));
  const ctx = clientContext(base, tokens, inFlight);
  const texts = new Array(count);
  const { ms, latencies, cpuMs } = await timedClients(
    ctx,
    count,
    inFlight,
    (k) => send(ctx, "GET", `/v1/vaults/${vault}/proofs/inclusion?index=${indices[k]}`, undefined, 200),
    (k, res) => {
      if (k % Math.max(1, Math.floor(count / verify)) === 0) texts[k] = res.body;
    },
  );
  // The bench cannot lie: verify a sample of what it timed.
  let verified = 0;
  for (let k = 0; k < count; k++) {
    if (texts[k] === undefined) continue;
    const v = verifyTlogProof(texts[k], entryOf(indices[k]), vkey);
    if (v.index !== BigInt(indices[k]) || v.size !== BigInt(entries)) throw new Error(`http-load: proof of ${indices[k]} is for index ${v.index} at size ${v.size}`);
    verified++;
  }
  return {
    proofs: count,
    inFlight,
    ms,
    rate: (count * 1000) / ms,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    verified,
    retries: ctx.retries,
    cpuMs,
  };
}
