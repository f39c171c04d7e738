import { describe, expect, it } from "vitest";
import { SECURITY_NAMESPACE, SealTrailError, custodyChain, readSecurityExtension, type CustodyEvent } from "../../src/index.js";

// A container's journey: a manufacturer seals and ships it, a carrier
// receives and hands it to a port terminal, customs inspects it there.
const CTX = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }];
const UNIT = "urn:epc:id:sscc:0614141.1234567890";
const P = { maker: "urn:epc:id:pgln:0614141.00001", carrier: "urn:epc:id:pgln:0614142.00001", port: "urn:epc:id:pgln:0614143.00001", other: "urn:epc:id:pgln:0614144.00001" };
const vvtt = (r: "pass" | "fail" = "pass") => ({ "st:view": r, "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" });
const seal = (n: string, action: string, condition = "intact", check?: object) => ({
  "st:sealNumber": n,
  "st:issuer": "urn:epc:id:pgln:0614141.00001",
  "st:classification": "H",
  "st:action": action,
  "st:condition": condition,
  ...(check !== undefined ? { "st:check": check } : {}),
});

let n = 0;
function ev(hours: number, fields: Record<string, unknown>, author = "maker", index?: number): CustodyEvent {
  n++;
  const id = `ni:///sha-256;${n.toString(16).padStart(64, "0")}?ver=CBV2.0`;
  return {
    event: {
      type: "ObjectEvent",
      eventID: id,
      action: "OBSERVE",
      epcList: [UNIT],
      eventTime: new Date(Date.UTC(2026, 4, 1, 8) + hours * 3600_000).toISOString(),
      eventTimeZoneOffset: "+00:00",
      ...fields,
    },
    eventId: id,
    index: index ?? n,
    author,
    context: CTX,
  };
}
const ship = (h: number, from: string, to: string, author: string, extra: object = {}) =>
  ev(h, { bizStep: "shipping", disposition: "in_transit", sourceList: [{ type: "possessing_party", source: from }], destinationList: [{ type: "possessing_party", destination: to }], ...extra }, author);
const receive = (h: number, from: string, to: string, author: string, extra: object = {}) =>
  ev(h, { bizStep: "receiving", disposition: "in_progress", sourceList: [{ type: "possessing_party", source: from }], destinationList: [{ type: "possessing_party", destination: to }], ...extra }, author);

function clean(): CustodyEvent[] {
  const sealed = ev(0, { bizStep: "loading", disposition: "container_closed", "st:seals": [seal("H100", "applied")] });
  const s1 = ship(1, P.maker, P.carrier, "maker");
  const r1 = receive(2, P.maker, P.carrier, "carrier", { "st:seals": [seal("H100", "checked", "intact", vvtt())] });
  const s2 = ship(20, P.carrier, P.port, "carrier");
  const r2 = receive(30, P.carrier, P.port, "port", { "st:handoff": { "st:acknowledges": s2.eventId, "st:from": P.carrier, "st:to": P.port } });
  const insp = ev(31, {
    bizStep: "inspecting",
    disposition: "conformant",
    "st:inspection": {
      "st:protocol": "7-point",
      "st:points": ["front-wall", "left-side", "right-side", "floor", "ceiling-roof", "doors", "outside-undercarriage"].map((p) => ({ "st:point": p, "st:result": "pass" })),
    },
  }, "port");
  return [sealed, s1, r1, s2, r2, insp];
}

const kinds = (c: ReturnType<typeof custodyChain>) => c.exceptions.map((x) => x.kind);

