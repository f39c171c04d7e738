import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex, utf8 } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import { decodeRlp, encodeRlp, readRlpUint, rlpUint, type RlpItem } from "../../src/anchor/rlp.js";
import { decodeBlockHeader } from "../../src/anchor/header.js";
import { decodeReceipt } from "../../src/anchor/receipt.js";
import { decodeTransaction } from "../../src/anchor/transaction.js";

// Examples of ethereum.org's "Recursive-length prefix (RLP) serialization"
// page (formerly the Ethereum wiki) and ethereum/tests RLPTests/rlptest.json.
const EXAMPLES: [string, RlpItem, string][] = [
  ["dog", utf8("dog"), "83646f67"],
  ['["cat","dog"]', [utf8("cat"), utf8("dog")], "c88363617483646f67"],
  ["empty string", new Uint8Array(), "80"],
  ["empty list", [], "c0"],
  ["integer 0", rlpUint(0), "80"],
  ["byte 0x00", new Uint8Array([0]), "00"],
  ["byte 0x0f", new Uint8Array([15]), "0f"],
  ["integer 1024", rlpUint(1024), "820400"],
  ["set theoretic three", [[], [[]], [[], [[]]]], "c7c0c1c0c3c0c1c0"],
  [
    "Lorem ipsum (56 bytes, long string)",
    utf8("Lorem ipsum dolor sit amet, consectetur adipisicing elit"),
    "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974",
  ],
  ["integer 0x100000 (rlptest mediumint4)", rlpUint(0x100000), "83100000"],
  ["bigint 2^256-1 (rlptest)", rlpUint(2n ** 256n - 1n), "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"],
];

function expectMalformed(hex: string): void {
  let e: unknown;
  try {
    decodeRlp(fromHex(hex));
  } catch (err) {
    e = err;
  }
  expect(e).toBeInstanceOf(SealTrailError);
  expect((e as SealTrailError).code).toBe("malformed");
}

describe("RLP", () => {
  it.each(EXAMPLES)("encodes and decodes %s", (_name, item, hex) => {
    expect(toHex(encodeRlp(item))).toBe(hex);
    expect(decodeRlp(fromHex(hex))).toEqual(item);
  });

  it("reads integers as RLP carries them", () => {
    expect(readRlpUint(rlpUint(1024), "n")).toBe(1024n);
    expect(readRlpUint(new Uint8Array(), "n")).toBe(0n);
    expect(() => readRlpUint(new Uint8Array([0, 1]), "n")).toThrow(/leading zero/);
    expect(() => readRlpUint([], "n")).toThrow(/list/);
    expect(() => readRlpUint(new Uint8Array(33).fill(1), "n")).toThrow(/longer than 32/);
  });

  it("refuses every non-canonical or truncated encoding", () => {
    expectMalformed(""); // nothing
    expectMalformed("8100"); // single byte below 0x80 wrapped as a string
    expectMalformed("817f");
    expectMalformed("b800"); // long form for length 0
    expectMalformed("b837" + "00".repeat(55)); // long form for 55
    expectMalformed("b90038" + "00".repeat(56)); // length with a leading zero byte
    expectMalformed("f800"); // long list form for a short list
    expectMalformed("83646f"); // string past the end
    expectMalformed("c88363617483646f"); // list past the end
    expectMalformed("c3836f67"); // item inside the list runs past the list
    expectMalformed("83646f6700"); // trailing byte
    expectMalformed("bf" + "ff".repeat(8)); // absurd length
    expectMalformed("c1".repeat(40) + "c0"); // nested deeper than the bound
  });

  it("answers any byte string with an item or a SealTrailError, never another error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        for (const f of [decodeRlp, decodeBlockHeader, decodeTransaction, decodeReceipt]) {
          try {
            f(b);
          } catch (e) {
            expect(e).toBeInstanceOf(SealTrailError);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("round-trips arbitrary items", () => {
    const item: fc.Arbitrary<RlpItem> = fc.letrec<{ item: RlpItem }>((tie) => ({
      item: fc.oneof({ depthSize: "small" }, fc.uint8Array({ maxLength: 70 }), fc.array(tie("item"), { maxLength: 5 })),
    })).item;
    fc.assert(
      fc.property(item, (x) => {
        expect(decodeRlp(encodeRlp(x))).toEqual(x);
      }),
    );
  });
});
