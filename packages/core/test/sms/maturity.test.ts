/**
 * computeMaturity over the Northgate fixture (fixture.ts) on D = 2026-03-31.
 * Each expected level is worked out by hand from MATURITY_RULES; the
 * comment above each case walks through the rules.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MATURITY_RULES, computeMaturity, computeReadiness, detectGaps, smsState, type ClauseAssessment } from "../../src/sms/compute/index.js";
import { CLAUSES } from "../../src/sms/catalogue/clauses.js";
import { D, type FixtureLog, northgate } from "./fixture.js";

const maturity = (log: FixtureLog) => computeMaturity(smsState(log.records), D);
const clause = (m: { clauses: readonly ClauseAssessment[] }, id: string) => m.clauses.find((c) => c.clause === id)!;
const summary = (c: { level: number; rule: string; next: readonly string[] }) => [c.level, c.rule, c.next];

describe("computeMaturity", () => {
  const base = maturity(northgate().log);

  it("states a rule for each level, for clauses and for domains", () => {
    expect(MATURITY_RULES.clause.map((r) => [r.level, r.id])).toEqual([[1, "C1"], [2, "C2"], [3, "C3"], [4, "C4"], [5, "C5"]]);
    expect(MATURITY_RULES.domain.map((r) => [r.level, r.id])).toEqual([[1, "D1"], [2, "D2"], [3, "D3"], [4, "D4"], [5, "D5"]]);
    expect(base.clauses.map((c) => c.clause)).toEqual(CLAUSES.map((c) => c.id));
  });

  it("4.1 reaches 5: CI-1 exists (C2); registers-maintained passes and no gap or finding names 4.1 (C3); AUD-1 (2025-09-20) covers group 4 and MR-1 was held 2026-01-30, and no KPI names 4.1 (C4); IMP-1 is done, no nonconformity, no finding either year (C5)", () => {
    const c = clause(base, "4.1");
    expect(c.status).toBe("conformity");
    expect(summary(c)).toEqual([5, "C5", []]);
    expect(c.evidence.map((x) => x.id)).toEqual(["CI-1"]);
  });

  it("5.1 is partial at level 2: a management review and communications exist, but no sms.resource", () => {
    const c = clause(base, "5.1");
    expect(c.status).toBe("partial");
    expect(c.missingEvidence).toEqual(["sms.resource"]);
    expect(summary(c)).toEqual([2, "C2", ["no sms.resource record"]]);
  });

  it("6.3 is missing at level 1: no sms.change at all", () => {
    const c = clause(base, "6.3");
    expect([c.status, ...summary(c)]).toEqual(["missing", 1, "C1", ["no record of the clause's evidence types"]]);
  });

  it("6.1.3 stops at 4: F-4 (major-nc, NC-2 closed effective) is resolved, but it is one nonconformity finding this year against none the year before", () => {
    const c = clause(base, "6.1.3");
    expect(c.status).toBe("conformity");
    expect(c.findings).toEqual([{ ref: expect.objectContaining({ id: "F-4" }), grade: "major-nc", statement: "One residual risk accepted by the wrong person", resolved: true }]);
    expect(c.readiness).toEqual([{ id: "treatment-accepted", passed: true }]);
    expect(summary(c)).toEqual([4, "C4", ["nonconformity findings against the clause: 1 from audits reported in the 365 days before 2026-03-31, 0 in the 365 days before those"]]);
  });

  it("8.5 stops at 4: its KPI incidents runs 0,0,0,0,0,1,3 from September to March, worsening", () => {
    expect(summary(clause(base, "8.5"))).toEqual([4, "C4", ["KPI incidents is worsening"]]);
  });

  it("a clause group is as mature as its least mature clause", () => {
    // 4: all five; 5: 5.1 at 2; 6: 6.3 at 1; 7: 7.1 (no sms.resource) at 1; 8: 8.4 and 8.5 at 4; 9: 9.1 at 4; 10: both at 5.
    expect(base.groups.map((g) => [g.group, g.level])).toEqual([["4", 5], ["5", 2], ["6", 1], ["7", 1], ["8", 4], ["9", 4], ["10", 5]]);
  });

  it("domains: physical and cargo stop at 4 (INC-1 names R-001 this year, none the year before); the others reach 5", () => {
    expect(base.domains.map((x) => [x.domain, x.level])).toEqual([
      ["physical", 4],
      ["personnel", 5],
      ["information", 5],
      ["cargo", 4],
      ["transport", 5],
      ["partner", 5],
      ["procedural", 5],
      ["incident", 5],
    ]);
    expect(summary(base.domains.find((x) => x.domain === "cargo")!)).toEqual([
      4,
      "D4",
      ["incidents naming the domain's risks: 1 detected in the 365 days before 2026-03-31, 0 in the 365 days before those"],
    ]);
  });

  it("an unresolved finding makes its clause partial: NC-1 back in verification leaves F-1 (minor-nc, 8.4) open", () => {
    const { log } = northgate();
    log.change("sms.nonconformity", "NC-1", { status: "verification", closed: undefined });
    const c = clause(maturity(log), "8.4");
    expect(c.status).toBe("partial");
    expect(c.findings.find((x) => x.ref.id === "F-1")!.resolved).toBe(false);
    expect(summary(c)).toEqual([2, "C2", ["finding F-1 (minor-nc) is unresolved"]]);
  });

  it("without a management review in the last year, no clause is measured: 4.1 drops to 3", () => {
    const { log } = northgate();
    log.change("sms.management-review", "MR-1", { held: "2025-03-30", actions: [] });
    expect(summary(clause(maturity(log), "4.1"))).toEqual([3, "C3", ["no management review held within the 365 days before 2026-03-31"]]);
  });

  it("a domain with a suspended control is not defined; one whose controls are all not applicable says so", () => {
    const { log } = northgate();
    log.change("sms.control", "C-ROUTE", { status: "suspended" });
    log.change("sms.control", "C-PART", { applicable: false, status: "retired" });
    const m = maturity(log);
    expect(summary(m.domains.find((x) => x.domain === "transport")!)).toEqual([2, "D2", ["control C-ROUTE is suspended"]]);
    const partner = m.domains.find((x) => x.domain === "partner")!;
    expect([partner.applicable, partner.level]).toEqual([false, 2]);
  });

  it("an empty SMS is initial everywhere", () => {
    const m = computeMaturity(smsState([]), D);
    expect(new Set(m.clauses.map((c) => `${c.status} ${c.level} ${c.rule}`))).toEqual(new Set(["missing 1 C1"]));
    expect(new Set([...m.groups, ...m.domains].map((x) => x.level))).toEqual(new Set([1]));
  });

  it("gives the same result for the same records in any order", () => {
    const { log } = northgate();
    const expected = maturity(log);
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(computeMaturity(smsState(shuffled), D)).toEqual(expected);
      }),
      { numRuns: 8 },
    );
  });

  it("reads the readiness and gap verdicts already computed for the state and day, and no change a caller makes to those reports", () => {
    const { log } = northgate();
    log.change("sms.risk", "R-001", { status: "open", residual: { likelihood: 4, consequence: 4 } });
    const s = smsState(log.records);
    const readiness = computeReadiness(s, D);
    const gaps = detectGaps(s, D);
    const expected = computeMaturity(smsState(log.records), D);
    expect(expected.clauses.some((c) => c.readiness.some((r) => !r.passed) || c.gaps.some((g) => g.detected))).toBe(true);
    for (const i of readiness.items) (i as { passed: boolean }).passed = !i.passed;
    for (const g of gaps.gaps) (g as { detected: boolean }).detected = !g.detected;
    (readiness.items as unknown as unknown[]).length = 0;
    expect(computeMaturity(s, D)).toEqual(expected);
  });
});
