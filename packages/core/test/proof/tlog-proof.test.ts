import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import { generateSignerKey, signCheckpoint, signerFromKey, verifierFromKey, addSignatures } from "../../src/note/index.js";
import {
  MAX_TLOG_PROOF_HASHES,
  TLOG_PROOF_HEADER,
  formatTlogProof,
  parseTlogProof,
  verifyTlogProof,
} from "../../src/proof/index.js";
import { enc, expectSealTrail, onlySealTrailErrors } from "../note/helpers.js";
import { refLeafHash, refPath, refRoot } from "./ref-merkle.js";

const ORIGIN = "sealtrail.example/vault";
const LOG = generateSignerKey(ORIGIN);
const signer = signerFromKey(LOG.signerKey);

function entries(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => enc.encode(`record ${i}\n`));
}

function makeProof(n: number, index: number, extra?: Uint8Array): { text: string; entry: Uint8Array } {
  const es = entries(n);
  const leaves = es.map(refLeafHash);
  const checkpoint = signCheckpoint({ origin: ORIGIN, size: BigInt(n), root: refRoot(leaves) }, signer);
  const text = formatTlogProof({ index: BigInt(index), proof: refPath(index, leaves), checkpoint, ...(extra ? { extra } : {}) });
  return { text, entry: es[index]! };
}

