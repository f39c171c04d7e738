/**
 * RFC 6962 §2.1 / RFC 9162 §2.1.1 Merkle tree hashing with SHA-256 and
 * domain separation between leaves and interior nodes.
 */
import { sha256 } from "../crypto.js";
import { checkBytes } from "./checks.js";

/**
 * Prefix byte hashed before a leaf's data (RFC 6962 §2.1, RFC 9162 §2.1.1):
 * domain separation so that a leaf can never be confused with a node.
 *
 * @example
 * ```ts
 * sha256(Uint8Array.of(LEAF_HASH_PREFIX), entry) // same as hashLeaf(entry)
 * ```
 */
export const LEAF_HASH_PREFIX = 0x00;

/**
 * Prefix byte hashed before the two child hashes of an interior node
 * (RFC 6962 §2.1, RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * sha256(Uint8Array.of(NODE_HASH_PREFIX), left, right) // same as hashChildren(left, right)
 * ```
 */
export const NODE_HASH_PREFIX = 0x01;

/**
 * Size in bytes of every Merkle tree hash (SHA-256).
 *
 * @example
 * ```ts
 * if (root.length !== HASH_SIZE) throw ...
 * ```
 */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(LEAF_HASH_PREFIX);
const NODE_PREFIX = Uint8Array.of(NODE_HASH_PREFIX);

/**
 * The leaf hash MTH({d}) = SHA-256(0x00 || d) of one log entry
 * (RFC 6962 §2.1, RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * toHex(hashLeaf(new Uint8Array(0)))
 * // "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
 * ```
 */
export function hashLeaf(entry: Uint8Array): Uint8Array {
  checkBytes(entry, "leaf entry");
  return sha256(LEAF_PREFIX, entry);
}

/**
 * The interior node hash SHA-256(0x01 || left || right) (RFC 6962 §2.1,
 * RFC 9162 §2.1.1). Both children must be 32-byte hashes.
 *
 * @example
 * ```ts
 * const root2 = hashChildren(hashLeaf(a), hashLeaf(b)); // MTH of a two-entry tree
 * ```
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  checkBytes(left, "left child hash", HASH_SIZE);
  checkBytes(right, "right child hash", HASH_SIZE);
  return sha256(NODE_PREFIX, left, right);
}

/**
 * The root of the empty tree, MTH({}) = SHA-256("") (RFC 6962 §2.1,
 * RFC 9162 §2.1.1). Returns a fresh copy each call, so that no caller can
 * corrupt a shared constant.
 *
 * @example
 * ```ts
 * toHex(emptyRoot())
 * // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}
