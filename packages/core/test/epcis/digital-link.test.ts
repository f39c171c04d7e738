// EPC URI -> GS1 Digital Link, per scheme, against the worked examples of the
// GS1 EPC Tag Data Standard (the 0614141 company prefix family), plus the
// company prefix length and check digit rules, and Digital Link canonicalisation.
import { describe, expect, it } from "vitest";
import { SealTrailError } from "../../src/errors.js";
import {
  canonicalDigitalLink,
  epcUrnToDigitalLink,
  gs1CheckDigit,
  normaliseGs1Identifier,
} from "../../src/epcis/digital-link.js";

describe("gs1CheckDigit (GS1 General Specifications §7.9.1)", () => {
  it.each([
    ["061414112345", "2"], // GLN 0614141123452
    ["1061414107346", "4"], // GTIN-14 10614141073464
    ["10614141234567890", "8"], // SSCC 106141412345678908
    ["0614141123456789", "0"], // GSIN 06141411234567890
    ["00000000000", "0"],
  ])("%s -> %s", (data, check) => {
    expect(gs1CheckDigit(data)).toBe(check);
  });

  it("agrees with a brute-force check: the full key's weighted sum is a multiple of 10", () => {
    for (const data of ["4012345", "401234512345", "9780201379624"]) {
      const full = data + gs1CheckDigit(data);
      let sum = 0;
      [...full].reverse().forEach((d, i) => (sum += Number(d) * (i % 2 === 0 ? 1 : 3)));
      expect(sum % 10).toBe(0);
    }
  });

  it("refuses non-digits", () => {
    expect(() => gs1CheckDigit("12a")).toThrow(SealTrailError);
  });
});

describe("epcUrnToDigitalLink per scheme (EPC TDS examples)", () => {
  it.each([
    ["urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"],
    ["urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"],
    ["urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400"],
    ["urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452"],
    ["urn:epc:id:grai:0614141.12345.400", "https://id.gs1.org/8003/00614141123452400"],
    ["urn:epc:id:giai:0614141.12345400", "https://id.gs1.org/8004/061414112345400"],
    ["urn:epc:id:gsrn:0614141.1234567890", "https://id.gs1.org/8018/061414112345678902"],
    ["urn:epc:id:gsrnp:0614141.1234567890", "https://id.gs1.org/8017/061414112345678902"],
    ["urn:epc:id:gdti:0614141.12345.400", "https://id.gs1.org/253/0614141123452400"],
    ["urn:epc:id:cpi:0614141.123ABC.123456789", "https://id.gs1.org/8010/0614141123ABC/8011/123456789"],
    ["urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345", "https://id.gs1.org/8010/06141415PQ7%2FZ43/8011/12345"],
    ["urn:epc:id:cpi:0614141.5PQ7%23Z43.12345", "https://id.gs1.org/8010/06141415PQ7%23Z43/8011/12345"], // '#' stays encoded
    ["urn:epc:id:sgcn:4012345.67890.04711", "https://id.gs1.org/255/401234567890104711"],
    ["urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11"],
    ["urn:epc:id:gsin:0614141.123456789", "https://id.gs1.org/402/06141411234567890"],
    ["urn:epc:id:itip:4012345.012345.01.02.987", "https://id.gs1.org/8006/040123451234560102/21/987"],
    ["urn:epc:id:upui:1234567.089456.51qIgY)%3C%26Jp3*j7'SDB", "https://id.gs1.org/01/01234567894560/235/51qIgY%29%3C%26Jp3%2Aj7'SDB"],
    ["urn:epc:id:pgln:4000001.00012", "https://id.gs1.org/417/4000001000128"],
    ["urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"],
    ["urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"],
    ["urn:epc:idpat:grai:0614141.12345.*", "https://id.gs1.org/8003/00614141123452"],
    ["urn:epc:idpat:gdti:0614141.12345.*", "https://id.gs1.org/253/0614141123452"],
  ])("%s", (urn, dl) => {
    expect(epcUrnToDigitalLink(urn)).toBe(dl);
  });

  it("moves the SGTIN indicator digit to the front of the GTIN", () => {
    // Indicator 1, item reference 07346: GTIN 1 0614141 07346 4.
    expect(epcUrnToDigitalLink("urn:epc:id:sgtin:0614141.107346.1")).toBe("https://id.gs1.org/01/10614141073464/21/1");
  });

  it("reads the company prefix length from the dot, 6 to 12 digits", () => {
    // Same GTIN-13 digits split at different prefix lengths give the same GTIN.
    const a = epcUrnToDigitalLink("urn:epc:id:sgtin:061414.0100000.7");
    const b = epcUrnToDigitalLink("urn:epc:id:sgtin:061414100000.0.7");
    expect(a).toBe("https://id.gs1.org/01/00614141000005/21/7");
    expect(b).toBe(a);
    // The SSCC extension digit leads the SSCC whatever the prefix length.
    expect(epcUrnToDigitalLink("urn:epc:id:sscc:061414123.31234567")).toBe("https://id.gs1.org/00/306141412312345677");
  });

  it("decodes URN escapes and percent-encodes reserved characters for the Digital Link", () => {
    expect(epcUrnToDigitalLink("urn:epc:id:sgtin:0614141.107346.A%2FB%25C(1)")).toBe(
      "https://id.gs1.org/01/10614141073464/21/A%2FB%25C%281%29",
    );
  });

  it.each([
    ["urn:epc:id:sgtin:0614141.10734.2017", "13 digits"], // prefix + reference too short
    ["urn:epc:id:sgtin:06141.1107346.2017", "6 to 12"], // prefix too short
    ["urn:epc:id:sgtin:0614141.107346.123456789012345678901", "longer than 20"],
    ["urn:epc:id:sgtin:0614141.107346.a#b", "character set"],
    ["urn:epc:id:sgtin:0614141.107346.%ZZ", "character set"],
    ["urn:epc:id:sgtin:0614141.107346", "missing serial"],
    ["urn:epc:id:sscc:0614141.123456789", "17 digits"],
    ["urn:epc:id:sgln:0614141.1234.0", "12 digits"],
    ["urn:epc:id:itip:4012345.012345.1.02.987", "two digits"],
    ["urn:epc:id:cpi:0614141.abc.1", "character set"], // CPI references are upper case (set 39)
  ])("refuses %s (%s)", (urn, why) => {
    let err: unknown;
    try {
      epcUrnToDigitalLink(urn);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SealTrailError);
    expect((err as SealTrailError).code).toBe("malformed");
    expect((err as SealTrailError).message).toContain(why);
  });

  it("reports non-GS1 schemes and wide patterns as having no Digital Link form", () => {
    for (const urn of ["urn:epc:id:bic:CSQU3054383", "urn:epc:id:imovn:9176187", "urn:epc:id:gid:952056.2718.1414", "urn:epc:idpat:sgtin:0614141.*.*"]) {
      expect(() => epcUrnToDigitalLink(urn)).toThrow(expect.objectContaining({ code: "invalid" }));
      expect(normaliseGs1Identifier(urn)).toBeUndefined();
    }
  });
});