describe("custody chains", () => {
  it("orders a clean five-party journey and reports no exception", () => {
    const events = clean();
    const chain = custodyChain(UNIT, [...events].reverse(), { maxGapMs: 24 * 3600_000, isMember: () => true });
    expect(kinds(chain)).toEqual([]);
    expect(chain.steps.map((s) => s.eventId)).toEqual(events.map((e) => e.eventId));
    expect(chain.steps.map((s) => s.holder)).toEqual([null, P.carrier, P.carrier, P.port, P.port, P.port]);
    expect(chain.steps[2]!.seals).toEqual(["H100"]);
    expect(chain.stats).toMatchObject({ events: 6, sealChecks: 1, sealCheckFailures: 0, handoffs: 2, exceptions: 0 });
  });

  it("ignores events about other identifiers", () => {
    const other = ev(5, { epcList: ["urn:epc:id:sscc:0614141.9999999999"], bizStep: "shipping" });
    expect(custodyChain(UNIT, [...clean(), other]).steps).toHaveLength(6);
  });

  it("names a seal that changed without unsealing, and accepts an authorised reseal", () => {
    const base = clean();
    const swapped = receive(2, P.maker, P.carrier, "carrier", { "st:seals": [seal("H999", "checked", "intact", vvtt())] });
    const bad = custodyChain(UNIT, [base[0]!, base[1]!, swapped]);
    expect(kinds(bad)).toEqual(["seal_changed"]);
    expect(bad.exceptions[0]!.eventIds).toEqual([base[0]!.eventId, swapped.eventId]);

    const open = ev(3, { bizStep: "unloading", disposition: "container_open", "st:seals": [seal("H100", "removed")] }, "carrier");
    const reseal = ev(4, { bizStep: "loading", disposition: "container_closed", "st:seals": [seal("H200", "applied")] }, "carrier");
    const check = ev(5, { bizStep: "inspecting", disposition: "conformant", "st:seals": [seal("H200", "checked", "intact", vvtt())] }, "carrier");
    expect(kinds(custodyChain(UNIT, [base[0]!, open, reseal, check]))).toEqual([]);
  });

  it("names a failed seal check and a failed inspection", () => {
    const base = clean();
    const failedCheck = ev(3, { bizStep: "inspecting", disposition: "non_conformant", "st:seals": [seal("H100", "checked", "tampered", vvtt("fail"))] }, "carrier");
    const c = custodyChain(UNIT, [base[0]!, failedCheck]);
    expect(kinds(c)).toEqual(["seal_check_failed"]);
    expect(c.stats.sealCheckFailures).toBe(1);

    const points = ["front-wall", "left-side", "right-side", "floor", "ceiling-roof", "doors", "outside-undercarriage"].map((p) => ({
      "st:point": p,
      "st:result": p === "floor" ? "fail" : "pass",
    }));
    const insp = ev(4, { bizStep: "inspecting", disposition: "non_conformant", "st:inspection": { "st:protocol": "7-point", "st:points": points } }, "port");
    const c2 = custodyChain(UNIT, [base[0]!, insp]);
    expect(kinds(c2)).toEqual(["inspection_failed"]);
    expect(c2.exceptions[0]!.message).toContain("floor");
  });

  it("names a handoff never acknowledged and a receipt by the wrong party", () => {
    const base = clean();
    // Shipped to the carrier, then shipped on by the carrier with no receipt in between.
    const unack = custodyChain(UNIT, [base[0]!, base[1]!, base[3]!, base[4]!]);
    expect(kinds(unack)).toEqual(["unacknowledged_handoff"]);
    expect(unack.exceptions[0]!.eventIds).toEqual([base[1]!.eventId, base[3]!.eventId]);

    const wrong = receive(2, P.maker, P.other, "carrier");
    expect(kinds(custodyChain(UNIT, [base[0]!, base[1]!, wrong]))).toEqual(["misdirected_receipt"]);

    // Still in transit: late only once the gap limit has passed.
    const pending = [base[0]!, base[1]!];
    expect(kinds(custodyChain(UNIT, pending, { now: new Date(Date.UTC(2026, 4, 1, 12)) }))).toEqual([]);
    expect(kinds(custodyChain(UNIT, pending, { now: new Date(Date.UTC(2026, 4, 9)) }))).toEqual(["unacknowledged_handoff"]);
  });

  it("names a time gap, an event sealed late with an earlier time, and events after a terminal disposition", () => {
    const base = clean();
    expect(kinds(custodyChain(UNIT, base, { maxGapMs: 12 * 3600_000 }))).toEqual(["time_gap"]);

    const late = ev(-5, { bizStep: "inspecting", disposition: "conformant" }, "carrier", 1000);
    expect(kinds(custodyChain(UNIT, [...base, late]))).toEqual(["out_of_order"]);

    const stolen = ev(3, { bizStep: "holding", disposition: "stolen" }, "carrier");
    const after = ev(4, { bizStep: "inspecting", disposition: "conformant" }, "port");
    const c = custodyChain(UNIT, [base[0]!, stolen, after]);
    expect(kinds(c)).toEqual(["after_terminal"]);
    expect(c.exceptions[0]!.eventIds).toEqual([stolen.eventId, after.eventId]);
  });

  it("names an event by an organisation that was not a member then, and an error declaration", () => {
    const base = clean();
    const c = custodyChain(UNIT, base, { isMember: (org) => org !== "port" });
    expect(kinds(c)).toEqual(["not_a_member", "not_a_member"]);
    const corrected = ev(3, { bizStep: "inspecting", disposition: "conformant", errorDeclaration: { declarationTime: "2026-05-01T12:00:00.000Z", reason: "incorrect_data" } }, "carrier");
    expect(kinds(custodyChain(UNIT, [base[0]!, corrected]))).toEqual(["error_declaration"]);
  });

  it("reports a malformed extension as an exception of the chain", () => {
    const broken = ev(1, { bizStep: "inspecting", disposition: "conformant", "st:seals": [{ "st:sealNumber": "H1" }] });
    expect(kinds(custodyChain(UNIT, [broken]))).toEqual(["invalid_extension"]);
  });
});

