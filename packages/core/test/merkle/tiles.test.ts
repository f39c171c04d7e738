import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concat, uintBE, utf8 } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import {
  MemoryTree,
  TILE_HEIGHT,
  TILE_WIDTH,
  encodeEntryBundle,
  entriesPath,
  hashLeaf,
  nodeHashFromTile,
  parseEntryBundle,
  parseTilePath,
  tileForNode,
  tilePath,
  tileWidth,
} from "../../src/merkle/index.js";

function expectCode(run: () => unknown, code: string): void {
  let err: unknown;
  try {
    run();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SealTrailError);
  expect((err as SealTrailError).code).toBe(code);
}

describe("C2SP tlog-tiles paths", () => {
  it("encodes the spec's examples", () => {
    expect(TILE_HEIGHT).toBe(8);
    expect(TILE_WIDTH).toBe(256);
    // "index 1234067 will be encoded as x001/x234/067"
    expect(tilePath({ level: 0, index: 1234067n, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 0, index: 1234067n, width: 8 })).toBe("tile/0/x001/x234/067.p/8");
    expect(tilePath({ level: 1, index: 0n, width: 17 })).toBe("tile/1/000.p/17");
    expect(tilePath({ level: 63, index: 0n, width: 1 })).toBe("tile/63/000.p/1");
    expect(tilePath({ level: 2, index: 1000n, width: 256 })).toBe("tile/2/x001/000");
    expect(entriesPath(1234067n, 8)).toBe("tile/entries/x001/x234/067.p/8");
    expect(entriesPath(0n, 256)).toBe("tile/entries/000");
    expect(entriesPath(999n, 256)).toBe("tile/entries/999");
    expect(entriesPath((1n << 56n) - 1n, 256)).toBe("tile/entries/x072/x057/x594/x037/x927/935");
  });

  it("widths of the spec's size-70000 example", () => {
    // 273 full level-0 tiles, a partial of width 112, one full level-1 tile,
    // a partial level-1 tile of width 17 and a partial level-2 tile of width 1.
    expect(tileWidth(0, 272n, 70000n)).toBe(256);
    expect(tileWidth(0, 273n, 70000n)).toBe(112);
    expect(tileWidth(0, 274n, 70000n)).toBe(0);
    expect(tileWidth(1, 0n, 70000n)).toBe(256);
    expect(tileWidth(1, 1n, 70000n)).toBe(17);
    expect(tileWidth(2, 0n, 70000n)).toBe(1);
    expect(tileWidth(3, 0n, 70000n)).toBe(0);
    // "a tree of size 256 will be represented by a full level 0 tile and a
    // partial level 1 tile of width 1"
    expect(tileWidth(0, 0n, 256n)).toBe(256);
    expect(tileWidth(0, 1n, 256n)).toBe(0);
    expect(tileWidth(1, 0n, 256n)).toBe(1);
  });

  it("parses what it encodes", () => {
    expect(parseTilePath("tile/0/x001/x234/067.p/8")).toEqual({ kind: "hash", level: 0, index: 1234067n, width: 8 });
    expect(parseTilePath("tile/entries/000")).toEqual({ kind: "entries", index: 0n, width: 256 });
    expect(parseTilePath("tile/entries/x001/234.p/255")).toEqual({ kind: "entries", index: 1234n, width: 255 });
    expect(parseTilePath("tile/63/000.p/1")).toEqual({ kind: "hash", level: 63, index: 0n, width: 1 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const id = { level, index: index >> BigInt(8 * level), width };
          expect(parseTilePath(tilePath(id))).toEqual({ kind: "hash", ...id });
          expect(parseTilePath(entriesPath(index, width))).toEqual({ kind: "entries", index, width });
        },
      ),
    );
  });

  it("rejects hostile paths with SealTrailError", () => {
    const bad = [
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tile/0/000/",
      "tile//000",
      "tile/00/000",
      "tile/01/000",
      "tile/64/000",
      "tile/-1/000",
      "tile/+1/000",
      "tile/1e1/000",
      "tile/0/00",
      "tile/0/0000",
      "tile/0/x000",
      "tile/0/x000/001",
      "tile/0/x001/x234/x067",
      "tile/0/001/234",
      "tile/0/X001/234",
      "tile/0/x001//234",
      "tile/0/000.p",
      "tile/0/000.p/",
      "tile/0/000.p/0",
      "tile/0/000.p/00",
      "tile/0/000.p/08",
      "tile/0/000.p/256",
      "tile/0/000.p/1000",
      "tile/0/000.p/8/9",
      "tile/0/000.q/8",
      "tile/0/.p/8",
      "tile/0/../../etc/passwd",
      "tile/0/..",
      "tile/0/x001/../001",
      "tile/entries/../0/000",
      "tile/entries/000.p/256",
      "tile/entries",
      "tile/entries/",
      "tile/0/%30%30%30",
      "tile/0/000\u0000",
      "tile/0/٠٠٠",
      "tile/0/ 000",
      "tile\\0\\000",
      "tiles/0/000",
      "tile/0/x999/x999/x999/x999/x999/x999/999", // beyond uint64
      "tile/0/x072/x057/x594/x037/x927/936", // 2^56 tiles of 256 leaves is 2^64 leaves
      "tile/8/001", // level 8 tile 1 starts at leaf 2^72
      "tile/0/" + "x000/".repeat(20) + "001",
      "tile/0/" + "0".repeat(100),
      null,
      123,
      undefined,
    ];
    for (const p of bad) expectCode(() => parseTilePath(p as string), "malformed");
  });

  it("rejects bad tile ids when encoding", () => {
    for (const id of [
      { level: -1, index: 0n, width: 1 },
      { level: 64, index: 0n, width: 1 },
      { level: 0.5, index: 0n, width: 1 },
      { level: 0, index: -1n, width: 1 },
      { level: 0, index: 0, width: 1 },
      { level: 0, index: 0n, width: 0 },
      { level: 0, index: 0n, width: 257 },
      { level: 0, index: 1n << 56n, width: 256 },
    ]) {
      expectCode(() => tilePath(id as never), "invalid");
    }
    expectCode(() => entriesPath(0n, 0), "invalid");
  });
});

