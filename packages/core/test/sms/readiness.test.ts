/**
 * computeReadiness: the Northgate fixture (fixture.ts) meets all fifteen
 * items on D = 2026-03-31; each case below changes one thing and exactly
 * one item fails, for the reason given.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeReadiness, smsState } from "../../src/sms/compute/index.js";
import { SealTrailError } from "../../src/errors.js";
import { D, type FixtureLog, northgate } from "./fixture.js";

const readiness = (log: FixtureLog, asOf = D) => computeReadiness(smsState(log.records), asOf);

describe("computeReadiness", () => {
  it("the complete fixture passes every item, each with the records that prove it", () => {
    const r = readiness(northgate().log);
    expect(r.items).toHaveLength(15);
    expect(r.items.filter((i) => !i.passed).map((i) => [i.id, i.missing])).toEqual([]);
    expect(r.passed).toBe(15);
    const ids = (id: string) => r.items.find((i) => i.id === id)!.refs.map((x) => x.id);
    // The top-management role, the approved policy, and the briefing whose text names the policy's title.
    expect(ids("leadership-sponsorship")).toEqual(["ROLE-TM", "DOC-POL", "COM-1"]);
    // AUD-3 (pre-assessment, 2026-02-20, 39 days before D) and its major finding F-4 with NC-2 closed.
    expect(ids("pre-assessment-done")).toEqual(["AUD-3", "F-4", "NC-2"]);
    // The programme and the two audits it planned.
    expect(ids("monitoring-and-audit")).toEqual(["OBJ-1", "OBJ-2", "AP-2025", "AUD-1", "AUD-2"]);
  });

  const CASES: [string, (log: FixtureLog) => void, string][] = [
    ["leadership-sponsorship", (l) => l.change("sms.communication", "COM-1", { what: "Staff briefing on security" }), "no communication entry names the policy's title"],
    ["scope-documented", (l) => l.change("sms.scope", "SC-1", { exclusions: [{ what: "Head office canteen", justification: "No goods", revalidate: "2026-03-30" }] }), 'scope SC-1: exclusion "Head office canteen" was due for revalidation on 2026-03-30'],
    // 2025-03-30 is 366 days before D.
    ["registers-maintained", (l) => l.change("sms.context-issue", "CI-1", { reviewed: "2025-03-30" }), "sms.context-issue CI-1 last reviewed 2025-03-30, not within the 365 days before 2026-03-31"],
    ["risk-method-applied", (l) => l.change("sms.document", "DOC-METH", { status: "draft" }), "no approved methodology document"],
    ["treatment-accepted", (l) => l.change("sms.risk-acceptance", "A-002", { expires: "2026-03-30" }), "risk R-002 has no acceptance unexpired on 2026-03-31 for its current residual"],
    ["roles-assigned", (l) => l.change("sms.role", "ROLE-IA", { until: "2026-03-01" }), "no internal-audit role in force"],
    [
      "objectives-set",
      (l) => {
        l.change("sms.objective", "OBJ-1", { status: "missed" });
        l.change("sms.objective", "OBJ-2", { status: "missed" });
      },
      "no objective achieved or pursued with a due date not passed",
    ],
    ["controls-operating", (l) => l.change("sms.control", "C-ROUTE", { status: "suspended" }), "domain transport: no applicable control operating with an implementation entry within the 365 days before 2026-03-31"],
    // 2025-03-30 is 366 days before D: SP-I's only exercise is too old.
    ["security-plans-exercised", (l) => l.change("sms.exercise", "EX-3", { held: "2025-03-30" }), "plan SP-I was not exercised within the 365 days before 2026-03-31"],
    ["competence-delivered", (l) => l.change("sms.competence", "TRN-LEA", { expires: "2026-03-30" }), "role ROLE-IA (Lea Vogel): no unexpired training"],
    ["communication-document-control", (l) => l.change("sms.document", "DOC-MAN", { reviewDue: "2026-03-30" }), "document DOC-MAN was due for review on 2026-03-30"],
    [
      "monitoring-and-audit",
      (l) => {
        const p = l.payload("sms.audit-programme", "AP-2025");
        l.change("sms.audit-programme", "AP-2025", { planned: [...(p.planned as object[]), { audit: "AUD-4", clauses: ["9"], sites: [], month: "2026-03" }] });
      },
      "programme AP-2025: planned audits not done: AUD-4",
    ],
    [
      "management-review-held",
      (l) => {
        const inputs = { ...(l.payload("sms.management-review", "MR-1").inputs as object), resources: undefined };
        l.change("sms.management-review", "MR-1", { inputs: JSON.parse(JSON.stringify(inputs)) });
      },
      "review MR-1 lacks inputs resources",
    ],
    ["corrective-action-working", (l) => l.change("sms.nonconformity", "NC-2", { effectiveness: { verifiedBy: { name: "Lea Vogel" }, verified: "2026-03-28", effective: false, note: "Recurred" } }), "nonconformity NC-2 closed without an effective verification"],
    ["pre-assessment-done", (l) => l.change("sms.nonconformity", "NC-2", { status: "verification", closed: undefined }), "audit AUD-3: major nonconformities not closed: F-4"],
  ];

  it("has one failing case per item", () => {
    expect(CASES.map((c) => c[0]).sort()).toEqual(readiness(northgate().log).items.map((i) => i.id).sort());
  });

  for (const [id, change, reason] of CASES) {
    it(`${id} fails, and only it: ${reason}`, () => {
      const { log } = northgate();
      expect(readiness(log).items.find((i) => i.id === id)!.passed).toBe(true);
      change(log);
      const r = readiness(log);
      expect(smsState(log.records).invalid).toEqual([]);
      expect(r.items.filter((i) => !i.passed).map((i) => i.id)).toEqual([id]);
      expect(r.items.find((i) => i.id === id)!.missing).toContain(reason);
    });
  }

  it("fails everything but nothing else on an empty SMS, each with its reasons", () => {
    const r = computeReadiness(smsState([]), D);
    expect(r.passed).toBe(0);
    expect(r.items.find((i) => i.id === "corrective-action-working")!.missing).toEqual(["no sms.nonconformity"]);
    expect(r.items.find((i) => i.id === "controls-operating")!.missing).toContain("domain cargo: no sms.control, applicable or not");
  });

  it("a register with controls but no risk does not pass treatment-accepted", () => {
    const { log } = northgate();
    const onlyControls = log.records.filter((r) => r.type === "sms.control");
    const r = computeReadiness(smsState(onlyControls), D).items.find((i) => i.id === "treatment-accepted")!;
    expect(r.passed).toBe(false);
    expect(r.missing).toEqual(["no sms.risk"]);
  });

  it("a domain whose controls are all declared not applicable passes controls-operating", () => {
    const { log } = northgate();
    log.change("sms.control", "C-ROUTE", { applicable: false, status: "retired" });
    expect(readiness(log).items.find((i) => i.id === "controls-operating")!.passed).toBe(true);
  });

  it("is judged on the day given: on 2026-09-30 AUD-3 (2026-02-20) is 222 days old, over 180", () => {
    const r = readiness(northgate().log, "2026-09-30");
    expect(r.items.find((i) => i.id === "pre-assessment-done")!.missing).toEqual(["no internal audit reported within the 180 days before 2026-09-30"]);
  });

  it("gives the same result for the same records in any order, and refuses a bad day", () => {
    const { log } = northgate();
    log.change("sms.role", "ROLE-IA", { until: "2026-03-01" });
    const expected = readiness(log);
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(computeReadiness(smsState(shuffled), D)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
    expect(() => computeReadiness(smsState([]), "31/03/2026")).toThrow(SealTrailError);
  });
});
