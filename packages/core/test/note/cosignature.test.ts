import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concat, fromBase64, toBase64, toHex, uintBE } from "../../src/bytes.js";
import { sha256 } from "../../src/crypto.js";
import {
  COSIGNATURE_V1_SIZE,
  MAX_COSIGNATURE_TIME,
  checkWitnessPolicy,
  cosignCheckpoint,
  cosignatureLine,
  cosignatureMessage,
  formatWitnessVerifierKey,
  generateSignerKey,
  generateWitnessKey,
  openCheckpoint,
  openNote,
  parseCosignature,
  parseNote,
  parseSignatureLines,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signerFromKey,
  verifierFromKey,
  verifyCosignatures,
  witnessSignerFromKey,
  witnessVerifierFromKey,
} from "../../src/note/index.js";
import { enc, expectSealTrail, onlySealTrailErrors } from "./helpers.js";

interface Vectors {
  c2spCosignedCheckpoint: string;
  c2spCosignature: { name: string; keyId: string; time: string };
  c2spSignedMessage: string;
  c2spWitnessResponse: string;
  c2spWitnessResponseTimes: (string | null)[];
  formatsTimestamp: { signature: string; time: string };
  formatsWrongType: string;
  formatsCosignatureKey: string;
  formatsEd25519Key: string;
  formatsBadKeys: string[];
}
const V = JSON.parse(readFileSync(new URL("../../../../testdata/cosignature/vectors.json", import.meta.url), "utf8")) as Vectors;

const ORIGIN = "sealtrail.example/log";
const LOG = generateSignerKey(ORIGIN);
const OTHER_LOG = generateSignerKey(ORIGIN);
const ROOT = sha256(enc.encode("root"));
const T = 1_700_000_000n;

const W1 = generateWitnessKey("witness.example/w1");
const W2 = generateWitnessKey("witness.example/w2");
const W3 = generateWitnessKey("witness.example/w3");
const w1 = witnessSignerFromKey(W1.signerKey);
const w2 = witnessSignerFromKey(W2.signerKey);
const w3 = witnessSignerFromKey(W3.signerKey);

function checkpoint(size = 5n, root = ROOT, key = LOG.signerKey): string {
  return signCheckpoint({ origin: ORIGIN, size, root }, signerFromKey(key));
}

// Replace the base64 of the signature line of `name` with `mutate(bytes)`.
function mutateLine(note: string, name: string, mutate: (b: Uint8Array) => Uint8Array): string {
  return note
    .split("\n")
    .map((line) => {
      const prefix = `— ${name} `;
      return line.startsWith(prefix) ? prefix + toBase64(mutate(fromBase64(line.slice(prefix.length)))) : line;
    })
    .join("\n");
}

describe("witness keys (C2SP tlog-cosignature, Format)", () => {
  it("uses type 0x04 and a key ID hashed with 0x04", () => {
    const k = parseVerifierKey(W1.verifierKey);
    expect(k.type).toBe(0x04);
    const id = sha256(enc.encode("witness.example/w1\n"), new Uint8Array([0x04]), k.publicKey).slice(0, 4);
    expect(toHex(k.keyId)).toBe(toHex(id));
    expect(W1.verifierKey).toBe(`witness.example/w1+${toHex(id)}+${toBase64(concat(new Uint8Array([4]), k.publicKey))}`);
    expect(formatWitnessVerifierKey("witness.example/w1", k.publicKey)).toBe(W1.verifierKey);
    expect(w1.verifierKey).toBe(W1.verifierKey);
    expect(toHex(w1.keyId)).toBe(toHex(id));
    // The private key is an ordinary Ed25519 signer key (transparency-dev/formats NewSignerForCosignatureV1).
    expect(parseSignerKey(W1.signerKey).type).toBe(0x01);
  });

  it("parses the native type-0x04 key of transparency-dev/formats and refuses its bad keys", () => {
    const v = witnessVerifierFromKey(V.formatsCosignatureKey);
    expect(v.name).toBe("remora.n621.de");
    expect(toHex(v.keyId)).toBe("da77ade7");
    for (const bad of V.formatsBadKeys) expectSealTrail(() => witnessVerifierFromKey(bad), "malformed");
  });

  it("refuses a type-0x01 key as a witness key, and verifierFromKey refuses a 0x04 key", () => {
    expectSealTrail(() => witnessVerifierFromKey(V.formatsEd25519Key), "invalid", "0x04");
    expectSealTrail(() => witnessVerifierFromKey(LOG.verifierKey), "invalid");
    expectSealTrail(() => verifierFromKey(W1.verifierKey), "invalid");
  });
});

