// CBV 2.0 event hash IDs against the reference implementation's vectors
// (testdata/epcis-hash, see SOURCE.md there): every expected ID reproduced;
// and every event of the GS1 EPCIS 2.0 example documents hashed without error.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  epcisDocumentEventHashIds,
  epcisDocumentEvents,
  epcisDocumentHashContext,
  eventHashId,
  eventPreHashString,
} from "../../src/epcis/index.js";

const DIR = fileURLToPath(new URL("../../../../testdata/epcis-hash/", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../../../testdata/epcis-examples/", import.meta.url));
const load = (path: string): object => JSON.parse(readFileSync(path, "utf8")) as object;

const vectorFiles = readdirSync(DIR).filter((f) => f.endsWith(".jsonld")).sort();
const exampleFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith(".jsonld")).sort();

describe("CBV 2.0 event hash: reference vectors", () => {
  it("has all 12 vector files, 31 events", () => {
    expect(vectorFiles).toHaveLength(12);
    const events = vectorFiles.reduce((n, f) => n + epcisDocumentEvents(load(DIR + f)).length, 0);
    expect(events).toBe(31);
  });

  for (const file of vectorFiles) {
    it(file, () => {
      const doc = load(DIR + file);
      const want = readFileSync(DIR + file.replace(/\.jsonld$/, ".hashes"), "utf8").trim().split(/\r?\n/);
      const got = epcisDocumentEventHashIds(doc);
      expect(got).toHaveLength(want.length);
      got.forEach((id, i) => {
        // On failure, show the pre-hash string: it says which part differs.
        const ctx = epcisDocumentHashContext(doc);
        expect(id, eventPreHashString(epcisDocumentEvents(doc)[i]!, ctx)).toBe(want[i]);
      });
    });
  }

  it("the pre-hash string of the README's first example has the documented shape", () => {
    const doc = load(DIR + "ReferenceEventHashAlgorithm.jsonld");
    const pre = eventPreHashString(epcisDocumentEvents(doc)[0]!, epcisDocumentHashContext(doc));
    const ns = "{https://ns.example.com/epcis/}";
    expect(pre).toBe(
      "eventType=ObjectEvent" +
        "eventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00" +
        "epcList" +
        "epc=https://id.gs1.org/00/040123450000001112" +
        "epc=https://id.gs1.org/00/040123450000002225" +
        "epc=https://id.gs1.org/00/040123450000003338" +
        "action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing" +
        "readPointid=https://id.gs1.org/414/4012345000115/254/987" +
        `${ns}myField1${ns}mySubField1=2${ns}mySubField2=5` +
        `${ns}myField2=0` +
        `${ns}myField3${ns}mySubField3=1${ns}mySubField3=3`,
    );
  });

  it("the document's ignoreFields leave those extensions out", () => {
    const doc = load(DIR + "epcisDocHavingEventWithIgnoreFields.jsonld");
    const [withExtras, without] = epcisDocumentEvents(doc) as [object, object];
    const ctx = epcisDocumentHashContext(doc);
    expect(eventHashId(withExtras, ctx)).toBe(eventHashId(without, ctx));
    // Without the ignore list the extra fields count, and the IDs differ.
    expect(eventHashId(withExtras, { context: ctx.context })).not.toBe(eventHashId(without, { context: ctx.context }));
  });
});

describe("CBV 2.0 event hash: GS1 EPCIS 2.0 example documents", () => {
  it("has the example documents", () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(45);
  });

  const seenTypes = new Set<string>();
  for (const file of exampleFiles) {
    it(file, () => {
      const doc = load(EXAMPLES + file);
      const events = epcisDocumentEvents(doc);
      expect(events.length).toBeGreaterThan(0);
      const ids = epcisDocumentEventHashIds(doc);
      for (const id of ids) expect(id).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      for (const e of events) seenTypes.add((e as { type: string }).type);
    });
  }

  it("covered every event type, sensor data and error declarations", () => {
    const all = exampleFiles.flatMap((f) => epcisDocumentEvents(load(EXAMPLES + f))) as Record<string, unknown>[];
    expect([...new Set(all.map((e) => e["type"]))].sort()).toEqual([
      "AggregationEvent",
      "AssociationEvent",
      "ObjectEvent",
      "TransactionEvent",
      "TransformationEvent",
    ]);
    expect(all.some((e) => e["sensorElementList"] !== undefined)).toBe(true);
    expect(all.some((e) => e["errorDeclaration"] !== undefined)).toBe(true);
    expect(seenTypes.size).toBe(5);
  });
});

// Re-serialising an event (any member order, any order of every list) must
// not change its ID: checked on every vector and example event with random
// permutations.
describe("CBV 2.0 event hash: invariant under re-serialisation", () => {
  function shuffle(v: unknown, rnd: () => number): unknown {
    if (Array.isArray(v)) {
      const a = v.map((x) => shuffle(x, rnd));
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    }
    if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v).map(([k, x]) => [k, shuffle(x, rnd)] as const);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
      return Object.fromEntries(entries);
    }
    return v;
  }

  const docs = [...vectorFiles.map((f) => DIR + f), ...exampleFiles.map((f) => EXAMPLES + f)].map(load);
  const events = docs.flatMap((d) => epcisDocumentEvents(d).map((e) => ({ e, ctx: epcisDocumentHashContext(d) })));

  it("for every event of the vectors and examples", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length - 1 }), fc.integer(), (i, seed) => {
        const { e, ctx } = events[i]!;
        let s = seed >>> 0;
        const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        expect(eventHashId(shuffle(e, rnd) as object, ctx)).toBe(eventHashId(e, ctx));
      }),
      { numRuns: 400 },
    );
  });
});