describe("formatTlogProof / parseTlogProof (C2SP tlog-proof, Format)", () => {
  it("has the spec layout", () => {
    const { text } = makeProof(5, 2, enc.encode("ctx"));
    const lines = text.split("\n");
    expect(lines[0]).toBe(TLOG_PROOF_HEADER);
    expect(lines[1]).toBe("extra " + toBase64(enc.encode("ctx")));
    expect(lines[2]).toBe("index 2");
    expect(lines.slice(3, 6).every((l) => l.length === 44)).toBe(true);
    expect(lines[6]).toBe("");
    expect(lines[7]).toBe(ORIGIN);
  });

  it("round trips, with and without extra", () => {
    for (const extra of [undefined, new Uint8Array([1, 2, 3])]) {
      const { text } = makeProof(6, 5, extra);
      const p = parseTlogProof(text);
      expect(p.index).toBe(5n);
      expect(p.extra).toEqual(extra);
      expect(formatTlogProof(p)).toBe(text);
      expect(parseTlogProof(enc.encode(text))).toEqual(p);
    }
  });

  it("a one-leaf tree has no proof lines", () => {
    const { text } = makeProof(1, 0);
    expect(text.startsWith(`${TLOG_PROOF_HEADER}\nindex 0\n\n${ORIGIN}\n`)).toBe(true);
    expect(parseTlogProof(text).proof).toEqual([]);
  });

  it("format rejects bad input with invalid", () => {
    const { text } = makeProof(2, 0);
    const p = parseTlogProof(text);
    expectSealTrail(() => formatTlogProof({ ...p, index: -1n }), "invalid");
    expectSealTrail(() => formatTlogProof({ ...p, proof: [new Uint8Array(31)] }), "invalid");
    expectSealTrail(() => formatTlogProof({ ...p, proof: Array(MAX_TLOG_PROOF_HASHES + 1).fill(new Uint8Array(32)) }), "invalid");
    expectSealTrail(() => formatTlogProof({ ...p, checkpoint: "not a note\n" }), "invalid");
    expectSealTrail(() => formatTlogProof({ ...p, extra: new Uint8Array(0) }), "invalid");
  });

  const { text: GOOD } = makeProof(3, 1);
  const [header, indexLine, h1, h2, , ...rest] = GOOD.split("\n");
  const cp = rest.join("\n");
  const bad: [string, string][] = [
    ["wrong header", GOOD.replace(TLOG_PROOF_HEADER, "c2sp.org/tlog-proof@v2")],
    ["no header", GOOD.slice(TLOG_PROOF_HEADER.length + 1)],
    ["CRLF", GOOD.replaceAll("\n", "\r\n")],
    ["header CR", GOOD.replace(TLOG_PROOF_HEADER + "\n", TLOG_PROOF_HEADER + "\r\n")],
    ["index leading zero", GOOD.replace("index 1", "index 01")],
    ["index negative", GOOD.replace("index 1", "index -1")],
    ["index 2^64", GOOD.replace("index 1", "index 18446744073709551616")],
    ["index two spaces", GOOD.replace("index 1", "index  1")],
    ["no index", [header, h1, h2, "", cp].join("\n")],
    ["extra after index", [header, indexLine, "extra AAAA", h1, h2, "", cp].join("\n")],
    ["empty extra", [header, "extra ", indexLine, h1, h2, "", cp].join("\n")],
    ["bad extra base64", [header, "extra A", indexLine, h1, h2, "", cp].join("\n")],
    ["short hash", [header, indexLine, h1, toBase64(new Uint8Array(31)), "", cp].join("\n")],
    ["hash without padding", [header, indexLine, h1, h2!.slice(0, -1), "", cp].join("\n")],
    ["no blank line", [header, indexLine, h1, h2, cp].join("\n")],
    ["two blank lines", [header, indexLine, h1, h2, "", "", cp].join("\n")],
    ["no checkpoint", [header, indexLine, h1, h2, "", ""].join("\n")],
    ["too many hashes", [header, indexLine, ...Array<string>(MAX_TLOG_PROOF_HASHES + 1).fill(h1!), "", cp].join("\n")],
  ];
  it.each(bad)("rejects %s as malformed", (_, text) => {
    expectSealTrail(() => parseTlogProof(text), "malformed");
  });

  it("every truncation fails", () => {
    const b = enc.encode(GOOD);
    for (let n = 0; n < b.length; n++) expectSealTrail(() => parseTlogProof(b.subarray(0, n)), "malformed");
  });

  it("arbitrary input raises only SealTrailError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlySealTrailErrors(() => parseTlogProof(b))), { numRuns: 1000 });
    const piece = fc.constantFrom(TLOG_PROOF_HEADER, "\n", "index ", "extra ", "0", "7", h1!, "AAAA", "=", cp, "— ", "\r");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 15 }), (parts) => {
        const s = parts.join("");
        onlySealTrailErrors(() => parseTlogProof(s));
        onlySealTrailErrors(() => verifyTlogProof(s, enc.encode("x"), LOG.verifierKey));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("verifyTlogProof", () => {
  it("verifies every index of trees of size 1 to 17", () => {
    for (let n = 1; n <= 17; n++) {
      for (let i = 0; i < n; i++) {
        const { text, entry } = makeProof(n, i);
        const r = verifyTlogProof(text, entry, LOG.verifierKey);
        expect(r.origin).toBe(ORIGIN);
        expect(r.size).toBe(BigInt(n));
        expect(r.index).toBe(BigInt(i));
        expect(r.leafHash).toEqual(refLeafHash(entry));
        expect(r.root).toEqual(refRoot(entries(n).map(refLeafHash)));
      }
    }
  });

  it("accepts a NoteVerifier and bytes, returns unauthenticated extra", () => {
    const { text, entry } = makeProof(4, 3, enc.encode("hint"));
    const r = verifyTlogProof(enc.encode(text), entry, verifierFromKey(LOG.verifierKey));
    expect(r.extra).toEqual(enc.encode("hint"));
  });

  it("ignores witness cosignatures it does not know", () => {
    const { text, entry } = makeProof(4, 1);
    const w = signerFromKey(generateSignerKey("witness.example").signerKey);
    const at = text.indexOf("\n\n") + 2;
    const cosigned = text.slice(0, at) + addSignatures(text.slice(at), [w]);
    expect(verifyTlogProof(cosigned, entry, LOG.verifierKey).checkpoint.note.unverified).toHaveLength(1);
  });

  it("names what failed", () => {
    const { text, entry } = makeProof(8, 5);
    const other = generateSignerKey(ORIGIN);
    expectSealTrail(() => verifyTlogProof(text, entry, other.verifierKey), "unknown_key", "checkpoint signature");
    expectSealTrail(() => verifyTlogProof(text, enc.encode("record 4\n"), LOG.verifierKey), "bad_proof", "inclusion proof");
  });

  it("wrong entry: inclusion proof / entry does not match", () => {
    const { text } = makeProof(8, 5);
    const e = expectSealTrail(() => verifyTlogProof(text, enc.encode("forged\n"), LOG.verifierKey), "bad_proof");
    expect(e.message).toMatch(/^inclusion proof: the entry does not match/);
    expect(e.cause).toBeInstanceOf(SealTrailError);
  });

  it("index beyond tree size", () => {
    const es = entries(4);
    const leaves = es.map(refLeafHash);
    const checkpoint = signCheckpoint({ origin: ORIGIN, size: 4n, root: refRoot(leaves) }, signer);
    const text = formatTlogProof({ index: 4n, proof: refPath(3, leaves), checkpoint });
    expectSealTrail(() => verifyTlogProof(text, es[3]!, LOG.verifierKey), "bad_proof", "index beyond tree size");
  });

  it("a proof for another index or a tampered hash fails", () => {
    const es = entries(8);
    const leaves = es.map(refLeafHash);
    const checkpoint = signCheckpoint({ origin: ORIGIN, size: 8n, root: refRoot(leaves) }, signer);
    const wrongIndex = formatTlogProof({ index: 2n, proof: refPath(3, leaves), checkpoint });
    expectSealTrail(() => verifyTlogProof(wrongIndex, es[3]!, LOG.verifierKey), "bad_proof", "inclusion proof");
    const path = refPath(3, leaves);
    path[1] = path[1]!.slice();
    path[1][0] = path[1][0]! ^ 1;
    const tampered = formatTlogProof({ index: 3n, proof: path, checkpoint });
    expectSealTrail(() => verifyTlogProof(tampered, es[3]!, LOG.verifierKey), "bad_proof", "inclusion proof");
    const short = formatTlogProof({ index: 3n, proof: refPath(3, leaves).slice(0, 2), checkpoint });
    expectSealTrail(() => verifyTlogProof(short, es[3]!, LOG.verifierKey), "bad_proof");
  });

  it("origin option: a checkpoint of another origin is refused", () => {
    const { text, entry } = makeProof(2, 0);
    expectSealTrail(() => verifyTlogProof(text, entry, LOG.verifierKey, { origin: "elsewhere" }), "invalid", "checkpoint");
  });

  it("flipping any byte of a tlog-proof (without extra) makes it fail", () => {
    const { text, entry } = makeProof(6, 4);
    const b = enc.encode(text);
    for (let i = 0; i < b.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => verifyTlogProof(m, entry, LOG.verifierKey));
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: b.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => verifyTlogProof(m, entry, LOG.verifierKey));
      }),
      { numRuns: 300 },
    );
  });

  it("the extra line is not authenticated (spec: MUST NOT be trusted)", () => {
    const { text, entry } = makeProof(3, 0, enc.encode("one"));
    const swapped = text.replace(toBase64(enc.encode("one")), toBase64(enc.encode("two")));
    expect(verifyTlogProof(swapped, entry, LOG.verifierKey).extra).toEqual(enc.encode("two"));
  });

  it("entry must be bytes", () => {
    const { text } = makeProof(2, 0);
    expectSealTrail(() => verifyTlogProof(text, "record 0\n" as unknown as Uint8Array, LOG.verifierKey), "invalid");
  });
});
