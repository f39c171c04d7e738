// The CBV 2.0 pre-hash string and hash ID: canonical order, invariance under
// re-serialisation (list order, member order, URN vs Digital Link, offsets),
// sensitivity to content, and errors that name the field.
import { describe, expect, it } from "vitest";
import { SealTrailError } from "../../src/errors.js";
import { sha256 } from "../../src/crypto.js";
import { toHex, utf8 } from "../../src/bytes.js";
import {
  compareCodePoints,
  epcisDocumentEventHashIds,
  epcisDocumentEvents,
  epcisDocumentHashContext,
  eventHashId,
  eventPreHashString,
  formatHashNumber,
} from "../../src/epcis/index.js";

const CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { example: "https://ns.example.com/epcis/" }];

function shipping(): Record<string, unknown> {
  return {
    type: "ObjectEvent",
    eventTime: "2022-02-16T12:50:00.000+01:00",
    eventTimeZoneOffset: "+01:00",
    epcList: ["urn:epc:id:sscc:4012345.1112223334", "urn:epc:id:sgtin:0614141.107346.2017"],
    action: "OBSERVE",
    bizStep: "shipping",
    disposition: "in_transit",
    readPoint: { id: "urn:epc:id:sgln:4012345.00022.0" },
    bizTransactionList: [
      { type: "po", bizTransaction: "urn:epcglobal:cbv:bt:4012345000009:PO-17" },
      { type: "desadv", bizTransaction: "urn:epcglobal:cbv:bt:4012345000009:ASN1099" },
    ],
    sourceList: [{ type: "possessing_party", source: "urn:epc:id:pgln:4012345.00000" }],
    destinationList: [{ type: "possessing_party", destination: "urn:epc:id:pgln:4023333.00000" }],
    "example:sealNumber": "ABC123",
  };
}

const id = (e: object): string => eventHashId(e, { context: CONTEXT });
const pre = (e: object): string => eventPreHashString(e, { context: CONTEXT });

function thrown(f: () => unknown): SealTrailError {
  try {
    f();
  } catch (e) {
    if (e instanceof SealTrailError) return e;
    throw e;
  }
  throw new Error("expected a SealTrailError");
}

