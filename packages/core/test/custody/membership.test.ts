import { describe, expect, it } from "vitest";
import { custodyIdentifierKey, writeRightsOf } from "../../src/index.js";

describe("write rights from membership records", () => {
  const canWrite = writeRightsOf(
    [
      { index: 9, member: { action: "remove", org: "carrier" } },
      { index: 3, member: { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false } },
      { index: 5, member: { action: "set", org: "auditor", read: true, write: [], admin: false } },
    ],
    ["operator"],
  );

  it("takes effect from the record's own index, until a later change (records in any order)", () => {
    expect(canWrite("carrier", 2, "custody.event")).toBe(false);
    expect(canWrite("carrier", 3, "custody.event")).toBe(true);
    expect(canWrite("carrier", 8, "custody.event")).toBe(true);
    expect(canWrite("carrier", 9, "custody.event")).toBe(false);
  });

  it("checks the type against the write patterns, and lets the operators write anything", () => {
    expect(canWrite("carrier", 4, "sms.incident")).toBe(false);
    expect(canWrite("auditor", 6, "custody.event")).toBe(false);
    expect(canWrite("stranger", 6, "custody.event")).toBe(false);
    expect(canWrite("operator", 0, "sms.incident")).toBe(true);
  });
});

describe("custody identifier keys", () => {
  it("gives a GS1 identifier as its Digital Link and leaves anything else as written", () => {
    expect(custodyIdentifierKey("urn:epc:id:sscc:0614141.1234567890")).toBe("https://id.gs1.org/00/106141412345678908");
    expect(custodyIdentifierKey("https://id.gs1.org/00/106141412345678908")).toBe("https://id.gs1.org/00/106141412345678908");
    expect(custodyIdentifierKey("CONT-1234")).toBe("CONT-1234");
  });
});
