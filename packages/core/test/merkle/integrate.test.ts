import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concat, toHex, uintBE } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import {
  MemoryTree,
  TILE_HEIGHT,
  TILE_WIDTH,
  consistencyProof,
  edgeTiles,
  emptyRoot,
  hashLeaf,
  inclusionProof,
  integrate,
  nodeHashFromTile,
  tileForNode,
  tilePath,
  tileWidth,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
  type TileId,
} from "../../src/merkle/index.js";

const MAX = 700;
const leaves = Array.from({ length: MAX }, (_, i) => hashLeaf(uintBE(BigInt(i), 8)));
const tree = new MemoryTree(leaves);

/** A tile store keyed by tlog-tiles path, fed by integrate(). */
class TileStore {
  readonly tiles = new Map<string, Uint8Array>();
  // Latest content per tile position: tile contents only ever grow.
  readonly latest = new Map<string, Uint8Array>();
  size = 0n;
  root = emptyRoot();
  reads: string[] = [];

  read = (id: TileId): Uint8Array => {
    const p = tilePath(id);
    this.reads.push(p);
    const t = this.tiles.get(p);
    if (!t) throw new Error(`missing ${p}`);
    return t;
  };

  add(batch: Uint8Array[]): void {
    const r = integrate(this.size, this.read, batch);
    for (const t of r.tiles) {
      expect(t.hashes.length).toBe(t.id.width * 32);
      this.tiles.set(tilePath(t.id), t.hashes);
      this.latest.set(`${t.id.level}/${t.id.index}`, t.hashes);
    }
    this.size = r.size;
    this.root = r.root;
  }

  // Read a perfect-subtree hash out of the tiles of a tree of `size` leaves:
  // the exact tile a client of a checkpoint of that size would fetch when
  // the store has it (always for the current size), otherwise the latest
  // version of that tile, which is a superset.
  node(size: bigint): (id: NodeId) => Uint8Array {
    return (id) => {
      const exact = this.tiles.get(tilePath(tileForNode(id, size)));
      if (size === this.size && !exact) throw new Error(`no tile for ${id.level}/${id.index}`);
      const where = tileForNode(id);
      const t = exact ?? this.latest.get(`${where.level}/${where.index}`);
      if (!t) throw new Error(`no tile for ${id.level}/${id.index}`);
      return nodeHashFromTile(t, id);
    };
  }
}

// What the tiles of a tree of `size` leaves hold, from the oracle.
function expectedTile(id: TileId): Uint8Array {
  const level = id.level * TILE_HEIGHT;
  return concat(
    ...Array.from({ length: id.width }, (_, i) => tree.nodeHash({ level, index: id.index * BigInt(TILE_WIDTH) + BigInt(i) })),
  );
}

function allTiles(size: bigint): TileId[] {
  const out: TileId[] = [];
  for (let level = 0; size >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    for (let index = 0n; ; index++) {
      const width = tileWidth(level, index, size);
      if (width === 0) break;
      out.push({ level, index, width });
    }
  }
  return out;
}

// Split n into random batch sizes.
const splits = fc.integer({ min: 0, max: MAX }).chain((n) =>
  fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 0, max: n }), { maxLength: 8 })),
);
function batches(n: number, cuts: number[]): Uint8Array[][] {
  const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), n];
  const out: Uint8Array[][] = [];
  for (let i = 1; i < points.length; i++) out.push(leaves.slice(points[i - 1], points[i]));
  return out;
}

describe("edgeTiles", () => {
  it("lists the partial right-edge tiles (C2SP tlog-tiles examples)", () => {
    expect(edgeTiles(0n)).toEqual([]);
    expect(edgeTiles(1n)).toEqual([{ level: 0, index: 0n, width: 1 }]);
    expect(edgeTiles(256n)).toEqual([{ level: 1, index: 0n, width: 1 }]);
    expect(edgeTiles(70000n)).toEqual([
      { level: 0, index: 273n, width: 112 },
      { level: 1, index: 1n, width: 17 },
      { level: 2, index: 0n, width: 1 },
    ]);
    expect(edgeTiles(1n << 16n)).toEqual([{ level: 2, index: 0n, width: 1 }]);
    expect(edgeTiles((1n << 64n) - 1n)).toHaveLength(8);
    expect(() => edgeTiles(-1n)).toThrow(SealTrailError);
  });
});

