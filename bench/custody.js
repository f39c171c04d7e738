/**
 * Custody chains: the chain of one container with 10,000 events (sealing,
 * handoffs between five organisations with seal checks, inspections) among
 * other containers' events, built and judged by core's custodyChain, beside
 * one SHA-256 of a 64-byte input as this machine's yardstick.
 */
import { SECURITY_NAMESPACE, custodyChain } from "@sealtrail/core";
import { openContext, initialize } from "@sealtrail/server";
import { changeMembership, createCustodialKey } from "../packages/server/dist/ledger/custodial.js";
import { createOrganisation } from "../packages/server/dist/access/orgs.js";
import { createCaptureService } from "../packages/server/dist/custody/capture.js";
import { createEpcisValidator } from "../packages/server/dist/custody/epcis-validate.js";
import { custodyOf } from "../packages/server/dist/custody/custody-of.js";
import { sha256Ceiling } from "./ceiling.js";
import { cleanup, log, tempDir } from "./util.js";

const CTX = [{ st: SECURITY_NAMESPACE }];
const PARTIES = ["maker", "carrier-a", "terminal", "carrier-b", "warehouse"].map((p, i) => ({ org: p, pgln: `urn:epc:id:pgln:061414${i}.00001` }));
const POINTS = ["front-wall", "left-side", "right-side", "floor", "ceiling-roof", "doors", "outside-undercarriage"];

function eventsFor(unit, n, t0, startIndex) {
  const out = [];
  let t = t0;
  for (let k = 0; k < n; k++) {
    t += 600_000;
    const from = PARTIES[k % PARTIES.length];
    const to = PARTIES[(k + 1) % PARTIES.length];
    const step = k % 4;
    const id = `ni:///sha-256;${(startIndex + k).toString(16).padStart(64, "0")}?ver=CBV2.0`;
    const base = { type: "ObjectEvent", eventID: id, action: "OBSERVE", epcList: [unit], eventTime: new Date(t).toISOString(), eventTimeZoneOffset: "+00:00" };
    const seal = (action, extra = {}) => ({ "st:sealNumber": "H100", "st:issuer": from.pgln, "st:classification": "H", "st:action": action, "st:condition": "intact", ...extra });
    let event;
    if (k === 0) event = { ...base, bizStep: "loading", disposition: "container_closed", "st:seals": [seal("applied")] };
    else if (step === 1) event = { ...base, bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: from.pgln }], destinationList: [{ type: "possessing_party", destination: to.pgln }] };
    else if (step === 2) {
      event = {
        ...base,
        bizStep: "receiving",
        disposition: "in_progress",
        sourceList: [{ type: "possessing_party", source: PARTIES[(k - 1) % PARTIES.length].pgln }],
        destinationList: [{ type: "possessing_party", destination: PARTIES[k % PARTIES.length].pgln }],
        "st:seals": [seal("checked", { "st:check": { "st:view": "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" } })],
      };
    } else event = { ...base, bizStep: "inspecting", disposition: "conformant", "st:inspection": { "st:protocol": "7-point", "st:points": POINTS.map((p) => ({ "st:point": p, "st:result": "pass" })) } };
    out.push({ event, eventId: id, index: startIndex + k, author: from.org, context: CTX });
  }
  return out;
}

/** @param {{ events?: number, others?: number }} opts */
export async function benchCustody(opts = {}) {
  const n = opts.events ?? 10_000;
  const others = opts.others ?? 10_000;
  const unit = "urn:epc:id:sscc:0614141.1234567890";
  const t0 = Date.UTC(2026, 0, 1);
  // Parsed from JSON text, as the server reads stored payloads.
  const all = JSON.parse(JSON.stringify([...eventsFor(unit, n, t0, 0), ...eventsFor("urn:epc:id:sscc:0614141.9999999999", others, t0, n)]));
  // Warm the JIT on a small chain first.
  custodyChain(unit, all.slice(0, 500));
  const times = [];
  let chain;
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    chain = custodyChain(unit, all, { maxGapMs: 24 * 3600_000 });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  if (chain.steps.length !== n) throw new Error(`custody: chain has ${chain.steps.length} steps, expected ${n}`);
  if (chain.exceptions.length !== 0) throw new Error(`custody: unexpected exceptions: ${chain.exceptions.slice(0, 3).map((x) => x.message).join("; ")}`);
  const store = await fromStore(unit, all.slice(0, n + others));
  return { events: n, others, medianMs: times[2], bestMs: times[0], storeMedianMs: store.medianMs, ceiling: sha256Ceiling(500), stats: chain.stats };
}

// The same events captured into a real SQLite vault, and the chain read back
// the way GET /custody/{id} and `sealtrail custody` read it: through the
// subject index, parsed, judged against the membership history.
async function fromStore(unit, events) {
  const dir = tempDir("custody");
  const ctx = await openContext({ data: dir });
  try {
    await initialize(ctx.store, ctx.ledger, {});
    await createOrganisation(ctx.store, { id: "carrier", name: "Carrier", country: "NL", roles: ["carrier"] });
    await createCustodialKey(ctx.store, ctx.ledger, "carrier", "default");
    await changeMembership(ctx.store, ctx.ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    const capture = createCaptureService({ ledger: ctx.ledger, store: ctx.store, validator: createEpcisValidator() });
    log(`custody: capturing ${events.length} events into SQLite (untimed)`);
    const doc = { "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", ...CTX], type: "EPCISDocument", schemaVersion: "2.0", creationDate: "2026-01-01T00:00:00.000Z", epcisBody: { eventList: events.map((e) => e.event) } };
    const job = capture.start("default", "carrier", new TextEncoder().encode(JSON.stringify(doc)), "rollback");
    await capture.idle();
    await capture.close();
    if (!job.success) throw new Error(`custody: capture failed: ${JSON.stringify(job.errors.slice(0, 2))}`);
    const times = [];
    let chain;
    for (let r = 0; r < 5; r++) {
      const s = performance.now();
      chain = await custodyOf(ctx.store, ctx.store, "default", unit, { maxGapMs: 24 * 3600_000 });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    if (chain.steps.length !== events.filter((e) => e.event.epcList[0] === unit).length) throw new Error(`custody: store chain has ${chain.steps.length} steps`);
    if (chain.exceptions.length !== 0) throw new Error(`custody: store chain exceptions: ${chain.exceptions.slice(0, 3).map((x) => x.message).join("; ")}`);
    return { medianMs: times[2] };
  } finally {
    await ctx.close();
    cleanup(dir);
  }
}
