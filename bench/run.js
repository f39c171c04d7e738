#!/usr/bin/env node
/**
 * SealTrail benchmarks. Each figure is printed beside this machine's own
 * ceiling measured in the same run, so the ratio holds on a noisy machine.
 * Speed is measured here only, never in timed tests.
 *
 *   node bench/run.js                      all: ceiling, ingest, latency, proofs, http
 *   node bench/run.js ingest proofs        some of them
 *   node bench/run.js --json               also print the results as JSON
 *   node bench/run.js ingest --records=20000 --concurrency=4 --request=1000
 *   node bench/run.js ingest --db=postgres://localhost/bench   ingest into PostgreSQL
 *   node bench/run.js proofs --entries=200000 --proofs=5000
 *   node bench/run.js bundle --bundle-records=100000 --bundle-runs=3   evidence bundle verification beside the ceiling
 *   node bench/run.js sms --sms-records=1000000 --sms-runs=3   SMS state, readiness, KPIs, gaps and maturity over N records
 *   node bench/run.js sms-ingest --sms-ingest-records=20000 --sms-ingest-runs=3 [--db=postgres://...]   SMS records through the ledger beside the same records of a plain type
 *   node bench/run.js latency --seconds=5 --rate=1000 --intervals=1000,100
 *   node bench/run.js stages --stage-records=20000   CPU per record of each append stage, one thread
 *   node bench/run.js custody --custody-events=10000   custody chain of one identifier
 *   node bench/run.js capture --capture-events=20000   EPCIS document capture into SQLite
 *   node bench/run.js files --file-mib=1024 --memory-mib=2048 --file-runs=3   evidence files over HTTP (directory store) beside SHA-256 and disk-write rates; server RSS during an upload
 *   node bench/run.js http                 server + load processes over loopback, SQLite and PostgreSQL
 *   node bench/run.js http --engines=sqlite --proof-engines=sqlite --batch-records=40000 --single-records=10000
 *       --keys=64 --open-rates=1000,250 --open-seconds=10 --entries=1000000 --http-proofs=20000
 *     (PostgreSQL: an embedded server, or the admin URL in SEALTRAIL_BENCH_PG_URL;
 *      --proof-engines= with no value skips the proofs at 1M)
 *
 * Run `npm run build` first (the root `bench` script does).
 */
import { availableParallelism } from "node:os";
import { ed25519Ceiling, sha256Ceiling } from "./ceiling.js";
import { benchHttp, httpRows } from "./http.js";
import { benchIngest } from "./ingest.js";
import { benchLatency } from "./latency.js";
import { benchProofs } from "./proofs.js";
import { benchBundle } from "./bundle.js";
import { benchStages, stagesRows } from "./stages.js";
import { benchCustody } from "./custody.js";
import { benchCapture } from "./capture.js";
import { benchSmsIngest, smsIngestRows } from "./sms-ingest.js";
import { benchSms, smsRows } from "./sms.js";
import { benchFiles, filesRows } from "./files.js";
import { makeAuthors, signRecords, verifyTasksOf } from "./records.js";
import { fmtMs, fmtPct, fmtRate, log, table } from "./util.js";

const BENCHES = ["ceiling", "stages", "ingest", "latency", "proofs", "http", "custody", "capture", "bundle", "sms", "sms-ingest", "files"];

const args = process.argv.slice(2);
const flags = Object.fromEntries(
  args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v] = a.slice(2).split("=");
    return [k, v ?? true];
  }),
);
const num = (k) => (flags[k] === undefined ? undefined : Number(flags[k]));
const names = args.filter((a) => !a.startsWith("--"));
for (const n of names) if (!BENCHES.includes(n)) throw new Error(`unknown benchmark "${n}": use ${BENCHES.join(", ")}`);
const selected = names.length === 0 ? BENCHES : names;

const results = { machine: { cores: availableParallelism(), node: process.version } };
const rows = [];
const started = performance.now();

