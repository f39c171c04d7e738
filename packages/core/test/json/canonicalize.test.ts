import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SealTrailError } from "../../src/errors.js";
import { canonicalize, parseJson, MAX_JSON_DEPTH } from "../../src/json/canonicalize.js";

// Number serialisation examples of RFC 8785 Appendix B (IEEE 754 bit pattern -> JCS text).
const RFC8785_NUMBERS: [string, string][] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"],
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"],
];

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

describe("RFC 8785 canonical JSON", () => {
  it.each(RFC8785_NUMBERS)("serialises the IEEE 754 value %s as %s (RFC 8785 Appendix B)", (bits, text) => {
    expect(canonicalize(fromBits(bits))).toBe(text);
  });

  it("refuses NaN and Infinity (RFC 8785 §3.2.2.3)", () => {
    for (const bits of ["7fffffffffffffff", "7ff0000000000000"]) {
      expect(() => canonicalize(fromBits(bits))).toThrow(SealTrailError);
    }
  });

  it("sorts properties by UTF-16 code units, recursively (RFC 8785 §3.2.3 example)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // Read the order from the text: Object.keys would put the integer-like "1" first.
    const text = canonicalize(input);
    const order = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"].map((k) => text.indexOf(JSON.stringify(k) + ":"));
    expect(order.every((p) => p >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("produces the RFC 8785 §3.2.4 example output", () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("refuses lone surrogates, non-plain objects and non-JSON values", () => {
    expect(() => canonicalize({ a: "\ud800" })).toThrow(SealTrailError);
    expect(() => canonicalize({ ["\udc00"]: 1 })).toThrow(SealTrailError);
    expect(() => canonicalize(new Date())).toThrow(SealTrailError);
    expect(() => canonicalize({ a: 1n })).toThrow(SealTrailError);
    expect(() => canonicalize({ f: () => 1 })).toThrow(SealTrailError);
    expect(canonicalize({ a: "\ud83d\ude00" })).toBe('{"a":"\ud83d\ude00"}');
  });

  it("is idempotent and stable under key order (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(d));
      }),
    );
  });

  it("parses hostile input into coded errors, never SyntaxError", () => {
    for (const bad of ["", "{", "[1,]", "nul", "\u0000", '{"a":1}x']) {
      const e = (() => {
        try {
          parseJson(bad);
          return null;
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(SealTrailError);
      expect((e as SealTrailError).code).toBe("malformed");
    }
    expect(() => parseJson(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/UTF-8/);
    const deep = "[".repeat(MAX_JSON_DEPTH + 2) + "]".repeat(MAX_JSON_DEPTH + 2);
    expect(() => parseJson(deep)).toThrow(SealTrailError);
    expect(() => parseJson("[".repeat(100000) + "]".repeat(100000))).toThrow(SealTrailError);
  });
});
