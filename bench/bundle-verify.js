/**
 * Child process of the bundle bench: verifies a bundle file the way
 * `sealtrail verify BUNDLE --policy POLICY` does, in a process of its own
 * (as the command runs): the file's bytes read (untimed), then core's
 * verifyBundleBytes with the signatures on a worker per core. Prints one JSON
 * line per run: wall time and CPU per record on the main thread and on the
 * others.
 *
 *   node bench/bundle-verify.js BUNDLE POLICY [RUNS]
 */
import { readFileSync } from "node:fs";
import { createVerifierPool } from "@sealtrail/server";
import { ed25519Sign, generateEd25519KeyPair, packSignatureTasks, parseVerificationPolicy, utf8, verifyBundleBytes } from "@sealtrail/core";
import { cpuPerItem, now, threadCpu } from "./util.js";

const [bundleFile, policyFile, runsArg] = process.argv.slice(2);
const policy = parseVerificationPolicy(readFileSync(policyFile, "utf8"));
const t = now();
const bytes = readFileSync(bundleFile);
const readMs = now() - t;
const pool = createVerifierPool();
try {
  // Workers started outside the window, as a long-running verifier would have them.
  const k = generateEd25519KeyPair();
  const warm = Array.from({ length: 128 }, (_, i) => ({ publicKey: k.publicKey, message: utf8(`warm-up ${i}`), signature: ed25519Sign(k.seed, utf8(`warm-up ${i}`)) }));
  await Promise.all(Array.from({ length: 2 * pool.threads }, () => pool.verifyPacked(packSignatureTasks(warm), warm.length)));
  for (let run = 0; run < Number(runsArg ?? 2); run++) {
    const cpu0 = threadCpu();
    const t0 = now();
    const report = await verifyBundleBytes(bytes, policy, {
      verifyPacked: (packed, count) => pool.verifyPacked(packed, count),
      batchesInFlight: 4 * pool.threads,
    });
    const ms = now() - t0;
    const cpu1 = threadCpu();
    const n = report.records.length;
    process.stdout.write(JSON.stringify({ ok: report.ok, counts: report.counts, failures: report.failures.slice(0, 3), records: n, ms, readMs, cpu: cpuPerItem(cpu0, cpu1, n) }) + "\n");
  }
} finally {
  await pool.close();
}
