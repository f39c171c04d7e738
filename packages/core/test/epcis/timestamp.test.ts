// Time normalisation of the CBV 2.0 pre-hash string: UTC, milliseconds, Z.
import { describe, expect, it } from "vitest";
import { SealTrailError } from "../../src/errors.js";
import { normaliseTimestamp } from "../../src/epcis/timestamp.js";

describe("normaliseTimestamp", () => {
  it.each([
    ["2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z"],
    ["2020-03-04T11:00:30.999+01:00", "2020-03-04T10:00:30.999Z"],
    ["2022-02-15T01:33:31.116000-06:00", "2022-02-15T07:33:31.116Z"],
    ["2019-10-21T14:45:00Z", "2019-10-21T14:45:00.000Z"],
    ["2022-02-17T11:30:47.0Z", "2022-02-17T11:30:47.000Z"],
    ["2020-01-01T05:29:00+05:30", "2019-12-31T23:59:00.000Z"], // half-hour offset, across the year
    ["2020-03-01T00:30:00+01:00", "2020-02-29T23:30:00.000Z"], // into a leap day
    ["2020-06-30T10:00:00-14:00", "2020-07-01T00:00:00.000Z"],
    ["2020-06-30T10:00:00+14:00", "2020-06-29T20:00:00.000Z"],
    ["2020-06-30T24:00:00Z", "2020-07-01T00:00:00.000Z"], // xsd end-of-day
  ])("%s -> %s", (input, want) => {
    expect(normaliseTimestamp(input)).toBe(want);
  });

  it("rounds half up on the fourth fractional digit, carrying into seconds and beyond", () => {
    expect(normaliseTimestamp("2023-02-02T11:04:03.1415Z")).toBe("2023-02-02T11:04:03.142Z");
    expect(normaliseTimestamp("2023-02-02T11:04:03.1414999Z")).toBe("2023-02-02T11:04:03.141Z");
    expect(normaliseTimestamp("2023-02-12T11:04:03.1007Z")).toBe("2023-02-12T11:04:03.101Z");
    expect(normaliseTimestamp("2020-12-31T23:59:59.9996Z")).toBe("2021-01-01T00:00:00.000Z");
  });

  it("gives the same instant the same text whatever the offset it was written in", () => {
    const instants = ["2021-04-01T15:00:00+01:00", "2021-04-01T14:00:00Z", "2021-04-01T09:00:00-05:00", "2021-04-01T14:00:00.000000+00:00"];
    expect(new Set(instants.map((t) => normaliseTimestamp(t))).size).toBe(1);
  });

  it.each([
    ["2020-03-04T11:00:30", "no time zone"],
    ["2020-03-04 11:00:30Z", "not an xsd:dateTime"],
    ["2020-02-30T00:00:00Z", "not a valid date"],
    ["2019-02-29T00:00:00Z", "not a valid date"],
    ["2020-13-01T00:00:00Z", "not a valid date"],
    ["2020-01-01T25:00:00Z", "not a valid date"],
    ["2020-01-01T00:00:00+15:00", "outside ±14:00"],
    ["yesterday", "not an xsd:dateTime"],
  ])("refuses %s (%s), naming the field", (input, why) => {
    let err: unknown;
    try {
      normaliseTimestamp(input, "eventTime");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SealTrailError);
    expect((err as SealTrailError).code).toBe("malformed");
    expect((err as SealTrailError).message).toContain("eventTime");
    expect((err as SealTrailError).message).toContain(why);
  });
});
