/**
 * dueItems over the Northgate fixture (fixture.ts) on D = 2026-03-31: what
 * falls to whom, and when. Due dates are worked out by hand in the comments.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dueItems, smsState } from "../../src/sms/compute/index.js";
import { D, TOM, type FixtureLog, northgate } from "./fixture.js";

const due = (log: FixtureLog) => dueItems(smsState(log.records), D);
const line = (i: { kind: string; due: string; overdue: boolean; ref: { id: string } }) => `${i.kind} ${i.ref.id} ${i.due}${i.overdue ? " overdue" : ""}`;

describe("dueItems", () => {
  it("lists, per owner and soonest first, everything the fixture has pending", () => {
    const r = due(northgate().log);
    expect(r.overdue).toBe(0);
    expect(r.owners.map((o) => [o.owner, o.items.map(line)])).toEqual([
      [
        "Ana Ruiz (northgate)",
        [
          "review-action MR-1 2026-06-30",
          // Baltic: direct audit 2025-09-10 + tier 1's 365 days; Ana assessed it.
          "supplier-assessment SUP-BALTIC 2026-09-10",
          "plan-review SP-N 2026-10-01",
          "plan-review SP-E 2026-10-01",
          "plan-review SP-I 2026-10-01",
          // Maas: 2024-11-05 + tier 2's 730 days.
          "supplier-assessment SUP-MAAS 2026-11-05",
          "document-review DOC-POL 2026-12-31",
          "document-review DOC-METH 2026-12-31",
          "document-review DOC-PROC 2026-12-31",
          "document-review DOC-MAN 2026-12-31",
          "objective OBJ-1 2026-12-31",
        ],
      ],
      // SC-1's exclusion falls to the scope's approver.
      ["Eva Jansen (northgate)", ["exclusion-revalidation SC-1 2026-12-31"]],
      // CloudTrack: questionnaire 2024-05-01 + tier 3's 1095 days; Lea assessed it.
      ["Lea Vogel (northgate)", ["supplier-assessment SUP-CLOUD 2027-05-01"]],
      [
        "Tom Berg (northgate)",
        [
          "risk-review R-001 2026-08-01",
          "risk-review R-002 2026-08-01",
          "risk-review R-003 2026-08-01",
          "risk-review R-004 2026-08-01",
          "acceptance-expiry A-001 2026-12-31",
          "acceptance-expiry A-002 2026-12-31",
          "acceptance-expiry A-003 2026-12-31",
          "acceptance-expiry A-004 2026-12-31",
        ],
      ],
    ]);
    // 2026-03-31 to 2026-06-30: 30 + 31 + 30 days.
    expect(r.owners[0]!.items[0]!.daysLeft).toBe(91);
  });

  it("flags what is past due, and leaves out what is done, closed or withdrawn", () => {
    const { log } = northgate();
    log.change("sms.document", "DOC-PROC", { reviewDue: "2026-03-01" });
    log.change("sms.document", "DOC-MAN", { status: "withdrawn" });
    log.add("sms.nonconformity", {
      id: "NC-3",
      title: "Gate log gaps",
      source: "monitoring",
      description: "Entries missing on night shifts",
      raised: "2026-03-02",
      status: "actions",
      rootCause: { method: "5-whys", cause: "No handover checklist" },
      actions: [
        { id: "CA-3", description: "Add checklist", owner: TOM, due: "2026-03-15" },
        { id: "CA-4", description: "Train guards", owner: TOM, due: "2026-03-10", done: "2026-03-09" },
      ],
      owner: TOM,
    });
    // A new tier-2 supplier never assessed: due since onboarding, and nobody is named.
    log.add("sms.supplier", { ...log.payload("sms.supplier", "SUP-MAAS"), id: "SUP-RAIL", name: "Rhine Rail", onboarded: "2026-02-01" });
    const r = due(log);
    expect(r.overdue).toBe(3);
    const ana = r.owners.find((o) => o.owner === "Ana Ruiz (northgate)")!;
    expect(ana.items.filter((i) => i.overdue).map(line)).toEqual(["document-review DOC-PROC 2026-03-01 overdue"]);
    expect(ana.items.filter((i) => i.overdue)[0]!.daysLeft).toBe(-30);
    expect(ana.items.map((i) => i.ref.id)).not.toContain("DOC-MAN");
    const tom = r.owners.find((o) => o.owner === "Tom Berg (northgate)")!;
    expect(tom.items.filter((i) => i.kind === "nonconformity-action").map(line)).toEqual(["nonconformity-action NC-3 2026-03-15 overdue"]);
    expect(r.owners.find((o) => o.owner === "(unassigned)")!.items.map(line)).toEqual(["supplier-assessment SUP-RAIL 2026-02-01 overdue"]);
  });

  it("an acceptance expiring soonest is the latest one; a renewal replaces it", () => {
    const { log } = northgate();
    log.add("sms.risk-acceptance", { ...log.payload("sms.risk-acceptance", "A-001"), id: "A-001b", accepted: "2026-03-01", expires: "2027-03-01" });
    const tom = due(log).owners.find((o) => o.owner === "Tom Berg (northgate)")!;
    expect(tom.items.filter((i) => i.kind === "acceptance-expiry").map(line)).toEqual([
      "acceptance-expiry A-002 2026-12-31",
      "acceptance-expiry A-003 2026-12-31",
      "acceptance-expiry A-004 2026-12-31",
      "acceptance-expiry A-001b 2027-03-01",
    ]);
  });

  it("gives the same result for the same records in any order", () => {
    const { log } = northgate();
    log.change("sms.document", "DOC-PROC", { reviewDue: "2026-03-01" });
    const expected = due(log);
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(dueItems(smsState(shuffled), D)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });
});
