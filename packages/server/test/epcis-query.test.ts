import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SealTrailError } from "@sealtrail/core";
import { cbvWord, parseEpcisQuery } from "../src/custody/epcis-query.js";

// The GS1 example documents (testdata/epcis-examples/SOURCE.md): every event they hold.
const DIR = new URL("../../../testdata/epcis-examples/", import.meta.url);
const events: Record<string, unknown>[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".jsonld"))
  .flatMap((f) => {
    const doc = JSON.parse(readFileSync(new URL(f, DIR), "utf8")) as Record<string, unknown>;
    const body = (doc.epcisBody ?? {}) as Record<string, unknown>;
    const list = (body.eventList ?? (body.queryResults as Record<string, unknown> | undefined)?.resultsBody) as unknown;
    const evs = Array.isArray(list) ? list : Array.isArray((list as Record<string, unknown> | undefined)?.eventList) ? (list as Record<string, unknown[]>).eventList : [];
    return evs as Record<string, unknown>[];
  });

const run = (params: Record<string, string | string[]>) => events.filter(parseEpcisQuery(params).matches);

describe("EPCIS query parameters", () => {
  it("reads the example documents", () => {
    expect(events.length).toBeGreaterThan(40);
  });

  it("filters by event type, action, bizStep and disposition, in any CBV spelling", () => {
    const assoc = run({ eventType: "AssociationEvent" });
    expect(assoc.length).toBeGreaterThan(0);
    expect(assoc.every((e) => e.type === "AssociationEvent")).toBe(true);
    const two = run({ eventType: "ObjectEvent|AggregationEvent" });
    expect(two.every((e) => e.type === "ObjectEvent" || e.type === "AggregationEvent")).toBe(true);
    expect(two.length).toBe(run({ eventType: "ObjectEvent" }).length + run({ eventType: "AggregationEvent" }).length);

    const shipping = run({ EQ_bizStep: "shipping" });
    expect(shipping.length).toBeGreaterThan(0);
    expect(shipping.every((e) => cbvWord(e.bizStep as string) === "shipping")).toBe(true);
    expect(run({ EQ_bizStep: "https://ref.gs1.org/cbv/BizStep-shipping" })).toEqual(shipping);
    expect(run({ EQ_bizStep: "urn:epcglobal:cbv:bizstep:shipping" })).toEqual(shipping);
    expect(run({ EQ_action: "ADD", EQ_bizStep: "shipping" }).every((e) => e.action === "ADD")).toBe(true);
    expect(run({ EQ_disposition: "in_transit" }).every((e) => cbvWord(e.disposition as string) === "in_transit")).toBe(true);
  });

  it("filters by time bounds: GE inclusive, LT exclusive, across time zones", () => {
    const withTime = events.filter((e) => typeof e.eventTime === "string");
    const t = withTime[0]!.eventTime as string;
    const at = Date.parse(t);
    const ge = run({ GE_eventTime: new Date(at).toISOString() });
    const lt = run({ LT_eventTime: new Date(at).toISOString() });
    expect(ge.length + lt.length).toBe(withTime.length);
    expect(ge).toContain(withTime[0]);
    expect(lt).not.toContain(withTime[0]);
    // The same instant written with another offset.
    const shifted = new Date(at + 2 * 3600_000).toISOString().replace("Z", "").slice(0, 19) + "+02:00";
    expect(run({ GE_eventTime: shifted })).toEqual(ge);
  });

  it("matches EPCs exactly or by pattern, parents, and typed source, destination and business transactions", () => {
    const withEpc = events.find((e) => Array.isArray(e.epcList) && (e.epcList as string[]).some((x) => x.startsWith("urn:epc:id:sgtin:")))!;
    const epc = (withEpc.epcList as string[]).find((x) => x.startsWith("urn:epc:id:sgtin:"))!;
    const q = parseEpcisQuery({ MATCH_epc: epc });
    expect(q.identifiers).toEqual([epc]);
    expect(events.filter(q.matches)).toContain(withEpc);
    const [, fields] = /^urn:epc:id:sgtin:(.*)$/.exec(epc)!;
    const [cp, item] = fields!.split(".");
    const pat = parseEpcisQuery({ MATCH_epc: `urn:epc:idpat:sgtin:${cp}.${item}.*` });
    expect(pat.identifiers).toBeNull();
    expect(events.filter(pat.matches)).toContain(withEpc);

    const parent = events.find((e) => typeof e.parentID === "string")!;
    expect(run({ MATCH_parentID: parent.parentID as string })).toContain(parent);
    expect(run({ MATCH_anyEPC: parent.parentID as string })).toContain(parent);

    const withSource = events.find((e) => Array.isArray(e.sourceList) && (e.sourceList as { type: string }[]).some((s) => cbvWord(s.type) === "possessing_party"))!;
    const src = (withSource.sourceList as { type: string; source: string }[]).find((s) => cbvWord(s.type) === "possessing_party")!.source;
    const bySource = run({ EQ_source_possessing_party: src });
    expect(bySource).toContain(withSource);
    expect(run({ EQ_source_owning_party: src })).not.toContain(withSource);

    const withBt = events.find((e) => Array.isArray(e.bizTransactionList) && (e.bizTransactionList as { type?: string }[]).some((b) => b.type !== undefined))!;
    const bt = (withBt.bizTransactionList as { type: string; bizTransaction: string }[]).find((b) => b.type !== undefined)!;
    expect(run({ [`EQ_bizTransaction_${cbvWord(bt.type)}`]: bt.bizTransaction })).toContain(withBt);
  });

  it("finds error declarations and event IDs", () => {
    const errs = run({ EXISTS_errorDeclaration: "" });
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.errorDeclaration !== undefined)).toBe(true);
    const id = events.find((e) => typeof e.eventID === "string")!.eventID as string;
    expect(run({ EQ_eventID: id }).every((e) => e.eventID === id)).toBe(true);
  });

  it("refuses unknown parameters and ill-formed values, naming the parameter", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ EQ_colour: "red" }, /EQ_colour: not a query parameter/],
      [{ eventType: "QuantityEvent" }, /eventType: "QuantityEvent"/],
      [{ GE_eventTime: "yesterday" }, /GE_eventTime/],
      [{ GE_eventTime: "2026-05-01T10:00:00" }, /with a zone/],
      [{ EQ_action: "MOVE" }, /EQ_action/],
      [{ perPage: "0" }, /perPage/],
      [{ perPage: "100000" }, /perPage/],
    ];
    for (const [p, msg] of bad) {
      expect(() => parseEpcisQuery(p)).toThrow(SealTrailError);
      expect(() => parseEpcisQuery(p)).toThrow(msg);
    }
    expect(parseEpcisQuery({ perPage: "50", nextPageToken: "abc" })).toMatchObject({ perPage: 50, nextPageToken: "abc" });
  });
});
