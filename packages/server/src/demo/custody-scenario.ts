/**
 * The demo's chains of custody: a year of shipments of sensor modules, each
 * an SSCC followed from loading at the plant through carriers, the
 * cross-dock and the port terminal (or by road to a customer in Poland),
 * as the partners' own EPCIS 2.0 events with the security extension
 * (docs/epcis-security-extension.md): seals applied and checked, an
 * inspection at the cross-dock, and each receipt acknowledging the release
 * before it. Three shipments go wrong: a seal found tampered, a seal whose
 * number changed on the way, and a receipt by the wrong carrier.
 */
import { sha256, toHex, utf8 } from "@sealtrail/core";
import { DEMO_ORGS, MANUFACTURER } from "./cast.js";
import type { DemoDates } from "./dates.js";

/** One EPCIS event of the demo, captured for `org`. */
export interface DemoEvent {
  readonly org: string;
  readonly event: Record<string, unknown>;
}

/** A shipment whose chain has an exception that an incident is opened for. */
export interface DemoShipment {
  readonly sscc: string;
  readonly openIncident: boolean;
}

const CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: "https://sealtrail.org/ns/security/v1#" }];
const INSPECTION_POINTS = ["front-wall", "left-side", "right-side", "floor", "ceiling-roof", "doors", "outside-undercarriage"];

const pgln = (org: string): string => DEMO_ORGS.find((o) => o.id === org)!.pgln;
// Each organisation's dock as an SGLN (its PGLN's company prefix and location reference, extension 0).
const sgln = (org: string): string => pgln(org).replace("urn:epc:id:pgln:", "urn:epc:id:sgln:") + ".0";

// A stable event ID: the same demo day gives the same events.
function eventId(seed: string): string {
  const h = toHex(sha256(utf8(`sealtrail demo ${seed}`)));
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Seal = { number: string; action: "applied" | "checked" | "removed"; condition?: string; failed?: boolean };

function sealsOf(s: Seal): Record<string, unknown>[] {
  const condition = s.condition ?? "intact";
  return [
    {
      "st:sealNumber": s.number,
      "st:issuer": "Meridian Electronics",
      "st:classification": "H",
      "st:action": s.action,
      "st:condition": condition,
      ...(s.action === "checked" ? { "st:check": { "st:view": s.failed ? "fail" : "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" } } : {}),
    },
  ];
}

/** The demo's custody events, in time order, and the shipments with exceptions. */
export function custodyScenario(t: DemoDates, opts: { shipments?: number } = {}): { events: DemoEvent[]; exceptions: DemoShipment[] } {
  const count = opts.shipments ?? 24;
  const events: DemoEvent[] = [];
  const exceptions: DemoShipment[] = [];
  for (let k = 0; k < count; k++) {
    const sscc = `urn:epc:id:sscc:8712345.${String(1000000000 + k * 7919).slice(-10)}`;
    const start = -350 + Math.floor((k * 340) / count);
    const seal = `MER${String(240100 + k * 13).padStart(6, "0")}`;
    const byRoad = k % 4 === 3; // every fourth shipment goes by road to Poland
    const tampered = k === 5;
    const sealChanged = k === 10;
    const misdirected = k === 15 && byRoad;
    const ids: string[] = [];
    let hour = 0;
    const ev = (org: string, stepHours: number, bizStep: string, disposition: string, extra: Record<string, unknown>): string => {
      hour += stepHours;
      const id = eventId(`${t.today} ${k} ${ids.length}`);
      ids.push(id);
      events.push({
        org,
        event: {
          "@context": CONTEXT,
          type: "ObjectEvent",
          eventID: id,
          eventTime: t.at(start, 6 + hour),
          eventTimeZoneOffset: "+01:00",
          epcList: [sscc],
          action: "OBSERVE",
          bizStep,
          disposition,
          readPoint: { id: sgln(org) },
          bizLocation: { id: sgln(org) },
          ...extra,
        },
      });
      return id;
    };
    const ship = (from: string, to: string, h: number) =>
      ev(from, h, "shipping", "in_transit", { sourceList: [{ type: "possessing_party", source: pgln(from) }], destinationList: [{ type: "possessing_party", destination: pgln(to) }] });
    const receive = (org: string, from: string, ack: string, h: number, s: Seal) =>
      ev(org, h, "receiving", s.failed || s.condition !== undefined ? "non_conformant" : "in_progress", {
        destinationList: [{ type: "possessing_party", destination: pgln(org) }],
        "st:seals": sealsOf(s),
        "st:handoff": { "st:acknowledges": ack, "st:from": pgln(from), "st:to": pgln(org) },
      });

    ev(MANUFACTURER, 0, "loading", "container_closed", { sourceList: [{ type: "possessing_party", source: pgln(MANUFACTURER) }], "st:seals": sealsOf({ number: seal, action: "applied" }) });
    if (byRoad) {
      const s1 = ship(MANUFACTURER, "balticline", 1);
      // The misdirected shipment is taken over by the wrong carrier.
      const carrier = misdirected ? "rhinefreight" : "balticline";
      receive(carrier, MANUFACTURER, s1, 2, { number: seal, action: "checked" });
      ev(carrier, 30, "unloading", "container_open", { "st:seals": sealsOf({ number: seal, action: "removed" }) });
      if (misdirected) exceptions.push({ sscc, openIncident: false });
      continue;
    }
    const s1 = ship(MANUFACTURER, "rhinefreight", 1);
    receive("rhinefreight", MANUFACTURER, s1, 1, { number: seal, action: "checked" });
    const s2 = ship("rhinefreight", "deltadock", 3);
    receive("deltadock", "rhinefreight", s2, 2, tampered ? { number: seal, action: "checked", condition: "tampered", failed: true } : { number: seal, action: "checked" });
    if (tampered) {
      exceptions.push({ sscc, openIncident: true });
      continue; // held at the cross-dock for investigation
    }
    ev("deltadock", 20, "inspecting", "conformant", {
      "st:inspection": { "st:protocol": "7-point", "st:points": INSPECTION_POINTS.map((p) => ({ "st:point": p, "st:result": "pass" })), "st:inspector": "dock supervisor" },
    });
    const s3 = ship("deltadock", "mvterminal", 4);
    // On the shipment whose seal changed, the terminal finds another number on the doors.
    receive("mvterminal", "deltadock", s3, 3, { number: sealChanged ? `XX${seal.slice(3)}` : seal, action: "checked" });
    if (sealChanged) exceptions.push({ sscc, openIncident: true });
    ev("mvterminal", 30, "loading", "in_transit", {});
  }
  events.sort((a, b) => String(a.event.eventTime).localeCompare(String(b.event.eventTime)));
  return { events, exceptions };
}
