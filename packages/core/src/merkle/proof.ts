/**
 * Proof generation over any storage, sync or async.
 *
 * A pure planner says which perfect-subtree hashes (NodeIds) a proof needs;
 * the caller fetches them however it likes (a database, tiles over HTTP, a
 * MemoryTree) and the plan's `assemble` folds them into the proof. Proof
 * elements on the right edge of a non-perfect tree are not stored anywhere:
 * they are ephemeral nodes built from several perfect subtrees (RFC 6962
 * §2.1: MTH(D[k:n]) of a non-power-of-two range).
 */
import { SealTrailError } from "../errors.js";
import { checkArray, checkUint64, splitPoint, bitLength, trailingZeros } from "./checks.js";
import { HASH_SIZE, emptyRoot, hashChildren } from "./hash.js";

/**
 * A perfect subtree: the hash of the 2^level leaves starting at leaf
 * `index * 2^level`. Level 0 nodes are leaf hashes. Such a hash never changes
 * once the tree has grown past the subtree, so it can be stored and cached.
 *
 * @example
 * ```ts
 * const id: NodeId = { level: 8, index: 2n }; // leaves 512..767
 * ```
 */
export interface NodeId {
  readonly level: number;
  readonly index: bigint;
}

/**
 * Which node hashes a proof needs, and how to turn them into the proof.
 *
 * @example
 * ```ts
 * const plan = inclusionPlan(5n, 600n);
 * const hashes = await Promise.all(plan.nodes.map((id) => store.nodeHash(id)));
 * const proof = plan.assemble(hashes);
 * ```
 */
export interface ProofPlan {
  /** Distinct perfect-subtree nodes to fetch, in the order `assemble` expects their hashes. */
  readonly nodes: readonly NodeId[];
  /**
   * Fold the fetched hashes (one 32-byte hash per entry of `nodes`, same
   * order) into the proof elements. Throws SealTrailError("invalid") if the
   * count or a hash size is wrong.
   */
  assemble(hashes: readonly Uint8Array[]): Uint8Array[];
}

/**
 * The perfect subtrees covering leaves [start, end), left to right. For the
 * aligned ranges that RFC 6962 §2.1 recursion produces this is exactly the
 * MTH split: the largest power of two first, then the rest.
 */
function rangeNodes(start: bigint, end: bigint): NodeId[] {
  const out: NodeId[] = [];
  let s = start;
  while (s < end) {
    let level = bitLength(end - s) - 1;
    if (s !== 0n) level = Math.min(level, trailingZeros(s));
    out.push({ level, index: s >> BigInt(level) });
    s += 1n << BigInt(level);
  }
  return out;
}

// MTH of a range given its perfect subtrees left to right (RFC 6962 §2.1:
// the left part is the largest perfect subtree, so fold from the right).
function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i]!, acc);
  return acc;
}

const nodeKey = (id: NodeId): string => `${id.level}/${id.index}`;

/**
 * Build a plan whose output element i is the MTH of the ranges in group i.
 * Node ids are deduplicated across groups.
 */
function planFromGroups(groups: readonly NodeId[][], onEmpty?: () => Uint8Array[]): ProofPlan {
  const nodes: NodeId[] = [];
  const position = new Map<string, number>();
  const groupPositions = groups.map((g) =>
    g.map((id) => {
      const k = nodeKey(id);
      let p = position.get(k);
      if (p === undefined) {
        p = nodes.length;
        position.set(k, p);
        nodes.push(id);
      }
      return p;
    }),
  );
  return {
    nodes,
    assemble(hashes: readonly Uint8Array[]): Uint8Array[] {
      const arr = checkArray(hashes, "node hashes");
      if (arr.length !== nodes.length) {
        throw new SealTrailError("invalid", `plan needs ${nodes.length} node hashes, got ${arr.length}`);
      }
      arr.forEach((h, i) => {
        if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
          throw new SealTrailError("invalid", `node hash ${i} (${nodeKey(nodes[i]!)}) must be ${HASH_SIZE} bytes`);
        }
      });
      if (groupPositions.length === 0 && onEmpty) return onEmpty();
      // Copy so that callers never alias the fetched hashes.
      return groupPositions.map((g) => foldRight(g.map((p) => arr[p] as Uint8Array)).slice());
    },
  };
}

/**
 * Plan the inclusion proof PATH(index, D[size]) of RFC 6962 §2.1.1 (called
 * the inclusion path in RFC 9162 §2.1.3.1), ordered from the leaf up.
 * Throws SealTrailError("invalid") unless 0 <= index < size <= 2^64-1.
 *
 * @example
 * ```ts
 * const plan = inclusionPlan(2n, 5n);
 * const proof = plan.assemble(plan.nodes.map((id) => tree.nodeHash(id)));
 * verifyInclusion(2n, 5n, tree.leafHash(2n), proof, tree.root());
 * ```
 */
