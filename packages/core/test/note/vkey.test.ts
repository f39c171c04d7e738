import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concat, fromBase64, toHex, utf8 } from "../../src/bytes.js";
import { ed25519PublicKey, sha256 } from "../../src/crypto.js";
import {
  KEY_ID_SIZE,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  keyId,
  parseSignerKey,
  parseVerifierKey,
  signerFromKey,
  verifierFromKey,
} from "../../src/note/index.js";
import { expectSealTrail, onlySealTrailErrors, readTestdataJson } from "./helpers.js";

interface GoVectors {
  peterVerifierKey: string;
  peterSignerKey: string;
  enochVerifierKey: string;
  badVerifierKeys: string[];
}
const GO = readTestdataJson<GoVectors>("golang-sumdb-note.json");

describe("keyId", () => {
  it("is SHA-256(name || 0x0A || type || key)[:4]", () => {
    const typed = concat(new Uint8Array([SIG_TYPE_ED25519]), new Uint8Array(32).fill(7));
    const want = sha256(concat(utf8("example.com/log\n"), typed)).slice(0, 4);
    expect(keyId("example.com/log", typed)).toEqual(want);
    expect(keyId("example.com/log", typed).length).toBe(KEY_ID_SIZE);
  });

  it("matches the Go reference key c74f20a3", () => {
    const typed = fromBase64("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    expect(toHex(keyId("PeterNeumann", typed))).toBe("c74f20a3");
  });
});

describe("verifier keys (golang.org/x/mod/sumdb/note vectors)", () => {
  it("parses the PeterNeumann key", () => {
    const k = parseVerifierKey(GO.peterVerifierKey);
    expect(k.name).toBe("PeterNeumann");
    expect(toHex(k.keyId)).toBe("c74f20a3");
    expect(k.type).toBe(SIG_TYPE_ED25519);
    expect(k.publicKey.length).toBe(32);
    expect(formatVerifierKey(k.name, k.publicKey)).toBe(GO.peterVerifierKey);
  });

  it("parses the EnochRoot key", () => {
    const k = parseVerifierKey(GO.enochVerifierKey);
    expect(k.name).toBe("EnochRoot");
    expect(toHex(k.keyId)).toBe("af0cfe78");
  });

  it("rejects every substring and every +1 byte mangling (TestNewVerifier)", () => {
    const b = utf8(GO.peterVerifierKey);
    const dec = new TextDecoder();
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i === 0 && j === b.length) continue;
        expectSealTrail(() => parseVerifierKey(dec.decode(b.subarray(i, j))), "malformed");
      }
    }
    for (let i = 0; i < b.length; i++) {
      const m = b.slice();
      m[i] = m[i]! + 1;
      expectSealTrail(() => parseVerifierKey(dec.decode(m)), "malformed");
    }
  });

  it("rejects the Go bad keys (wrong length, unknown algorithm)", () => {
    for (const k of GO.badVerifierKeys) expectSealTrail(() => parseVerifierKey(k), "malformed");
  });

  it("checks the key ID against the hash", () => {
    const wrong = GO.peterVerifierKey.replace("c74f20a3", "c74f20a4");
    expectSealTrail(() => parseVerifierKey(wrong), "malformed", "key ID");
  });

  it("accepts upper-case key ID hex as Go does", () => {
    expect(parseVerifierKey(GO.peterVerifierKey.replace("c74f20a3", "C74F20A3")).name).toBe("PeterNeumann");
  });

  it("parses cosignature (0x04) keys but does not make note verifiers from them", () => {
    const pub = ed25519PublicKey(new Uint8Array(32).fill(1));
    const vkey = formatVerifierKey("witness.example", pub, SIG_TYPE_COSIGNATURE_V1);
    const k = parseVerifierKey(vkey);
    expect(k.type).toBe(SIG_TYPE_COSIGNATURE_V1);
    expect(k.keyId).toEqual(keyId("witness.example", concat(new Uint8Array([4]), pub)));
    expectSealTrail(() => verifierFromKey(vkey), "invalid");
  });
});

