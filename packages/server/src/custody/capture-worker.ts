/**
 * Worker thread body of the capture pool (capture-pool.ts): checks events
 * and builds their signed records, a group per message.
 */
import { parentPort } from "node:worker_threads";
import { createEpcisValidator, type EpcisValidator } from "./epcis-validate.js";
import { buildGroup, checkGroup, type BuildRequest, type CheckRequest } from "./capture-pool.js";

// Compiled on the first check, once per worker.
let validator: EpcisValidator | null = null;

parentPort?.on("message", (m: (CheckRequest | BuildRequest) & { id: number }) => {
  try {
    let result: unknown;
    if (m.op === "check") {
      validator ??= createEpcisValidator();
      result = checkGroup(validator, m);
    } else result = buildGroup(m);
    parentPort?.postMessage({ id: m.id, ok: true, result });
  } catch (e) {
    parentPort?.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});
