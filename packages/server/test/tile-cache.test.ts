import { describe, expect, it } from "vitest";
import { hashLeaf, nodeHashFromTile, toHex, utf8, concat, tileForNode } from "@sealtrail/core";
import { ExpandedTileCache, expandTile, nodeFromExpanded } from "../src/ledger/tile-cache.js";

describe("expanded full tiles", () => {
  const hashes = concat(...Array.from({ length: 256 }, (_, i) => hashLeaf(utf8(`leaf ${i}`))));

  it("give every node of the tile exactly as nodeHashFromTile computes it, at any tile index", () => {
    const levels = expandTile(hashes);
    for (const tileIndex of [0n, 3n, 1000n]) {
      for (let rel = 0; rel < 8; rel++) {
        for (let i = 0; i < 256 >> rel; i++) {
          const id = { level: 8 + rel, index: (tileIndex << BigInt(8 - rel)) + BigInt(i) };
          expect(tileForNode(id).index).toBe(tileIndex);
          expect(toHex(nodeFromExpanded(levels, id)!)).toBe(toHex(nodeHashFromTile(hashes, id)));
        }
      }
    }
  });

  it("expand partial tiles too, and miss nodes a partial tile does not hold yet", () => {
    const partial = hashes.subarray(0, 45 * 32);
    const levels = expandTile(partial);
    expect(levels.map((l) => l.length / 32)).toEqual([45, 22, 11, 5, 2, 1, 0, 0, 0]);
    expect(toHex(nodeFromExpanded(levels, { level: 2, index: 10n })!)).toBe(toHex(nodeHashFromTile(partial, { level: 2, index: 10n })));
    expect(nodeFromExpanded(levels, { level: 0, index: 45n })).toBeUndefined();
    expect(nodeFromExpanded(levels, { level: 6, index: 0n })).toBeUndefined();
  });

  it("evict the least recently used tile", () => {
    const c = new ExpandedTileCache(2);
    const t = expandTile(hashes);
    c.set("a", t);
    c.set("b", t);
    c.get("a");
    c.set("c", t);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe(t);
    expect(c.get("c")).toBe(t);
  });
});