describe("signer keys", () => {
  it("parses the PeterNeumann signer key and re-encodes it byte for byte", () => {
    const s = parseSignerKey(GO.peterSignerKey);
    expect(s.name).toBe("PeterNeumann");
    expect(toHex(s.keyId)).toBe("c74f20a3");
    expect(formatSignerKey(s.name, s.seed)).toBe(GO.peterSignerKey);
    expect(s.publicKey).toEqual(parseVerifierKey(GO.peterVerifierKey).publicKey);
  });

  it("rejects every substring and every +1 byte mangling (TestNewSigner)", () => {
    const b = utf8(GO.peterSignerKey);
    const dec = new TextDecoder();
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i === 0 && j === b.length) continue;
        expectSealTrail(() => parseSignerKey(dec.decode(b.subarray(i, j))), "malformed");
      }
    }
    for (let i = 0; i < b.length; i++) {
      const m = b.slice();
      m[i] = m[i]! + 1;
      expectSealTrail(() => parseSignerKey(dec.decode(m)), "malformed");
    }
  });

  it("generateSignerKey gives a consistent pair (TestGenerateKey)", () => {
    const { signerKey, verifierKey } = generateSignerKey("EnochRoot");
    const signer = signerFromKey(signerKey);
    const verifier = verifierFromKey(verifierKey);
    expect(signer.name).toBe("EnochRoot");
    expect(verifier.name).toBe("EnochRoot");
    expect(signer.keyId).toEqual(verifier.keyId);
    const msg = utf8("hi");
    const sig = signer.sign(msg);
    expect(verifier.verify(msg, sig)).toBe(true);
    sig[0] = sig[0]! ^ 1;
    expect(verifier.verify(msg, sig)).toBe(false);
    sig[0] = sig[0]! ^ 1;
    expect(verifier.verify(utf8("ho"), sig)).toBe(false);
    expect(verifier.verify(msg, sig.subarray(1))).toBe(false);
  });

  it("rejects bad seeds and names when formatting", () => {
    expectSealTrail(() => formatSignerKey("a", new Uint8Array(31)), "invalid");
    expectSealTrail(() => formatVerifierKey("a", new Uint8Array(33)), "invalid");
    expectSealTrail(() => generateSignerKey("a+b"), "invalid");
  });
});

describe("key name rules (C2SP signed-note, Format)", () => {
  const bad = ["", "a+b", "a b", "a\tb", "a\nb", "a\u00a0b", "a\u0085b", "a\u1680b", "a\u2003b", "a\u2028b", "a\u3000b", "a\u0001b", "a\ud800b"];
  const good = ["example.com/log", "PeterNeumann", "é/journal", "go.sum-db_1", "a\u200bb" /* zero-width space is not a Go space */];
  it.each(bad)("rejects %j", (name) => {
    expect(isValidKeyName(name)).toBe(false);
    expectSealTrail(() => formatVerifierKey(name, new Uint8Array(32)), "invalid");
  });
  it.each(good)("accepts %j", (name) => {
    expect(isValidKeyName(name)).toBe(true);
    const vkey = formatVerifierKey(name, ed25519PublicKey(new Uint8Array(32)));
    expect(parseVerifierKey(vkey).name).toBe(name);
  });
});

describe("hostile key text", () => {
  it("raises only SealTrailError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 120 }), (s) => {
        onlySealTrailErrors(() => parseVerifierKey(s));
        onlySealTrailErrors(() => parseSignerKey("PRIVATE+KEY+" + s));
        onlySealTrailErrors(() => verifierFromKey(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("raises only SealTrailError on keys built from key-like pieces", () => {
    const piece = fc.constantFrom("+", "PRIVATE", "KEY", "c74f20a3", "A", "=", "==", "/", " ", "\u00a0", "é", "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const s = parts.join("");
        onlySealTrailErrors(() => parseVerifierKey(s));
        onlySealTrailErrors(() => parseSignerKey(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects non-string input with SealTrailError", () => {
    expectSealTrail(() => parseVerifierKey(42 as unknown as string), "malformed");
    expectSealTrail(() => parseSignerKey(null as unknown as string), "malformed");
  });
});
