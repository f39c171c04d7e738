import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  SealTrailError,
  buildKeyRecord,
  buildRecord,
  canonicalBytes,
  ed25519PublicKey,
  fromHex,
  keyIdOf,
  parseEntry,
  payloadCommitment,
  sha256,
  toHex,
  utf8,
  concat,
  verifyEnvelopeSignature,
  validateEnvelope,
  ed25519Verify,
  fromBase64,
  MAX_ENTRY_SIZE,
  encodeSignedEnvelope,
  envelopeSigningMessage,
  commitmentOfCanonicalPayload,
} from "../../src/index.js";

const SEED = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

describe("record envelopes", () => {
  it("signs the documented message and commits to the payload as documented (docs/formats.md §2-3)", () => {
    const rec = buildRecord({ vault: "default", type: "sms.risk", author: "acme", seed: SEED, payload: { b: 2, a: 1 }, time: new Date(0) });
    const env = rec.signed.env;
    expect(env.keyId).toBe(toHex(sha256(utf8("sealtrail/key/v1\n"), new Uint8Array([1]), ed25519PublicKey(SEED)).subarray(0, 16)));
    expect(env.payload).toBe(toHex(sha256(utf8("sealtrail/payload/v1\n"), rec.salt!, utf8('{"a":1,"b":2}'))));
    expect(rec.payload).toBe('{"a":1,"b":2}');
    const msg = concat(utf8("sealtrail/record/v1\n"), canonicalBytes(env));
    expect(ed25519Verify(ed25519PublicKey(SEED), msg, fromBase64(rec.signed.sig))).toBe(true);
    expect(new TextDecoder().decode(rec.entry)).toBe(
      `{"env":{"author":"acme","keyId":"${env.keyId}","mode":"author","payload":"${env.payload}","time":"1970-01-01T00:00:00.000Z","type":"sms.risk","v":1,"vault":"default"},"sig":"${rec.signed.sig}"}`,
    );
    expect(parseEntry(rec.entry)).toEqual(rec.signed);
  });

  it("encodes entry and signing message from one canonicalisation, identical to the generic encoder (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }), fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }), (payload, subjects) => {
        const rec = buildRecord({ vault: "v", type: "a.b", author: "x", seed: SEED, payload, subjects });
        const { entry, message } = encodeSignedEnvelope(rec.signed);
        expect(toHex(entry)).toBe(toHex(canonicalBytes(rec.signed)));
        expect(toHex(message)).toBe(toHex(envelopeSigningMessage(rec.signed.env)));
        expect(commitmentOfCanonicalPayload(rec.payload!, rec.salt!)).toBe(payloadCommitment(payload, rec.salt!));
      }),
      { numRuns: 100 },
    );
    expect(() => encodeSignedEnvelope({ env: buildRecord({ vault: "v", type: "a.b", author: "x", seed: SEED }).signed.env, sig: 'a"b' })).toThrow(SealTrailError);
  });

  it("refuses entries that are not canonical, and envelopes with a bad or unknown field", () => {
    const rec = buildRecord({ vault: "default", type: "sms.risk", author: "acme", seed: SEED });
    const spaced = utf8(JSON.stringify(rec.signed, null, 1));
    expect(() => parseEntry(spaced)).toThrow(/canonical/);
    const env = rec.signed.env as unknown as Record<string, unknown>;
    const bad: Record<string, unknown>[] = [
      { ...env, v: 2 },
      { ...env, vault: "" },
      { ...env, vault: "a/b" },
      { ...env, type: "Risk" },
      { ...env, type: "risk" },
      { ...env, keyId: "xyz" },
      { ...env, mode: "server" },
      { ...env, time: "2024-01-01" },
      { ...env, time: "2024-02-30T00:00:00.000Z" },
      { ...env, subjects: [] },
      { ...env, subjects: [""] },
      { ...env, supersedes: "ab".repeat(32) },
      { ...env, supersedes: { index: 1, leafHash: "AB".repeat(32) } },
      { ...env, supersedes: { index: -1, leafHash: "ab".repeat(32) } },
      { ...env, supersedes: { index: 1.5, leafHash: "ab".repeat(32) } },
      { ...env, supersedes: { index: 1, leafHash: "ab".repeat(32), x: 1 } },
      { ...env, payload: "00" },
      { ...env, extra: 1 },
      { ...env, key: { action: "register", keyId: env.keyId, publicKey: "" } },
    ];
    for (const b of bad) {
      expect(() => validateEnvelope(b)).toThrow(SealTrailError);
    }
  });

  it("verifies key records: the key id must match the public key", () => {
    const pub = ed25519PublicKey(SEED);
    const rec = buildKeyRecord({ vault: "v", author: "acme", seed: SEED, action: "register", publicKey: pub });
    expect(rec.signed.env.key?.keyId).toBe(keyIdOf(pub));
    expect(verifyEnvelopeSignature(rec.signed, pub)).toBe(true);
    const wrong = { ...rec.signed.env, key: { ...rec.signed.env.key!, keyId: "0".repeat(32) } };
    expect(() => validateEnvelope(wrong)).toThrow(/does not match/);
    expect(() => validateEnvelope({ ...rec.signed.env, payload: "a".repeat(64) })).toThrow(SealTrailError);
  });

  it("any flipped byte of an entry is refused or fails its signature (property)", () => {
    const rec = buildRecord({ vault: "default", type: "sms.risk", author: "acme", seed: SEED, payload: { x: "y" }, subjects: ["C1"] });
    const pub = ed25519PublicKey(SEED);
    fc.assert(
      fc.property(fc.nat(rec.entry.length - 1), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const e = rec.entry.slice();
        e[i]! ^= mask;
        let ok = false;
        try {
          ok = verifyEnvelopeSignature(parseEntry(e), pub);
        } catch (err) {
          expect(err).toBeInstanceOf(SealTrailError);
        }
        expect(ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("bounds entries to 65,535 bytes and commitments to 32-byte salts", () => {
    expect(() => parseEntry(new Uint8Array(MAX_ENTRY_SIZE + 1))).toThrow(SealTrailError);
    expect(() => payloadCommitment({}, new Uint8Array(16))).toThrow(SealTrailError);
    const many = Array.from({ length: 64 }, (_, i) => "s".repeat(250) + i);
    expect(() => buildRecord({ vault: "v", type: "a.b", author: "x", seed: SEED, subjects: many.concat(many.slice(0, 1)) })).toThrow(SealTrailError);
  });
});