describe("entry bundles", () => {
  it("round-trips with 16-bit big-endian length prefixes", () => {
    expect(encodeEntryBundle([utf8("a"), utf8("bc"), new Uint8Array(0)])).toEqual(
      new Uint8Array([0, 1, 0x61, 0, 2, 0x62, 0x63, 0, 0]),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 }), (entries) => {
        const b = encodeEntryBundle(entries);
        expect(parseEntryBundle(b)).toEqual(entries);
        expect(parseEntryBundle(b, entries.length)).toEqual(entries);
      }),
      { numRuns: 50 },
    );
    const max = new Uint8Array(65535).fill(7);
    expect(parseEntryBundle(encodeEntryBundle([max]))).toEqual([max]);
  });

  it("refuses to encode what the format cannot carry", () => {
    expectCode(() => encodeEntryBundle([new Uint8Array(65536)]), "too_large");
    expectCode(() => encodeEntryBundle([]), "invalid");
    expectCode(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(1))), "invalid");
    expectCode(() => encodeEntryBundle(["x"] as unknown as Uint8Array[]), "invalid");
  });

  it("rejects hostile bundles with SealTrailError", () => {
    const one = encodeEntryBundle([utf8("abc")]);
    const bad: [unknown, number?][] = [
      [new Uint8Array(0)],
      [new Uint8Array([0])],
      [new Uint8Array([0, 5, 1, 2])],
      [new Uint8Array([0xff, 0xff])],
      [concat(one, new Uint8Array([0]))],
      [concat(one, new Uint8Array([0, 9, 1]))],
      [concat(...Array.from({ length: 257 }, () => new Uint8Array([0, 0])))],
      [one, 2],
      [concat(one, one), 1],
      ["abc"],
      [null],
    ];
    for (const [b, w] of bad) expectCode(() => parseEntryBundle(b as Uint8Array, w), "malformed");
    expectCode(() => parseEntryBundle(one, 0), "invalid");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        try {
          parseEntryBundle(b);
        } catch (e) {
          expect(e).toBeInstanceOf(SealTrailError);
        }
      }),
    );
  });
});

describe("nodes in tiles", () => {
  it("locates nodes", () => {
    expect(tileForNode({ level: 0, index: 300n })).toEqual({ level: 0, index: 1n, width: 45 });
    expect(tileForNode({ level: 3, index: 33n })).toEqual({ level: 0, index: 1n, width: 16 });
    expect(tileForNode({ level: 7, index: 1n })).toEqual({ level: 0, index: 0n, width: 256 });
    expect(tileForNode({ level: 8, index: 0n })).toEqual({ level: 1, index: 0n, width: 1 });
    expect(tileForNode({ level: 9, index: 0n })).toEqual({ level: 1, index: 0n, width: 2 });
    expect(tileForNode({ level: 16, index: 5n })).toEqual({ level: 2, index: 0n, width: 6 });
    expect(tileForNode({ level: 0, index: 300n }, 1000n)).toEqual({ level: 0, index: 1n, width: 256 });
    expect(tileForNode({ level: 0, index: 300n }, 301n)).toEqual({ level: 0, index: 1n, width: 45 });
    expect(tileForNode({ level: 63, index: 0n }, (1n << 64n) - 1n)).toEqual({ level: 7, index: 0n, width: 255 });
    expectCode(() => tileForNode({ level: 0, index: 300n }, 300n), "invalid");
    expectCode(() => tileForNode({ level: 64, index: 0n }), "invalid");
    expectCode(() => tileForNode({ level: 1, index: 1n << 63n }), "invalid");
    expectCode(() => tileForNode({ level: 0, index: -1n }), "invalid");
  });

  it("recomputes intermediate levels inside a tile", () => {
    const t = new MemoryTree(Array.from({ length: 300 }, (_, i) => hashLeaf(uintBE(BigInt(i), 4))));
    const tile0 = concat(...Array.from({ length: 256 }, (_, i) => t.leafHash(BigInt(i))));
    const tile1 = concat(...Array.from({ length: 44 }, (_, i) => t.leafHash(BigInt(256 + i))));
    for (let level = 0; level <= 8; level++) {
      for (let index = 0n; (index + 1n) << BigInt(level) <= 300n; index++) {
        const id = { level, index };
        const where = tileForNode(id, 300n);
        const data = where.level === 1 ? t.nodeHash({ level: 8, index: 0n }) : where.index === 0n ? tile0 : tile1;
        expect(nodeHashFromTile(data, id)).toEqual(t.nodeHash(id));
      }
    }
    expectCode(() => nodeHashFromTile(tile1, { level: 0, index: 300n }), "invalid");
    expectCode(() => nodeHashFromTile(tile1, { level: 3, index: 37n }), "invalid");
    expectCode(() => nodeHashFromTile(tile1.subarray(1), { level: 0, index: 256n }), "invalid");
    expectCode(() => nodeHashFromTile(concat(tile0, tile1), { level: 0, index: 256n }), "invalid");
  });
});
