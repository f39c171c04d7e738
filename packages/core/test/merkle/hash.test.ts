import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import {
  HASH_SIZE,
  LEAF_HASH_PREFIX,
  MemoryTree,
  NODE_HASH_PREFIX,
  emptyRoot,
  hashChildren,
  hashLeaf,
} from "../../src/merkle/index.js";
import { sha256 } from "../../src/crypto.js";

// The RFC 6962 test inputs used by transparency-dev/merkle (testonly) and
// the roots of their prefixes D[0:n], n = 1..8.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

describe("RFC 6962 §2.1 hashing", () => {
  it("names the prefixes and hash size", () => {
    expect(LEAF_HASH_PREFIX).toBe(0x00);
    expect(NODE_HASH_PREFIX).toBe(0x01);
    expect(HASH_SIZE).toBe(32);
  });

  it("hashes the empty leaf and the empty tree", () => {
    expect(toHex(hashLeaf(new Uint8Array(0)))).toBe(ROOTS[0]);
    expect(toHex(emptyRoot())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("domain-separates leaves and nodes", () => {
    const a = hashLeaf(fromHex("00"));
    const b = hashLeaf(fromHex("10"));
    expect(hashChildren(a, b)).toEqual(sha256(Uint8Array.of(1), a, b));
    expect(hashLeaf(fromHex("00"))).toEqual(sha256(Uint8Array.of(0, 0)));
  });

  it("emptyRoot returns a fresh copy", () => {
    const r = emptyRoot();
    r.fill(0);
    expect(toHex(emptyRoot())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("MemoryTree reproduces the reference roots", () => {
    const t = new MemoryTree(LEAVES.map((h) => hashLeaf(fromHex(h))));
    ROOTS.forEach((root, i) => expect(toHex(t.root(BigInt(i + 1)))).toBe(root));
    expect(t.root(0n)).toEqual(emptyRoot());
  });

  it("rejects bad input with SealTrailError", () => {
    expect(() => hashChildren(new Uint8Array(31), new Uint8Array(32))).toThrow(SealTrailError);
    expect(() => hashChildren(new Uint8Array(32), "x" as unknown as Uint8Array)).toThrow(SealTrailError);
    expect(() => hashLeaf(null as unknown as Uint8Array)).toThrow(SealTrailError);
  });
});
