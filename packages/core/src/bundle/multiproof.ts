/**
 * Compact multi-leaf inclusion proofs: one proof for any set of leaves of one
 * tree, each sibling hash given once.
 *
 * The proof follows the RFC 6962 §2.1 recursion MTH(D[lo:hi]) = HASH(0x01 ||
 * MTH(D[lo:lo+k]) || MTH(D[lo+k:hi])) with k the largest power of two below
 * hi - lo. Walking that recursion from the root, a range that holds no proven
 * leaf contributes its own MTH as one proof hash (it may be an ephemeral node
 * on the right edge, made of several perfect subtrees), a range of one proven
 * leaf is that leaf's hash, and any other range is split. The proof is the
 * list of those range hashes in left-to-right (depth-first) order, so the
 * verifier rebuilds the root hashing every interior node once, where separate
 * RFC 9162 §2.1.3 paths would hash the shared upper levels once per leaf.
 * docs/formats.md §14 specifies it byte for byte.
 */
import { requireArray, requireBytes } from "../args.js";
import { bytesEqual } from "../bytes.js";
import { sha256 } from "../crypto.js";
import { SealTrailError } from "../errors.js";
import { HASH_SIZE, NODE_HASH_PREFIX, hashChildren } from "../merkle/hash.js";
import type { NodeId, ProofPlan } from "../merkle/proof.js";

/** Largest tree size the bundle proofs handle: JavaScript safe integers. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

// Largest power of two strictly below n (n >= 2), RFC 6962 §2.1's k.
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Perfect subtrees covering [start, end), left to right (the MTH split of an
// aligned range: largest power of two first).
function rangeNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let s = start;
  while (s < end) {
    let level = 0;
    // Grow while the subtree stays aligned at s and inside the range.
    while (s % 2 ** (level + 1) === 0 && s + 2 ** (level + 1) <= end) level++;
    out.push({ level, index: BigInt(s / 2 ** level) });
    s += 2 ** level;
  }
  return out;
}

function checkIndices(indices: readonly number[], size: number): void {
  requireArray(indices, "multi-leaf proof: indices");
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_SIZE) throw new SealTrailError("invalid", `multi-leaf proof: tree size ${size} out of range`);
  if (indices.length === 0) throw new SealTrailError("invalid", "multi-leaf proof: no leaf indices");
  let prev = -1;
  for (const i of indices) {
    if (!Number.isSafeInteger(i) || i <= prev) throw new SealTrailError("invalid", "multi-leaf proof: leaf indices must be strictly increasing integers");
    prev = i;
  }
  if (prev >= size) throw new SealTrailError("invalid", `multi-leaf proof: leaf index ${prev} is not below tree size ${size}`);
}

/**
 * The ranges D[lo:hi) that a multi-leaf proof of `indices` in a tree of
 * `size` leaves gives as hashes, in proof order (see the module comment).
 *
 * @example
 * ```ts
 * multiLeafProofRanges([2], 4) // [[0, 2], [3, 4]]: MTH(D[0:2]), then leaf 3
 * ```
 */
export function multiLeafProofRanges(indices: readonly number[], size: number): [number, number][] {
  checkIndices(indices, size);
  const out: [number, number][] = [];
  // Explicit stack, right child pushed first so ranges come out left to right.
  const stack: [number, number, number, number][] = [[0, size, 0, indices.length]];
  while (stack.length > 0) {
    const [lo, hi, a, b] = stack.pop()!;
    if (a === b) {
      out.push([lo, hi]);
      continue;
    }
    if (hi - lo === 1) continue;
    const mid = lo + split(hi - lo);
    let m = a;
    while (m < b && indices[m]! < mid) m++;
    stack.push([mid, hi, m, b], [lo, mid, a, m]);
  }
  return out;
}

/**
 * Plan a multi-leaf proof over any storage: the perfect-subtree nodes to
 * read, and `assemble` to fold them into the proof hashes (each range hash is
 * the MTH of its perfect subtrees, folded from the right as RFC 6962 §2.1
 * splits). Same contract as core's `inclusionPlan`.
 *
 * @example
 * ```ts
 * const plan = multiLeafProofPlan([3, 7, 9], 20);
 * const hashes = plan.assemble(plan.nodes.map((id) => tree.nodeHash(id)));
 * ```
 */
