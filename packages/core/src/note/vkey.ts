/**
 * Signed-note keys: key IDs, verifier keys and signer keys in the text
 * encoding of golang.org/x/mod/sumdb/note, which C2SP signed-note and
 * tlog-checkpoint build on.
 *
 * Spec: https://c2sp.org/signed-note ("Signatures", "Ed25519 signatures").
 */
import { concat, fromBase64, fromHex, toBase64, toHex, utf8, bytesEqual } from "../bytes.js";
import {
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SEED_SIZE,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519KeyPair,
  sha256,
} from "../crypto.js";
import { requireBytes, requireString } from "../args.js";
import { SealTrailError, malformed } from "../errors.js";
import { keyNameIsValid } from "./text-rules.js";

/**
 * Signature type byte of plain Ed25519 note signatures (C2SP signed-note, "Signature types").
 *
 * @example
 * ```ts
 * concat(new Uint8Array([SIG_TYPE_ED25519]), publicKey) // the key hashed into the key ID
 * ```
 */
export const SIG_TYPE_ED25519 = 0x01;
/**
 * Signature type byte of timestamped Ed25519 witness cosignatures (C2SP tlog-cosignature).
 *
 * @example
 * ```ts
 * formatVerifierKey("witness.example", pub, SIG_TYPE_COSIGNATURE_V1)
 * ```
 */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
/**
 * Length of a key ID in bytes (C2SP signed-note: a big-endian uint32).
 *
 * @example
 * ```ts
 * const id = blob.slice(0, KEY_ID_SIZE);
 * ```
 */
export const KEY_ID_SIZE = 4;
/**
 * Prefix of the signer (private) key text, as in golang.org/x/mod/sumdb/note.
 *
 * @example
 * ```ts
 * skey.startsWith(SIGNER_KEY_PREFIX) // a secret: never log it
 * ```
 */
export const SIGNER_KEY_PREFIX = "PRIVATE+KEY+";

/**
 * Key ID of a note key: the first 4 bytes of
 * SHA-256(key name || 0x0A || signature type || public key)
 * (C2SP signed-note, "Signatures"). `publicKeyWithType` starts with the type byte.
 *
 * @example
 * ```ts
 * toHex(keyId("PeterNeumann", concat(new Uint8Array([SIG_TYPE_ED25519]), pub))) // "c74f20a3"
 * ```
 */
export function keyId(name: string, publicKeyWithType: Uint8Array): Uint8Array {
  requireString(name, "keyId: key name");
  requireBytes(publicKeyWithType, "keyId: public key");
  return sha256(utf8(name), new Uint8Array([0x0a]), publicKeyWithType).slice(0, KEY_ID_SIZE);
}

/**
 * True when `name` is a valid note key name: non-empty, no Unicode spaces, no
 * "+" (C2SP signed-note, "Format"), and no control characters.
 *
 * @example
 * ```ts
 * isValidKeyName("example.com/log") // true
 * isValidKeyName("a+b") // false
 * ```
 */
export function isValidKeyName(name: string): boolean {
  return keyNameIsValid(name);
}

/**
 * A parsed verifier (public) key.
 *
 * @example
 * ```ts
 * const { name, keyId, publicKey, type }: VerifierKey = parseVerifierKey(vkey);
 * ```
 */
export interface VerifierKey {
  readonly name: string;
  /** 4-byte key ID, checked against the hash of name and key. */
  readonly keyId: Uint8Array;
  /** The raw public key, without the type byte (32 bytes for Ed25519). */
  readonly publicKey: Uint8Array;
  /** Signature type byte: {@link SIG_TYPE_ED25519} or {@link SIG_TYPE_COSIGNATURE_V1}. */
  readonly type: number;
}

/**
 * A parsed signer (private) key.
 *
 * @example
 * ```ts
 * const { seed }: SignerKey = parseSignerKey(skey);
 * ```
 */