describe("eventHashId", () => {
  it("is the ni URI of the SHA-256 of the UTF-8 pre-hash string", () => {
    const e = shipping();
    expect(id(e)).toBe(`ni:///sha-256;${toHex(sha256(utf8(pre(e))))}?ver=CBV2.0`);
  });

  it("writes the fields in canonical order, the three typed lists and extensions sorted after the rest", () => {
    expect(pre(shipping())).toBe(
      "eventType=ObjectEvent" +
        "eventTime=2022-02-16T11:50:00.000ZeventTimeZoneOffset=+01:00" +
        "epcListepc=https://id.gs1.org/00/140123451122233341epc=https://id.gs1.org/01/10614141073464/21/2017" +
        "action=OBSERVE" +
        "bizStep=https://ref.gs1.org/cbv/BizStep-shipping" +
        "disposition=https://ref.gs1.org/cbv/Disp-in_transit" +
        "readPointid=https://id.gs1.org/414/4012345000221" +
        "bizTransactionList" +
        "type=https://ref.gs1.org/cbv/BTT-desadvbizTransaction=urn:epcglobal:cbv:bt:4012345000009:ASN1099" +
        "type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:epcglobal:cbv:bt:4012345000009:PO-17" +
        "destinationListtype=https://ref.gs1.org/cbv/SDT-possessing_partydestination=https://id.gs1.org/417/4023333000000" +
        "sourceListtype=https://ref.gs1.org/cbv/SDT-possessing_partysource=https://id.gs1.org/417/4012345000009" +
        "{https://ns.example.com/epcis/}sealNumber=ABC123",
    );
  });

  it("does not depend on the order of list elements or of members", () => {
    const a = shipping();
    const b: Record<string, unknown> = {};
    for (const k of Object.keys(a).reverse()) b[k] = a[k];
    b["epcList"] = [...(a["epcList"] as string[])].reverse();
    b["bizTransactionList"] = [...(a["bizTransactionList"] as object[])].reverse().map((t) => {
      const { bizTransaction, type } = t as { bizTransaction: string; type: string };
      return { bizTransaction, type };
    });
    expect(id(b)).toBe(id(a));
  });

  it("does not depend on how identifiers, vocabulary and times are written", () => {
    const a = shipping();
    const b = {
      ...a,
      eventTime: "2022-02-16T06:50:00-05:00",
      epcList: ["https://id.gs1.org/01/10614141073464/21/2017?linkType=all", "https://id.example.com/00/140123451122233341"],
      bizStep: "urn:epcglobal:cbv:bizstep:shipping",
      disposition: "https://ref.gs1.org/cbv/Disp-in_transit",
      readPoint: { id: "https://example.net/gln/4012345000221" },
    };
    expect(id(b)).toBe(id(a));
  });

  it("leaves out eventID, recordTime, error declarations and comments", () => {
    const a = shipping();
    const b = {
      ...a,
      eventID: "ni:///sha-256;00?ver=CBV2.0",
      recordTime: "2030-01-01T00:00:00Z",
      errorDeclaration: { declarationTime: "2030-01-02T00:00:00Z", reason: "incorrect_data" },
      "rdfs:comment": "checked by hand",
    };
    expect(id(b)).toBe(id(a));
  });

  it("changes with any content", () => {
    const base = id(shipping());
    const variants: Array<Record<string, unknown>> = [
      { disposition: "in_progress" },
      { eventTime: "2022-02-16T12:50:00.001+01:00" },
      { eventTimeZoneOffset: "+02:00" },
      { epcList: ["urn:epc:id:sscc:4012345.1112223334"] },
      { readPoint: { id: "urn:epc:id:sgln:4012345.00022.1" } },
      { "example:sealNumber": "ABC124" },
      { "example:other": "ABC123" },
      { sourceList: [{ type: "owning_party", source: "urn:epc:id:pgln:4012345.00000" }] },
      { certificationInfo: "https://cert.example.org/1" },
      { ilmd: { "example:lot": "L1" } },
    ];
    const ids = variants.map((v) => id({ ...shipping(), ...v }));
    expect(new Set([base, ...ids]).size).toBe(variants.length + 1);
  });

  it("puts extensions of readPoint and sensor parts at the end of their part", () => {
    const e = {
      type: "ObjectEvent",
      eventTime: "2023-01-11T12:00:00+01:00",
      eventTimeZoneOffset: "+01:00",
      action: "OBSERVE",
      readPoint: { "example:dock": "7", id: "urn:epc:id:sgln:4012345.00011.0" },
      sensorElementList: [
        {
          "example:batch": "b1",
          sensorReport: [
            { "example:note": "warm", value: 26.5, type: "Temperature", uom: "CEL" },
            { type: "gs1:RelativeHumidity", value: 40, uom: "P1" },
          ],
          sensorMetadata: { time: "2023-01-11T11:05:00Z", "example:firmware": "1.2" },
        },
      ],
    };
    const ns = "{https://ns.example.com/epcis/}";
    expect(pre(e)).toBe(
      "eventType=ObjectEventeventTime=2023-01-11T11:00:00.000ZeventTimeZoneOffset=+01:00action=OBSERVE" +
        `readPointid=https://id.gs1.org/414/4012345000115${ns}dock=7` +
        "sensorElementListsensorElement" +
        `sensorMetadatatime=2023-01-11T11:05:00.000Z${ns}firmware=1.2` +
        "sensorReporttype=https://gs1.org/voc/RelativeHumidityvalue=40uom=P1" +
        `sensorReporttype=https://gs1.org/voc/Temperaturevalue=26.5uom=CEL${ns}note=warm` +
        `${ns}batch=b1`,
    );
  });

  it("writes nested extensions with expanded names, children sorted", () => {
    const e = {
      type: "ObjectEvent",
      eventTime: "2020-01-01T00:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
      "example:z": { "example:b": ["2", "10"], "example:a": true },
      "example:a": 1.5,
    };
    const ns = "{https://ns.example.com/epcis/}";
    expect(pre(e)).toBe(
      "eventType=ObjectEventeventTime=2020-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE" +
        `${ns}a=1.5${ns}z${ns}a=true${ns}b=10${ns}b=2`,
    );
  });

  it("writes quantities without trailing zeros and numbers as the reference does", () => {
    const q = (quantity: number | string): string =>
      pre({
        type: "ObjectEvent",
        eventTime: "2020-01-01T00:00:00Z",
        eventTimeZoneOffset: "+00:00",
        action: "ADD",
        quantityList: [{ epcClass: "urn:epc:class:lgtin:4012345.012345.998877", quantity, uom: "KGM" }],
      });
    expect(q(600)).toContain("quantity=600uom");
    expect(q(12.5)).toContain("quantity=12.5uom");
    expect(() => q("12.50")).toThrow(SealTrailError);
    expect(formatHashNumber(1)).toBe("1");
    expect(formatHashNumber(0.3434)).toBe("0.3434");
    expect(formatHashNumber(0.0001)).toBe("0.0001");
    expect(formatHashNumber(0.00001)).toBe("1e-05");
    expect(formatHashNumber(1.5e-7)).toBe("1.5e-07");
    expect(formatHashNumber(1e21)).toBe("1000000000000000000000");
    expect(formatHashNumber(-0)).toBe("0");
    // Numeric texts in extensions get the same rule ("1.50" -> "1.5", "007" -> "7").
    const ext = pre({ ...shipping(), "example:sealNumber": "007", "example:w": "1.50", "example:d": "2020-01-01" });
    expect(ext).toContain("{https://ns.example.com/epcis/}sealNumber=7");
    expect(ext).toContain("{https://ns.example.com/epcis/}w=1.5");
    expect(ext).toContain("{https://ns.example.com/epcis/}d=2020-01-01");
  });

  it("sorts by Unicode code point (UTF-8 byte order), not UTF-16 unit", () => {
    expect(["\u{1F600}", "\uFFFD", "b", "B", "a"].sort(compareCodePoints)).toEqual(["B", "a", "b", "\uFFFD", "\u{1F600}"]);
    const e = (vals: string[]): string =>
      pre({ type: "ObjectEvent", eventTime: "2020-01-01T00:00:00Z", eventTimeZoneOffset: "+00:00", action: "OBSERVE", "example:v": vals });
    expect(e(["\u{1F600}", "\uFFFD"])).toMatch(/v=\uFFFD\{.*v=\u{1F600}$/u);
  });
});

describe("eventHashId: JSON-LD and the remaining members", () => {
  const base = { type: "ObjectEvent", eventTime: "2020-01-01T00:00:00Z", eventTimeZoneOffset: "+00:00", action: "OBSERVE" };
  const head = "eventType=ObjectEventeventTime=2020-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE";

  it("sorts ilmd among the typed lists and extensions (after destinationList, before sourceList)", () => {
    const e = {
      ...base,
      "example:x": "1",
      sourceList: [{ type: "owning_party", source: "urn:epc:id:pgln:4012345.00000" }],
      ilmd: { "cbvmda:lotNumber": "L1", "example:grade": "A" },
      destinationList: [{ type: "owning_party", destination: "urn:epc:id:pgln:4023333.00000" }],
    };
    expect(pre(e)).toBe(
      head +
        "destinationListtype=https://ref.gs1.org/cbv/SDT-owning_partydestination=https://id.gs1.org/417/4023333000000" +
        "ilmd{https://ns.example.com/epcis/}grade=A{urn:epcglobal:cbv:mda:}lotNumber=L1" +
        "sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/4012345000009" +
        "{https://ns.example.com/epcis/}x=1",
    );
  });

  it("reads prefixes from the event's own @context and from {@id} term definitions", () => {
    const e = { ...base, "@context": [{ mine: { "@id": "urn:example:mine:" } }], "mine:a": "v", "example:b": "w" };
    expect(pre(e)).toBe(`${head}{https://ns.example.com/epcis/}b=w{urn:example:mine:}a=v`);
    // The event's context does not leak into the next event of the document.
    expect(() => pre({ ...base, "mine:a": "v" })).toThrow(/prefix "mine"/);
  });

  it("expands GS1 compact IRIs in values, keeps other prefixes, writes an empty or null extension as its name", () => {
    const e = {
      ...base,
      "example:n": null,
      "example:s": " ",
      sensorElementList: [{ sensorReport: [{ type: "gs1:Temperature", component: "cbv:Comp-x", value: 1 }, { type: "example:Odour", component: "x" }] }],
    };
    expect(pre(e)).toBe(
      head +
        "sensorElementListsensorElement" +
        "sensorReporttype=example:Odourcomponent=https://ref.gs1.org/cbv/Comp-x" +
        "sensorReporttype=https://gs1.org/voc/Temperaturevalue=1component=https://ref.gs1.org/cbv/Comp-x" +
        "{https://ns.example.com/epcis/}n{https://ns.example.com/epcis/}s",
    );
    expect(() => pre({ ...base, bizStep: null })).toThrow(/bizStep: expected a string/);
  });

  it("writes a ...List extension once, its elements without List", () => {
    const e = { ...base, "example:itemList": ["b", "a"], "example:tag": ["b", "a"] };
    const ns = "{https://ns.example.com/epcis/}";
    expect(pre(e)).toBe(`${head}${ns}itemList${ns}item=a${ns}item=b${ns}tag=a${ns}tag=b`);
  });
});

describe("eventHashId: malformed input names the field", () => {
  it.each([
    [{ type: "Event" }, "type"],
    [{ eventTime: undefined }, "eventTime"],
    [{ eventTime: "2020-01-01T00:00:00" }, "eventTime"],
    [{ eventTimeZoneOffset: "CET" }, "eventTimeZoneOffset"],
    [{ epcList: "urn:epc:id:sgtin:0614141.107346.1" }, "epcList"],
    [{ epcList: ["urn:epc:id:sgtin:0614141.107346.1", 7] }, "epcList[1]"],
    [{ epcList: [{ id: "x" }] }, "epcList[0]"],
    [{ epcList: ["urn:epc:id:sgtin:0614141.10734.1"] }, "epcList[0]"],
    [{ readPoint: "urn:epc:id:sgln:4012345.00022.0" }, "readPoint"],
    [{ bizTransactionList: [{ type: "po" }] }, "bizTransactionList[0].bizTransaction"],
    [{ sensorElementList: [{ sensorReport: { type: "Temperature" } }] }, "sensorElementList[0].sensorReport"],
    [{ sensorElementList: [{ sensorMetadata: { time: "noon" } }] }, "sensorElementList[0].sensorMetadata.time"],
    [{ quantityList: [{ epcClass: "urn:epc:class:lgtin:4012345.012345.1", quantity: "many" }] }, "quantityList[0].quantity"],
    [{ "other:field": 1 }, "other:field"],
  ])("%j -> %s", (patch, field) => {
    const err = thrown(() => eventHashId({ ...shipping(), ...patch }, { context: CONTEXT }));
    expect(["malformed", "invalid"]).toContain(err.code);
    expect(err.message).toContain(field);
  });

  it("needs the document's @context for extension prefixes", () => {
    const err = thrown(() => eventHashId(shipping()));
    expect(err.code).toBe("invalid");
    expect(err.message).toContain('prefix "example"');
  });

  it("bounds the nesting of extensions", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 200; i++) deep = { "example:n": deep };
    const err = thrown(() => id({ ...shipping(), "example:deep": deep }));
    expect(err.code).toBe("malformed");
  });
});

