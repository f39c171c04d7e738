/**
 * Native crypto backend over node:crypto (OpenSSL). The only file of core that
 * imports a node: module; it is compiled by tsconfig.node.json and reached
 * only through the package's `node` export condition (docs/adr/0002).
 */
import * as nodeCrypto from "node:crypto";
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import type { CryptoBackend } from "./crypto.js";

// DER prefixes that wrap a raw Ed25519 key (RFC 8410 §7 and §10.3).
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

// Parsing a DER key costs about as much as a verification: cache the key
// objects of the few keys a process sees again and again (log keys, members).
const MAX_CACHED_KEYS = 4096;
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();
const derivedPublicKeys = new Map<string, Uint8Array>();

function cached(map: Map<string, KeyObject>, raw: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  let k = map.get(id);
  if (k === undefined) {
    k = make();
    if (map.size >= MAX_CACHED_KEYS) map.clear();
    map.set(id, k);
  }
  return k;
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return cached(publicKeys, raw, () =>
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" }),
  );
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  return cached(privateKeys, seed, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" }),
  );
}

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// crypto.hash (Node >= 20.12) hashes in one call, about twice as fast as
// createHash for the short inputs of Merkle trees.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: "buffer") => Buffer }).hash;
const SMALL = 4096;

function sha256Bytes(data: Uint8Array): Uint8Array {
  if (oneShot !== undefined && data.length <= SMALL) return toU8(oneShot("sha256", data, "buffer"));
  return toU8(createHash("sha256").update(data).digest());
}

function sha256HexString(data: Uint8Array): string {
  if (oneShot !== undefined) return (oneShot as unknown as (alg: string, data: Uint8Array, enc: "hex") => string)("sha256", data, "hex");
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The node:crypto backend.
 *
 * @example
 * ```ts
 * setCryptoBackend(nodeCryptoBackend);
 * ```
 */
export const nodeCryptoBackend: CryptoBackend = {
  name: "node",
  sha256: sha256Bytes,
  sha256Hex: sha256HexString,
  sha256Parts: (parts) => {
    let n = 0;
    for (const p of parts) n += p.length;
    if (oneShot !== undefined && n <= SMALL) {
      const all = new Uint8Array(n);
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      return toU8(oneShot("sha256", all, "buffer"));
    }
    const h = createHash("sha256");
    for (const p of parts) h.update(p);
    return toU8(h.digest());
  },
  ed25519PublicKey: (seed) => {
    // Deriving and exporting costs more than a signature: custodial signers
    // ask for the same few keys on every record.
    const id = Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength).toString("base64");
    let pub = derivedPublicKeys.get(id);
    if (pub === undefined) {
      const spki = createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
      pub = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
      if (derivedPublicKeys.size >= MAX_CACHED_KEYS) derivedPublicKeys.clear();
      derivedPublicKeys.set(id, pub);
    }
    return pub.slice();
  },
  ed25519Sign: (seed, message) => toU8(sign(null, message, privateKeyObject(seed))),
  ed25519Verify: (publicKey, message, signature) => {
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
  randomBytes: (n) => toU8(randomBytes(n)),
  sha256Hasher: () => {
    const h = createHash("sha256");
    return { update: (d) => void h.update(d), digest: () => toU8(h.digest()) };
  },
};