describe("cosignature/v1 signed message and line", () => {
  it("builds the spec's example message", () => {
    const body = parseNote(V.c2spCosignedCheckpoint).text;
    expect(new TextDecoder().decode(cosignatureMessage(body, BigInt(V.c2spCosignature.time)))).toBe(V.c2spSignedMessage);
  });

  it("parses the spec's example cosignature (key ID and timestamp)", () => {
    const sig = parseNote(V.c2spCosignedCheckpoint).signatures[1]!;
    const c = parseCosignature(sig);
    expect(c.name).toBe(V.c2spCosignature.name);
    expect(toHex(c.keyId)).toBe(V.c2spCosignature.keyId);
    expect(c.time).toBe(BigInt(V.c2spCosignature.time));
    expect(c.signature.length).toBe(64);
  });

  it("parses transparency-dev/formats' timestamp vector and refuses a plain signature", () => {
    const raw = fromBase64(V.formatsTimestamp.signature);
    const c = parseCosignature({ name: "w", keyId: raw.slice(0, 4), signature: raw.slice(4) });
    expect(c.time).toBe(BigInt(V.formatsTimestamp.time));
    const plain = fromBase64(V.formatsWrongType);
    expectSealTrail(() => parseCosignature({ name: "w", keyId: plain.slice(0, 4), signature: plain.slice(4) }), "malformed");
  });

  it("parses the tlog-witness example response, refusing its out-of-range timestamps", () => {
    const sigs = parseSignatureLines(V.c2spWitnessResponse);
    expect(sigs.map((s) => s.name)).toEqual(["witness.example/w1", "witness.example/w1", "witness.example/w2"]);
    sigs.forEach((s, i) => {
      const want = V.c2spWitnessResponseTimes[i];
      if (want === null) expectSealTrail(() => parseCosignature(s), "malformed", "2^63-1");
      else expect(parseCosignature(s).time).toBe(BigInt(want!));
    });
    for (const bad of ["", "\n", "x\n", "— a b\n", V.c2spWitnessResponse + "\n", "— w AAAA\n\n— w AAAA\n"]) {
      expectSealTrail(() => parseSignatureLines(bad), "malformed");
    }
  });

  it("signs what an independent Ed25519 implementation (OpenSSL) verifies, and the other way round", () => {
    const note = checkpoint();
    const { text } = parseNote(note);
    const cosigned = cosignCheckpoint(note, w1, T);
    const sig = parseNote(cosigned).signatures[1]!;
    expect(sig.signature.length).toBe(COSIGNATURE_V1_SIZE);
    const seed = parseSignerKey(W1.signerKey).seed;
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    const pub = createPublicKey(priv);
    const msg = Buffer.from(`cosignature/v1\ntime ${T}\n${text}`, "utf8");
    expect(nodeVerify(null, msg, pub, sig.signature.slice(8))).toBe(true);
    expect(toHex(sig.signature.slice(0, 8))).toBe(toHex(uintBE(T, 8)));
    // A line made by OpenSSL verifies with our verifier.
    const t2 = T + 7n;
    const ext = new Uint8Array(nodeSign(null, Buffer.from(`cosignature/v1\ntime ${t2}\n${text}`, "utf8"), priv));
    const line = `— witness.example/w1 ${toBase64(concat(w1.keyId, uintBE(t2, 8), ext))}\n`;
    expect(verifyCosignatures(note + line, [W1.verifierKey]).map((c) => c.time)).toEqual([t2]);
  });

  it("cosignatureLine is the line cosignCheckpoint adds", () => {
    const note = checkpoint();
    const line = cosignatureLine(note, w1, T);
    expect(cosignCheckpoint(note, w1, T)).toBe(note + line);
    expect(line.endsWith("\n")).toBe(true);
  });
});

