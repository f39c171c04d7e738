import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/bytes.js";
import { sha256 } from "../../src/crypto.js";
import {
  CHECKPOINT_ROOT_SIZE,
  addSignatures,
  formatCheckpoint,
  generateSignerKey,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  signerFromKey,
  verifierFromKey,
} from "../../src/note/index.js";
import { enc, expectSealTrail, onlySealTrailErrors, readTestdata, readTestdataJson } from "./helpers.js";

const ORIGIN = "sealtrail.example/log";
const LOG = generateSignerKey(ORIGIN);
const logSigner = signerFromKey(LOG.signerKey);
const ROOT = sha256(enc.encode("root"));
const MAX_U64 = (1n << 64n) - 1n;

describe("formatCheckpoint / parseCheckpoint (C2SP tlog-checkpoint, Note text)", () => {
  it("formats the three lines and extensions", () => {
    const body = formatCheckpoint({ origin: ORIGIN, size: 2n, root: ROOT, extensions: ["ext one", "— two"] });
    expect(body).toBe(`${ORIGIN}\n2\n${toBase64(ROOT)}\next one\n— two\n`);
    expect(parseCheckpoint(body)).toEqual({ origin: ORIGIN, size: 2n, root: ROOT, extensions: ["ext one", "— two"] });
  });

  it("round trips sizes 0 and 2^64-1 and any origin", () => {
    for (const size of [0n, 1n, 10n, MAX_U64]) {
      expect(parseCheckpoint(formatCheckpoint({ origin: ORIGIN, size, root: ROOT })).size).toBe(size);
    }
    const origin = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((s) => !/[\u0000-\u001f]/.test(s));
    fc.assert(
      fc.property(origin, fc.bigInt({ min: 0n, max: MAX_U64 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (o, size, root) => {
        expect(parseCheckpoint(formatCheckpoint({ origin: o, size, root }))).toEqual({ origin: o, size, root, extensions: [] });
      }),
      { numRuns: 200 },
    );
  });

  it("parses the C2SP spec example", () => {
    const { checkpoint } = readTestdataJson<{ checkpoint: string }>("c2sp-examples.json");
    const cp = parseCheckpoint(parseNote(checkpoint).text);
    expect(cp.origin).toBe("example.com/behind-the-sofa");
    expect(cp.size).toBe(20852163n);
    expect(toBase64(cp.root)).toBe("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  });

  it("rejects bad input to format with invalid", () => {
    expectSealTrail(() => formatCheckpoint({ origin: "", size: 1n, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: "a\nb", size: 1n, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: "a\rb", size: 1n, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: -1n, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: MAX_U64 + 1n, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: 1 as unknown as bigint, root: ROOT }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: 1n, root: ROOT.subarray(1) }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: 1n, root: ROOT, extensions: [""] }), "invalid");
    expectSealTrail(() => formatCheckpoint({ origin: ORIGIN, size: 1n, root: ROOT, extensions: ["a\nb"] }), "invalid");
  });

  const R = toBase64(ROOT);
  const bad: [string, string][] = [
    ["no final newline", `o\n1\n${R}`],
    ["two lines", `o\n1\n`],
    ["empty origin", `\n1\n${R}\n`],
    ["leading zero", `o\n01\n${R}\n`],
    ["double zero", `o\n00\n${R}\n`],
    ["sign", `o\n+1\n${R}\n`],
    ["negative", `o\n-1\n${R}\n`],
    ["space", `o\n 1\n${R}\n`],
    ["decimal point", `o\n1.0\n${R}\n`],
    ["hex", `o\n0x1\n${R}\n`],
    ["2^64", `o\n18446744073709551616\n${R}\n`],
    ["huge", `o\n${"9".repeat(1000)}\n${R}\n`],
    ["arabic digits", `o\n١\n${R}\n`],
    ["short root", `o\n1\n${toBase64(ROOT.subarray(1))}\n`],
    ["long root", `o\n1\n${toBase64(new Uint8Array(33))}\n`],
    ["root no padding", `o\n1\n${R.slice(0, -1)}\n`],
    ["root bad padding bits", `o\n1\n${R.slice(0, -2)}J=\n`],
    ["root whitespace", `o\n1\n ${R}\n`],
    ["empty extension", `o\n1\n${R}\n\n`],
    ["empty extension in middle", `o\n1\n${R}\nx\n\ny\n`],
    ["CRLF", `o\r\n1\r\n${R}\r\n`],
    ["NUL", `o\u0000\n1\n${R}\n`],
    ["lone surrogate", `o\ud800\n1\n${R}\n`],
  ];
  it.each(bad)("rejects %s as malformed", (_, body) => {
    expectSealTrail(() => parseCheckpoint(body), "malformed");
  });

  it("raises only SealTrailError on arbitrary bodies", () => {
    const piece = fc.constantFrom("\n", "o", "0", "1", "9", "-", R, "AAAA", "=", " ", "\r", "\u0000");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => onlySealTrailErrors(() => parseCheckpoint(parts.join("")))),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => onlySealTrailErrors(() => parseCheckpoint(s))), { numRuns: 1000 });
  });
});