describe("canonicalDigitalLink (CBV 2.0 §8.9 constrained canonical form)", () => {
  it.each([
    ["https://id.gs1.de/01/04012345999990/21/XYZ-1234", "https://id.gs1.org/01/04012345999990/21/XYZ-1234"],
    ["https://example.com/shop/01/04012345999990/21/XYZ-1234?17=250101#x", "https://id.gs1.org/01/04012345999990/21/XYZ-1234"],
    ["https://example.com/gtin/4012345999990/lot/A1/ser/7", "https://id.gs1.org/01/04012345999990/21/7"], // short names, padding, serial wins
    ["https://id.gs1.org/01/04012345999990/22/2A/10/LOT9", "https://id.gs1.org/01/04012345999990/10/LOT9"], // CPV dropped
    ["https://id.gs1.org/01/12345670", "https://id.gs1.org/01/00000012345670"], // GTIN-8 padded
    ["http://id.example.com/8003/040123450007718765", "https://id.gs1.org/8003/040123450007718765"],
    ["https://id.gs1.org/414/4012345000245/254/1", "https://id.gs1.org/414/4012345000245/254/1"],
    ["https://id.gs1.org/00/040123451111111127/", "https://id.gs1.org/00/040123451111111127"],
    ["https://id.gs1.org/01/04012345999990/21/a%2fb%41", "https://id.gs1.org/01/04012345999990/21/a%2FbA"], // one encoding
    ["https://id.gs1.org/8010/0614141123ABC/8011/123456789", "https://id.gs1.org/8010/0614141123ABC/8011/123456789"],
  ])("%s", (uri, want) => {
    expect(canonicalDigitalLink(uri)).toBe(want);
  });

  it.each([
    "https://example.org/about",
    "http://www.opengis.net/def/crs/EPSG/0/27700",
    "https://blog.example.com/2023/01/20230115/post",
    "https://id.gs1.org/01/123", // not a GTIN length
    "https://id.gs1.org/414/4012345000245/21/1", // a serial does not qualify a GLN
    "https://id.gs1.org/414/4012345000245/22/1", // nor a consumer product variant
    "urn:epc:id:sgtin:0614141.107346.2017",
  ])("leaves %s alone", (uri) => {
    expect(canonicalDigitalLink(uri)).toBeUndefined();
  });
});