if (selected.includes("ceiling")) {
  log("ceiling: signing 4096 sample records, then Ed25519 and SHA-256 rates");
  const authors = makeAuthors(8);
  const sample = await signRecords("default", authors, 4096);
  const ed = await ed25519Ceiling(verifyTasksOf(sample, authors));
  const sha = sha256Ceiling();
  results.ceiling = { ed25519: ed, sha256: sha };
  rows.push(["ceiling", "Ed25519 verify, 1 core", `${fmtRate(ed.single)} /s`, "", ""]);
  rows.push(["ceiling", `Ed25519 verify, ${ed.cores} cores (workers)`, `${fmtRate(ed.all)} /s`, `${fmtRate(ed.single * ed.cores)} /s (1 core x ${ed.cores})`, fmtPct(ed.all / (ed.single * ed.cores))]);
  rows.push(["ceiling", "SHA-256 of 64 B, node:crypto, 1 core", `${fmtRate(sha.raw)} /s`, "", `createHash ${fmtRate(sha.createHash)}, crypto.hash ${fmtRate(sha.oneShot)}`]);
  rows.push(["ceiling", "SHA-256 of 64 B, core sha256, 1 core", `${fmtRate(sha.sha256)} /s`, `${fmtRate(sha.raw)} /s raw`, fmtPct(sha.sha256 / sha.raw)]);
  rows.push(["ceiling", "hashChildren (RFC 6962 node), 1 core", `${fmtRate(sha.hashChildren)} /s`, `${fmtRate(sha.raw)} /s raw`, fmtPct(sha.hashChildren / sha.raw)]);
}

if (selected.includes("ingest")) {
  const r = await benchIngest({
    records: num("records"),
    requestSize: num("request"),
    concurrency: num("concurrency"),
    ...(typeof flags.db === "string" ? { db: flags.db } : {}),
  });
  results.ingest = r;
  rows.push([
    "ingest",
    `${r.total.toLocaleString("en-US")} signed records, ${r.requestSize}/request, ${r.concurrency} in flight, durable`,
    `${fmtRate(r.rate)} rec/s`,
    `${fmtRate(r.ceiling.all)} verify/s, ${r.ceiling.cores} cores (before ${fmtRate(r.ceiling.before)}, after ${fmtRate(r.ceiling.after)})`,
    fmtPct(r.rate / r.ceiling.all),
  ]);
  if (r.cpu !== null) {
    // Noise-proof view: CPU spent per record against CPU per bare
    // verification; on an idle machine the cores bound the rate at
    // cores / (CPU per record).
    const per = r.cpu.mainUs + r.cpu.otherUs;
    rows.push([
      "ingest",
      `CPU per record: main thread ${r.cpu.mainUs.toFixed(0)} us + other threads ${r.cpu.otherUs.toFixed(0)} us`,
      `${per.toFixed(0)} us/rec`,
      `${r.ceiling.cpuUsPerVerify.toFixed(0)} us per bare verify`,
      `${fmtPct(r.ceiling.cpuUsPerVerify / per)}; idle-machine bound ${fmtRate((r.ceiling.cores * 1e6) / per)} rec/s`,
    ]);
  }
}

if (selected.includes("latency")) {
  const intervals = String(flags.intervals ?? "1000,100").split(",").map(Number);
  results.latency = [];
  for (const intervalMs of intervals) {
    const r = await benchLatency({ intervalMs, rate: num("rate"), seconds: num("seconds") });
    results.latency.push(r);
    const what = `${r.rate}/s single appends, checkpoint ${intervalMs} ms`;
    rows.push([
      "latency",
      `${what}: ack p50 / p99`,
      `${fmtMs(r.ackP50)} / ${fmtMs(r.ackP99)}`,
      `1-row commit ${fmtMs(r.commitP50)} / ${fmtMs(r.commitP99)}`,
      `${r.batches} batches of ${r.batchMean.toFixed(1)}, each ${fmtMs(r.batchMsP50)} / ${fmtMs(r.batchMsP99)}; send lag p50/p99 ${fmtMs(r.lagP50)} / ${fmtMs(r.lagP99)}`,
    ]);
    rows.push([
      "latency",
      `${what}: checkpoint p50 / p99`,
      `${fmtMs(r.cpP50)} / ${fmtMs(r.cpP99)}`,
      `floor ~${fmtMs(intervalMs / 2)} / ~${fmtMs(intervalMs * 0.99)}`,
      `max ${fmtMs(r.cpMax)}, ${r.checkpoints} cps, sent ${fmtRate(r.achievedRate)}/s; event-loop delay p99/max ${fmtMs(r.loopDelayP99Ms)} / ${fmtMs(r.loopDelayMaxMs)}`,
    ]);
  }
}

