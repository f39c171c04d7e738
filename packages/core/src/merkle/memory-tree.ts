/**
 * A small in-memory Merkle tree computed straight from the recursive RFC 6962
 * §2.1 definitions (MTH, PATH, PROOF). It is the independent oracle that the
 * plan/assemble proof code and tile integration are tested against; it is
 * also handy in other property tests. Not for large trees: sizes are kept as
 * JavaScript numbers internally.
 */
import { SealTrailError } from "../errors.js";
import { checkBytes, checkSmallInt, checkUint64, splitPoint } from "./checks.js";
import { HASH_SIZE, emptyRoot, hashChildren } from "./hash.js";
import type { NodeId } from "./proof.js";

/**
 * In-memory RFC 6962 Merkle tree over leaf hashes.
 *
 * @example
 * ```ts
 * const t = new MemoryTree();
 * for (const e of entries) t.append(hashLeaf(e));
 * verifyInclusion(1n, t.size, t.leafHash(1n), t.inclusionProof(1n, t.size), t.root());
 * ```
 */
export class MemoryTree {
  readonly #leaves: Uint8Array[] = [];
  // Perfect subtrees never change once complete, so their MTH is memoised
  // (keyed by "start/length"); this keeps property tests fast.
  readonly #perfect = new Map<string, Uint8Array>();

  /**
   * Create a tree, optionally from existing leaf hashes.
   *
   * @example
   * ```ts
   * const t = new MemoryTree(entries.map(hashLeaf));
   * ```
   */
  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.append(h);
  }

  /**
   * Append a 32-byte leaf hash; returns its index.
   *
   * @example
   * ```ts
   * const index = t.append(hashLeaf(utf8("hello"))); // 0n for the first leaf
   * ```
   */
  append(leafHash: Uint8Array): bigint {
    checkBytes(leafHash, "leaf hash", HASH_SIZE);
    this.#leaves.push(leafHash.slice());
    return BigInt(this.#leaves.length - 1);
  }

  /**
   * Number of leaves.
   *
   * @example
   * ```ts
   * t.size // 3n
   * ```
   */
  get size(): bigint {
    return BigInt(this.#leaves.length);
  }

  /**
   * The leaf hash at `index`.
   *
   * @example
   * ```ts
   * t.leafHash(0n)
   * ```
   */
  leafHash(index: bigint): Uint8Array {
    const i = this.#index(index, "leaf index", this.#leaves.length - 1);
    return this.#leaves[i]!.slice();
  }

  /**
   * MTH(D[0:size]) (RFC 6962 §2.1); defaults to the whole tree. The empty
   * tree's root is SHA-256 of the empty string.
   *
   * @example
   * ```ts
   * t.root(2n) // root of the first two leaves
   * ```
   */
  root(size: bigint = this.size): Uint8Array {
    const n = this.#index(size, "tree size", this.#leaves.length);
    return n === 0 ? emptyRoot() : this.#mth(0, n).slice();
  }

  /**
   * PATH(index, D[0:size]) (RFC 6962 §2.1.1), leaf first.
   *
   * @example
   * ```ts
   * const proof = t.inclusionProof(3n, 7n);
   * ```
   */
  inclusionProof(index: bigint, size: bigint = this.size): Uint8Array[] {
    const n = this.#index(size, "tree size", this.#leaves.length);
    const m = this.#index(index, "leaf index", n - 1);
    return this.#path(m, 0, n).map((h) => h.slice());
  }

  /**
   * PROOF(size1, D[0:size2]) (RFC 6962 §2.1.2); empty when size1 is 0 or
   * equals size2.
   *
   * @example
   * ```ts
   * const proof = t.consistencyProof(3n, 7n);
   * ```
   */
  consistencyProof(size1: bigint, size2: bigint = this.size): Uint8Array[] {
    const n = this.#index(size2, "second tree size", this.#leaves.length);
    const m = this.#index(size1, "first tree size", n);
    if (m === 0) return [];
    return this.#subproof(m, 0, n, true).map((h) => h.slice());
  }

  /**
   * Hash of the perfect subtree `id` (2^level leaves from index * 2^level),
   * which must be complete in the tree.
   *
   * @example
   * ```ts
   * t.nodeHash({ level: 1, index: 0n }) // hashChildren(leaf0, leaf1)
   * ```
   */
  nodeHash(id: NodeId): Uint8Array {
    const level = checkSmallInt(id.level, 0, 63, "node level");
    const index = checkUint64(id.index, "node index");
    const width = 2 ** level;
    if (level > 52 || index >= BigInt(Math.floor(this.#leaves.length / width))) {
      throw new SealTrailError("not_found", `node ${level}/${index} is not complete in a tree of size ${this.#leaves.length}`);
    }
    const start = Number(index) * width;
    return this.#mth(start, start + width).slice();
  }

  #index(x: bigint, what: string, max: number): number {
    checkUint64(x, what);
    if (x > BigInt(max)) throw new SealTrailError("invalid", `${what} ${x} is out of range for a tree of ${this.#leaves.length} leaves`);
    return Number(x);
  }

  // RFC 6962 §2.1: MTH(D[n]) for D = leaves[start:end], n >= 1.
  #mth(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 1) return this.#leaves[start]!;
    const perfect = (n & (n - 1)) === 0;
    const key = `${start}/${n}`;
    if (perfect) {
      const cached = this.#perfect.get(key);
      if (cached) return cached;
    }
    const k = Number(splitPoint(BigInt(n)));
    const h = hashChildren(this.#mth(start, start + k), this.#mth(start + k, end));
    if (perfect) this.#perfect.set(key, h);
    return h;
  }

  // RFC 6962 §2.1.1: PATH(m, D[n]) for D = leaves[start:end].
  #path(m: number, start: number, end: number): Uint8Array[] {
    const n = end - start;
    if (n === 1) return [];
    const k = Number(splitPoint(BigInt(n)));
    if (m < k) return [...this.#path(m, start, start + k), this.#mth(start + k, end)];
    return [...this.#path(m - k, start + k, end), this.#mth(start, start + k)];
  }

  // RFC 6962 §2.1.2: SUBPROOF(m, D[n], b) for D = leaves[start:end].
  #subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.#mth(start, end)];
    const k = Number(splitPoint(BigInt(n)));
    if (m <= k) return [...this.#subproof(m, start, start + k, b), this.#mth(start + k, end)];
    return [...this.#subproof(m - k, start + k, end, false), this.#mth(start, start + k)];
  }
}
