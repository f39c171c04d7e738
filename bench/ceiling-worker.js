/**
 * Worker body of the Ed25519 ceiling: verifies pre-made signatures in a loop
 * with core's ed25519Verify (the call the verifier pool makes), after a
 * barrier so that all workers measure the same window.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ed25519Verify } from "@sealtrail/core";
import { ownThreadCpu } from "./util.js";

const { tasks, durationMs, barrier, parties } = workerData;
const flag = new Int32Array(barrier);

// Warm up (JIT, key-object cache) outside the window.
for (let i = 0; i < Math.min(tasks.length, 500); i++) ed25519Verify(tasks[i].publicKey, tasks[i].message, tasks[i].signature);

Atomics.add(flag, 0, 1);
while (Atomics.load(flag, 0) < parties) Atomics.wait(flag, 0, Atomics.load(flag, 0), 5);

let n = 0;
let bad = 0;
const cpu0 = ownThreadCpu();
const t0 = performance.now();
let t = t0;
while (t - t0 < durationMs) {
  for (let k = 0; k < 64; k++) {
    const x = tasks[n % tasks.length];
    if (!ed25519Verify(x.publicKey, x.message, x.signature)) bad++;
    n++;
  }
  t = performance.now();
}
parentPort.postMessage({ count: n, ms: t - t0, cpuMs: ownThreadCpu() - cpu0, bad });
