/**
 * The only module of SealTrail that hashes or signs. Everything else calls
 * these functions, so the implementation can change in one place.
 *
 * Two backends implement {@link CryptoBackend}: a pure one (@noble, for
 * browsers and any JavaScript runtime) installed by default, and a native one
 * (node:crypto, OpenSSL) that the package's `node` export condition installs
 * (see docs/adr/0002-crypto-backends.md). Both are RFC 8032 strict Ed25519
 * and produce byte-identical signatures.
 */
import { ed25519 } from "@noble/curves/ed25519";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2";
import { requireBytes, requireFunction, requireInteger, requireObject } from "./args.js";
import { toHex } from "./bytes.js";
import { SealTrailError } from "./errors.js";

/** Ed25519 public key length (RFC 8032 §5.1.5). */
export const ED25519_PUBLIC_KEY_SIZE = 32;
/** Ed25519 private key (seed) length (RFC 8032 §5.1.5). */
export const ED25519_SEED_SIZE = 32;
/** Ed25519 signature length (RFC 8032 §5.1.6). */
export const ED25519_SIGNATURE_SIZE = 64;
/** SHA-256 digest length. */
export const SHA256_SIZE = 32;

/** What a crypto implementation provides. */
export interface CryptoBackend {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /** SHA-256 as lower-case hex: cheaper than bytes where the digest is only compared with hex text. */
  sha256Hex(data: Uint8Array): string;
  /** SHA-256 of the concatenation of parts, without copying them together. */
  sha256Parts(parts: readonly Uint8Array[]): Uint8Array;
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  randomBytes(n: number): Uint8Array;
  /** An incremental SHA-256 (files hashed piece by piece); optional: the pure one serves a backend without it. */
  sha256Hasher?(): Sha256Hasher;
}

/** An incremental SHA-256: feed the pieces in order, then take the digest once. */
export interface Sha256Hasher {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/**
 * The pure JavaScript backend (@noble/curves, @noble/hashes). RFC 8032
 * strict verification (`zip215: false`) so that it accepts exactly what
 * OpenSSL accepts.
 *
 * @example
 * ```ts
 * setCryptoBackend(pureCryptoBackend);
 * ```
 */
export const pureCryptoBackend: CryptoBackend = {
  name: "pure",
  sha256: (data) => nobleSha256(data),
  sha256Hex: (data) => toHex(nobleSha256(data)),
  sha256Parts: (parts) => {
    const h = nobleSha256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify: (publicKey, message, signature) => {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  sha256Hasher: nobleHasher,
};

function nobleHasher(): Sha256Hasher {
  const h = nobleSha256.create();
  return { update: (d) => void h.update(d), digest: () => h.digest() };
}

let backend: CryptoBackend = pureCryptoBackend;

/**
 * Replace the crypto backend (the `node` entry point installs the native one).
 *
 * @example
 * ```ts
 * setCryptoBackend(pureCryptoBackend);
 * ```
 */
export function setCryptoBackend(b: CryptoBackend): void {
  // Checked whole: a broken backend would fail later, far from the mistake.
  const o = requireObject(b, "crypto backend");
  for (const f of ["sha256", "sha256Hex", "sha256Parts", "ed25519PublicKey", "ed25519Sign", "ed25519Verify", "randomBytes"] as const) requireFunction(o[f], `crypto backend.${f}`);
  backend = b;
}

/**
 * The backend in use.
 *
 * @example
 * ```ts
 * cryptoBackendName() // "node" on Node, "pure" in a browser
 * ```
 */
export function cryptoBackendName(): string {
  return backend.name;
}

/**
 * SHA-256 of one or more byte arrays (hashed as their concatenation).
 *
 * @example
 * ```ts
 * sha256(utf8("abc"))
 * ```
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  for (const p of parts) requireBytes(p, "sha256: data");
  return parts.length === 1 ? backend.sha256(parts[0]!) : backend.sha256Parts(parts);
}

/**
 * SHA-256 of one byte array as lower-case hex. On Node this is about twice
 * as fast as {@link sha256} for short inputs (no buffer is allocated for
 * the digest): for hot paths that compare digests with hex text.
 *
 * @example
 * ```ts
 * sha256Hex(utf8("abc")) // "ba7816bf..."
 * ```
 */
export function sha256Hex(data: Uint8Array): string {
  requireBytes(data, "sha256Hex: data");
  return backend.sha256Hex(data);
}

/**
 * A fresh incremental SHA-256, for input that arrives in pieces (a file
 * read as a stream): the state is 32 bytes whatever the input's length.
 *
 * @example
 * ```ts
 * const h = createSha256();
 * h.update(utf8("ab"));
 * h.update(utf8("c"));
 * toHex(h.digest()) // "ba7816bf..."
 * ```
 */
export function createSha256(): Sha256Hasher {
  return backend.sha256Hasher?.() ?? nobleHasher();
}

/**
 * Cryptographically secure random bytes.
 *
 * @example
 * ```ts
 * const salt = randomBytes(32);
 * ```
 */
export function randomBytes(n: number): Uint8Array {
  requireInteger(n, "randomBytes: byte count", 0, 65536);
  return backend.randomBytes(n);
}

/** An Ed25519 key pair: the 32-byte seed and the 32-byte public key. */
export interface Ed25519KeyPair {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * Generate a fresh Ed25519 key pair.
 *
 * @example
 * ```ts
 * const { seed, publicKey } = generateEd25519KeyPair();
 * ```
 */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const seed = backend.randomBytes(ED25519_SEED_SIZE);
  return { seed, publicKey: backend.ed25519PublicKey(seed) };
}

/**
 * Derive the public key of a 32-byte Ed25519 seed.
 *
 * @example
 * ```ts
 * const pub = ed25519PublicKey(seed);
 * ```
 */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  checkLength(seed, ED25519_SEED_SIZE, "Ed25519 seed");
  return backend.ed25519PublicKey(seed);
}

/**
 * Sign a message with Ed25519 (RFC 8032, pure, deterministic).
 *
 * @example
 * ```ts
 * const sig = ed25519Sign(seed, utf8("hello"));
 * ```
 */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  checkLength(seed, ED25519_SEED_SIZE, "Ed25519 seed");
  requireBytes(message, "ed25519Sign: message");
  return backend.ed25519Sign(seed, message);
}

/**
 * Verify an Ed25519 signature. Returns false (never throws) for a wrong
 * signature, a malformed key or a signature of the wrong length; only an
 * argument that is not a Uint8Array at all is refused (`malformed`).
 *
 * @example
 * ```ts
 * if (!ed25519Verify(pub, msg, sig)) throw new Error("forged");
 * ```
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  requireBytes(publicKey, "ed25519Verify: public key");
  requireBytes(message, "ed25519Verify: message");
  requireBytes(signature, "ed25519Verify: signature");
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE || signature.length !== ED25519_SIGNATURE_SIZE) return false;
  return backend.ed25519Verify(publicKey, message, signature);
}

function checkLength(b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new SealTrailError("invalid", `${what} must be ${n} bytes`);
  }
}
