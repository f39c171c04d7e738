import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { concat, toBase64, toHex, utf8 } from "../../src/bytes.js";
import { pureCryptoBackend, setCryptoBackend, type CryptoBackend } from "../../src/crypto.js";
import { nodeCryptoBackend } from "../../src/crypto-node.js";
import {
  MAX_NOTE_SIGNATURES,
  MAX_NOTE_SIZE,
  NOTE_SIGNATURE_PREFIX,
  addSignatures,
  generateSignerKey,
  openNote,
  parseNote,
  signNote,
  signerFromKey,
  verifierFromKey,
  type NoteSigner,
} from "../../src/note/index.js";
import { dec, enc, expectSealTrail, onlySealTrailErrors, readTestdataJson } from "./helpers.js";

interface GoVectors {
  peterVerifierKey: string;
  peterSignerKey: string;
  enochVerifierKey: string;
  text: string;
  peterSignatureLine: string;
  enochSignatureLine: string;
  badNotes: string[];
}
const GO = readTestdataJson<GoVectors>("golang-sumdb-note.json");
const C2SP = readTestdataJson<{ signedNote: string; checkpoint: string }>("c2sp-examples.json");
const peter = verifierFromKey(GO.peterVerifierKey);
const enoch = verifierFromKey(GO.enochVerifierKey);
const PETER_NOTE = GO.text + "\n" + GO.peterSignatureLine;

describe("interop with golang.org/x/mod/sumdb/note", () => {
  it("reproduces the Go signature byte for byte (TestSign)", () => {
    expect(signNote(GO.text, [signerFromKey(GO.peterSignerKey)])).toBe(PETER_NOTE);
  });

  it("opens the Go note with the Go key, from a string and from bytes", () => {
    for (const input of [PETER_NOTE, enc.encode(PETER_NOTE)]) {
      const n = openNote(input, [peter]);
      expect(n.text).toBe(GO.text);
      expect(n.verified.map((s) => s.name)).toEqual(["PeterNeumann"]);
      expect(toHex(n.verified[0]!.keyId)).toBe("c74f20a3");
      expect(n.verified[0]!.verifier).toBe(peter);
      expect(n.unverified).toEqual([]);
    }
  });

  it("one signature verified, one unknown (TestOpen)", () => {
    const n = openNote(GO.text + "\n" + GO.peterSignatureLine + GO.enochSignatureLine, [peter]);
    expect(n.text).toBe(GO.text);
    expect(n.verified.map((s) => s.name)).toEqual(["PeterNeumann"]);
    expect(n.unverified.map((s) => [s.name, toHex(s.keyId)])).toEqual([["EnochRoot", "af0cfe78"]]);
  });

  it("both verified", () => {
    const n = openNote(GO.text + "\n" + GO.peterSignatureLine + GO.enochSignatureLine, [peter, enoch]);
    expect(n.verified.map((s) => s.name)).toEqual(["PeterNeumann", "EnochRoot"]);
    expect(n.unverified).toEqual([]);
  });

  it("no known key is unknown_key", () => {
    const e = expectSealTrail(() => openNote(GO.text + "\n" + GO.peterSignatureLine + GO.enochSignatureLine, []), "unknown_key");
    expect(e.detail?.["keys"]).toEqual(["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"]);
  });

  it("duplicated verifier is ambiguous when used, ignored when not", () => {
    expectSealTrail(() => openNote(GO.text + "\n" + GO.enochSignatureLine, [enoch, peter, enoch]), "invalid", "ambiguous");
    expect(openNote(PETER_NOTE, [enoch, peter, enoch]).verified).toHaveLength(1);
  });

  it("more than 100 signatures is malformed, with or without verifiers", () => {
    const many = GO.text + "\n" + GO.peterSignatureLine.repeat(MAX_NOTE_SIGNATURES + 1);
    expectSealTrail(() => openNote(many, [peter]), "malformed");
    expectSealTrail(() => openNote(many, []), "malformed");
    // exactly 100 is fine; repeats by one key count once
    expect(openNote(GO.text + "\n" + GO.peterSignatureLine.repeat(MAX_NOTE_SIGNATURES), [peter]).verified).toHaveLength(1);
  });

  it("an invalid signature by a known key is bad_signature", () => {
    const sig = GO.peterSignatureLine;
    const bad = GO.text + "\n" + sig.slice(0, 60) + "ABCD" + sig.slice(60);
    expectSealTrail(() => openNote(bad, [peter]), "bad_signature", "PeterNeumann+c74f20a3");
  });

  it("drops duplicated verified and unverified signatures", () => {
    const e = GO.enochSignatureLine;
    const enochABCD = e.slice(0, 60) + "ABCD" + e.slice(60);
    const n = openNote(GO.text + "\n" + GO.peterSignatureLine + GO.peterSignatureLine + e + e + enochABCD, [peter]);
    expect(n.verified).toHaveLength(1);
    expect(n.unverified).toHaveLength(2);
    expect(toBase64(concat(n.unverified[1]!.keyId, n.unverified[1]!.signature))).toBe(enochABCD.slice(enochABCD.indexOf(" ", 2) + 1, -1));
  });

  it("rejects the Go malformed notes", () => {
    for (const bad of GO.badNotes) expectSealTrail(() => openNote(bad, [peter]), "malformed");
    // "\xff" + text: not UTF-8
    expectSealTrail(() => openNote(concat(new Uint8Array([0xff]), enc.encode(PETER_NOTE)), [peter]), "malformed", "UTF-8");
  });
});

