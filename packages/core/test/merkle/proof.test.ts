import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { uintBE } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import {
  MemoryTree,
  consistencyPlan,
  consistencyProof,
  emptyRoot,
  hashLeaf,
  inclusionPlan,
  inclusionProof,
  rootFromInclusionProof,
  rootPlan,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
} from "../../src/merkle/index.js";

const MAX = 700;
const tree = new MemoryTree(Array.from({ length: MAX }, (_, i) => hashLeaf(uintBE(BigInt(i), 8))));
const read = (id: NodeId): Uint8Array => tree.nodeHash(id);

// A size in 1..MAX and an index below it.
const sizeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
// 1 <= size1 <= size2 <= MAX.
const sizePair = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

function flip(b: Uint8Array, byte: number, bit: number): Uint8Array {
  const c = b.slice();
  c[byte % c.length]! ^= 1 << bit;
  return c;
}

function expectBadProof(run: () => void): void {
  expect(run).toThrow(SealTrailError);
  try {
    run();
  } catch (e) {
    expect((e as SealTrailError).code).toBe("bad_proof");
  }
}

describe("inclusion proofs", () => {
  it("plan + assemble equals MemoryTree's RFC 6962 PATH and verifies", () => {
    fc.assert(
      fc.property(sizeAndIndex, ([n, m]) => {
        const size = BigInt(n);
        const index = BigInt(m);
        const proof = inclusionProof(index, size, read);
        expect(proof).toEqual(tree.inclusionProof(index, size));
        verifyInclusion(index, size, tree.leafHash(index), proof, tree.root(size));
        expect(rootFromInclusionProof(index, size, tree.leafHash(index), proof)).toEqual(tree.root(size));
      }),
      { numRuns: 300 },
    );
  });

  it("fails when any byte of the proof, leaf or root is flipped", () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), ([n, m], which, byte, bit) => {
        const size = BigInt(n);
        const index = BigInt(m);
        const proof = tree.inclusionProof(index, size);
        const leaf = tree.leafHash(index);
        const root = tree.root(size);
        const target = which % (proof.length + 2);
        if (target < proof.length) {
          const bad = proof.slice();
          bad[target] = flip(bad[target]!, byte, bit);
          expectBadProof(() => verifyInclusion(index, size, leaf, bad, root));
        } else if (target === proof.length) {
          expectBadProof(() => verifyInclusion(index, size, flip(leaf, byte, bit), proof, root));
        } else {
          expectBadProof(() => verifyInclusion(index, size, leaf, proof, flip(root, byte, bit)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("fails for a wrong index or proof length", () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.integer({ min: 1, max: 5 }), ([n, m], d) => {
        const size = BigInt(n);
        const index = BigInt(m);
        const proof = tree.inclusionProof(index, size);
        const leaf = tree.leafHash(index);
        const root = tree.root(size);
        expectBadProof(() => verifyInclusion(index + BigInt(d), size, leaf, proof, root));
        // (A larger size can share the proof's shape: only the root binds the
        // size, which is why a checkpoint signs both.)
        expectBadProof(() => verifyInclusion(index, index, leaf, proof, root)); // index >= size
        expectBadProof(() => verifyInclusion(index, size, leaf, [...proof, root], root));
        if (proof.length > 0) expectBadProof(() => verifyInclusion(index, size, leaf, proof.slice(1), root));
      }),
      { numRuns: 100 },
    );
  });

  it("rejects hostile arguments with SealTrailError", () => {
    const leaf = tree.leafHash(0n);
    const root = tree.root(1n);
    for (const bad of [
      () => verifyInclusion(-1n, 1n, leaf, [], root),
      () => verifyInclusion(0n, 1n << 64n, leaf, [], root),
      () => verifyInclusion(0 as unknown as bigint, 1n, leaf, [], root),
      () => verifyInclusion(0n, 1n, leaf, null as unknown as Uint8Array[], root),
      () => verifyInclusion(0n, 1n, leaf, ["x"] as unknown as Uint8Array[], root),
      () => verifyInclusion(0n, 1n, leaf, Array.from({ length: 65 }, () => root), root),
      () => verifyInclusion(0n, 1n, leaf, [], new Uint8Array(31)),
      () => verifyInclusion(0n, 1n, new Uint8Array(33), [], root),
      () => verifyInclusion((1n << 64n) - 1n, (1n << 64n) - 1n, leaf, [], root),
    ]) {
      expect(bad).toThrow(SealTrailError);
    }
  });
});

describe("consistency proofs", () => {
  it("plan + assemble equals MemoryTree's RFC 6962 PROOF and verifies", () => {
    fc.assert(
      fc.property(sizePair, ([a, b]) => {
        const size1 = BigInt(a);
        const size2 = BigInt(b);
        const proof = consistencyProof(size1, size2, read);
        expect(proof).toEqual(tree.consistencyProof(size1, size2));
        verifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2));
      }),
      { numRuns: 300 },
    );
  });

  it("fails when any byte of the proof or either root is flipped", () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), ([a, b], which, byte, bit) => {
        const size1 = BigInt(a);
        const size2 = BigInt(b);
        const proof = tree.consistencyProof(size1, size2);
        const r1 = tree.root(size1);
        const r2 = tree.root(size2);
        const target = which % (proof.length + 2);
        if (target < proof.length) {
          const bad = proof.slice();
          bad[target] = flip(bad[target]!, byte, bit);
          expectBadProof(() => verifyConsistency(size1, size2, bad, r1, r2));
        } else if (target === proof.length) {
          expectBadProof(() => verifyConsistency(size1, size2, proof, flip(r1, byte, bit), r2));
        } else {
          expectBadProof(() => verifyConsistency(size1, size2, proof, r1, flip(r2, byte, bit)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("fails for swapped sizes or a wrong proof length", () => {
    fc.assert(
      fc.property(sizePair, fc.integer({ min: 1, max: 5 }), ([a, b], d) => {
        const size1 = BigInt(a);
        const size2 = BigInt(b);
        const proof = tree.consistencyProof(size1, size2);
        const r1 = tree.root(size1);
        const r2 = tree.root(size2);
        // (A different size2 can share the proof's shape: only root2 binds it.)
        expectBadProof(() => verifyConsistency(size2, size1 === size2 ? size2 - 1n : size1, proof, r1, r2));
        expectBadProof(() => verifyConsistency(size1, size2, [...proof, r1], r1, r2));
        if (proof.length > 0) expectBadProof(() => verifyConsistency(size1, size2, proof.slice(0, Math.max(0, proof.length - d)), r1, r2));
      }),
      { numRuns: 100 },
    );
  });

  it("handles the empty and equal-size edge cases", () => {
    const r5 = tree.root(5n);
    expect(consistencyPlan(0n, 5n).nodes).toEqual([]);
    expect(consistencyPlan(5n, 5n).nodes).toEqual([]);
    verifyConsistency(0n, 5n, [], emptyRoot(), r5);
    verifyConsistency(0n, 0n, [], emptyRoot(), emptyRoot());
    verifyConsistency(5n, 5n, [], r5, r5);
    expectBadProof(() => verifyConsistency(0n, 5n, [], r5, r5));
    expectBadProof(() => verifyConsistency(5n, 5n, [], r5, emptyRoot()));
    expectBadProof(() => verifyConsistency(6n, 5n, [], r5, r5));
    expect(() => consistencyPlan(6n, 5n)).toThrow(SealTrailError);
  });
});

describe("plans", () => {
  it("rootPlan + assemble equals MTH", () => {
    for (let n = 0; n <= MAX; n += 7) expect(treeRoot(BigInt(n), read)).toEqual(tree.root(BigInt(n)));
    expect(rootPlan(0n).assemble([])).toEqual([emptyRoot()]);
    expect(rootPlan(256n).nodes).toEqual([{ level: 8, index: 0n }]);
    expect(rootPlan(7n).nodes).toEqual([
      { level: 2, index: 0n },
      { level: 1, index: 2n },
      { level: 0, index: 6n },
    ]);
  });

  it("needs ephemeral right-edge nodes from several perfect subtrees", () => {
    // RFC 6962 §2.1.1: PATH(0, D[7]) = [d1, MTH(D[2:4]), MTH(D[4:7])].
    expect(inclusionPlan(0n, 7n).nodes).toEqual([
      { level: 0, index: 1n },
      { level: 1, index: 1n },
      { level: 1, index: 2n },
      { level: 0, index: 6n },
    ]);
    expect(inclusionPlan(0n, 7n).assemble(inclusionPlan(0n, 7n).nodes.map(read))).toHaveLength(3);
  });

  it("works with async storage", async () => {
    const plan = inclusionPlan(123n, 601n);
    const hashes = await Promise.all(plan.nodes.map(async (id) => read(id)));
    expect(plan.assemble(hashes)).toEqual(tree.inclusionProof(123n, 601n));
  });

  it("supports uint64-sized trees", () => {
    const big = (1n << 64n) - 1n;
    const plan = inclusionPlan(big - 1n, big);
    expect(plan.nodes).toHaveLength(63); // the 63 perfect subtrees left of the last leaf
    expect(consistencyPlan(big - 1n, big).nodes.length).toBeGreaterThan(0);
    expect(rootPlan(big).nodes).toHaveLength(64);
  });

  it("rejects bad arguments and bad fetched hashes with SealTrailError", () => {
    for (const bad of [
      () => inclusionPlan(5n, 5n),
      () => inclusionPlan(-1n, 5n),
      () => inclusionPlan(0n, 1n << 64n),
      () => inclusionPlan(0 as unknown as bigint, 5n),
      () => consistencyPlan(1n, 0n),
      () => rootPlan(-1n),
      () => inclusionPlan(0n, 2n).assemble([]),
      () => inclusionPlan(0n, 2n).assemble([new Uint8Array(31)]),
      () => inclusionPlan(0n, 2n).assemble(null as unknown as Uint8Array[]),
    ]) {
      expect(bad).toThrow(SealTrailError);
    }
  });
});