export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 seed. */
  readonly seed: Uint8Array;
}

/**
 * Signs note texts with one key (see {@link signerFromKey}).
 *
 * @example
 * ```ts
 * const signer: NoteSigner = signerFromKey(skey);
 * signer.sign(utf8("text\n"))
 * ```
 */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** Signature over `msg`, without the key ID prefix. */
  sign(msg: Uint8Array): Uint8Array;
}

/**
 * Verifies note signatures by one key (see {@link verifierFromKey}).
 *
 * @example
 * ```ts
 * const v: NoteVerifier = verifierFromKey(vkey);
 * v.verify(utf8("text\n"), sig) // boolean
 * ```
 */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  /** True when `sig` (without the key ID prefix) is a valid signature of `msg`. */
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new SealTrailError("invalid", "note key name must be non-empty, without spaces, '+' or control characters");
  }
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new SealTrailError("invalid", `Ed25519 public key must be ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  }
}

function withType(type: number, key: Uint8Array): Uint8Array {
  return concat(new Uint8Array([type]), key);
}

/**
 * Encode an Ed25519 verifier key as `name+hex8(keyID)+base64(0x01 || pub)`.
 *
 * @example
 * ```ts
 * formatVerifierKey("example.com/log", publicKey) // "example.com/log+1a2b3c4d+AX..."
 * ```
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array, type: number = SIG_TYPE_ED25519): string {
  checkName(name);
  checkPublicKey(publicKey);
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
    throw new SealTrailError("invalid", `unsupported note key type 0x${type.toString(16).padStart(2, "0")}`);
  }
  const typed = withType(type, publicKey);
  return `${name}+${toHex(keyId(name, typed))}+${toBase64(typed)}`;
}

// Split "name+hex8+base64": the name holds no "+", the hex never does, and the
// base64 may (so split at the first two "+" only, like Go's chop).
function splitKeyText(text: string, what: string): { name: string; idHex: string; key64: string } {
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  if (a < 0 || b < 0) throw malformed(`${what}: expected name+keyid+key`);
  return { name: text.slice(0, a), idHex: text.slice(a + 1, b), key64: text.slice(b + 1) };
}

function parseKeyParts(
  text: string,
  what: string,
): { name: string; id: Uint8Array; type: number; key: Uint8Array } {
  if (typeof text !== "string") throw malformed(`${what}: not a string`);
  // A key is a short line; refuse anything huge before looking at it.
  if (text.length > 4096) throw malformed(`${what}: too long`);
  const { name, idHex, key64 } = splitKeyText(text, what);
  if (!isValidKeyName(name)) throw malformed(`${what}: invalid key name`);
  if (idHex.length !== 2 * KEY_ID_SIZE) throw malformed(`${what}: key ID must be 8 hex digits`);
  const id = fromHex(idHex, `${what}: key ID`);
  const typed = fromBase64(key64, `${what}: key`);
  if (typed.length === 0) throw malformed(`${what}: empty key`);
  const type = typed[0]!;
  const key = typed.slice(1);
  // Both known types carry a 32-byte Ed25519 key (C2SP signed-note, tlog-cosignature).
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
    throw malformed(`${what}: unknown key type 0x${type.toString(16).padStart(2, "0")}`);
  }
  if (key.length !== ED25519_PUBLIC_KEY_SIZE) throw malformed(`${what}: Ed25519 key must be 32 bytes`);
  return { name, id, type, key };
}

/**
 * Parse and check a verifier key `name+hex8(keyID)+base64(type || pub)`: the
 * name rules, the key type and length, and that the key ID is the hash of the
 * name and key (C2SP signed-note, "Signatures"). Raises `malformed`.
 *
 * @example
 * ```ts
 * const k = parseVerifierKey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
 * k.name // "PeterNeumann"
 * ```
 */
export function parseVerifierKey(text: string): VerifierKey {
  const { name, id, type, key } = parseKeyParts(text, "verifier key");
  if (!bytesEqual(id, keyId(name, withType(type, key)))) {
    throw malformed("verifier key: key ID does not match the name and key");
  }
  return { name, keyId: id, publicKey: key, type };
}

/**
 * Encode an Ed25519 signer key as
 * `PRIVATE+KEY+name+hex8(keyID)+base64(0x01 || seed)` (the format of
 * golang.org/x/mod/sumdb/note). Keep the result secret.
 *
 * @example
 * ```ts
 * const skey = formatSignerKey("example.com/log", seed);
 * ```
 */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  checkName(name);
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_SIZE) {
    throw new SealTrailError("invalid", `Ed25519 seed must be ${ED25519_SEED_SIZE} bytes`);
  }
  const id = keyId(name, withType(SIG_TYPE_ED25519, ed25519PublicKey(seed)));
  return `${SIGNER_KEY_PREFIX}${name}+${toHex(id)}+${toBase64(withType(SIG_TYPE_ED25519, seed))}`;
}

/**
 * Parse a signer key and check that its key ID matches the public key
 * derived from the seed. Only Ed25519 (type 0x01) signer keys exist.
 * Raises `malformed`.
 *
 * @example
 * ```ts
 * const k = parseSignerKey("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
 * k.seed.length // 32
 * ```
 */
export function parseSignerKey(text: string): SignerKey {
  if (typeof text !== "string" || !text.startsWith(SIGNER_KEY_PREFIX)) {
    throw malformed("signer key: missing PRIVATE+KEY+ prefix");
  }
  const { name, id, type, key } = parseKeyParts(text.slice(SIGNER_KEY_PREFIX.length), "signer key");
  if (type !== SIG_TYPE_ED25519) throw malformed("signer key: only Ed25519 (type 0x01) signer keys are supported");
  const publicKey = ed25519PublicKey(key);
  // The key ID hashes the public key, so it can only be checked after derivation.
  if (!bytesEqual(id, keyId(name, withType(type, publicKey)))) {
    throw malformed("signer key: key ID does not match the name and key");
  }
  return { name, keyId: id, publicKey, type, seed: key };
}

/**
 * Generate a fresh Ed25519 note key pair for `name`.
 *
 * @example
 * ```ts
 * const { signerKey, verifierKey } = generateSignerKey("example.com/log");
 * ```
 */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  checkName(name);
  const { seed, publicKey } = generateEd25519KeyPair();
  return { signerKey: formatSignerKey(name, seed), verifierKey: formatVerifierKey(name, publicKey) };
}

/**
 * A {@link NoteSigner} from a signer key text.
 *
 * @example
 * ```ts
 * const note = signNote("hello\n", [signerFromKey(skey)]);
 * ```
 */
export function signerFromKey(text: string): NoteSigner {
  const k = parseSignerKey(text);
  const seed = k.seed;
  return {
    name: k.name,
    keyId: k.keyId,
    sign: (msg) => ed25519Sign(seed, msg),
  };
}

/**
 * A {@link NoteVerifier} from a verifier key text. Only Ed25519 (type 0x01)
 * keys verify plain note signatures; cosignature (0x04) keys sign a different
 * message (C2SP tlog-cosignature) and are refused here with `invalid`.
 *
 * @example
 * ```ts
 * const opened = openNote(noteText, [verifierFromKey(vkey)]);
 * ```
 */
export function verifierFromKey(text: string): NoteVerifier {
  const k = parseVerifierKey(text);
  if (k.type !== SIG_TYPE_ED25519) {
    throw new SealTrailError("invalid", "verifier key: only Ed25519 (type 0x01) keys verify note signatures");
  }
  const pub = k.publicKey;
  return {
    name: k.name,
    keyId: k.keyId,
    verify: (msg, sig) => ed25519Verify(pub, msg, sig),
  };
}
