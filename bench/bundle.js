/**
 * Bundle verification: an evidence bundle of 100,000 author-signed records
 * (a real ledger on SQLite, exported by the real exporter), verified the way
 * `sealtrail verify BUNDLE --policy POLICY` does, in a process of its own
 * (bundle-verify.js: core's verifyBundleText over the file's text, the
 * signatures on a worker per core), beside the all-core Ed25519 verify
 * ceiling measured just before and after on the same machine.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { initialize, openContext } from "@sealtrail/server";
import { exportBundle } from "../packages/server/dist/bundle/export.js";
import { ed25519Ceiling } from "./ceiling.js";
import { registerAuthors, signRecords, verifyTasksOf } from "./records.js";
import { cleanup, log, now, tempDir } from "./util.js";

const VAULT = "default";
const CHILD = new URL("./bundle-verify.js", import.meta.url).pathname;
const BATCH = 4096;

/**
 * @param {{ records?: number, authors?: number, runs?: number }} opts
 */
export async function benchBundle(opts = {}) {
  const total = opts.records ?? 100_000;
  const runs = opts.runs ?? 2;
  const dir = tempDir("bundle");
  let text;
  let bytes = 0;
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
      bytes = text.length;
      log(`bundle: exported ${bundle.records.length} records (+${bundle.keys.length} key records), ${(text.length / 1e6).toFixed(1)} MB, in ${((now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await ctx.close();
    }
  } finally {
    cleanup(dir);
  }

  log("bundle: all-core Ed25519 ceiling (before)");
  const before = await ed25519Ceiling(tasks, 2000, { single: false });
  const results = [];
  const files = tempDir("bundle-files");
  try {
    const bundleFile = join(files, "bundle.json");
    const policyFile = join(files, "policy.json");
    writeFileSync(bundleFile, text);
    writeFileSync(policyFile, JSON.stringify({ vkey }));
    text = null; // the child reads the file, as the command does
    const out = execFileSync(process.execPath, [CHILD, bundleFile, policyFile, String(runs)], { encoding: "utf8", maxBuffer: 1 << 20 });
    for (const line of out.trim().split("\n")) {
      const r = JSON.parse(line);
      if (!r.ok || r.counts.valid !== r.records) throw new Error(`bundle: verification failed: ${JSON.stringify(r.failures)} ${JSON.stringify(r.counts)}`);
      results.push({ ms: r.ms, readMs: r.readMs, rate: (total * 1000) / r.ms, cpu: r.cpu });
      log(`bundle: run ${results.length}: ${total} records verified in ${(r.ms / 1000).toFixed(2)} s (reading the file took ${r.readMs.toFixed(0)} ms, untimed)`);
    }
  } finally {
    cleanup(files);
  }
  log("bundle: all-core Ed25519 ceiling (after)");
  const after = await ed25519Ceiling(tasks, 2000, { single: false });
  const best = results.reduce((a, b) => (b.rate > a.rate ? b : a));
  return {
    records: total,
    bytes,
    runs: results,
    rate: best.rate,
    ms: best.ms,
    readMs: best.readMs,
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