export function multiLeafProofPlan(indices: readonly number[], size: number): ProofPlan {
  const ranges = multiLeafProofRanges(indices, size);
  const nodes: NodeId[] = [];
  const groups = ranges.map(([lo, hi]) =>
    rangeNodes(lo, hi).map((id) => {
      nodes.push(id);
      return nodes.length - 1;
    }),
  );
  return {
    nodes,
    assemble(hashes) {
      if (hashes.length !== nodes.length) throw new SealTrailError("invalid", `plan needs ${nodes.length} node hashes, got ${hashes.length}`);
      for (const h of hashes) if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new SealTrailError("invalid", "node hashes must be 32 bytes");
      return groups.map((g) => {
        let acc = hashes[g[g.length - 1]!]!;
        for (let i = g.length - 2; i >= 0; i--) acc = hashChildren(hashes[g[i]!]!, acc);
        return acc.slice();
      });
    },
  };
}

/**
 * Rebuild the root of a tree of `size` leaves from the leaf hashes at
 * `indices` (strictly increasing; `leafHashes` holds 32 bytes per index, in
 * the same order) and the proof hashes (32 bytes each, concatenated, in
 * proof order). Throws `bad_proof` when the proof has the wrong number of
 * hashes for these indices, `invalid` for bad arguments.
 *
 * @example
 * ```ts
 * const root = rootFromMultiLeafProof([3, 7], leafHashes, 20, proofHashes);
 * ```
 */
export function rootFromMultiLeafProof(indices: readonly number[], leafHashes: Uint8Array, size: number, proof: Uint8Array): Uint8Array {
  checkIndices(indices, size);
  requireBytes(leafHashes, "multi-leaf proof: leaf hashes");
  requireBytes(proof, "multi-leaf proof: proof");
  if (leafHashes.length !== indices.length * HASH_SIZE) throw new SealTrailError("invalid", "multi-leaf proof: leaf hashes must be 32 bytes per index");
  if (proof.length % HASH_SIZE !== 0) throw new SealTrailError("bad_proof", "multi-leaf proof: not a whole number of 32-byte hashes");
  const total = proof.length / HASH_SIZE;
  let next = 0;
  // One reusable buffer for interior nodes: 0x01 || left || right (RFC 6962 §2.1).
  const node = new Uint8Array(1 + 2 * HASH_SIZE);
  node[0] = NODE_HASH_PREFIX;
  const walk = (lo: number, hi: number, a: number, b: number): Uint8Array => {
    if (a === b) {
      if (next >= total) throw new SealTrailError("bad_proof", "multi-leaf proof: too few hashes");
      return proof.subarray(HASH_SIZE * next, HASH_SIZE * ++next);
    }
    if (hi - lo === 1) return leafHashes.subarray(HASH_SIZE * a, HASH_SIZE * (a + 1));
    const mid = lo + split(hi - lo);
    // Leaves are sorted: find the first one in the right half.
    let l = a;
    let r = b;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (indices[m]! < mid) l = m + 1;
      else r = m;
    }
    const left = walk(lo, mid, a, l);
    const right = walk(mid, hi, l, b);
    node.set(left, 1);
    node.set(right, 1 + HASH_SIZE);
    return sha256(node);
  };
  const root = walk(0, size, 0, indices.length);
  if (next !== total) throw new SealTrailError("bad_proof", `multi-leaf proof: ${total - next} hashes too many`);
  return root;
}

/**
 * Verify a multi-leaf proof against a root (see {@link rootFromMultiLeafProof}).
 * Throws `bad_proof` when it does not lead to `root`.
 *
 * @example
 * ```ts
 * verifyMultiLeafProof([3, 7], leafHashes, 20, proofHashes, checkpoint.root);
 * ```
 */
export function verifyMultiLeafProof(indices: readonly number[], leafHashes: Uint8Array, size: number, proof: Uint8Array, root: Uint8Array): void {
  requireBytes(root, "multi-leaf proof: root");
  if (!bytesEqual(rootFromMultiLeafProof(indices, leafHashes, size, proof), root)) {
    throw new SealTrailError("bad_proof", "multi-leaf proof does not lead to the root hash");
  }
}