describe("integrate", () => {
  it("matches MemoryTree and one big batch for random batch splits; tile proofs verify", () => {
    fc.assert(
      fc.property(splits, fc.nat(), fc.nat(), ([n, cuts], a, b) => {
        const size = BigInt(n);
        const store = new TileStore();
        for (const batch of batches(n, cuts)) {
          const before = store.size;
          store.add(batch);
          expect(store.root).toEqual(tree.root(store.size));
          // integrate reads exactly the edge tiles of the old size.
          expect(store.reads.splice(0)).toEqual(edgeTiles(before).map(tilePath));
        }
        expect(store.size).toBe(size);

        const one = new TileStore();
        one.add(leaves.slice(0, n));
        expect(one.root).toEqual(store.root);

        // Every tile of the final tree is present with the oracle's content,
        // identical whether built in one batch or many.
        for (const id of allTiles(size)) {
          const p = tilePath(id);
          // (hex: deep equality on 8 KiB typed arrays is slow)
          const want = toHex(expectedTile(id));
          expect(toHex(store.tiles.get(p) ?? new Uint8Array(0)), p).toBe(want);
          expect(toHex(one.tiles.get(p) ?? new Uint8Array(0)), p).toBe(want);
        }
        // Every stored tile (including partials of earlier sizes) is a prefix
        // of the final one.
        const final = allTiles(size);
        for (const [p, t] of store.tiles) {
          const id = final.find((x) => tilePath({ ...x, width: t.length / 32 }) === p);
          expect(id, p).toBeDefined();
          expect(toHex(t), p).toBe(toHex(expectedTile({ ...id!, width: t.length / 32 })));
        }

        // Proofs from tiles: any size s <= n, any index < s.
        if (n === 0) return;
        const s = BigInt(1 + (a % n));
        const m = BigInt(b % Number(s));
        const read = store.node(s);
        const incl = inclusionProof(m, s, read);
        verifyInclusion(m, s, tree.leafHash(m), incl, tree.root(s));
        expect(treeRoot(s, read)).toEqual(tree.root(s));
        const cons = consistencyProof(s, size, store.node(size));
        verifyConsistency(s, size, cons, tree.root(s), store.root);
      }),
      { numRuns: 100 },
    );
  });

  it("returns only changed tiles, with full content", () => {
    const store = new TileStore();
    store.add(leaves.slice(0, 255));
    const r = integrate(255n, store.read, [leaves[255]!, leaves[256]!]);
    expect(r.tiles.map((t) => tilePath(t.id))).toEqual(["tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1"]);
    expect(r.tiles[0]!.hashes).toEqual(expectedTile({ level: 0, index: 0n, width: 256 }));
    expect(r.size).toBe(257n);
    expect(r.root).toEqual(tree.root(257n));
    // An empty batch changes nothing and reports the current root.
    const same = integrate(255n, store.read, []);
    expect(same).toEqual({ size: 255n, root: tree.root(255n), tiles: [] });
    expect(integrate(0n, store.read, [])).toEqual({ size: 0n, root: emptyRoot(), tiles: [] });
  });

  it("is linear: 20,000 leaves in one batch and then in 1,000-leaf batches", () => {
    const many = Array.from({ length: 20000 }, (_, i) => hashLeaf(uintBE(BigInt(i), 8)));
    const t0 = performance.now();
    const one = integrate(0n, () => new Uint8Array(0), many);
    const store = new TileStore();
    for (let i = 0; i < many.length; i += 1000) store.add(many.slice(i, i + 1000));
    expect(store.root).toEqual(one.root);
    expect(one.tiles.map((t) => tilePath(t.id))).toEqual(allTiles(20000n).map(tilePath));
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("rejects bad input with SealTrailError", () => {
    const store = new TileStore();
    store.add(leaves.slice(0, 3));
    for (const bad of [
      () => integrate(-1n, store.read, []),
      () => integrate(3 as unknown as bigint, store.read, []),
      () => integrate(3n, store.read, [new Uint8Array(31)]),
      () => integrate(3n, store.read, ["x" as unknown as Uint8Array]),
      () => integrate(3n, store.read, null as unknown as Uint8Array[]),
      () => integrate(3n, () => new Uint8Array(64), []), // wrong tile size
      () => integrate(3n, () => "x" as unknown as Uint8Array, []),
      () => integrate((1n << 64n) - 1n, () => new Uint8Array(0), [leaves[0]!]),
    ]) {
      expect(bad).toThrow(SealTrailError);
    }
  });
});