export function inclusionPlan(index: bigint, size: bigint): ProofPlan {
  checkUint64(index, "leaf index");
  checkUint64(size, "tree size");
  if (index >= size) throw new SealTrailError("invalid", `leaf index ${index} is not below tree size ${size}`);
  // RFC 6962 §2.1.1, unrolled: walk down from the root of D[0:size]; at each
  // split the sibling subtree is the next proof element (collected top-down).
  const groups: NodeId[][] = [];
  let start = 0n;
  let n = size;
  while (n > 1n) {
    const k = splitPoint(n);
    if (index - start < k) {
      // PATH(m, D[0:k]) : MTH(D[k:n])
      groups.push(rangeNodes(start + k, start + n));
      n = k;
    } else {
      // PATH(m - k, D[k:n]) : MTH(D[0:k])
      groups.push(rangeNodes(start, start + k));
      start += k;
      n -= k;
    }
  }
  return planFromGroups(groups.reverse());
}

/**
 * Plan the consistency proof PROOF(size1, D[size2]) of RFC 6962 §2.1.2 (RFC
 * 9162 §2.1.4.1). The proof is empty when size1 == size2 or size1 == 0 (see
 * verifyConsistency). Throws SealTrailError("invalid") if size1 > size2.
 *
 * @example
 * ```ts
 * const plan = consistencyPlan(3n, 7n);
 * const proof = plan.assemble(plan.nodes.map(read));
 * verifyConsistency(3n, 7n, proof, root3, root7);
 * ```
 */
export function consistencyPlan(size1: bigint, size2: bigint): ProofPlan {
  checkUint64(size1, "first tree size");
  checkUint64(size2, "second tree size");
  if (size1 > size2) throw new SealTrailError("invalid", `first tree size ${size1} is greater than second tree size ${size2}`);
  if (size1 === 0n || size1 === size2) return planFromGroups([]);
  // RFC 6962 §2.1.2 SUBPROOF(m, D[n], b), unrolled: collected top-down.
  const groups: NodeId[][] = [];
  let m = size1;
  let start = 0n;
  let n = size2;
  let b = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      groups.push(rangeNodes(start + k, start + n));
      n = k;
    } else {
      // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
      groups.push(rangeNodes(start, start + k));
      start += k;
      m -= k;
      n -= k;
      b = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b true it is empty, because
  // the verifier already knows that subtree: it is the whole first tree.
  if (!b) groups.push(rangeNodes(start, start + n));
  return planFromGroups(groups.reverse());
}

/**
 * Plan the root hash MTH(D[0:size]) (RFC 6962 §2.1). `assemble` returns a
 * one-element array `[root]`; for size 0 it needs no nodes and returns the
 * empty-tree root.
 *
 * @example
 * ```ts
 * const plan = rootPlan(600n);
 * const [root] = plan.assemble(plan.nodes.map(read));
 * ```
 */
export function rootPlan(size: bigint): ProofPlan {
  checkUint64(size, "tree size");
  if (size === 0n) return planFromGroups([], () => [emptyRoot()]);
  return planFromGroups([rangeNodes(0n, size)]);
}

function runPlan(plan: ProofPlan, read: (id: NodeId) => Uint8Array): Uint8Array[] {
  // Checked even when the plan needs no node, so that a wrong call fails every time.
  if (typeof read !== "function") throw new SealTrailError("invalid", "read must be a function");
  return plan.assemble(plan.nodes.map((id) => read(id)));
}

/**
 * Inclusion proof for the leaf at `index` in the tree of `size` leaves,
 * reading perfect-subtree hashes synchronously (see {@link inclusionPlan}).
 *
 * @example
 * ```ts
 * const proof = inclusionProof(2n, 5n, (id) => tree.nodeHash(id));
 * ```
 */
export function inclusionProof(index: bigint, size: bigint, read: (id: NodeId) => Uint8Array): Uint8Array[] {
  return runPlan(inclusionPlan(index, size), read);
}

/**
 * Consistency proof from the tree of `size1` leaves to the tree of `size2`
 * leaves, reading perfect-subtree hashes synchronously (see
 * {@link consistencyPlan}).
 *
 * @example
 * ```ts
 * const proof = consistencyProof(3n, 7n, (id) => tree.nodeHash(id));
 * ```
 */
export function consistencyProof(size1: bigint, size2: bigint, read: (id: NodeId) => Uint8Array): Uint8Array[] {
  return runPlan(consistencyPlan(size1, size2), read);
}

/**
 * Root hash of the tree of `size` leaves, reading perfect-subtree hashes
 * synchronously (see {@link rootPlan}).
 *
 * @example
 * ```ts
 * const root = treeRoot(600n, (id) => tree.nodeHash(id));
 * ```
 */
export function treeRoot(size: bigint, read: (id: NodeId) => Uint8Array): Uint8Array {
  return runPlan(rootPlan(size), read)[0]!;
}
