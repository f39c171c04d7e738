import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SealTrailError } from "@sealtrail/core";
import { parseEvent, scanEpcisDocument } from "../src/custody/epcis-scan.js";

const DIR = new URL("../../../testdata/epcis-examples/", import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith(".jsonld"));
const enc = new TextEncoder();

describe("scanning EPCIS documents", () => {
  it("splits every GS1 example document into the same header and events JSON.parse sees", () => {
    let n = 0;
    for (const f of files) {
      const bytes = readFileSync(new URL(f, DIR));
      const whole = JSON.parse(bytes.toString("utf8")) as Record<string, Record<string, unknown>>;
      const { header, events } = scanEpcisDocument(new Uint8Array(bytes));
      // The ranges hold exactly the events; parseEvent reads them as I-JSON, so
      // the one GS1 example whose event names eventID twice is refused by name.
      const slice = (r: readonly [number, number], i: number): unknown => {
        if (f.startsWith("AssociationEvent_AssociationEvent-h") && i === 0) {
          expect(() => parseEvent(bytes, r, i)).toThrow(/event 0 at \/eventID: duplicate member name/);
          return JSON.parse(bytes.subarray(r[0], r[1]).toString("utf8"));
        }
        return parseEvent(bytes, r, i);
      };
      if ((whole.type as unknown) === "EPCISQueryDocument") {
        const qr = whole.epcisBody!.queryResults as { resultsBody: { eventList: unknown[] } };
        expect(events.map(slice), f).toEqual(qr.resultsBody.eventList);
        expect(header, f).toEqual({ ...whole, epcisBody: { ...whole.epcisBody, queryResults: { ...qr, resultsBody: { ...qr.resultsBody, eventList: [] } } } });
        n += events.length;
        continue;
      }
      const list = whole.epcisBody!.eventList as unknown[];
      expect(events.map(slice), f).toEqual(list);
      expect(header, f).toEqual({ ...whole, epcisBody: { ...whole.epcisBody, eventList: [] } });
      n += events.length;
    }
    expect(n).toBeGreaterThan(50);
  });

  it("keeps strings with brackets, quotes and escapes intact", () => {
    const doc = `{"type":"EPCISDocument","epcisBody":{"eventList":[{"a":"]}\\"[{","b":[1,{"c":"\\\\"}]}, {"d":"\\u005d"} ],"x":1},"z":true}`;
    const { header, events } = scanEpcisDocument(enc.encode(doc));
    expect(events.map((r) => parseEvent(enc.encode(doc), r))).toEqual([{ a: ']}"[{', b: [1, { c: "\\" }] }, { d: "]" }]);
    expect(header).toEqual({ type: "EPCISDocument", epcisBody: { eventList: [], x: 1 }, z: true });
  });

  it("refuses broken documents with the byte offset", () => {
    const bad: [string, RegExp][] = [
      ['{"epcisBody":{"eventList":[{"a":1}', /unterminated|expected/],
      ['{"epcisBody":{"eventList":[{"a":"x}]}}', /unterminated string/],
      ['{"epcisBody":{"eventList":{}}}', /eventList to be an array/],
      ['{"epcisBody":[]}', /epcisBody must be an object/],
      ['{"type":"EPCISDocument"}', /eventList \(or epcisBody.queryResults.resultsBody.eventList\) is missing/],
      ['{"epcisBody":{"eventList":[]}} trailing', /unexpected data/],
      ['{"epcisBody":{"eventList":[1 2]}}', /expected "," or "]"/],
      ['{"a" 1}', /expected ":"/],
    ];
    for (const [doc, msg] of bad) {
      expect(() => scanEpcisDocument(enc.encode(doc)), doc).toThrow(SealTrailError);
      expect(() => scanEpcisDocument(enc.encode(doc)), doc).toThrow(msg);
    }
    // A header value that is not JSON is caught when parsed.
    expect(() => scanEpcisDocument(enc.encode('{"x":tru,"epcisBody":{"eventList":[]}}'))).toThrow(SealTrailError);
  });
});