describe("the security extension", () => {
  const base = { type: "ObjectEvent", eventID: "e1", bizStep: "inspecting", disposition: "non_conformant" };
  it("reads fields under any prefix bound to the namespace, or the full IRI", () => {
    const a = readSecurityExtension({ ...base, "sec:seals": [{ "sec:sealNumber": "X1", "sec:issuer": "i", "sec:classification": "S", "sec:action": "checked", "sec:condition": "broken", "sec:check": { "sec:view": "fail", "sec:verify": "pass", "sec:tug": "pass", "sec:twist": "pass" } }] }, [{ sec: SECURITY_NAMESPACE }]);
    expect(a.seals[0]).toMatchObject({ sealNumber: "X1", condition: "broken", check: { view: "fail" } });
    const iri = (f: string) => SECURITY_NAMESPACE + f;
    const b = readSecurityExtension({ ...base, disposition: "container_closed", [iri("seals")]: [{ [iri("sealNumber")]: "X2", [iri("issuer")]: "i", [iri("classification")]: "I", [iri("action")]: "applied", [iri("condition")]: "intact" }] });
    expect(b.seals[0]!.sealNumber).toBe("X2");
    // Unbound prefix: not ours, ignored as any other user extension.
    expect(readSecurityExtension({ ...base, "st:seals": "whatever" }).seals).toEqual([]);
  });

  it("refuses malformed or contradictory fields, naming the event and the field", () => {
    const ctx = [{ st: SECURITY_NAMESPACE }];
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...base, "st:seal": [] }, /event e1: event\.st:seal: not a field/],
      [{ ...base, "st:seals": [] }, /st:seals: must be a non-empty array/],
      [{ ...base, "st:seals": [seal("A", "applied", "broken")] }, /applied intact/],
      [{ ...base, "st:seals": [seal("A", "checked", "intact")] }, /View-Verify-Tug-Twist/],
      [{ ...base, "st:seals": [seal("A", "checked", "intact", vvtt("fail"))] }, /cannot find the seal intact/],
      [{ ...base, disposition: "conformant", "st:seals": [seal("A", "checked", "broken", vvtt("fail"))] }, /disposition non_conformant/],
      [{ ...base, "st:seals": [{ ...seal("A", "applied"), "st:classification": "X" }] }, /classification: must be one of I, S, H/],
      [{ ...base, "st:inspection": { "st:protocol": "7-point", "st:points": [{ "st:point": "floor", "st:result": "pass" }] } }, /lacks front-wall/],
      [{ ...base, "st:inspection": { "st:protocol": "9-point", "st:points": [] } }, /protocol/],
      [{ ...base, "st:handoff": { "st:acknowledges": "x", "st:from": "a" } }, /st:handoff\.st:to/],
    ];
    for (const [e, msg] of bad) {
      expect(() => readSecurityExtension(e, ctx), JSON.stringify(e)).toThrow(SealTrailError);
      expect(() => readSecurityExtension(e, ctx)).toThrow(msg);
    }
  });
});
