/** Worker thread body of the verifier pool: verifies a packed batch, answers 1/0 per task. */
import { parentPort } from "node:worker_threads";
import { ed25519Verify } from "@sealtrail/core";
import { unpackTasks } from "./verifier-pool.js";

parentPort?.on("message", (m: { id: number; packed: Uint8Array; count: number }) => {
  const results = new Uint8Array(m.count);
  unpackTasks(m.packed, m.count, (publicKey, message, signature, i) => {
    results[i] = ed25519Verify(publicKey, message, signature) ? 1 : 0;
  });
  parentPort?.postMessage({ id: m.id, results }, [results.buffer]);
});
