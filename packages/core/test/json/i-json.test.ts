import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SealTrailError } from "../../src/errors.js";
import { MAX_JSON_DEPTH } from "../../src/json/canonicalize.js";
import { checkIJsonValue, parseIJson, survivesDouble } from "../../src/json/i-json.js";
import { buildRecord } from "../../src/record/build.js";

/** The SealTrailError `f` throws (fails the test when it throws nothing). */
function refusal(f: () => unknown): SealTrailError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SealTrailError);
    return e as SealTrailError;
  }
  throw new Error("expected a refusal");
}

const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) out.push(...(typeof p === "string" ? new TextEncoder().encode(p) : p));
  return new Uint8Array(out);
};

describe("parseIJson: I-JSON (RFC 7493) or a refusal naming the field", () => {
  it("parses what I-JSON allows, to the same value as JSON.parse", () => {
    const text = '{"a":[1,2.5,-0,1e2,0.1,"x\\u00e9\\ud83d\\ude00"],"b":{"c":null,"d":true},"e":9007199254740992,"f":1e+21}';
    expect(parseIJson(text)).toEqual(JSON.parse(text));
    expect(parseIJson(bytes(text))).toEqual(JSON.parse(text));
  });

  it("any JSON value written by JSON.stringify parses back unchanged (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        expect(parseIJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("invalid UTF-8 is refused as malformed, never replaced with U+FFFD", () => {
    const e = refusal(() => parseIJson(bytes('{"name":"a', [0xff, 0xfe, 0xc3], 'b"}'), "request body"));
    expect(e.code).toBe("malformed");
    expect(e.message).toMatch(/request body: not valid UTF-8/);
    // A truncated multi-byte sequence at the very end, and an overlong encoding of "/".
    expect(refusal(() => parseIJson(bytes('{"a":"', [0xe2, 0x82], '"}'))).code).toBe("malformed");
    expect(refusal(() => parseIJson(bytes('{"a":"', [0xc0, 0xaf], '"}'))).code).toBe("malformed");
  });

  it("a byte-order mark is refused, as bytes and as text", () => {
    expect(refusal(() => parseIJson(bytes([0xef, 0xbb, 0xbf], '{"a":1}'))).message).toMatch(/byte-order mark/);
    expect(refusal(() => parseIJson('\ufeff{"a":1}')).message).toMatch(/byte-order mark/);
  });

  it("a number a double cannot hold exactly is refused, naming its JSON Pointer and what it would become", () => {
    const cases: [string, string][] = [
      ['{"n":9007199254740993}', "/n"],
      ['{"deep":{"list":[0,{"v":123456789012345678901234567890}]}}', "/deep/list/1/v"],
      ['{"x":1.0000000000000000000000001}', "/x"],
      ['{"big":1e400}', "/big"],
      ['{"tiny":1e-400}', "/tiny"],
      ['[1,2,-9007199254740993]', "/2"],
    ];
    for (const [text, pointer] of cases) {
      const e = refusal(() => parseIJson(text, "payload"));
      expect(e.code, text).toBe("invalid");
      expect(e.detail?.pointer, text).toBe(pointer);
      expect(e.detail?.rule).toBe("I-JSON (RFC 7493): number");
      expect(e.message, text).toMatch(/send it as a string/);
    }
    expect(refusal(() => parseIJson('{"n":9007199254740993}')).message).toMatch(/would be signed as 9007199254740992/);
  });

  it("JSON Pointers escape ~ and / in member names (RFC 6901)", () => {
    expect(refusal(() => parseIJson('{"a/b~c":{"":1e999}}')).detail?.pointer).toBe("/a~1b~0c/");
  });

  it("duplicate member names are refused, also when one is written with escapes", () => {
    expect(refusal(() => parseIJson('{"a":1,"a":2}')).detail?.pointer).toBe("/a");
    expect(refusal(() => parseIJson('{"a":1,"\\u0061":2}')).detail?.pointer).toBe("/a");
    expect(refusal(() => parseIJson('{"x":[{"k":1},{"k":2,"k":3}]}')).detail?.pointer).toBe("/x/1/k");
    // The same name in sibling objects is fine.
    expect(parseIJson('{"x":[{"k":1},{"k":2}],"k":3}')).toEqual({ x: [{ k: 1 }, { k: 2 }], k: 3 });
  });

  it("a lone surrogate, escaped in a value or a name, is refused; a pair is accepted", () => {
    expect(refusal(() => parseIJson('{"a":"x\\ud800y"}')).detail?.pointer).toBe("/a");
    expect(refusal(() => parseIJson('{"a":["\\udc00"]}')).detail?.pointer).toBe("/a/0");
    expect(refusal(() => parseIJson('{"\\ud800":1}')).code).toBe("invalid");
    expect(parseIJson('{"a":"\\ud83d\\ude00"}')).toEqual({ a: "\u{1f600}" });
  });

  it("strings holding escaped quotes and backslashes do not confuse the scan", () => {
    const text = '{"a":"\\\\","b":"\\"}{,[","c\\"":1,"d":"\\\\\\""}';
    expect(parseIJson(text)).toEqual(JSON.parse(text));
    expect(refusal(() => parseIJson('{"a":"\\\\","a":1}')).detail?.pointer).toBe("/a");
  });

  it("refuses names the caller asks it to, anywhere in the document", () => {
    expect(refusal(() => parseIJson('{"a":{"__proto__":{"x":1}}}', "body", { refuseNames: ["__proto__"] })).detail?.pointer).toBe("/a/__proto__");
    expect(parseIJson('{"__proto__":1}')).toEqual(JSON.parse('{"__proto__":1}'));
  });

  it("bad syntax and deep nesting are coded errors, never a SyntaxError or a stack overflow", () => {
    expect(refusal(() => parseIJson('{"a":')).code).toBe("malformed");
    expect(refusal(() => parseIJson(42 as unknown as string)).code).toBe("malformed");
    const deep = "[".repeat(MAX_JSON_DEPTH + 2) + "]".repeat(MAX_JSON_DEPTH + 2);
    expect(refusal(() => parseIJson(deep)).code).toBe("invalid");
    const ok = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
    expect(parseIJson(ok)).toEqual(JSON.parse(ok));
  });
});

