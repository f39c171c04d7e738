/**
 * EPCIS capture: one document of N events through the capture service on a
 * real SQLite file (scan, schema validation, CBV 2.0 event hash, duplicate
 * lookup, custodial signature, durable append), as the
 * POST /epcis/capture job runs it, beside the all-core Ed25519 verification
 * ceiling measured just before and after.
 */
import { SECURITY_NAMESPACE } from "@sealtrail/core";
import { openContext, initialize } from "@sealtrail/server";
import { changeMembership, createCustodialKey } from "../packages/server/dist/ledger/custodial.js";
import { createOrganisation } from "../packages/server/dist/access/orgs.js";
import { createCaptureService } from "../packages/server/dist/custody/capture.js";
import { createEpcisValidator } from "../packages/server/dist/custody/epcis-validate.js";
import { ed25519Ceiling } from "./ceiling.js";
import { makeAuthors, signRecords, verifyTasksOf } from "./records.js";
import { cleanup, log, tempDir } from "./util.js";

const VAULT = "default";

/** A document of `n` custody events over `units` containers. */
export function custodyDocument(n, units = 1000, t0 = Date.UTC(2026, 0, 1)) {
  const events = [];
  for (let i = 0; i < n; i++) {
    const unit = `urn:epc:id:sscc:0614141.${(1_000_000_000 + (i % units)).toString()}`;
    const kind = i % 3;
    const e = {
      type: "ObjectEvent",
      action: "OBSERVE",
      epcList: [unit],
      eventTime: new Date(t0 + i * 1000).toISOString(),
      eventTimeZoneOffset: "+00:00",
      readPoint: { id: "urn:epc:id:sgln:0614141.00777.0" },
    };
    if (kind === 0) Object.assign(e, { bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: "urn:epc:id:pgln:0614141.00001" }], destinationList: [{ type: "possessing_party", destination: "urn:epc:id:pgln:0614142.00001" }] });
    else if (kind === 1) Object.assign(e, { bizStep: "receiving", disposition: "in_progress", "st:seals": [{ "st:sealNumber": `H${i}`, "st:issuer": "urn:epc:id:pgln:0614141.00001", "st:classification": "H", "st:action": "checked", "st:condition": "intact", "st:check": { "st:view": "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" } }] });
    else Object.assign(e, { bizStep: "inspecting", disposition: "conformant" });
    events.push(e);
  }
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: new Date(t0).toISOString(),
    epcisBody: { eventList: events },
  };
}

/** @param {{ events?: number }} opts */
export async function benchCapture(opts = {}) {
  const n = opts.events ?? 20_000;
  const dir = tempDir("capture");
  const ctx = await openContext({ data: dir });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    await createOrganisation(ctx.store, { id: "carrier", name: "Carrier", country: "NL", roles: ["carrier"] });
    await createCustodialKey(ctx.store, ctx.ledger, "carrier", VAULT);
    await changeMembership(ctx.store, ctx.ledger, VAULT, { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    const body = new TextEncoder().encode(JSON.stringify(custodyDocument(n)));
    log(`capture: document of ${n} events, ${(body.length / 1e6).toFixed(1)} MB`);
    const authors = makeAuthors(4);
    const tasks = verifyTasksOf(await signRecords(VAULT, authors, 4096), authors);
    const before = await ed25519Ceiling(tasks, 2000, { single: false });
    // The schema is compiled once per server on first use, and once in each
    // capture worker as it starts: a small capture first, not timed.
    const capture = createCaptureService({ ledger: ctx.ledger, store: ctx.store, validator: createEpcisValidator() });
    const warm = custodyDocument(600, 1000, Date.UTC(2025, 0, 1));
    const w = capture.start(VAULT, "carrier", new TextEncoder().encode(JSON.stringify(warm)), "rollback");
    await capture.idle();
    if (!w.success) throw new Error(`capture: warm-up failed: ${JSON.stringify(w.errors.slice(0, 2))}`);
    // Memory above what the process held with the document already in hand:
    // a capture may not hold the document a second time (parsed whole).
    globalThis.gc?.();
    const base = process.memoryUsage();
    let peakHeap = 0;
    let peakRss = 0;
    // With --expose-gc (npm run bench passes it) each sample collects first, so the peak is live memory, not garbage.
    const sampler = setInterval(() => {
      globalThis.gc?.();
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
      peakRss = Math.max(peakRss, m.rss - base.rss);
    }, 250);
    const t0 = performance.now();
    const job = capture.start(VAULT, "carrier", body, "rollback");
    await capture.idle();
    const ms = performance.now() - t0;
    clearInterval(sampler);
    if (!job.success || job.capturedCount !== n) throw new Error(`capture: job failed: ${JSON.stringify({ ...job, errors: job.errors.slice(0, 3) })}`);
    const after = await ed25519Ceiling(tasks, 2000, { single: false });
    const ceiling = (before.all + after.all) / 2;
    await capture.close();
    return { events: n, ms, rate: (n * 1000) / ms, ceiling, ceilingBefore: before.all, ceilingAfter: after.all, cores: before.cores, documentBytes: body.length, peakHeap, peakRss };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}