if (selected.includes("stages")) {
  const r = await benchStages({ records: num("stage-records") });
  results.stages = r;
  rows.push(...stagesRows(r, { fmtRate, fmtPct }));
}

if (selected.includes("proofs")) {
  const r = await benchProofs({ entries: num("entries"), proofs: num("proofs") });
  results.proofs = r;
  const n = r.entries.toLocaleString("en-US");
  rows.push(["proofs", `build ${n} entries via store.sequence`, `${fmtRate((r.entries * 1000) / r.buildMs)} entries/s`, `${(r.buildMs / 1000).toFixed(1)} s`, ""]);
  const perProof = (rate) => `1 proof = ${(r.ceiling.raw / rate).toFixed(0)} hashes of time`;
  rows.push(["proofs", `${r.proofs.toLocaleString("en-US")} inclusionProof at ${n}, cold tile cache`, `${fmtRate(r.coldRate)} proofs/s`, `${fmtRate(r.ceiling.raw)} SHA-256/s (node:crypto)`, perProof(r.coldRate)]);
  rows.push(["proofs", `${r.warmProofs.toLocaleString("en-US")} inclusionProof at ${n}, warm tile cache`, `${fmtRate(r.warmRate)} proofs/s`, `${fmtRate(r.ceiling.raw)} SHA-256/s (node:crypto)`, perProof(r.warmRate)]);
  rows.push(["proofs", `verifyInclusion of ${r.verified} timed proofs (all valid)`, `${fmtRate(r.verifyRate)} /s`, `${fmtRate(r.ceiling.raw)} SHA-256/s`, `${r.avgProofLength.toFixed(1)} hashes/proof`]);
}

if (selected.includes("http")) {
  const list = (k) => (flags[k] === undefined ? undefined : flags[k] === true ? [] : String(flags[k]).split(",").filter((x) => x !== ""));
  const r = await benchHttp({
    engines: list("engines"),
    proofEngines: list("proof-engines"),
    batchRecords: num("batch-records"),
    batchInFlight: num("batch-in-flight"),
    singleRecords: num("single-records"),
    singleInFlight: num("single-in-flight"),
    openRates: list("open-rates")?.map(Number),
    openSeconds: num("open-seconds"),
    keys: num("keys"),
    entries: num("entries"),
    proofs: num("http-proofs"),
  });
  results.http = r;
  rows.push(...httpRows(r, { fmtMs, fmtPct, fmtRate }));
}

if (selected.includes("custody")) {
  const r = await benchCustody({ events: num("custody-events") });
  results.custody = r;
  rows.push([
    "custody",
    `custody chain of 1 identifier, ${r.events.toLocaleString("en-US")} events among ${(r.events + r.others).toLocaleString("en-US")}`,
    `${fmtMs(r.medianMs)} (median of 5)`,
    `${fmtRate(r.ceiling.raw)} SHA-256/s (node:crypto)`,
    `core custodyChain alone; ${r.stats.sealChecks} seal checks, ${r.stats.handoffs} handoffs`,
  ]);
  rows.push([
    "custody",
    `the same chain read from a SQLite vault (subject index, parse, memberships, judge)`,
    `${fmtMs(r.storeMedianMs)} (median of 5)`,
    `${fmtRate(r.ceiling.raw)} SHA-256/s (node:crypto)`,
    `goal < 200 ms: ${r.storeMedianMs < 200 ? "met" : "not met"}`,
  ]);
}

