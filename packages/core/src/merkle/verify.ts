/**
 * Verification of Merkle inclusion and consistency proofs, following the
 * algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 step by step (they accept
 * exactly the proofs that RFC 6962 §2.1.1 and §2.1.2 produce).
 *
 * Every input is treated as attacker-controlled. A proof that does not verify
 * (wrong length, wrong hashes, index out of range, malformed hash sizes)
 * raises SealTrailError("bad_proof"); arguments of the wrong type or an
 * integer outside uint64 raise SealTrailError("invalid").
 */
import { bytesEqual } from "../bytes.js";
import { SealTrailError } from "../errors.js";
import { checkArray, checkBytes, checkUint64 } from "./checks.js";
import { HASH_SIZE, emptyRoot, hashChildren } from "./hash.js";

function badProof(message: string): SealTrailError {
  return new SealTrailError("bad_proof", message);
}

// Each proof element must be a 32-byte hash; anything else cannot verify.
function checkProof(proof: unknown): Uint8Array[] {
  const arr = checkArray(proof, "proof");
  // A valid proof for a uint64-sized tree never has more than 64 elements
  // (RFC 9162 §2.1.3.1); reject longer ones before hashing anything.
  if (arr.length > 64) throw badProof(`proof has ${arr.length} elements, more than any uint64 tree needs`);
  return arr.map((p, i) => {
    if (!(p instanceof Uint8Array)) throw new SealTrailError("invalid", `proof[${i}] must be a Uint8Array`);
    if (p.length !== HASH_SIZE) throw badProof(`proof[${i}] is ${p.length} bytes, not ${HASH_SIZE}`);
    return p;
  });
}

function checkHashArg(h: unknown, what: string): Uint8Array {
  checkBytes(h, what);
  const b = h as Uint8Array;
  if (b.length !== HASH_SIZE) throw badProof(`${what} is ${b.length} bytes, not ${HASH_SIZE}`);
  return b;
}

/**
 * Recompute the root hash implied by an inclusion proof for the leaf at
 * `index` in a tree of `size` leaves (RFC 9162 §2.1.3.2, steps 1 to 5 without
 * the final root comparison). Throws `bad_proof` if the proof has the wrong
 * shape for (index, size).
 *
 * @example
 * ```ts
 * const root = rootFromInclusionProof(3n, 7n, hashLeaf(entry), proof);
 * ```
 */
export function rootFromInclusionProof(
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkUint64(index, "leaf index");
  checkUint64(size, "tree size");
  const path = checkProof(proof);
  const leaf = checkHashArg(leafHash, "leaf hash");
  // RFC 9162 §2.1.3.2 step 1: the leaf must be inside the tree.
  if (index >= size) throw badProof(`leaf index ${index} is not below tree size ${size}`);
  // Step 2.
  let fn = index;
  let sn = size - 1n;
  // Step 3.
  let r = leaf;
  // Step 4.
  for (const p of path) {
    // 4a: a proof longer than the path to the root.
    if (sn === 0n) throw badProof("inclusion proof is too long");
    // 4b.
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      // 4b.2: skip the levels where this node is a lone right-edge node.
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    // 4c.
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5 (first half): the proof must reach the root exactly.
  if (sn !== 0n) throw badProof("inclusion proof is too short");
  return r;
}

/**
 * Verify that `leafHash` is the leaf at `index` of the tree of `size` leaves
 * whose root is `root` (RFC 9162 §2.1.3.2). Returns on success; throws
 * SealTrailError("bad_proof") with the reason on any failure.
 *
 * @example
 * ```ts
 * verifyInclusion(3n, 7n, hashLeaf(entry), proof, checkpoint.root);
 * ```
 */
export function verifyInclusion(
  index: bigint,
  size: bigint,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const expected = checkHashArg(root, "root hash");
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  // RFC 9162 §2.1.3.2 step 5 (second half).
  if (!bytesEqual(computed, expected)) throw badProof("inclusion proof does not lead to the root hash");
}

/**
 * Verify that the tree of `size2` leaves with root `root2` is an append-only
 * extension of the tree of `size1` leaves with root `root1` (RFC 9162
 * §2.1.4.2). Returns on success; throws SealTrailError("bad_proof") with the
 * reason on any failure.
 *
 * Edge cases (as the transparency-dev/merkle vectors in testdata/merkle
 * require):
 * - size1 > size2 fails;
 * - size1 == size2 needs an empty proof and root1 == root2 (for size 0 both
 *   must be the empty-tree root);
 * - size1 == 0 < size2 needs an empty proof and root1 == the empty-tree root
 *   (every tree extends the empty tree; root2 is only checked to be a hash).
 *
 * @example
 * ```ts
 * verifyConsistency(old.size, cur.size, proof, old.root, cur.root);
 * ```
 */
export function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkUint64(size1, "first tree size");
  checkUint64(size2, "second tree size");
  const path = checkProof(proof);
  checkBytes(root1, "first root hash");
  checkBytes(root2, "second root hash");
  if (size1 > size2) throw badProof(`first tree size ${size1} is greater than second tree size ${size2}`);

  if (size1 === size2) {
    // RFC 6962 §2.1.2: PROOF(m, D[m]) is the empty list; the trees are equal.
    if (path.length !== 0) throw badProof("tree sizes are equal but the consistency proof is not empty");
    if (size1 === 0n && !bytesEqual(root1, emptyRoot())) throw badProof("root of an empty tree is not the empty-tree hash");
    if (!bytesEqual(root1, root2)) throw badProof("tree sizes are equal but the roots differ");
    return;
  }

  checkHashArg(root1, "first root hash");
  checkHashArg(root2, "second root hash");

  if (size1 === 0n) {
    // RFC 6962 §2.1: MTH({}) is the hash of the empty string, and the empty
    // tree is a prefix of every tree, so there is nothing to prove.
    if (path.length !== 0) throw badProof("a consistency proof from the empty tree must be empty");
    if (!bytesEqual(root1, emptyRoot())) throw badProof("root of an empty tree is not the empty-tree hash");
    return;
  }

  // RFC 9162 §2.1.4.2 step 1.
  if (path.length === 0) throw badProof("consistency proof is empty");
  // Step 2: when the first tree is a perfect subtree, its root is the seed.
  let c = path;
  if ((size1 & (size1 - 1n)) === 0n) c = [root1, ...path];
  // Step 3.
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  // Step 4.
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = c[0]!;
  let sr = c[0]!;
  // Step 6.
  for (let i = 1; i < c.length; i++) {
    const h = c[i]!;
    // 6a.
    if (sn === 0n) throw badProof("consistency proof is too long");
    // 6b.
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(h, fr);
      sr = hashChildren(h, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, h);
    }
    // 6c.
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) throw badProof("consistency proof is too short");
  if (!bytesEqual(fr, root1)) throw badProof("consistency proof does not lead to the first root hash");
  if (!bytesEqual(sr, root2)) throw badProof("consistency proof does not lead to the second root hash");
}