// The same vectors through both crypto backends (docs/adr/0002): each must
// reproduce Go's signature and accept Go's note.
const BACKENDS: CryptoBackend[] = [pureCryptoBackend, nodeCryptoBackend];
describe.each(BACKENDS)("interop with Go on the $name crypto backend", (backend) => {
  afterAll(() => setCryptoBackend(pureCryptoBackend));
  it("signs byte for byte and verifies", () => {
    setCryptoBackend(backend);
    expect(signNote(GO.text, [signerFromKey(GO.peterSignerKey)])).toBe(PETER_NOTE);
    expect(openNote(PETER_NOTE, [verifierFromKey(GO.peterVerifierKey)]).verified).toHaveLength(1);
    expectSealTrail(() => openNote(PETER_NOTE.replace("cryptography", "cryptographY"), [verifierFromKey(GO.peterVerifierKey)]), "bad_signature");
    setCryptoBackend(pureCryptoBackend);
  });
});

describe("C2SP signed-note spec example", () => {
  it("parses, and the text keeps its empty line (split at the last blank line)", () => {
    const n = parseNote(C2SP.signedNote);
    expect(n.text).toBe("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n");
    expect(n.signatures.map((s) => s.name)).toEqual(["quasimodo.example/salvatore"]);
    expect(n.signatures[0]!.signature.length).toBe(64);
  });
});

describe("signNote / openNote round trips", () => {
  const a = generateSignerKey("a.example/log");
  const b = generateSignerKey("b.example/witness");
  const sa = signerFromKey(a.signerKey);
  const sb = signerFromKey(b.signerKey);
  const va = verifierFromKey(a.verifierKey);
  const vb = verifierFromKey(b.verifierKey);

  it("round trips any printable multi-line text", () => {
    const line = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => !/[\u0000-\u001f]/.test(s));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = lines.join("\n") + "\n";
        const note = signNote(text, [sa]);
        const n = openNote(note, [va]);
        expect(n.text).toBe(text);
        expect(parseNote(note).signatures[0]!.name).toBe("a.example/log");
      }),
      { numRuns: 100 },
    );
  });

  it("keeps empty lines inside the text", () => {
    const text = "a\n\nb\n\n\nc\n";
    expect(openNote(signNote(text, [sa]), [va]).text).toBe(text);
  });

  it("a note signed by two keys opens when only one is known", () => {
    const note = signNote("hello\n", [sa, sb]);
    const n = openNote(note, [vb]);
    expect(n.verified.map((s) => s.name)).toEqual(["b.example/witness"]);
    expect(n.unverified.map((s) => s.name)).toEqual(["a.example/log"]);
    expect(openNote(note, [va, vb]).verified).toHaveLength(2);
  });

  it("a known key with the same name but another key ID is ignored (C2SP: name and ID)", () => {
    const other = signerFromKey(generateSignerKey("a.example/log").signerKey);
    const note = signNote("hello\n", [other, sb]);
    const n = openNote(note, [va, vb]);
    expect(n.verified.map((s) => s.name)).toEqual(["b.example/witness"]);
    expect(n.unverified.map((s) => s.name)).toEqual(["a.example/log"]);
  });

  it("addSignatures cosigns, and replaces an old signature by the same key", () => {
    const note = signNote("hello\n", [sa]);
    const cosigned = addSignatures(note, [sb]);
    expect(cosigned.startsWith(note)).toBe(true);
    expect(openNote(cosigned, [va, vb]).verified).toHaveLength(2);
    const again = addSignatures(cosigned, [sb]);
    expect(again).toBe(cosigned); // Ed25519 is deterministic, and the old line is replaced
    expect(parseNote(again).signatures).toHaveLength(2);
    expectSealTrail(() => addSignatures("not a note\n", [sb]), "malformed");
  });

  it("signNote rejects bad texts and signers with invalid", () => {
    expectSealTrail(() => signNote("abc", [sa]), "invalid");
    expectSealTrail(() => signNote("", [sa]), "invalid");
    expectSealTrail(() => signNote("\n", [sa]), "invalid");
    expectSealTrail(() => signNote("a\rb\n", [sa]), "invalid");
    expectSealTrail(() => signNote("a\u0000\n", [sa]), "invalid");
    expectSealTrail(() => signNote("a\ud800\n", [sa]), "invalid");
    expectSealTrail(() => signNote("hello\n", []), "invalid");
    expectSealTrail(() => signNote("hello\n", [sa, sa]), "invalid");
    const badName: NoteSigner = { name: "bad name", keyId: sa.keyId, sign: (m) => sa.sign(m) };
    expectSealTrail(() => signNote("hello\n", [badName]), "invalid");
    const badId: NoteSigner = { name: "x", keyId: new Uint8Array(3), sign: (m) => sa.sign(m) };
    expectSealTrail(() => signNote("hello\n", [badId]), "invalid");
  });
});