describe("cosignCheckpoint / verifyCosignatures", () => {
  it("round trips, keeping the log signature, for times 0 to 2^63-1", () => {
    for (const time of [0n, 1n, T, MAX_COSIGNATURE_TIME]) {
      const cosigned = cosignCheckpoint(checkpoint(), w1, time);
      expect(openCheckpoint(cosigned, LOG.verifierKey).size).toBe(5n);
      const got = verifyCosignatures(cosigned, [W1.verifierKey]);
      expect(got).toHaveLength(1);
      expect(got[0]!.name).toBe("witness.example/w1");
      expect(got[0]!.time).toBe(time);
      expect(got[0]!.verifierKey).toBe(W1.verifierKey);
    }
  });

  it("works as a NoteVerifier with openNote and openCheckpoint", () => {
    const cosigned = cosignCheckpoint(cosignCheckpoint(checkpoint(), w1, T), w2, T + 1n);
    const v1 = witnessVerifierFromKey(W1.verifierKey);
    const opened = openCheckpoint(cosigned, LOG.verifierKey, { otherVerifiers: [v1] });
    expect(opened.note.verified.map((s) => s.name)).toEqual([ORIGIN, "witness.example/w1"]);
    expect(openNote(cosigned, [v1]).verified).toHaveLength(1);
  });

  it("refuses times outside [0, 2^63-1] and a note that is not a checkpoint", () => {
    for (const t of [-1n, MAX_COSIGNATURE_TIME + 1n, 5 as unknown as bigint]) {
      expectSealTrail(() => cosignCheckpoint(checkpoint(), w1, t), "invalid");
    }
    const note = signNoteText("not a checkpoint\n");
    expectSealTrail(() => cosignCheckpoint(note, w1, T), "malformed");
  });

  it("replaces an earlier cosignature by the same witness", () => {
    const twice = cosignCheckpoint(cosignCheckpoint(checkpoint(), w1, T), w1, T + 60n);
    expect(parseNote(twice).signatures).toHaveLength(2);
    expect(verifyCosignatures(twice, [W1.verifierKey])[0]!.time).toBe(T + 60n);
  });

  it("fails for a cosignature moved onto a different checkpoint", () => {
    const a = cosignCheckpoint(checkpoint(5n), w1, T);
    const b = checkpoint(6n);
    const moved = b + a.slice(a.lastIndexOf("— witness.example/w1"));
    expectSealTrail(() => verifyCosignatures(moved, [W1.verifierKey]), "bad_signature", "witness.example/w1");
    expectSealTrail(() => checkWitnessPolicy(moved, LOG.verifierKey, { witnesses: [W1.verifierKey], threshold: 1 }), "bad_signature");
  });

  it("fails for a changed timestamp or a flipped signature bit", () => {
    const cosigned = cosignCheckpoint(checkpoint(), w1, T);
    const later = mutateLine(cosigned, "witness.example/w1", (b) => concat(b.slice(0, 4), uintBE(T + 1n, 8), b.slice(12)));
    expectSealTrail(() => verifyCosignatures(later, [W1.verifierKey]), "bad_signature");
    const flipped = mutateLine(cosigned, "witness.example/w1", (b) => {
      const c = b.slice();
      c[20] = c[20]! ^ 1;
      return c;
    });
    expectSealTrail(() => verifyCosignatures(flipped, [W1.verifierKey]), "bad_signature");
    const tooBig = mutateLine(cosigned, "witness.example/w1", (b) => concat(b.slice(0, 4), uintBE(MAX_COSIGNATURE_TIME + 1n, 8), b.slice(12)));
    expectSealTrail(() => verifyCosignatures(tooBig, [W1.verifierKey]), "bad_signature", "2^63-1");
    const short = mutateLine(cosigned, "witness.example/w1", (b) => b.slice(0, 70));
    expectSealTrail(() => verifyCosignatures(short, [W1.verifierKey]), "bad_signature");
  });

  it("does not accept a plain Ed25519 note signature by the witness key as a cosignature", () => {
    // The witness key signing the bare text (as a type-0x01 signature would), under the 0x04 key ID.
    const plain = signerFromKey(W1.signerKey);
    const forged = addLine(checkpoint(), "witness.example/w1", concat(w1.keyId, uintBE(T, 8), plain.sign(enc.encode(parseNote(checkpoint()).text))));
    expectSealTrail(() => verifyCosignatures(forged, [W1.verifierKey]), "bad_signature");
  });

  it("ignores unknown witnesses and the log's own line, and returns nothing when none is known", () => {
    const cosigned = cosignCheckpoint(cosignCheckpoint(checkpoint(), w1, T), w2, T);
    expect(verifyCosignatures(cosigned, [W3.verifierKey])).toEqual([]);
    expect(verifyCosignatures(cosigned, [W2.verifierKey]).map((c) => c.name)).toEqual(["witness.example/w2"]);
    expect(verifyCosignatures(cosigned, []).length).toBe(0);
  });

  it("refuses ambiguous witness keys (same name and key ID, different keys) but accepts a key listed twice", () => {
    const cosigned = cosignCheckpoint(checkpoint(), w1, T);
    expect(verifyCosignatures(cosigned, [W1.verifierKey, W1.verifierKey])).toHaveLength(1);
    const k = parseVerifierKey(W1.verifierKey);
    const impostor = { ...witnessVerifierFromKey(W2.verifierKey), name: k.name, keyId: k.keyId };
    expectSealTrail(() => verifyCosignatures(cosigned, [W1.verifierKey, impostor]), "invalid", "ambiguous");
  });

  it("never throws anything but a SealTrailError on hostile input", () => {
    const base = cosignCheckpoint(checkpoint(), w1, T);
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.string({ maxLength: 4 }), (at, junk) => {
        const s = base.slice(0, at) + junk + base.slice(at + 1);
        onlySealTrailErrors(() => verifyCosignatures(s, [W1.verifierKey]));
        onlySealTrailErrors(() => checkWitnessPolicy(s, LOG.verifierKey, { witnesses: [W1.verifierKey], threshold: 1 }));
        onlySealTrailErrors(() => parseSignatureLines(s));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        onlySealTrailErrors(() => parseCosignature({ name: "w", keyId: b.slice(0, 4), signature: b.slice(4) }));
        onlySealTrailErrors(() => verifyCosignatures(checkpoint() + `— witness.example/w1 ${toBase64(concat(w1.keyId, b))}\n`, [W1.verifierKey]));
      }),
      { numRuns: 200 },
    );
    for (const bad of [null, 1, {}, { name: "w", keyId: "abcd", signature: new Uint8Array(72) }]) {
      onlySealTrailErrors(() => parseCosignature(bad as never));
    }
  });
});

