/** Worker thread body of the verifier pool: verifies a batch, answers 1/0 per task. */
import { parentPort } from "node:worker_threads";
import { ed25519Verify } from "@sealtrail/core";
import type { VerifyTask } from "./verifier-pool.js";

parentPort?.on("message", (m: { id: number; tasks: VerifyTask[] }) => {
  const results = new Uint8Array(m.tasks.length);
  m.tasks.forEach((t, i) => {
    results[i] = ed25519Verify(t.publicKey, t.message, t.signature) ? 1 : 0;
  });
  parentPort?.postMessage({ id: m.id, results }, [results.buffer]);
});
