/**
 * Bundle verification: an evidence bundle of 100,000 author-signed records
 * (a real ledger on SQLite, exported by the real exporter), verified the way
 * `sealtrail verify BUNDLE --policy POLICY` does (JSON.parse of the bundle
 * text, then core's verifyBundle with the signatures on a worker per core),
 * beside the all-core Ed25519 verify ceiling measured just before and after
 * on the same machine.
 */
import { createVerifierPool, initialize, openContext } from "@sealtrail/server";
import { parseVerificationPolicy, verifyBundle } from "@sealtrail/core";
import { exportBundle } from "../packages/server/dist/bundle/export.js";
import { ed25519Ceiling } from "./ceiling.js";
import { registerAuthors, signRecords, verifyTasksOf } from "./records.js";
import { cleanup, cpuPerItem, log, now, tempDir, threadCpu } from "./util.js";

const VAULT = "default";
const BATCH = 4096;

/**
 * @param {{ records?: number, authors?: number, runs?: number }} opts
 */
export async function benchBundle(opts = {}) {
  const total = opts.records ?? 100_000;
  const runs = opts.runs ?? 2;
  const dir = tempDir("bundle");
  let text;
  let vkey;
  let tasks;
  try {
    const ctx = await openContext({ data: dir });
    try {
      await initialize(ctx.store, ctx.ledger, {});
      const authors = await registerAuthors(ctx.ledger, VAULT, opts.authors ?? 8);
      log(`bundle: signing ${total} records by ${authors.length} authors, appending them to a SQLite ledger (untimed)`);
      const subs = await signRecords(VAULT, authors, total);
      tasks = verifyTasksOf(subs.slice(0, 4096), authors);
      for (let i = 0; i < subs.length; i += BATCH) await ctx.ledger.append(VAULT, subs.slice(i, i + BATCH));
      await ctx.ledger.publish(VAULT);
      vkey = await ctx.ledger.verifierKey(VAULT);
      const t = now();
      const { bundle } = await exportBundle(ctx.store, VAULT, { query: { type: "sms.risk" } });
      text = JSON.stringify(bundle);
      log(`bundle: exported ${bundle.records.length} records (+${bundle.keys.length} key records), ${(text.length / 1e6).toFixed(1)} MB, in ${((now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await ctx.close();
    }
  } finally {
    cleanup(dir);
  }

  const policy = parseVerificationPolicy({ vkey });
  log("bundle: all-core Ed25519 ceiling (before)");
  const before = await ed25519Ceiling(tasks, 2000, { single: false });
  const pool = createVerifierPool();
  const results = [];
  try {
    // Workers started outside the window, as a long-running verifier would have them.
    await pool.verifyAll(tasks.slice(0, 256));
    for (let run = 0; run < runs; run++) {
      const cpu0 = threadCpu();
      const t0 = now();
      const bundle = JSON.parse(text);
      const tParsed = now();
      const report = await verifyBundle(bundle, policy, { verifySignatures: (x) => pool.verifyAll(x) });
      const ms = now() - t0;
      const cpu1 = threadCpu();
      if (!report.ok || report.counts.valid !== total + bundle.keys.length) {
        throw new Error(`bundle: verification failed: ${JSON.stringify(report.failures.slice(0, 3))} ${JSON.stringify(report.counts)}`);
      }
      const cpu = cpuPerItem(cpu0, cpu1, total);
      results.push({ ms, parseMs: tParsed - t0, rate: (total * 1000) / ms, cpu });
      log(`bundle: run ${run + 1}: ${total} records verified in ${(ms / 1000).toFixed(2)} s (JSON.parse ${(tParsed - t0).toFixed(0)} ms)`);
    }
  } finally {
    await pool.close();
  }
  log("bundle: all-core Ed25519 ceiling (after)");
  const after = await ed25519Ceiling(tasks, 2000, { single: false });
  const best = results.reduce((a, b) => (b.rate > a.rate ? b : a));
  return {
    records: total,
    bytes: text.length,
    runs: results,
    rate: best.rate,
    ms: best.ms,
    parseMs: best.parseMs,
    cpu: best.cpu,
    ceiling: {
      cores: before.cores,
      all: (before.all + after.all) / 2,
      before: before.all,
      after: after.all,
      cpuUsPerVerify: (before.cpuUsPerVerify + after.cpuUsPerVerify) / 2,
    },
  };
}