describe("checkWitnessPolicy (k of n)", () => {
  const all = [W1.verifierKey, W2.verifierKey, W3.verifierKey];

  it("passes with k distinct witnesses and reports them", () => {
    const cosigned = cosignCheckpoint(cosignCheckpoint(checkpoint(), w1, T), w3, T + 2n);
    const r = checkWitnessPolicy(cosigned, LOG.verifierKey, { witnesses: all, threshold: 2 });
    expect(r.checkpoint.size).toBe(5n);
    expect(r.cosignatures.map((c) => [c.name, c.time])).toEqual([
      ["witness.example/w1", T],
      ["witness.example/w3", T + 2n],
    ]);
    expect(checkWitnessPolicy(checkpoint(), LOG.verifierKey, { witnesses: all, threshold: 0 }).cosignatures).toEqual([]);
  });

  it("fails below the threshold, naming how many were found", () => {
    const one = cosignCheckpoint(checkpoint(), w2, T);
    const e = expectSealTrail(() => checkWitnessPolicy(one, LOG.verifierKey, { witnesses: all, threshold: 2 }), "invalid", "from 1 of the 2");
    expect(e.detail).toEqual({ found: 1, threshold: 2, witnesses: ["witness.example/w2"] });
    expectSealTrail(() => checkWitnessPolicy(checkpoint(), LOG.verifierKey, { witnesses: all, threshold: 1 }), "invalid", "from 0 of the 1");
  });

  it("counts a witness once however many of its lines there are", () => {
    const valid = cosignCheckpoint(checkpoint(), w1, T);
    const line = valid.slice(valid.lastIndexOf("— witness.example/w1"));
    const dup = valid + line; // the same line twice
    expectSealTrail(() => checkWitnessPolicy(dup, LOG.verifierKey, { witnesses: all, threshold: 2 }), "invalid", "from 1 of the 2");
  });

  it("counts witnesses by public key: one key listed under two names counts once", () => {
    // An Ed25519 cosignature does not sign the witness name, so a line can be relabelled.
    const pub = parseVerifierKey(W1.verifierKey).publicKey;
    const alias = formatWitnessVerifierKey("witness.example/alias", pub);
    const cosigned = cosignCheckpoint(checkpoint(), w1, T);
    const sig = parseNote(cosigned).signatures[1]!;
    const aliasId = parseVerifierKey(alias).keyId;
    const relabelled = addLine(cosigned, "witness.example/alias", concat(aliasId, sig.signature));
    expect(verifyCosignatures(relabelled, [W1.verifierKey, alias])).toHaveLength(2);
    expectSealTrail(() => checkWitnessPolicy(relabelled, LOG.verifierKey, { witnesses: [W1.verifierKey, alias], threshold: 2 }), "invalid");
  });

  it("ignores cosignatures by witnesses outside the policy", () => {
    const cosigned = cosignCheckpoint(cosignCheckpoint(checkpoint(), w1, T), w2, T);
    expectSealTrail(() => checkWitnessPolicy(cosigned, LOG.verifierKey, { witnesses: [W1.verifierKey, W3.verifierKey], threshold: 2 }), "invalid", "from 1 of the 2");
  });

  it("requires the log's signature by the log key", () => {
    const forged = cosignCheckpoint(cosignCheckpoint(checkpoint(5n, ROOT, OTHER_LOG.signerKey), w1, T), w2, T);
    expectSealTrail(() => checkWitnessPolicy(forged, LOG.verifierKey, { witnesses: all, threshold: 2 }), "unknown_key");
  });

  it("refuses impossible thresholds", () => {
    const cosigned = cosignCheckpoint(checkpoint(), w1, T);
    for (const threshold of [-1, 1.5, 4, NaN]) {
      expectSealTrail(() => checkWitnessPolicy(cosigned, LOG.verifierKey, { witnesses: all, threshold }), "invalid", "threshold");
    }
    expectSealTrail(() => checkWitnessPolicy(cosigned, LOG.verifierKey, { witnesses: [W1.verifierKey, W1.verifierKey], threshold: 2 }), "invalid", "threshold");
  });
});

function addLine(note: string, name: string, raw: Uint8Array): string {
  return note + `— ${name} ${toBase64(raw)}\n`;
}

function signNoteText(text: string): string {
  return `${text}\n— ${ORIGIN} ${toBase64(concat(signerFromKey(LOG.signerKey).keyId, signerFromKey(LOG.signerKey).sign(enc.encode(text))))}\n`;
}
