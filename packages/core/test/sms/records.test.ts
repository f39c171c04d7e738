/**
 * smsState: the records of a vault reduced to the current SMS. The
 * Northgate fixture (fixture.ts) is the log; each test adds the record it is
 * about and checks the state by hand.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { smsRecord, smsState } from "../../src/sms/compute/index.js";
import { SealTrailError } from "../../src/errors.js";
import { FixtureLog, northgate } from "./fixture.js";

describe("smsState", () => {
  it("reads the fixture: every SMS record valid, custody events kept, other types ignored", () => {
    const { log, custodyFailed, custodyPassed } = northgate();
    const s = smsState(log.records);
    expect(s.invalid).toEqual([]);
    // Four incidents (INC-1 to INC-4), four risks, eleven controls, sorted by record id.
    expect(s.records["sms.incident"].map((i) => i.id)).toEqual(["INC-1", "INC-2", "INC-3", "INC-4"]);
    expect(s.records["sms.risk"].map((r) => r.id)).toEqual(["R-001", "R-002", "R-003", "R-004"]);
    expect(s.records["sms.control"]).toHaveLength(11);
    expect(s.custody.map((c) => c.ref.index)).toEqual([custodyFailed, custodyPassed]);
    expect(s.custody[0]!.ref.id).toMatch(/^ni:\/\/\/sha-256;/);
    // The fixture's one "ledger.note" record.
    expect(s.ignored).toBe(1);
    expect(s.replays).toEqual([]);
  });

  it("keeps the latest version of a record, with every version in its history; the superseded one is not counted", () => {
    const { log } = northgate();
    const first = log.records.find((r) => r.type === "sms.risk" && (r.payload as { id: string }).id === "R-001")!;
    const second = log.change("sms.risk", "R-001", { status: "closed" });
    const s = smsState(log.records);
    const risks = s.records["sms.risk"].filter((r) => r.id === "R-001");
    expect(risks).toHaveLength(1);
    expect(risks[0]!.payload.status).toBe("closed");
    expect(risks[0]!.ref).toEqual({ type: "sms.risk", id: "R-001", index: second });
    expect(risks[0]!.history.map((v) => v.index)).toEqual([Number(first.index), second]);
    expect(smsRecord(s, "sms.risk", "R-001")?.ref.index).toBe(second);
  });

  it("counts a replayed record (the same leaf at another index) once, at its lowest index", () => {
    const { log } = northgate();
    const original = Number(log.records.find((r) => r.type === "sms.incident" && (r.payload as { id: string }).id === "INC-1")!.index);
    const again = log.replay(original);
    const s = smsState(log.records);
    expect(s.records["sms.incident"]).toHaveLength(4);
    expect(s.records["sms.incident"].find((i) => i.id === "INC-1")!.ref.index).toBe(original);
    expect(s.replays).toEqual([{ leafHash: log.records[original]!.leafHash, indices: [original, again] }]);
  });

  it("sets aside a record whose payload breaks its schema, with the problems, and never counts it", () => {
    const { log } = northgate();
    const bad = log.add("sms.risk", { id: "R-BAD", threat: "x" });
    const s = smsState(log.records);
    expect(s.records["sms.risk"].map((r) => r.id)).not.toContain("R-BAD");
    expect(s.invalid).toHaveLength(1);
    expect(s.invalid[0]).toMatchObject({ type: "sms.risk", id: "R-BAD", index: bad });
    expect(s.invalid[0]!.problems.map((p) => p.pointer)).toContain("/title");
  });

  it("leaves out a record whose latest version is redacted, and names it", () => {
    const { log } = northgate();
    const r = log.redact("sms.incident", "INC-3");
    const lone = log.add("sms.objective", null, { supersedes: null });
    const s = smsState(log.records);
    expect(s.records["sms.incident"].map((i) => i.id)).toEqual(["INC-1", "INC-2", "INC-4"]);
    expect(s.withheld).toEqual([{ type: "sms.incident", id: "INC-3", index: r }]);
    // A redacted first version has no readable predecessor: its id is unknown.
    expect(s.redacted).toEqual([
      { type: "sms.incident", id: "INC-3", index: r },
      { type: "sms.objective", id: null, index: lone },
    ]);
  });

  it("reads an older version again when a later, readable version follows a redacted one", () => {
    const { log } = northgate();
    log.redact("sms.incident", "INC-3");
    const p = structuredClone(log.records.find((x) => x.type === "sms.incident" && (x.payload as { id: string }).id === "INC-3")!.payload) as Record<string, unknown>;
    const last = log.add("sms.incident", { ...p, severity: "high" });
    const s = smsState(log.records);
    const inc3 = s.records["sms.incident"].find((i) => i.id === "INC-3")!;
    expect(inc3.ref.index).toBe(last);
    expect(inc3.payload.severity).toBe("high");
    expect(inc3.history.map((v) => v.redacted)).toEqual([false, true, false]);
    expect(s.withheld).toEqual([]);
  });

  it("sets aside unknown sms.* types, versions that change their id, and a second leaf at a used index", () => {
    const { log } = northgate();
    const unknown = log.add("sms.wish", { id: "W-1" });
    const renamed = log.add("sms.improvement", { ...log.payload("sms.improvement", "IMP-1"), id: "IMP-9" }, { supersedes: Number(log.records.find((r) => r.type === "sms.improvement")!.index) });
    const records = [...log.records, { ...log.records[unknown]!, leafHash: "ff".repeat(32), type: "sms.wish" }];
    const s = smsState(records);
    expect(s.invalid.map((x) => [x.index, x.type, x.problems[0]!.pointer])).toEqual([
      [unknown, "sms.wish", ""],
      [unknown, "sms.wish", ""],
      [renamed, "sms.improvement", "/id"],
    ]);
    expect(s.invalid[1]!.problems[0]!.message).toContain("already holds");
    expect(s.records["sms.improvement"].map((i) => [i.id, i.payload.status])).toEqual([["IMP-1", "done"]]);
  });

  it("accepts indices as numbers or bigints, and refuses what is not a record", () => {
    const log = new FixtureLog();
    log.add("sms.improvement", { id: "IMP-1", title: "t", description: "d", source: "other", owner: { name: "A" }, status: "proposed" });
    const asNumber = log.records.map((r) => ({ ...r, index: Number(r.index) }));
    expect(smsState(asNumber)).toEqual(smsState(log.records));
    expect(() => smsState(null as never)).toThrow(SealTrailError);
    expect(() => smsState([{ ...asNumber[0]!, index: -1 }])).toThrow(/index/);
    expect(() => smsState([{ ...asNumber[0]!, leafHash: "zz" }])).toThrow(/leafHash/);
    expect(() => smsState([{ ...asNumber[0]!, payload: undefined }])).toThrow(/payload/);
  });

  it("gives the same state for the same records in any order", () => {
    const { log } = northgate();
    log.change("sms.risk", "R-002", { status: "closed" });
    log.replay(5);
    log.add("sms.risk", { id: "R-BAD" });
    log.redact("sms.incident", "INC-3");
    const expected = smsState(log.records);
    fc.assert(
      fc.property(fc.shuffledSubarray(log.records, { minLength: log.records.length, maxLength: log.records.length }), (shuffled) => {
        expect(smsState(shuffled)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });
});
