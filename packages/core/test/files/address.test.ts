import { describe, expect, it } from "vitest";
import { SealTrailError } from "../../src/errors.js";
import { fileAddress, parseFileAddress } from "../../src/files/address.js";

const HEX = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

describe("file addresses", () => {
  it("round-trip sha256:<hex>", () => {
    expect(fileAddress(HEX)).toBe(`sha256:${HEX}`);
    expect(parseFileAddress(`sha256:${HEX}`)).toBe(HEX);
  });

  it.each([
    ["uppercase hex", `sha256:${HEX.toUpperCase()}`],
    ["another algorithm", `sha512:${HEX}`],
    ["no prefix", HEX],
    ["a short digest", `sha256:${HEX.slice(2)}`],
    ["a long digest", `sha256:${HEX}00`],
    ["a trailing newline", `sha256:${HEX}\n`],
    ["an uppercase prefix", `SHA256:${HEX}`],
    ["empty", ""],
  ])("refuses %s, naming the address", (_, text) => {
    let err: unknown;
    try {
      parseFileAddress(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SealTrailError);
    expect((err as SealTrailError).code).toBe("malformed");
    expect((err as SealTrailError).message).toContain(`file address ${JSON.stringify(text)}`);
  });

  it("refuses to build an address from anything but 64 lowercase hex digits", () => {
    expect(() => fileAddress(HEX.toUpperCase())).toThrow(/64 lowercase hex/);
    expect(() => fileAddress("")).toThrow(SealTrailError);
    expect(() => parseFileAddress(`sha256:${"a".repeat(500)}`)).toThrow(/\.\.\."/);
  });
});