describe("hostile notes", () => {
  it("every truncation of a valid note fails", () => {
    const b = enc.encode(PETER_NOTE);
    for (let n = 0; n < b.length; n++) {
      expectSealTrail(() => openNote(b.subarray(0, n), [peter]));
      expectSealTrail(() => parseNote(b.subarray(0, n)));
    }
  });

  it("every single-byte flip of a valid note fails to open", () => {
    const b = enc.encode(PETER_NOTE);
    for (let i = 0; i < b.length; i++) {
      for (const mask of [0x01, 0x20, 0x80, 0xff]) {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => openNote(m, [peter]));
      }
    }
  });

  it("random byte flips raise only SealTrailError, and never open", () => {
    const b = enc.encode(PETER_NOTE);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: b.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const m = b.slice();
        m[i] = m[i]! ^ mask;
        expectSealTrail(() => openNote(m, [peter]));
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary bytes raise only SealTrailError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlySealTrailErrors(() => parseNote(bytes));
        onlySealTrailErrors(() => openNote(bytes, [peter]));
      }),
      { numRuns: 2000 },
    );
  });

  it("note-shaped strings raise only SealTrailError", () => {
    const piece = fc.constantFrom("\n", "\n\n", NOTE_SIGNATURE_PREFIX, "—", " ", "a", "+", "=", "PeterNeumann", "x08go/ZJ", "AAAAAA==", "\r", "\u0000", "\ud800", "é");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const s = parts.join("");
        onlySealTrailErrors(() => parseNote(s));
        onlySealTrailErrors(() => openNote(s, [peter]));
      }),
      { numRuns: 3000 },
    );
  });

  it("rejects CRLF line endings", () => {
    expectSealTrail(() => parseNote(PETER_NOTE.replaceAll("\n", "\r\n")), "malformed", "control character");
  });

  it("extra blank lines: in the signature block malformed, before it the text changes and the signature fails", () => {
    expectSealTrail(() => openNote(GO.text + "\n" + GO.peterSignatureLine + "\n", [peter]), "malformed");
    expectSealTrail(() => openNote(GO.text + "\n\n" + GO.peterSignatureLine, [peter]), "bad_signature");
    expectSealTrail(() => openNote(GO.text + "\n" + GO.peterSignatureLine + "\n" + GO.enochSignatureLine, [peter]), "unknown_key");
  });

  it("bad base64, short signatures and bad names are malformed", () => {
    const body = GO.text + "\n";
    for (const line of [
      "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n", // no padding
      "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n", // padding bits
      "— PeterNeumann x08go!ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      "— PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n",
      "— PeterNeumann \n",
      "— PeterNeumann\n",
      "— PeterNeumann AAAAAA==\n", // 4 bytes: key ID only
      "— Peter\u00a0Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      "— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      "-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      "—PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
    ]) {
      expectSealTrail(() => parseNote(body + line), "malformed");
    }
  });

  it("empty text and oversize notes are malformed", () => {
    expectSealTrail(() => parseNote("\n" + "\n" + GO.peterSignatureLine), "malformed");
    expectSealTrail(() => parseNote(GO.peterSignatureLine), "malformed");
    const huge = "a".repeat(MAX_NOTE_SIZE) + "\n\n" + GO.peterSignatureLine;
    expectSealTrail(() => parseNote(huge), "malformed", "larger");
    expectSealTrail(() => parseNote(enc.encode(huge)), "malformed", "larger");
  });

  it("non-UTF-8 bytes anywhere are malformed", () => {
    const b = enc.encode(PETER_NOTE);
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8], [0xe2, 0x80]]) {
      expectSealTrail(() => parseNote(concat(b.subarray(0, 5), new Uint8Array(bad), b.subarray(5))), "malformed");
    }
    // a lone surrogate in a JS string is not UTF-8 either
    expectSealTrail(() => parseNote("a\ud800\n\n" + GO.peterSignatureLine), "malformed");
    expect(dec.decode(utf8(PETER_NOTE))).toBe(PETER_NOTE);
  });

  it("non-note input types are malformed", () => {
    expectSealTrail(() => parseNote(42 as unknown as string), "malformed");
    expectSealTrail(() => parseNote({} as unknown as Uint8Array), "malformed");
  });
});