describe("survivesDouble", () => {
  it("every double's own ECMAScript text survives (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(survivesDouble(String(d))).toBe(true);
        expect(survivesDouble(JSON.stringify(d))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("equal values in other spellings survive; changed values do not", () => {
    for (const s of ["1.0", "1e2", "100E-2", "0.000", "-0", "-0.0e10", "1.50", "12345678901234567e-16", "1.7976931348623157e308", "5e-324"]) {
      expect(survivesDouble(s), s).toBe(true);
    }
    // 0.1's double, written out exactly, is a different decimal from the "0.1" it is written back as.
    for (const s of ["0.1000000000000000055511151231257827", "123456789012345678901234567890e-29", "9007199254740993", "18446744073709551617", "0.30000000000000000001", "1e309", "-1e309", "2e-324"]) {
      expect(survivesDouble(s), s).toBe(false);
    }
  });

  it("an integer beyond 2^53 survives exactly when the text it would be signed as is the same integer (property)", () => {
    // The integer that ECMAScript's text of a double denotes, by BigInt arithmetic.
    const integerOf = (text: string): bigint => {
      const [mantissa, exp = "0"] = text.split("e");
      const [whole, frac = ""] = mantissa!.split(".");
      const shift = Number(exp) - frac.length;
      return shift >= 0 ? BigInt(whole! + frac) * 10n ** BigInt(shift) : -1n;
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 53n, max: 1n << 80n }), (n) => {
        expect(survivesDouble(n.toString())).toBe(integerOf(String(Number(n))) === n);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("checkIJsonValue: a value built in code is signed as given or refused", () => {
  it("refuses what JSON.stringify would drop or change, naming the field", () => {
    const cases: [unknown, string][] = [
      [{ a: undefined }, "/a"],
      [{ a: [1, undefined] }, "/a/1"],
      [{ a: [1, , 3] }, "/a/1"],
      [{ a: Number.NaN }, "/a"],
      [{ a: { b: Number.POSITIVE_INFINITY } }, "/a/b"],
      [{ a: 10n }, "/a"],
      [{ a: new Date(0) }, "/a"],
      [{ a: "\ud800" }, "/a"],
      [{ a: () => 1 }, "/a"],
    ];
    for (const [v, pointer] of cases) {
      const e = refusal(() => checkIJsonValue(v, "payload"));
      expect(e.code).toBe("invalid");
      expect(e.detail?.pointer).toBe(pointer);
      expect(e.message).toMatch(/^payload at \//);
    }
    expect(() => checkIJsonValue({ a: [1, "x", null, { b: false }], c: -0 }, "payload")).not.toThrow();
  });

  it("buildRecord refuses such a payload instead of signing a changed one", () => {
    const seed = new Uint8Array(32).fill(7);
    const e = refusal(() => buildRecord({ vault: "v", type: "sms.risk", author: "acme", seed, payload: { title: "x", score: undefined } }));
    expect(e.detail?.pointer).toBe("/score");
  });
});