describe("signCheckpoint / openCheckpoint", () => {
  const cp = { origin: ORIGIN, size: 7n, root: ROOT, extensions: ["ext"] };
  const note = signCheckpoint(cp, logSigner);

  it("round trips with the key text or a verifier", () => {
    for (const key of [LOG.verifierKey, verifierFromKey(LOG.verifierKey)]) {
      const o = openCheckpoint(note, key);
      expect(o.origin).toBe(ORIGIN);
      expect(o.size).toBe(7n);
      expect(o.root).toEqual(ROOT);
      expect(o.extensions).toEqual(["ext"]);
      expect(o.text).toBe(formatCheckpoint(cp));
      expect(o.note.verified).toHaveLength(1);
    }
    expect(openCheckpoint(enc.encode(note), LOG.verifierKey).size).toBe(7n);
  });

  it("the signer's key name must equal the origin", () => {
    const other = signerFromKey(generateSignerKey("other.example/log").signerKey);
    expectSealTrail(() => signCheckpoint(cp, other), "invalid", "origin");
  });

  it("the origin must equal the log key's name (or opts.origin)", () => {
    const other = generateSignerKey("other.example/log");
    const n = signNote(formatCheckpoint(cp), [signerFromKey(other.signerKey)]);
    expectSealTrail(() => openCheckpoint(n, other.verifierKey), "invalid", "origin");
    expect(openCheckpoint(n, other.verifierKey, { origin: ORIGIN }).size).toBe(7n);
    expectSealTrail(() => openCheckpoint(note, LOG.verifierKey, { origin: "elsewhere" }), "invalid", "origin");
  });

  it("a wrong key does not open it", () => {
    const stranger = generateSignerKey(ORIGIN);
    expectSealTrail(() => openCheckpoint(note, stranger.verifierKey), "unknown_key");
  });

  it("witness cosignatures: ignored when unknown, verified when known", () => {
    const w = generateSignerKey("witness.example");
    const cosigned = addSignatures(note, [signerFromKey(w.signerKey)]);
    const o = openCheckpoint(cosigned, LOG.verifierKey);
    expect(o.note.unverified.map((s) => s.name)).toEqual(["witness.example"]);
    const o2 = openCheckpoint(cosigned, LOG.verifierKey, { otherVerifiers: [verifierFromKey(w.verifierKey)] });
    expect(o2.note.verified.map((s) => s.name)).toEqual([ORIGIN, "witness.example"]);
    // a witness-only note does not open as the log's checkpoint
    const witnessOnly = signNote(formatCheckpoint(cp), [signerFromKey(w.signerKey)]);
    expectSealTrail(() => openCheckpoint(witnessOnly, LOG.verifierKey, { otherVerifiers: [verifierFromKey(w.verifierKey)] }), "unknown_key", "log key");
  });

  it("a signed note whose body is not a checkpoint is malformed", () => {
    expectSealTrail(() => openCheckpoint(signNote(`${ORIGIN}\n01\n${toBase64(ROOT)}\n`, [logSigner]), LOG.verifierKey), "malformed");
  });

  it("flipping any byte of a signed checkpoint fails to open", () => {
    const b = enc.encode(note);
    for (let i = 0; i < b.length; i++) {
      for (const mask of [0x01, 0x40, 0x80]) {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => openCheckpoint(m, LOG.verifierKey));
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: b.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => openCheckpoint(m, LOG.verifierKey));
      }),
      { numRuns: 300 },
    );
  });

  it("every truncation fails to open", () => {
    const b = enc.encode(note);
    for (let n = 0; n < b.length; n++) expectSealTrail(() => openCheckpoint(b.subarray(0, n), LOG.verifierKey));
  });
});

describe("a real checkpoint: sum.golang.org (Go checksum database)", () => {
  const vkey = readTestdata("sum-golang-org.vkey").trim();
  const note = readTestdata("sum-golang-org-checkpoint.txt");

  it("its verifier key is consistent", () => {
    const k = parseVerifierKey(vkey);
    expect(k.name).toBe("sum.golang.org");
  });

  it("opens with origin 'go.sum database tree'", () => {
    const o = openCheckpoint(note, vkey, { origin: "go.sum database tree" });
    expect(o.size).toBe(15081221n);
    expect(o.root).toEqual(fromBase64("BoMMe1wd25Tco0mYGROkyqxHZWx+hcSCtMV315Lu6Lg="));
    expect(o.root.length).toBe(CHECKPOINT_ROOT_SIZE);
    expect(o.note.verified.map((s) => s.name)).toEqual(["sum.golang.org"]);
    expect(o.note.unverified.map((s) => s.name)).toEqual(["test.example.com", "test.example.com"]);
  });

  it("needs the origin option, since its origin differs from its key name", () => {
    expectSealTrail(() => openCheckpoint(note, vkey), "invalid", "origin");
  });

  it("fails once tampered", () => {
    expectSealTrail(() => openCheckpoint(note.replace("15081221", "15081222"), vkey, { origin: "go.sum database tree" }), "bad_signature");
  });
});
