import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex, utf8, fromBase64, toBase64 } from "../../src/bytes.js";
import { pureCryptoBackend, setCryptoBackend, sha256, sha256Hex, type CryptoBackend } from "../../src/crypto.js";
import { nodeCryptoBackend } from "../../src/crypto-node.js";
import { SealTrailError } from "../../src/errors.js";

// RFC 8032 §7.1 test vectors 1-3 (secret key, public key, message, signature).
const RFC8032 = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pub: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

const BACKENDS: CryptoBackend[] = [pureCryptoBackend, nodeCryptoBackend];

describe.each(BACKENDS)("crypto backend $name", (b) => {
  it("matches the RFC 8032 §7.1 Ed25519 vectors", () => {
    for (const v of RFC8032) {
      expect(toHex(b.ed25519PublicKey(fromHex(v.seed)))).toBe(v.pub);
      expect(toHex(b.ed25519Sign(fromHex(v.seed), fromHex(v.msg)))).toBe(v.sig);
      expect(b.ed25519Verify(fromHex(v.pub), fromHex(v.msg), fromHex(v.sig))).toBe(true);
      const bad = fromHex(v.sig);
      bad[10]! ^= 1;
      expect(b.ed25519Verify(fromHex(v.pub), fromHex(v.msg), bad)).toBe(false);
    }
  });

  it("refuses a signature whose S is not reduced (RFC 8032 §5.1.7 strictness)", () => {
    const v = RFC8032[0]!;
    const sig = fromHex(v.sig);
    // S + L: same value mod L, non-canonical encoding.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    s += L;
    for (let i = 0; i < 32; i++) {
      sig[32 + i] = Number(s & 255n);
      s >>= 8n;
    }
    expect(b.ed25519Verify(fromHex(v.pub), fromHex(v.msg), sig)).toBe(false);
  });

  it("hashes the FIPS 180-2 SHA-256 examples", () => {
    expect(toHex(b.sha256(utf8("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(b.sha256(new Uint8Array()))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(b.sha256Parts([utf8("a"), utf8("bc")]))).toBe(toHex(b.sha256(utf8("abc"))));
  });

  it("sha256Hex is the lower-case hex of sha256, around the SHA-256 block and padding boundaries", () => {
    // 55 bytes is the longest message whose padding fits in one 64-byte block (FIPS 180-4 §5.1.1).
    const inputs = [0, 1, 55, 56, 63, 64, 65, 5000].map((n) => new Uint8Array(n).map((_, i) => (i * 7 + n) & 255));
    // A view at an offset: the digest is of the view's bytes only.
    inputs.push(new Uint8Array(300).fill(9).subarray(17, 17 + 56));
    expect(b.sha256Hex(utf8("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(b.sha256Hex(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // FIPS 180-2 appendix B.2: the 56-byte two-block message.
    expect(b.sha256Hex(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    for (const x of inputs) {
      expect(b.sha256Hex(x)).toMatch(/^[0-9a-f]{64}$/);
      expect(b.sha256Hex(x), `${x.length} bytes`).toBe(toHex(b.sha256(x)));
      expect(b.sha256Hex(x), `${x.length} bytes, against the pure backend`).toBe(toHex(pureCryptoBackend.sha256(x)));
    }
    // Through core's exported function, with this backend installed.
    setCryptoBackend(b);
    try {
      for (const x of inputs) expect(sha256Hex(x)).toBe(toHex(sha256(x)));
      expect(sha256Hex(utf8("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    } finally {
      setCryptoBackend(pureCryptoBackend);
    }
  });
});

describe("the two backends agree", () => {
  it("on signatures, verification and hashes of random inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const sig = nodeCryptoBackend.ed25519Sign(seed, msg);
        expect(toHex(pureCryptoBackend.ed25519Sign(seed, msg))).toBe(toHex(sig));
        const pub = pureCryptoBackend.ed25519PublicKey(seed);
        expect(nodeCryptoBackend.ed25519Verify(pub, msg, sig)).toBe(true);
        expect(pureCryptoBackend.ed25519Verify(pub, msg, sig)).toBe(true);
        expect(toHex(nodeCryptoBackend.sha256(msg))).toBe(toHex(pureCryptoBackend.sha256(msg)));
      }),
      { numRuns: 50 },
    );
  });

  it("on refusing garbage keys and signatures (never throwing)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (pub, sig) => {
        const msg = utf8("m");
        expect(nodeCryptoBackend.ed25519Verify(pub, msg, sig)).toBe(pureCryptoBackend.ed25519Verify(pub, msg, sig));
      }),
      { numRuns: 200 },
    );
  });
});

describe("strict base64", () => {
  it("round trips and refuses non-canonical text", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(toHex(fromBase64(toBase64(b)))).toBe(toHex(b));
      }),
    );
    for (const bad of ["A", "AB=", "AQ==x", "AR==", "AQI=A===", "A Q==", "****"]) {
      expect(() => fromBase64(bad)).toThrow(SealTrailError);
    }
  });
});
