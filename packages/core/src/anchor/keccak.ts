/**
 * Keccak-256, Ethereum's hash (the original Keccak padding, not FIPS 202
 * SHA3-256). It lives here rather than in crypto.ts because only EVM anchors
 * use it and Node's OpenSSL has no Keccak-256 to offer as a native backend.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { requireBytes } from "../args.js";

/** Keccak-256 digest length. */
export const KECCAK256_SIZE = 32;

/**
 * Keccak-256 of `data`.
 *
 * @example
 * ```ts
 * toHex(keccak256(new Uint8Array())) // "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
 * ```
 */
export function keccak256(data: Uint8Array): Uint8Array {
  requireBytes(data, "keccak256: data");
  return keccak_256(data);
}
