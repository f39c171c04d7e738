/**
 * detectGaps: the Northgate fixture (fixture.ts) shows none of the fourteen
 * gaps on D = 2026-03-31; each case below changes one thing and exactly one
 * gap is detected, with the finding given. Boundary cases check the day a
 * rule turns.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { detectGaps, smsState } from "../../src/sms/compute/index.js";
import { D, type FixtureLog, northgate } from "./fixture.js";

const gaps = (log: FixtureLog, asOf = D) => detectGaps(smsState(log.records), asOf);
const detected = (log: FixtureLog) => gaps(log).gaps.filter((g) => g.detected);

describe("detectGaps", () => {
  it("the complete fixture shows none of the fourteen gaps", () => {
    const r = gaps(northgate().log);
    expect(r.gaps).toHaveLength(14);
    expect(r.gaps.filter((g) => g.detected).map((g) => [g.id, g.findings])).toEqual([]);
    expect(r.detected).toBe(0);
  });

  const CASES: [string, string, (log: FixtureLog) => void, string[]][] = [
    ["scope-boundaries", "a scope without dependencies", (l) => l.change("sms.scope", "SC-1", { dependencies: [] }), ["scope SC-1 lists no dependency while active suppliers exist"]],
    [
      "risk-control-links",
      "a risk with no control (and so its two controls linked to no risk)",
      (l) => l.change("sms.risk", "R-002", { controls: [] }),
      ["risk R-002 (reduce) has no control", "control C-ISMS is linked to no risk", "control C-PROC is linked to no risk"],
    ],
    [
      "risk-control-links",
      "a control linked to no risk",
      (l) => l.add("sms.control", { ...l.payload("sms.control", "C-PHY"), id: "C-CCTV", catalogueControl: "physical.cctv", title: "Camera coverage" }),
      ["control C-CCTV is linked to no risk"],
    ],
    // An expired acceptance counts as none: A-003 expired the day before D.
    ["acceptance-missing", "an expired acceptance", (l) => l.change("sms.risk-acceptance", "A-003", { expires: "2026-03-30" }), ["risk R-003 has no residual-risk acceptance unexpired on 2026-03-31"]],
    [
      "acceptance-missing",
      "an acceptance of a residual the risk no longer has",
      (l) => l.change("sms.risk", "R-004", { residual: { likelihood: 3, consequence: 4 } }),
      ["risk R-004: its latest acceptance A-004 accepts a residual that differs from the risk's current residual"],
    ],
    ["objectives-unmeasurable", "an objective past its due date still on track", (l) => l.change("sms.objective", "OBJ-1", { due: "2026-03-01" }), ["objective OBJ-1 was due on 2026-03-01 and is still on-track"]],
    // Baltic's direct audit 366 days before D: over tier 1's 365.
    [
      "partners-unassured",
      "a tier-1 supplier not assessed within its tier's interval",
      (l) => l.change("sms.supplier-assessment", "SA-1", { assessed: "2025-03-30" }),
      ["supplier Baltic Haulage (tier 1) has no assessment by direct-audit within the 365 days before 2026-03-31"],
    ],
    [
      "partners-unassured",
      "a tier-2 supplier assessed by a method its tier does not accept",
      (l) => l.change("sms.supplier-assessment", "SA-2", { method: "questionnaire" }),
      ["supplier Maas Forwarding (tier 2) has no assessment by questionnaire-and-targeted-audit or direct-audit within the 730 days before 2026-03-31"],
    ],
    [
      "personnel-weak",
      "a role holder vetted only after appointment",
      (l) => l.change("sms.competence", "VET-LEA", { completed: "2025-01-06" }),
      ["role ROLE-IA: holder Lea Vogel (northgate) was not vetted (passed) on or before appointment 2025-01-05"],
    ],
    [
      "cargo-unevidenced",
      "tracking with no implementation entry in the last year",
      (l) => l.change("sms.control", "C-TRK", { implementation: [{ date: "2025-03-01", description: "Installed" }] }),
      ["no control implementing cargo.tracking is applicable, operating and has an implementation entry within the 365 days before 2026-03-31"],
    ],
    ["information-unintegrated", "no risk in the information domain", (l) => l.change("sms.risk", "R-002", { domains: ["procedural"] }), ["no risk lists the information domain"]],
    [
      "plans-unexercised",
      "the elevated-threat plan never exercised",
      (l) => l.change("sms.exercise", "EX-2", { plan: "SP-N" }),
      ["security plan SP-E (elevated-threat) was not exercised within the 365 days before 2026-03-31"],
    ],
    [
      "audit-coverage",
      "an audit cycle that misses clause 10 and the Duisburg site",
      (l) => {
        l.change("sms.audit", "AUD-2", { clauses: ["8", "9"], sites: ["WH-ROT"] });
        l.change("sms.audit", "AUD-3", { clauses: ["4", "5", "6", "7", "8", "9"], sites: ["WH-ROT"] });
      },
      ["clause group 10 was covered by no internal audit reported within the 365 days before 2026-03-31", "site DC-DUI of scope SC-1 was named by no internal audit reported within the 1095 days before 2026-03-31"],
    ],
    [
      "review-incomplete",
      "a management review missing a required input",
      (l) => {
        const inputs = { ...(l.payload("sms.management-review", "MR-1").inputs as Record<string, string>) };
        delete inputs["audit-results"];
        l.change("sms.management-review", "MR-1", { inputs });
      },
      ["management review MR-1 of 2026-01-30 lacks the inputs audit-results"],
    ],
    ["root-cause-missing", "a closed corrective action without root cause", (l) => l.change("sms.nonconformity", "NC-1", { rootCause: undefined }), ["nonconformity NC-1 (closed) has no root cause"]],
    ["root-cause-missing", "a closed corrective action never checked for effectiveness", (l) => l.change("sms.nonconformity", "NC-2", { effectiveness: undefined }), ["nonconformity NC-2 was closed without an effectiveness check"]],
    ["documents-uncontrolled", "a document past its review date", (l) => l.change("sms.document", "DOC-PROC", { reviewDue: "2026-03-30" }), ["document DOC-PROC was due for review on 2026-03-30"]],
    [
      "documents-uncontrolled",
      "a plan pointing at a superseded document",
      (l) => {
        l.add("sms.document", { ...l.payload("sms.document", "DOC-MAN"), id: "DOC-OLD", title: "Old site plan", status: "superseded", clauses: ["8.5"] });
        l.change("sms.security-plan", "SP-N", { document: "DOC-OLD" });
      },
      ["sms.security-plan SP-N refers to document DOC-OLD, which is superseded"],
    ],
    // AWR-TOM 366 days before D.
    ["awareness-gaps", "a role holder without awareness in the last year", (l) => l.change("sms.competence", "AWR-TOM", { completed: "2025-03-30" }), ["role ROLE-RO: holder Tom Berg (northgate) has no awareness record within the 365 days before 2026-03-31"]],
    [
      "awareness-gaps",
      "a failed awareness check never passed since",
      (l) => l.add("sms.competence", { id: "AWR-DRV", person: { name: "Jan de Vries", org: "northgate" }, kind: "awareness", topic: "Policy quiz", completed: "2026-02-01", result: "failed" }),
      ["Jan de Vries (northgate) failed awareness on 2026-02-01 and has not passed it since"],
    ],
  ];

  it("has a case for every gap", () => {
    expect([...new Set(CASES.map((c) => c[0]))].sort()).toEqual(gaps(northgate().log).gaps.map((g) => g.id).sort());
  });

  for (const [id, what, change, messages] of CASES) {
    it(`${id} is detected for ${what}, and no other gap`, () => {
      const { log } = northgate();
      expect(gaps(log).gaps.find((g) => g.id === id)!.detected).toBe(false);
      change(log);
      expect(smsState(log.records).invalid).toEqual([]);
      const found = detected(log);
      expect(found.map((g) => g.id)).toEqual([id]);
      expect(found[0]!.findings.map((x) => x.message)).toEqual(messages);
      expect(found[0]!.findings.every((x) => x.refs.every((r) => typeof r.index === "number"))).toBe(true);
    });
  }

  it("names the records behind a finding", () => {
    const { log } = northgate();
    const i = log.change("sms.risk", "R-004", { residual: { likelihood: 3, consequence: 4 } });
    const g = detected(log)[0]!;
    expect(g.findings[0]!.refs.map((r) => [r.type, r.id])).toEqual([
      ["sms.risk-acceptance", "A-004"],
      ["sms.risk", "R-004"],
    ]);
    expect(g.findings[0]!.refs[1]!.index).toBe(i);
  });

  it("turns on the right day: an acceptance expiring on D still holds; an assessment exactly 365 days old still counts", () => {
    const { log } = northgate();
    log.change("sms.risk-acceptance", "A-003", { expires: D });
    log.change("sms.supplier-assessment", "SA-1", { assessed: "2025-03-31" });
    expect(detected(log)).toEqual([]);
    // The day after, both have lapsed.
    const next = gaps(log, "2026-04-01").gaps.filter((g) => g.detected).map((g) => g.id);
    expect(next).toEqual(expect.arrayContaining(["acceptance-missing", "partners-unassured"]));
  });

  it("a cargo control declared not applicable everywhere is no gap; none at all is", () => {
    const { log } = northgate();
    log.change("sms.control", "C-TRK", { applicable: false, status: "retired" });
    // C-TRK stays named by R-004, but only applicable controls need a risk.
    expect(detected(log)).toEqual([]);
    const empty = detectGaps(smsState([]), D).gaps.find((g) => g.id === "cargo-unevidenced")!;
    expect(empty.findings.map((x) => x.message)).toEqual(["no control implements cargo.seal-register", "no control implements cargo.conveyance-inspection", "no control implements cargo.tracking"]);
  });

  it("gives the same result for the same records in any order", () => {
    const { log } = northgate();
    log.change("sms.risk", "R-002", { controls: [] });
    log.change("sms.document", "DOC-PROC", { reviewDue: "2026-03-30" });
    const expected = gaps(log);
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(detectGaps(smsState(shuffled), D)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });
});
