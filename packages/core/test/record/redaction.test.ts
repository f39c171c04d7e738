import { describe, expect, it } from "vitest";
import {
  REDACTION_RECORD_TYPE,
  SealTrailError,
  buildRedactionRecord,
  fromHex,
  parseEntry,
  validateEnvelope,
  verifyEnvelopeSignature,
  ed25519PublicKey,
} from "../../src/index.js";

const SEED = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const LEAF = "ab".repeat(32);

function base(redacts: unknown): Record<string, unknown> {
  return {
    v: 1,
    vault: "v",
    type: REDACTION_RECORD_TYPE,
    author: "acme",
    keyId: "0".repeat(32),
    mode: "author",
    time: "2026-01-01T00:00:00.000Z",
    redacts,
  };
}

describe("redaction records (docs/formats.md §5b)", () => {
  it("builds a signed sealtrail.redaction entry that parses back", () => {
    const rec = buildRedactionRecord({ vault: "v", author: "acme", seed: SEED, redacts: { index: 12, leafHash: LEAF, reason: "erasure request" } });
    const parsed = { signed: parseEntry(rec.entry) };
    expect(parsed.signed.env.type).toBe(REDACTION_RECORD_TYPE);
    expect(parsed.signed.env.redacts).toEqual({ index: 12, leafHash: LEAF, reason: "erasure request" });
    expect(parsed.signed.env.payload).toBeUndefined();
    expect(verifyEnvelopeSignature(parsed.signed, ed25519PublicKey(SEED))).toBe(true);
  });

  it("refuses a redaction without a target, with a bad target, a payload, or on another type", () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [base(undefined), /envelope\.redacts/],
      [base({ index: -1, leafHash: LEAF }), /redacts\.index/],
      [base({ index: 1.5, leafHash: LEAF }), /redacts\.index/],
      [base({ index: 1, leafHash: "zz" }), /leafHash/],
      [base({ index: 1, leafHash: LEAF, reason: "" }), /reason/],
      [base({ index: 1, leafHash: LEAF, reason: "x".repeat(257) }), /reason/],
      [base({ index: 1, leafHash: LEAF, extra: 1 }), /redacts/],
      [{ ...base({ index: 1, leafHash: LEAF }), payload: "cd".repeat(32) }, /no payload/],
      [{ ...base({ index: 1, leafHash: LEAF }), type: "sms.risk" }, /only allowed on sealtrail\.redaction/],
    ];
    for (const [env, msg] of bad) {
      expect(() => validateEnvelope(env), JSON.stringify(env)).toThrow(SealTrailError);
      expect(() => validateEnvelope(env)).toThrow(msg);
    }
    expect(validateEnvelope(base({ index: 0, leafHash: LEAF })).redacts).toEqual({ index: 0, leafHash: LEAF });
  });
});
