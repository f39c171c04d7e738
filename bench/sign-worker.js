/**
 * Worker body that plays the clients: builds and signs records with the
 * authors' own keys (core's buildRecord), before any timing starts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildRecord, toBase64 } from "@sealtrail/core";

const { vault, authors, from, count } = workerData;
const out = [];
for (let i = from; i < from + count; i++) {
  const a = authors[i % authors.length];
  const rec = buildRecord({
    vault,
    type: "bench.risk",
    author: a.org,
    seed: a.seed,
    subjects: [`shipment:${(i % 5000).toString().padStart(6, "0")}`, `site:${a.org}-yard`],
    payload: samplePayload(i, a.org),
  });
  out.push({ entry: rec.signed, payload: samplePayload(i, a.org), salt: toBase64(rec.salt) });
}
parentPort.postMessage(out);

// A risk-register entry of typical size (ISO 28000 §6.1.2), ~400 bytes canonical, under a type of
// its own namespace: the sms.* types are checked against their schemas (bench sms-ingest times those).
function samplePayload(i, org) {
  return {
    title: `Unsealed container door observed at gate ${i % 17}`,
    site: `${org}-yard`,
    category: "cargo-integrity",
    likelihood: (i % 5) + 1,
    impact: ((i * 7) % 5) + 1,
    owner: `security-officer-${i % 9}`,
    controls: ["seal check at gate", "CCTV review within 24h", "tamper-evident seal ISO 17712 H"],
    status: i % 3 === 0 ? "open" : "mitigated",
    reference: `RR-${i}`,
  };
}