describe("EPCIS documents", () => {
  const doc = (body: object, extra: object = {}): object => ({ "@context": CONTEXT, type: "EPCISDocument", ...extra, epcisBody: body });

  it("finds the events of an event list, a query result and a single-event body, in order", () => {
    const a = shipping();
    const b = { ...shipping(), disposition: "in_progress" };
    expect(epcisDocumentEventHashIds(doc({ eventList: [a, b] }))).toEqual([id(a), id(b)]);
    expect(epcisDocumentEventHashIds(doc({ queryResults: { queryName: "SimpleEventQuery", resultsBody: { eventList: [b] } } }))).toEqual([id(b)]);
    expect(epcisDocumentEventHashIds(doc({ event: a }))).toEqual([id(a)]);
  });

  it("reads ignoreFields, compact or namespaced", () => {
    expect(epcisDocumentHashContext(doc({ eventList: [] }, { "x:ignoreFields": ["example:sealNumber"] })).ignoreFields).toEqual(["example:sealNumber"]);
    const ids = epcisDocumentEventHashIds(doc({ eventList: [shipping()] }, { ignoreFields: "example:sealNumber" }));
    const { ["example:sealNumber"]: _dropped, ...without } = shipping();
    expect(ids).toEqual([id(without)]);
  });

  it("refuses documents without events and malformed members, naming them", () => {
    expect(thrown(() => epcisDocumentEvents({ type: "EPCISDocument" })).message).toContain("epcisBody");
    expect(thrown(() => epcisDocumentEvents(doc({ eventList: {} }))).message).toContain("eventList");
    expect(thrown(() => epcisDocumentEvents(doc({ eventList: [shipping(), 3] }))).message).toContain("event 1");
    expect(thrown(() => epcisDocumentHashContext(doc({ eventList: [] }, { ignoreFields: [1] }))).message).toContain("ignoreFields");
  });
});
