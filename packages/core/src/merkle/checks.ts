/**
 * Internal input checks and bigint bit helpers shared by the merkle modules.
 * Not re-exported from the package: every public function validates its
 * attacker-controlled inputs with these and raises SealTrailError, never a
 * raw TypeError or RangeError.
 */
import { SealTrailError, type ErrorCode } from "../errors.js";

/**
 * Largest tree size (and leaf index bound) the code accepts: RFC 9162 §2.1
 * and the tlog formats carry sizes as uint64.
 *
 * @example
 * ```ts
 * if (size > MAX_TREE_SIZE) throw ...
 * ```
 */
export const MAX_TREE_SIZE = (1n << 64n) - 1n;

/**
 * Check that `x` is a bigint in [0, 2^64 - 1] and return it.
 *
 * @example
 * ```ts
 * checkUint64(5n, "tree size") // 5n
 * ```
 */
export function checkUint64(x: unknown, what: string, code: ErrorCode = "invalid"): bigint {
  if (typeof x !== "bigint") throw new SealTrailError(code, `${what} must be a bigint`);
  if (x < 0n || x > MAX_TREE_SIZE) throw new SealTrailError(code, `${what} is out of range [0, 2^64-1]`);
  return x;
}

/**
 * Check that `x` is an integer number in [min, max] and return it.
 *
 * @example
 * ```ts
 * checkSmallInt(3, 0, 63, "level") // 3
 * ```
 */
export function checkSmallInt(x: unknown, min: number, max: number, what: string, code: ErrorCode = "invalid"): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max) {
    throw new SealTrailError(code, `${what} must be an integer in [${min}, ${max}]`);
  }
  return x;
}

/**
 * Check that `x` is a Uint8Array, optionally of an exact length.
 *
 * @example
 * ```ts
 * checkBytes(h, "leaf hash", 32)
 * ```
 */
export function checkBytes(x: unknown, what: string, length?: number, code: ErrorCode = "invalid"): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new SealTrailError(code, `${what} must be a Uint8Array`);
  if (length !== undefined && x.length !== length) {
    throw new SealTrailError(code, `${what} must be ${length} bytes, got ${x.length}`);
  }
  return x;
}

/**
 * Check that `x` is an array (attacker-controlled JSON may hold anything).
 *
 * @example
 * ```ts
 * checkArray(proof, "proof")
 * ```
 */
export function checkArray(x: unknown, what: string, code: ErrorCode = "invalid"): readonly unknown[] {
  if (!Array.isArray(x)) throw new SealTrailError(code, `${what} must be an array`);
  return x;
}

/**
 * Number of bits needed to write `n` (n >= 0): bitLength(0n) = 0, bitLength(5n) = 3.
 *
 * @example
 * ```ts
 * bitLength(256n) // 9
 * ```
 */
export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Number of trailing zero bits of `n` (n > 0).
 *
 * @example
 * ```ts
 * trailingZeros(8n) // 3
 * ```
 */
export function trailingZeros(n: bigint): number {
  let z = 0;
  while ((n & 1n) === 0n && z < 128) {
    n >>= 1n;
    z++;
  }
  return z;
}

/**
 * The largest power of two strictly less than `n` (n >= 2): the `k` of the
 * RFC 6962 §2.1 split MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
 *
 * @example
 * ```ts
 * splitPoint(5n) // 4n
 * splitPoint(4n) // 2n
 * ```
 */
export function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1);
}
