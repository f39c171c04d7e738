/**
 * Witness keys (C2SP tlog-cosignature, "Format"): a witness signs with an
 * ordinary Ed25519 signer key (`PRIVATE+KEY+...`, type 0x01, as
 * transparency-dev/formats `NewSignerForCosignatureV1` takes it), while its
 * published verifier key and its signature lines carry the key ID of type
 * 0x04.
 */
import { concat, readUintBE } from "../bytes.js";
import { ed25519Sign, ed25519Verify, generateEd25519KeyPair } from "../crypto.js";
import { SealTrailError } from "../errors.js";
import { COSIGNATURE_V1_SIZE, MAX_COSIGNATURE_TIME, cosignatureMessage } from "./cosignature-message.js";
import { SIG_TYPE_COSIGNATURE_V1, formatSignerKey, formatVerifierKey, keyId, parseSignerKey, parseVerifierKey, type NoteVerifier } from "./vkey.js";

/**
 * A witness (cosigner) key able to cosign checkpoints.
 *
 * @example
 * ```ts
 * const w: WitnessSigner = witnessSignerFromKey(skey);
 * w.verifierKey // "witness.example/w1+1a2b3c4d+BC..."
 * ```
 */
export interface WitnessSigner {
  readonly name: string;
  /** Key ID computed with type byte 0x04. */
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
  /** The type-0x04 verifier key, what verifiers and policies name. */
  readonly verifierKey: string;
  /** Ed25519 signature of `message` (already prefixed with the cosignature header). */
  signMessage(message: Uint8Array): Uint8Array;
}

/**
 * A witness public key that verifies cosignatures. It is a
 * {@link NoteVerifier}: `verify(text, sig)` takes the note text and the
 * signature bytes after the key ID (timestamp and Ed25519 signature), so it
 * can be given to `openNote` or `openCheckpoint({ otherVerifiers })`.
 *
 * @example
 * ```ts
 * const v: WitnessVerifier = witnessVerifierFromKey(vkey);
 * openCheckpoint(note, logVkey, { otherVerifiers: [v] });
 * ```
 */
export interface WitnessVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
  /** The verifier key text it was made from. */
  readonly verifierKey: string;
}

/**
 * Encode a witness public key as a type-0x04 verifier key
 * `name+hex8(keyID)+base64(0x04 || pub)`, the key ID being
 * SHA-256(name || "\n" || 0x04 || pub)[:4] (C2SP tlog-cosignature, "Format").
 *
 * @example
 * ```ts
 * formatWitnessVerifierKey("witness.example/w1", publicKey) // "witness.example/w1+8d66cf3f+BA..."
 * ```
 */
export function formatWitnessVerifierKey(name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(name, publicKey, SIG_TYPE_COSIGNATURE_V1);
}

/**
 * Generate a witness key for `name`: the signer key to keep secret (an
 * Ed25519 `PRIVATE+KEY+` text) and the type-0x04 verifier key to publish.
 *
 * @example
 * ```ts
 * const { signerKey, verifierKey } = generateWitnessKey("witness.example/w1");
 * ```
 */
export function generateWitnessKey(name: string): { signerKey: string; verifierKey: string } {
  const { seed, publicKey } = generateEd25519KeyPair();
  const signerKey = formatSignerKey(name, seed);
  return { signerKey, verifierKey: formatWitnessVerifierKey(name, publicKey) };
}

/**
 * A {@link WitnessSigner} from a signer key text (`PRIVATE+KEY+name+id+...`).
 * Raises `malformed` for a bad key.
 *
 * @example
 * ```ts
 * const witness = witnessSignerFromKey(readFileSync("witness.key", "utf8").trim());
 * ```
 */
export function witnessSignerFromKey(signerKey: string): WitnessSigner {
  const k = parseSignerKey(signerKey);
  const seed = k.seed;
  const verifierKey = formatWitnessVerifierKey(k.name, k.publicKey);
  return {
    name: k.name,
    keyId: keyId(k.name, concat(new Uint8Array([SIG_TYPE_COSIGNATURE_V1]), k.publicKey)),
    publicKey: k.publicKey,
    verifierKey,
    signMessage: (message) => ed25519Sign(seed, message),
  };
}

/**
 * A {@link WitnessVerifier} from a type-0x04 verifier key. A type-0x01 key is
 * refused (`invalid`): it verifies plain note signatures, a different
 * message. Raises `malformed` for a bad key.
 *
 * @example
 * ```ts
 * const v = witnessVerifierFromKey("witness.example/w1+8d66cf3f+BA...");
 * ```
 */
export function witnessVerifierFromKey(verifierKey: string): WitnessVerifier {
  const k = parseVerifierKey(verifierKey);
  if (k.type !== SIG_TYPE_COSIGNATURE_V1) {
    throw new SealTrailError("invalid", "witness key: only cosignature/v1 (type 0x04) keys verify cosignatures");
  }
  const pub = k.publicKey;
  return {
    name: k.name,
    keyId: k.keyId,
    publicKey: pub,
    verifierKey,
    verify: (text, sig) => {
      if (!(sig instanceof Uint8Array) || sig.length !== COSIGNATURE_V1_SIZE) return false;
      const time = readUintBE(sig, 0, 8);
      if (time > MAX_COSIGNATURE_TIME) return false;
      return ed25519Verify(pub, concat(cosignatureMessage("", time), text), sig.slice(8));
    },
  };
}