if (selected.includes("bundle")) {
  const r = await benchBundle({ records: num("bundle-records"), runs: num("bundle-runs") });
  results.bundle = r;
  rows.push([
    "bundle",
    `verify an evidence bundle of ${r.records.toLocaleString("en-US")} signed records (${(r.bytes / 1e6).toFixed(0)} MB JSON), ${r.ceiling.cores} cores`,
    `${fmtRate(r.rate)} rec/s`,
    `${fmtRate(r.ceiling.all)} verify/s, ${r.ceiling.cores} cores (mean of the ceilings just before and after that run)`,
    `${fmtPct(r.ratio)} (goal 90%), the median of ${r.runs.length} runs (best ${fmtPct(r.bestRatio)}); own process, file read untimed`,
  ]);
  if (r.cpu !== null) {
    const per = r.cpu.mainUs + r.cpu.otherUs;
    rows.push([
      "bundle",
      `CPU per record: main thread ${r.cpu.mainUs.toFixed(1)} us + workers ${r.cpu.otherUs.toFixed(1)} us`,
      `${per.toFixed(0)} us/rec`,
      `${r.ceiling.cpuUsPerVerify.toFixed(0)} us per bare verify`,
      `${fmtPct(r.ceiling.cpuUsPerVerify / per)}; idle-machine bound ${fmtRate((r.ceiling.cores * 1e6) / per)} rec/s`,
    ]);
  }
}

if (selected.includes("capture")) {
  const r = await benchCapture({ events: num("capture-events") });
  results.capture = r;
  rows.push([
    "capture",
    `EPCIS capture of ${r.events.toLocaleString("en-US")} events (scan, validate, hash, duplicates, sign, durable append)`,
    `${fmtRate(r.rate)} events/s`,
    `${fmtRate(r.ceiling)} verify/s, ${r.cores} cores (${fmtRate(r.ceilingBefore)} / ${fmtRate(r.ceilingAfter)})`,
    `${fmtPct(r.rate / r.ceiling)}; goal >= 5,000 events/s: ${r.rate >= 5000 ? "met" : "not met"}`,
  ]);
  const mb = (x) => `${(x / 1e6).toFixed(1)} MB`;
  rows.push(["capture", `live memory while capturing a ${mb(r.documentBytes)} document (peak above the start${globalThis.gc === undefined ? '; with garbage: run node --expose-gc' : ''})`, `heap ${mb(r.peakHeap)}, RSS ${mb(r.peakRss)}`, `${mb(r.documentBytes)} document`, `heap ${(r.peakHeap / r.documentBytes).toFixed(2)} x the document`]);
}

if (selected.includes("sms")) {
  const r = await benchSms({ records: num("sms-records"), runs: num("sms-runs") });
  results.sms = r;
  rows.push(...smsRows(r, { fmtMs, fmtRate }));
}

if (selected.includes("sms-ingest")) {
  const r = await benchSmsIngest({ records: num("sms-ingest-records"), runs: num("sms-ingest-runs"), ...(typeof flags.db === "string" ? { db: flags.db } : {}) });
  results.smsIngest = r;
  rows.push(...smsIngestRows(r, { fmtPct, fmtRate }));
}

if (selected.includes("files")) {
  const mib = (k) => (num(k) === undefined ? undefined : num(k) * 1024 * 1024);
  const r = await benchFiles({ bytes: mib("file-mib"), memoryBytes: mib("memory-mib"), runs: num("file-runs") });
  results.files = r;
  rows.push(...filesRows(r, { fmtPct }));
}

console.log(`\nSealTrail bench: ${results.machine.cores} cores, Node ${results.machine.node}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table(["bench", "what", "measured", "ceiling / floor (same run)", "ratio / note"], rows));
if (flags.json) {
  console.log(JSON.stringify(results, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2));
}
