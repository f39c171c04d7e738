/**
 * Custody chains: the chain of one container with 10,000 events (sealing,
 * handoffs between five organisations with seal checks, inspections) among
 * other containers' events, built and judged by core's custodyChain, beside
 * one SHA-256 of a 64-byte input as this machine's yardstick.
 */
import { SECURITY_NAMESPACE, custodyChain } from "@sealtrail/core";
import { sha256Ceiling } from "./ceiling.js";

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
export function benchCustody(opts = {}) {
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
  return { events: n, others, medianMs: times[2], bestMs: times[0], ceiling: sha256Ceiling(500), stats: chain.stats };
}
