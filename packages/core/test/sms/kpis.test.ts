/**
 * computeKpis over the Northgate fixture (fixture.ts). Every expected value
 * is worked out by hand from the fixture's records; the comment above each
 * says how.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeKpis, smsState, type KpiResult } from "../../src/sms/compute/index.js";
import { SealTrailError } from "../../src/errors.js";
import { northgate } from "./fixture.js";

const MARCH = { from: "2026-03-01", to: "2026-03-31" };

function kpi(report: { kpis: readonly KpiResult[] }, id: string): KpiResult {
  const k = report.kpis.find((x) => x.id === id);
  if (k === undefined) throw new Error(`no KPI ${id}`);
  return k;
}

const figure = (k: { value: number | null; numerator: number | null; denominator: number | null }) => [k.value, k.numerator, k.denominator];

describe("computeKpis: the twelve KPIs for March 2026", () => {
  const { log, custodyFailed, custodyPassed } = northgate();
  const state = smsState(log.records);
  const r = computeKpis(state, MARCH);

  it("reports every catalogue KPI once, in catalogue order", () => {
    expect(r.kpis.map((k) => k.id)).toEqual([
      "incidents",
      "cargo-loss-value",
      "seal-integrity-discrepancies",
      "supplier-assurance-on-schedule",
      "access-violations",
      "vetting-before-deployment",
      "incident-response-time",
      "risks-treated-and-accepted",
      "corrective-actions-on-time",
      "exercises-held",
      "custody-exceptions",
      "objectives-achieved",
    ]);
  });

  it("incidents: INC-1 (03-04), INC-2 (03-18), INC-3 (03-25) detected in March; INC-4 (02-10) is not", () => {
    const k = kpi(r, "incidents");
    expect(k.value).toBe(3);
    expect(k.refs.map((x) => x.id)).toEqual(["INC-1", "INC-2", "INC-3"]);
    const bySite = k.breakdown.find((b) => b.by === "node.site")!;
    // INC-2 has a node with a supplier but no site.
    expect(bySite.rows.map((row) => [row.key, row.value])).toEqual([["(none)", 1], ["DC-DUI", 1], ["WH-ROT", 1]]);
    // OBJ-1 targets at most 2: 3 misses it.
    expect(k.targets).toEqual([{ objective: expect.objectContaining({ id: "OBJ-1" }), comparison: "<=", target: 2, unit: "count", actual: 3, met: false }]);
  });

  it("cargo loss value: EUR 12500.00 (INC-1) and USD 300.5 (INC-3), never added across currencies; value at risk EUR 40000.00", () => {
    const k = kpi(r, "cargo-loss-value");
    expect(k.value).toBeNull();
    expect(k.amounts).toEqual([{ currency: "EUR", amount: "12500.00" }, { currency: "USD", amount: "300.5" }]);
    expect(k.companion?.amounts).toEqual([{ currency: "EUR", amount: "40000.00" }]);
    // OBJ-2: at most 50000 in its unit EUR; the EUR sum is 12500.
    expect(k.targets.map((t) => [t.objective.id, t.actual, t.met])).toEqual([["OBJ-2", 12500, true]]);
  });

  it("seal discrepancies: INC-2's one seal_check_failed entry; INC-2 is tampering but carries such an entry, so it adds nothing more", () => {
    const k = kpi(r, "seal-integrity-discrepancies");
    expect(k.value).toBe(1);
    expect(k.breakdown[0]!.rows.map((row) => [row.key, row.value])).toEqual([["seal_check_failed", 1]]);
    // The incident and the custody event record its exception names.
    expect(k.refs.map((x) => [x.type, x.index === custodyFailed ? "failed check" : x.id])).toEqual([
      ["custody.event", "failed check"],
      ["sms.incident", "INC-2"],
    ]);
    // Custody events of March: one failed check (03-18) and one passed (03-12).
    expect(k.custody).toMatchObject({ events: 2, sealChecks: 2, sealCheckFailures: 1, inspections: 0, unreadable: 0 });
    expect(k.custody!.refs.map((x) => x.index)).toEqual([custodyFailed, custodyPassed]);
  });

  it("supplier assurance as at 03-31: Baltic (tier 1, direct audit 2025-09-10, 202 days) and Maas (tier 2, 2024-11-05, 511 of 730 days) both assured", () => {
    const k = kpi(r, "supplier-assurance-on-schedule");
    expect(k.evaluatedOn).toBe("2026-03-31");
    expect(figure(k)).toEqual([100, 2, 2]);
    // No remediation action falls due in March: a percent over nothing has no value.
    expect(figure(k.companion!)).toEqual([null, 0, 0]);
  });

  it("supplier assurance is judged on the period's last day against the tier's interval", () => {
    // 2025-08-31: Baltic's only assessment (2025-09-10) is later; Maas is assured: 1 of 2.
    expect(figure(kpi(computeKpis(state, { from: "2025-08-01", to: "2025-08-31" }), "supplier-assurance-on-schedule"))).toEqual([50, 1, 2]);
    // 2026-09-11: 366 days after Baltic's audit, over tier 1's 365: 1 of 2 again.
    expect(figure(kpi(computeKpis(state, { from: "2026-09-11", to: "2026-09-11" }), "supplier-assurance-on-schedule"))).toEqual([50, 1, 2]);
  });

  it("access violations: INC-3 only", () => {
    expect(kpi(r, "access-violations").value).toBe(1);
  });

  it("vetting: the four roles in force were vetted (2024-12-15) before appointment (2025-01-05); all four had awareness on 2025-10-01", () => {
    const k = kpi(r, "vetting-before-deployment");
    expect(figure(k)).toEqual([100, 4, 4]);
    expect(figure(k.companion!)).toEqual([100, 4, 4]);
  });

  it("response time: INC-1 3 h, INC-2 1 h, INC-3 0.5 h: 4.5 h over 3 = 1.5 h; time to detect: INC-1 only, 4 h", () => {
    const k = kpi(r, "incident-response-time");
    expect(figure(k)).toEqual([1.5, 4.5, 3]);
    expect(figure(k.companion!)).toEqual([4, 4, 1]);
  });

  it("risks treated and accepted: the four treated risks have operating controls and acceptances for their residuals", () => {
    expect(figure(kpi(r, "risks-treated-and-accepted"))).toEqual([100, 4, 4]);
  });

  it("corrective actions on time: CA-1 (due 03-10, done 03-05) on time, CA-2 (due 03-20, done 03-25) late: 1 of 2", () => {
    const k = kpi(r, "corrective-actions-on-time");
    expect(figure(k)).toEqual([50, 1, 2]);
    // AUD-3 reported in February: its nonconformity findings are not March's.
    expect(k.companion!.value).toBe(0);
    expect(kpi(computeKpis(state, { from: "2026-02-01", to: "2026-02-28" }), "corrective-actions-on-time").companion!.breakdown[0]!.rows.map((row) => [row.key, row.value])).toEqual([
      ["6.1.3", 1],
      ["8.4", 1],
    ]);
  });

  it("exercises: none held in March; issue closure over no issue has no value", () => {
    const k = kpi(r, "exercises-held");
    expect(k.value).toBe(0);
    expect(figure(k.companion!)).toEqual([null, 0, 0]);
  });

  it("custody exceptions: INC-2's two entries; one misdirected receipt", () => {
    const k = kpi(r, "custody-exceptions");
    expect(k.value).toBe(2);
    expect(k.companion!.value).toBe(1);
  });

  it("objectives achieved: OBJ-2 due 03-15 achieved: 1 of 1; in February none is due: no data, not 0", () => {
    expect(figure(kpi(r, "objectives-achieved"))).toEqual([100, 1, 1]);
    expect(figure(kpi(computeKpis(state, { from: "2026-02-01", to: "2026-02-28" }), "objectives-achieved"))).toEqual([null, 0, 0]);
  });
});

describe("computeKpis: trends", () => {
  const state = smsState(northgate().log.records);

  it("monthly: the six months before March, and March itself since it is a whole month", () => {
    const k = kpi(computeKpis(state, MARCH), "incidents");
    expect(k.trend.points.map((p) => [p.from, p.to, p.value])).toEqual([
      ["2025-09-01", "2025-09-30", 0],
      ["2025-10-01", "2025-10-31", 0],
      ["2025-11-01", "2025-11-30", 0],
      ["2025-12-01", "2025-12-31", 0],
      ["2026-01-01", "2026-01-31", 0],
      ["2026-02-01", "2026-02-28", 1],
    ]);
    expect(k.trend.includesPeriod).toBe(true);
    // Series 0,0,0,0,0,1,3 rises; fewer incidents are better: worsening.
    expect(k.trend.direction).toBe("worsening");
    // Exercises 0,1,0,0,0,1,0 (EX-1 in October, EX-2 in February): slope exactly 0.
    expect(kpi(computeKpis(state, MARCH), "exercises-held").trend.direction).toBe("flat");
  });

  it("quarterly: Q1 2026 against Q3 and Q4 2025", () => {
    const k = computeKpis(state, { from: "2026-01-01", to: "2026-03-31" }, { periods: "quarter", count: 2 });
    const ex = kpi(k, "exercises-held");
    // Q3 2025: none (EX-3 was in June); Q4: EX-1; Q1 2026: EX-2. Series 0,1,1 rises; more is better: improving.
    expect(ex.trend.points.map((p) => [p.from, p.value])).toEqual([["2025-07-01", 0], ["2025-10-01", 1]]);
    expect(ex.value).toBe(1);
    expect(ex.trend.direction).toBe("improving");
  });

  it("a period that is not a whole month is not part of the series; a series with fewer than two values has no direction", () => {
    const k = computeKpis(state, { from: "2026-03-05", to: "2026-03-20" });
    expect(kpi(k, "incidents").trend.includesPeriod).toBe(false);
    // Response times exist only in March: no earlier point has data.
    expect(kpi(k, "incident-response-time").trend.direction).toBeNull();
    expect(kpi(computeKpis(state, MARCH, { count: 0 }), "incidents").trend).toEqual({ unit: "month", points: [], includesPeriod: true, direction: null, currencies: [] });
  });

  it("currency: a direction per currency; EUR losses 8000 in February, 12500 in March", () => {
    const k = kpi(computeKpis(state, MARCH), "cargo-loss-value");
    expect(k.trend.points.at(-1)!.amounts).toEqual([{ currency: "EUR", amount: "8000.00" }]);
    expect(k.trend.currencies).toEqual([
      { currency: "EUR", direction: "worsening" },
      { currency: "USD", direction: "worsening" },
    ]);
    expect(k.trend.direction).toBeNull();
  });
});

describe("computeKpis: which records count", () => {
  it("a superseded version is not counted: INC-3 re-dated to February leaves two March incidents", () => {
    const { log } = northgate();
    log.change("sms.incident", "INC-3", { detected: "2026-02-27T08:00:00.000Z", responded: "2026-02-27T08:30:00.000Z", closed: "2026-02-27T12:00:00.000Z" });
    const s = smsState(log.records);
    expect(kpi(computeKpis(s, MARCH), "incidents").value).toBe(2);
    expect(kpi(computeKpis(s, { from: "2026-02-01", to: "2026-02-28" }), "incidents").value).toBe(2);
  });

  it("a replayed leaf counts once; a schema-invalid incident not at all; a redacted one is left out", () => {
    const { log } = northgate();
    const inc1 = Number(log.records.find((x) => x.type === "sms.incident" && (x.payload as { id: string }).id === "INC-1")!.index);
    log.replay(inc1);
    log.add("sms.incident", { id: "INC-9", title: "no detected instant", category: "theft", severity: "low", status: "open", source: "manual" });
    let k = computeKpis(smsState(log.records), MARCH);
    expect(kpi(k, "incidents").value).toBe(3);
    expect(kpi(k, "cargo-loss-value").amounts).toEqual([{ currency: "EUR", amount: "12500.00" }, { currency: "USD", amount: "300.5" }]);
    log.redact("sms.incident", "INC-1");
    k = computeKpis(smsState(log.records), MARCH);
    expect(kpi(k, "incidents").value).toBe(2);
    expect(kpi(k, "cargo-loss-value").amounts).toEqual([{ currency: "USD", amount: "300.5" }]);
  });

  it("an acceptance for a residual the risk no longer has does not count: R-004 rescored leaves 3 of 4", () => {
    const { log } = northgate();
    log.change("sms.risk", "R-004", { residual: { likelihood: 3, consequence: 4 } });
    expect(figure(kpi(computeKpis(smsState(log.records), MARCH), "risks-treated-and-accepted"))).toEqual([75, 3, 4]);
  });

  it("gives the same report for the same records in any order", () => {
    const { log } = northgate();
    const expected = computeKpis(smsState(log.records), MARCH, { count: 3 });
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(computeKpis(smsState(shuffled), MARCH, { count: 3 })).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it("refuses a period that is not one", () => {
    const s = smsState([]);
    expect(() => computeKpis(s, { from: "2026-03-31", to: "2026-03-01" })).toThrow(SealTrailError);
    expect(() => computeKpis(s, { from: "2026-02-30", to: "2026-03-01" })).toThrow(/calendar date/);
    expect(() => computeKpis(s, MARCH, { periods: "week" as never })).toThrow(/month or quarter/);
    expect(() => computeKpis(s, MARCH, { count: -1 })).toThrow(/count/);
  });
});
