/**
 * A projection (createSmsProjection) kept batch by batch gives the state
 * smsState gives over every record added, and the same figures, whatever
 * the batches: records cut at random points, incidents added before and
 * among earlier ones by record id, new versions, redacted versions,
 * replays, custody events, records set aside and records of other types.
 * compareSmsStates names what differs between two states.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, smsState, type SmsRecordInput, type SmsState } from "../../src/sms/compute/index.js";
import { createSmsProjection } from "../../src/sms/projection.js";
import { compareSmsStates } from "../../src/sms/compare-states.js";
import { SealTrailError } from "../../src/errors.js";
import { D, FixtureLog, northgate, sealCheckEvent } from "./fixture.js";

const everything = (s: SmsState): unknown => ({
  kpis: computeKpis(s, { from: "2026-03-01", to: D }),
  quarter: computeKpis(s, { from: "2026-01-01", to: D }, { periods: "quarter", count: 3 }),
  readiness: computeReadiness(s, D),
  gaps: detectGaps(s, D),
  maturity: computeMaturity(s, D),
  due: dueItems(s, D),
});

const DAYS = ["2025-03-31", "2025-04-01", "2025-12-31", "2026-01-01", "2026-02-28", "2026-03-01", "2026-03-15", "2026-03-31"];
const KINDS = ["seal_changed", "seal_check_failed", "inspection_failed", "misdirected_receipt", "late_delivery"];

const op = fc.oneof(
  fc.record({
    k: fc.constant("incident" as const),
    // Ids from a small pool, some sorting before the fixture's (INC-1 ...) and some after: new records and new versions.
    id: fc.constantFrom("INC-0", "INC-1", "INC-2", "INC-25", "INC-9", "INC-A", "INC-Z", "A-INC", "Z-INC"),
    day: fc.constantFrom(...DAYS),
    category: fc.constantFrom("theft", "tampering", "unauthorised-access", "fraud"),
    responded: fc.option(fc.integer({ min: 1, max: 90_000_000 }), { nil: undefined }),
    loss: fc.option(fc.constantFrom("0.1", "12.50", "300.333"), { nil: undefined }),
    exceptions: fc.option(fc.array(fc.constantFrom(...KINDS), { maxLength: 3 }), { nil: undefined }),
    risk: fc.option(fc.constantFrom("R-001", "R-003", "R-004"), { nil: undefined }),
  }),
  fc.record({ k: fc.constant("redact" as const), target: fc.constantFrom(["sms.incident", "INC-2"], ["sms.incident", "INC-A"], ["sms.risk", "R-002"], ["sms.control", "C-VIS"]) }),
  fc.record({ k: fc.constant("replay" as const), at: fc.nat() }),
  fc.record({ k: fc.constant("custody" as const), day: fc.constantFrom(...DAYS), failed: fc.boolean() }),
  fc.record({ k: fc.constant("risk" as const), id: fc.constantFrom("R-001", "R-002", "R-003"), status: fc.constantFrom("open", "treated", "closed") }),
  fc.record({
    k: fc.constant("change" as const),
    what: fc.constantFrom(
      ["sms.objective", "OBJ-2", { status: "at-risk" }],
      ["sms.supplier", "SUP-BALTIC", { status: "suspended" }],
      ["sms.supplier-assessment", "SA-1", { assessed: "2024-01-10" }],
      ["sms.finding", "F-1", { grade: "major-nc" }],
      ["sms.risk-acceptance", "A-001", { expires: "2026-01-31" }],
    ),
  }),
  fc.record({ k: fc.constant("invalid" as const) }),
  fc.record({ k: fc.constant("other" as const) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function apply(log: FixtureLog, o: Op): void {
  switch (o.k) {
    case "incident": {
      const detected = `${o.day}T10:00:00.000Z`;
      log.add("sms.incident", {
        id: o.id,
        title: "Incident",
        category: o.category,
        severity: "low",
        status: "open",
        source: "manual",
        detected,
        ...(o.responded === undefined ? {} : { responded: new Date(Date.parse(detected) + o.responded).toISOString() }),
        ...(o.loss === undefined ? {} : { loss: { amount: o.loss, currency: "EUR" } }),
        ...(o.exceptions === undefined ? {} : { custody: { identifier: "urn:epc:id:sscc:0614141.1234567890", exceptions: o.exceptions.map((kind) => ({ kind, message: "seen", eventIds: ["e"], records: ["3"] })) } }),
        ...(o.risk === undefined ? {} : { risks: [o.risk] }),
      });
      return;
    }
    case "redact":
      log.redact(o.target[0], o.target[1]);
      return;
    case "replay":
      log.replay(o.at % log.records.length);
      return;
    case "custody":
      log.add("custody.event", sealCheckEvent(log.records.length, `${o.day}T08:00:00.000Z`, o.failed));
      return;
    case "risk":
      log.change("sms.risk", o.id, { status: o.status });
      return;
    case "change":
      if (log.records.some((r) => r.type === o.what[0] && (r.payload as { id?: string } | null)?.id === o.what[1])) log.change(o.what[0], o.what[1], o.what[2]);
      return;
    case "invalid":
      log.add("sms.risk", { id: "R-BAD", title: 5 });
      return;
    case "other":
      log.add("example.note", { text: "not an SMS record" });
      return;
  }
}

// The records cut into batches at the given points (each taken modulo the length).
function batches(records: readonly SmsRecordInput[], cuts: readonly number[]): SmsRecordInput[][] {
  const at = [...new Set(cuts.map((c) => c % (records.length + 1)))].sort((a, b) => a - b);
  const out: SmsRecordInput[][] = [];
  let from = 0;
  for (const c of [...at, records.length]) {
    out.push(records.slice(from, c));
    from = c;
  }
  return out;
}

describe("createSmsProjection", () => {
  it("gives, after every batch, the state and the figures smsState gives over the records added so far", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (ops, cuts, shuffle) => {
        const { log } = northgate();
        const base = log.records.length;
        for (const o of ops) apply(log, o);
        // Cut within the fixture and within the records the operations added.
        const points = cuts.map((c, k) => (k % 2 === 0 ? c % (base + 1) : base + (c % (log.records.length - base + 1))));
        const p = createSmsProjection();
        let added = 0;
        for (const b of batches(log.records, points)) {
          // Within a batch the order is free.
          p.add(shuffle ? [...b].reverse() : b);
          added += b.length;
          const expected = smsState(log.records.slice(0, added));
          const got = p.state();
          expect(got).toEqual(expected);
          expect(compareSmsStates(expected, got).count).toBe(0);
          expect(everything(got)).toEqual(everything(expected));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("keeps each state it gave as it was: a later batch changes a new state only", () => {
    const { log } = northgate();
    const p = createSmsProjection();
    p.add(log.records);
    const first = p.state();
    const before = JSON.stringify(everything(first));
    const n = log.records.length;
    log.change("sms.incident", "INC-1", { detected: "2026-03-20T00:00:00.000Z" });
    log.add("sms.incident", { id: "INC-0", title: "Early", category: "theft", severity: "low", status: "open", source: "manual", detected: "2026-03-02T00:00:00.000Z" });
    log.redact("sms.risk", "R-002");
    p.add(log.records.slice(n));
    expect(p.state()).not.toBe(first);
    expect(p.state()).toEqual(smsState(log.records));
    expect(JSON.stringify(everything(first))).toBe(before);
    expect(everything(p.state())).toEqual(everything(smsState(log.records)));
  });

  it("gives the same state object until records are added, and refuses records not after those added", () => {
    const { log } = northgate();
    const p = createSmsProjection({ checked: true });
    expect(p.lastIndex).toBeNull();
    p.add(log.records.slice(0, 10));
    expect(p.lastIndex).toBe(9);
    const s = p.state();
    p.add([]);
    expect(p.state()).toBe(s);
    expect(() => p.add([log.records[9]!])).toThrow(SealTrailError);
    expect(() => p.add([log.records[3]!, log.records[10]!])).toThrow(/log index 3 is not after 9/);
    expect(p.state()).toBe(s);
    expect(() => createSmsProjection({ checked: "yes" } as never)).toThrow(SealTrailError);
    expect(() => p.add([{ ...log.records[10]!, leafHash: "not hex" }])).toThrow(SealTrailError);
  });
});

describe("compareSmsStates", () => {
  it("names each difference: a record missing, another version, a custody event, a redaction, a count", () => {
    const { log } = northgate();
    const n = log.records.length;
    const a = smsState(log.records);
    expect(compareSmsStates(a, smsState([...log.records].reverse()))).toEqual({ count: 0, differences: [] });
    log.change("sms.risk", "R-001", { status: "closed" });
    log.add("custody.event", sealCheckEvent(n + 1, "2026-03-01T00:00:00.000Z", false));
    log.redact("sms.control", "C-VIS");
    log.add("example.note", { text: "x" });
    const b = smsState(log.records);
    const d = compareSmsStates(a, b);
    expect(d.count).toBe(6);
    expect(d.differences.join("\n")).toMatch(/sms\.risk R-001: latest version at log index \d+ \(leaf [0-9a-f]+\) expected, \d+/);
    expect(d.differences.join("\n")).toMatch(/sms\.control C-VIS: in expected/);
    expect(d.differences.join("\n")).toMatch(/custody: .* in actual, not expected/);
    expect(d.differences.join("\n")).toMatch(/withheld: sms\.control C-VIS/);
    expect(d.differences.join("\n")).toMatch(/redacted: sms\.control C-VIS/);
    expect(d.differences.join("\n")).toMatch(/ignored: 1 records of other types expected, 2 in actual/);
    expect(compareSmsStates(a, b, 2).differences).toHaveLength(2);
    expect(() => compareSmsStates(a, b, -1)).toThrow(SealTrailError);
  });
});
