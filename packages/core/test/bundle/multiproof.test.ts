import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesEqual, utf8 } from "../../src/bytes.js";
import { MemoryTree, hashLeaf, inclusionPlan } from "../../src/merkle/index.js";
import { multiLeafProofPlan, multiLeafProofRanges, rootFromMultiLeafProof, verifyMultiLeafProof } from "../../src/bundle/index.js";

function treeOf(n: number): MemoryTree {
  return new MemoryTree(Array.from({ length: n }, (_, i) => hashLeaf(utf8(`leaf ${i}`))));
}

function proofFor(t: MemoryTree, indices: number[], size: number): Uint8Array {
  const plan = multiLeafProofPlan(indices, size);
  const hashes = plan.assemble(plan.nodes.map((id) => t.nodeHash(id)));
  const out = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => out.set(h, i * 32));
  return out;
}

function leavesOf(t: MemoryTree, indices: number[]): Uint8Array {
  const out = new Uint8Array(indices.length * 32);
  indices.forEach((ix, i) => out.set(t.leafHash(BigInt(ix)), i * 32));
  return out;
}

describe("multi-leaf proofs", () => {
  const tree = treeOf(300);

  it("rebuild the RFC 6962 root for any set of leaves of any tree size (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (size, raw) => {
        const indices = [...new Set(raw.map((x) => x % size))].sort((a, b) => a - b);
        const proof = proofFor(tree, indices, size);
        const root = rootFromMultiLeafProof(indices, leavesOf(tree, indices), size, proof);
        expect(bytesEqual(root, tree.root(BigInt(size)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a single leaf needs exactly the RFC 9162 inclusion path's hashes", () => {
    for (const [ix, size] of [[0, 1], [5, 300], [299, 300], [256, 257], [17, 64]] as const) {
      expect(multiLeafProofRanges([ix], size).length).toBe(inclusionPlan(BigInt(ix), BigInt(size)).assemble(inclusionPlan(BigInt(ix), BigInt(size)).nodes.map((id) => tree.nodeHash(id))).length);
    }
  });

  it("shares hashes: all leaves need none, neighbours need fewer than two paths", () => {
    const all = Array.from({ length: 300 }, (_, i) => i);
    expect(proofFor(tree, all, 300).length).toBe(0);
    expect(multiLeafProofRanges([8, 9], 300).length).toBeLessThan(2 * multiLeafProofRanges([8], 300).length);
  });

  it("any changed leaf, proof hash, index set or size fails", () => {
    const indices = [3, 70, 71, 200];
    const proof = proofFor(tree, indices, 300);
    const leaves = leavesOf(tree, indices);
    const root = tree.root();
    verifyMultiLeafProof(indices, leaves, 300, proof, root);
    for (let byte = 0; byte < leaves.length; byte += 37) {
      const l = leaves.slice();
      l[byte]! ^= 1;
      expect(() => verifyMultiLeafProof(indices, l, 300, proof, root)).toThrow(/root/);
    }
    for (let byte = 0; byte < proof.length; byte += 41) {
      const p = proof.slice();
      p[byte]! ^= 1;
      expect(() => verifyMultiLeafProof(indices, leaves, 300, p, root)).toThrow(/root/);
    }
    expect(() => verifyMultiLeafProof([3, 70, 72, 200], leaves, 300, proof, root)).toThrow();
    // As with RFC 9162 paths, the size only shapes the walk: the root it must
    // reach is the one signed with that size, and that fails here.
    expect(() => verifyMultiLeafProof(indices, leaves, 299, proof, tree.root(299n))).toThrow(/root/);
    expect(() => verifyMultiLeafProof(indices, leaves, 300, proof.subarray(32), root)).toThrow(/too few/);
    expect(() => verifyMultiLeafProof(indices, leaves, 300, new Uint8Array([...proof, ...proof.subarray(0, 32)]), root)).toThrow(/too many/);
    expect(() => rootFromMultiLeafProof([70, 3], leaves, 300, proof)).toThrow(/increasing/);
    expect(() => rootFromMultiLeafProof([3, 300], leaves.subarray(0, 64), 300, proof)).toThrow(/not below/);
  });
});
