/**
 * What lets the computations run over a large vault without changing a
 * figure: smsState's `checked` option (the schema check skipped for records
 * checked at append), the lookups built once per state (incidents by UTC day
 * of detection), and the trend points computed without their refs. Each is
 * compared with what it stands for: the full check, a plain scan of the
 * incidents, and the KPI computed over the point's own period.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, smsState, type SmsRecordInput } from "../../src/sms/compute/index.js";
import { SealTrailError } from "../../src/errors.js";
import { D, FixtureLog, northgate } from "./fixture.js";

const everything = (s: ReturnType<typeof smsState>, d: string): unknown => ({
  kpis: computeKpis(s, { from: "2026-03-01", to: d }),
  readiness: computeReadiness(s, d),
  gaps: detectGaps(s, d),
  maturity: computeMaturity(s, d),
  due: dueItems(s, d),
});

describe("smsState options.checked", () => {
  it("gives the same state and the same figures as the full check when every payload is valid", () => {
    const { log } = northgate();
    log.change("sms.risk", "R-001", { status: "treated" });
    log.replay(10);
    log.redact("sms.improvement", "IMP-1");
    const full = smsState(log.records);
    const checked = smsState(log.records, { checked: true });
    expect(full.invalid).toEqual([]);
    expect(checked).toEqual(full);
    expect(everything(checked, D)).toEqual(everything(full, D));
  });

  it("skips the schema check only: a payload that breaks its schema is read, while replays, versions and redaction are still resolved", () => {
    const { log } = northgate();
    const bad = log.change("sms.risk", "R-002", { status: "not-a-status" });
    const replayed = log.replay(bad);
    const redacted = log.redact("sms.control", "C-VIS");
    const full = smsState(log.records);
    expect(full.invalid.map((r) => r.index)).toEqual([bad]);
    const checked = smsState(log.records, { checked: true });
    expect(checked.invalid).toEqual([]);
    const r2 = checked.records["sms.risk"].find((r) => r.id === "R-002")!;
    expect(r2.ref.index).toBe(bad);
    expect(r2.history).toHaveLength(2);
    expect(checked.replays).toEqual([{ leafHash: log.records[bad]!.leafHash, indices: [bad, replayed] }]);
    expect(checked.withheld).toEqual([{ type: "sms.control", id: "C-VIS", index: redacted }]);
    expect(checked.records["sms.control"].some((c) => c.id === "C-VIS")).toBe(false);
  });

  it("still sets aside an SMS record with no record id, which no version can be keyed by", () => {
    const log = new FixtureLog();
    const i = log.add("sms.risk", { title: "no id" });
    expect(smsState(log.records, { checked: true }).invalid.map((r) => [r.index, r.problems[0]?.pointer])).toEqual([[i, "/id"]]);
  });

  it("refuses options that are not an object, and a checked that is not a boolean", () => {
    expect(() => smsState([], { checked: "yes" } as never)).toThrow(SealTrailError);
    expect(() => smsState([], 1 as never)).toThrow(SealTrailError);
    expect(smsState([], {}).invalid).toEqual([]);
  });
});

// Incidents around UTC midnight and month ends, so that a day or month
// boundary read wrongly moves one into the wrong period.
const DAYS = ["2025-12-31", "2026-01-01", "2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01", "2026-03-15", "2026-03-31", "2026-04-01"];
const TIMES = ["00:00:00.000", "00:00:00.001", "12:00:00.000", "23:59:59.999"];
const incident = fc.record({
  day: fc.constantFrom(...DAYS),
  time: fc.constantFrom(...TIMES),
  category: fc.constantFrom("theft", "tampering", "unauthorised-access"),
  respondedAfter: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  occurredBefore: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  loss: fc.option(fc.constantFrom("0.1", "12.50", "300.333"), { nil: undefined }),
});

function incidentLog(list: readonly { day: string; time: string; category: string; respondedAfter?: number | undefined; occurredBefore?: number | undefined; loss?: string | undefined }[]): SmsRecordInput[] {
  const log = new FixtureLog();
  list.forEach((x, k) => {
    const detected = `${x.day}T${x.time}Z`;
    const ms = Date.parse(detected);
    log.add("sms.incident", {
      id: `INC-${String((k * 7919) % 1000).padStart(3, "0")}-${k}`,
      title: "Incident",
      category: x.category,
      severity: "low",
      status: "contained",
      source: "manual",
      detected,
      ...(x.respondedAfter === undefined ? {} : { responded: new Date(ms + x.respondedAfter).toISOString() }),
      ...(x.occurredBefore === undefined ? {} : { occurred: new Date(ms - x.occurredBefore).toISOString() }),
      ...(x.loss === undefined ? {} : { loss: { amount: x.loss, currency: "EUR" } }),
    });
  });
  return log.records;
}

const FIGURE = (k: { value: number | null; numerator: number | null; denominator: number | null; amounts: unknown }): unknown => ({ value: k.value, numerator: k.numerator, denominator: k.denominator, amounts: k.amounts });

describe("computations read through the state's lookups", () => {
  it("count the incidents a plain scan of their detected UTC dates finds, for any period", () => {
    fc.assert(
      fc.property(fc.array(incident, { maxLength: 40 }), fc.constantFrom(...DAYS), fc.constantFrom(...DAYS), (list, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const records = incidentLog(list);
        const s = smsState(records, { checked: true });
        expect(smsState(records).invalid).toEqual([]);
        const k = computeKpis(s, { from, to }, { count: 0 }).kpis.find((x) => x.id === "incidents")!;
        const scan = s.records["sms.incident"].filter((i) => {
          const day = new Date(Date.parse(i.payload.detected)).toISOString().slice(0, 10);
          return day >= from && day <= to;
        });
        expect(k.value).toBe(scan.length);
        expect(k.refs).toEqual(scan.map((i) => i.ref).sort((x, y) => x.index - y.index));
      }),
      { numRuns: 200 },
    );
  });

  it("give each trend point the figure computeKpis gives over that point's own period", () => {
    fc.assert(
      fc.property(fc.array(incident, { maxLength: 40 }), fc.constantFrom<"month" | "quarter">("month", "quarter"), (list, periods) => {
        const s = smsState(incidentLog(list));
        const report = computeKpis(s, { from: "2026-04-01", to: "2026-04-30" }, { periods, count: 4 });
        for (const k of report.kpis) {
          for (const p of k.trend.points) {
            const alone = computeKpis(s, { from: p.from, to: p.to }, { count: 0 }).kpis.find((x) => x.id === k.id)!;
            expect(FIGURE(p)).toEqual(FIGURE(alone));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("give each report its own figures: changing one report's trend changes no later report of the same state", () => {
    const records = incidentLog([
      { day: "2026-01-01", time: "12:00:00.000", category: "theft", loss: "12.50" },
      { day: "2026-03-15", time: "00:00:00.001", category: "theft", loss: "0.1" },
    ]);
    const s = smsState(records);
    const first = computeKpis(s, { from: "2026-04-01", to: "2026-04-30" });
    const before = JSON.stringify(first);
    const cargo = first.kpis.find((k) => k.id === "cargo-loss-value")!;
    const point = cargo.trend.points.find((p) => p.amounts !== null && p.amounts.length > 0)!;
    (point.amounts as unknown as { amount: string }[])[0]!.amount = "999";
    (point as { value: number | null }).value = 42;
    expect(JSON.stringify(computeKpis(s, { from: "2026-04-01", to: "2026-04-30" }))).toBe(before);
  });

  it("give the same results whatever the order of the records, with lookups built anew for each state", () => {
    fc.assert(
      fc.property(fc.array(incident, { maxLength: 30 }), fc.integer(), (list, seed) => {
        const { log } = northgate();
        const base = log.records.length;
        for (const r of incidentLog(list)) log.records.push({ ...r, index: base + Number(r.index), leafHash: (base + Number(r.index)).toString(16).padStart(64, "0") });
        const shuffled = [...log.records];
        let x = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = smsState(log.records);
        const b = smsState(shuffled, { checked: true });
        // The first state's lookups are built before the second state exists.
        const first = everything(a, D);
        expect(everything(b, D)).toEqual(first);
      }),
      { numRuns: 15 },
    );
  });
});
