/**
 * The machine's own ceilings, measured in the same run as the figures they
 * stand beside: Ed25519 verifications/s (one core, all cores), SHA-256
 * hashes/s of 64-byte inputs, and the latency of one durable SQLite commit.
 */
import crypto, { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { sha256, hashChildren } from "@sealtrail/core";
import { now } from "./util.js";

const CEILING_WORKER = new URL("./ceiling-worker.js", import.meta.url);

async function verifyRate(tasks, parties, durationMs) {
  const barrier = new SharedArrayBuffer(4);
  const runs = [];
  for (let i = 0; i < parties; i++) {
    runs.push(
      new Promise((resolve, reject) => {
        const w = new Worker(CEILING_WORKER, { workerData: { tasks, durationMs, barrier, parties } });
        w.once("message", (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once("error", reject);
      }),
    );
  }
  const results = await Promise.all(runs);
  if (results.some((r) => r.bad > 0)) throw new Error("ceiling: a pre-made signature did not verify");
  return {
    total: results.reduce((s, r) => s + (r.count * 1000) / r.ms, 0),
    perThread: results.map((r) => (r.count * 1000) / r.ms),
    // CPU cost of one verification, whatever share of the cores the
    // machine gave: the noise-proof figure.
    cpuUsPerVerify: (results.reduce((s, r) => s + r.cpuMs, 0) * 1000) / results.reduce((s, r) => s + r.count, 0),
  };
}

/**
 * Ed25519 verifications/s with core's ed25519Verify over `tasks`: one worker
 * alone, then one worker per core at once (rates summed).
 */
export async function ed25519Ceiling(tasks, durationMs = 2000, { single = true } = {}) {
  const cores = availableParallelism();
  const one = single ? (await verifyRate(tasks, 1, durationMs)).total : NaN;
  const all = await verifyRate(tasks, cores, durationMs);
  return { cores, single: one, all: all.total, perThread: all.perThread, cpuUsPerVerify: all.cpuUsPerVerify };
}

/**
 * SHA-256 of 64-byte inputs per second on one core: raw node:crypto (the
 * ceiling: the faster of createHash and the one-shot crypto.hash of Node
 * >= 20.12), core's sha256, and core's hashChildren (what proofs call).
 */
export function sha256Ceiling(durationMs = 1000) {
  const input = new Uint8Array(64).map((_, i) => i);
  const a = input.subarray(0, 32);
  const b = input.subarray(32);
  const rate = (fn) => {
    for (let i = 0; i < 20000; i++) fn();
    let n = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < durationMs) {
      for (let k = 0; k < 256; k++) fn();
      n += 256;
      t = now();
    }
    return (n * 1000) / (t - t0);
  };
  return {
    createHash: rate(() => createHash("sha256").update(input).digest()),
    oneShot: typeof crypto.hash === "function" ? rate(() => crypto.hash("sha256", input, "buffer")) : NaN,
    sha256: rate(() => sha256(input)),
    hashChildren: rate(() => hashChildren(a, b)),
    get raw() {
      return Math.max(this.createHash, Number.isNaN(this.oneShot) ? 0 : this.oneShot);
    },
  };
}

/** Latency of one durable commit through the store (an autocommit write: WAL + synchronous=FULL). */
export async function commitFloor(store, n = 200) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await store.putSetting("bench.commit-floor", String(i));
    times.push(now() - t0);
  }
  return times;
}
