/** Worker thread body of the verifier pool: verifies a packed batch, answers 1/0 per task. */
import { parentPort } from "node:worker_threads";
import { verifyPackedSignatures } from "@sealtrail/core";

parentPort?.on("message", (m: { id: number; packed: Uint8Array; count: number }) => {
  const results = verifyPackedSignatures(m.packed, m.count);
  parentPort?.postMessage({ id: m.id, results }, [results.buffer as ArrayBuffer]);
});
