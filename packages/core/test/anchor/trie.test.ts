import { describe, expect, it } from "vitest";
import { refusal } from "./helpers.js";
import { fromHex, toHex, utf8 } from "../../src/bytes.js";
import { SealTrailError } from "../../src/errors.js";
import { keccak256 } from "../../src/anchor/keccak.js";
import { EMPTY_TRIE_ROOT, buildTrie, trieIndexKey, verifyTrieProof } from "../../src/anchor/trie.js";

// ethereum/tests TrieTests/trieanyorder.json and trietest.json (also in
// go-ethereum's trie tests): string keys and values, and their roots.
const ANY_ORDER: [string, [string, string][], string][] = [
  ["dogs", [["doe", "reindeer"], ["dog", "puppy"], ["dogglesworth", "cat"]], "8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3"],
  ["puppy", [["do", "verb"], ["horse", "stallion"], ["doge", "coin"], ["dog", "puppy"]], "5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84"],
  ["foo", [["foo", "bar"], ["food", "bass"]], "17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3"],
  ["smallValues", [["be", "e"], ["dog", "puppy"], ["bed", "d"]], "3f67c7a47520f79faa29255d2d3c084a7a6df0453116ed7232ff10277a8be68b"],
  ["testy", [["test", "test"], ["te", "testy"]], "8452568af70d8d140f58d941338542f645fcca50094b20f3c3d8c3df49337928"],
];


describe("Merkle-Patricia trie", () => {
  it("has the empty root of every EVM client", () => {
    expect(toHex(EMPTY_TRIE_ROOT)).toBe("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    expect(buildTrie([]).root).toEqual(EMPTY_TRIE_ROOT);
  });

  it.each(ANY_ORDER)("builds the ethereum/tests root of %s, and every key's proof verifies", (_name, pairs, root) => {
    const entries = pairs.map(([k, v]) => [utf8(k), utf8(v)] as const);
    const trie = buildTrie(entries);
    expect(toHex(trie.root)).toBe(root);
    for (const [k, v] of entries) expect(verifyTrieProof(trie.root, k, trie.prove(k))).toEqual(v);
    // "secure" tries (keys hashed) from the same file: dogs, secured.
    if (_name === "dogs") {
      const secured = buildTrie(entries.map(([k, v]) => [keccak256(k), v] as const));
      expect(toHex(secured.root)).toBe("d4cd937e4a4368d7931a9cf51686b7e10abb3dce38a39000fd7902a092b64585");
    }
  });

  it("keys by RLP(index), and proves every index of tries of 1 to 300 entries", () => {
    expect(toHex(trieIndexKey(0))).toBe("80");
    expect(toHex(trieIndexKey(127))).toBe("7f");
    expect(toHex(trieIndexKey(128))).toBe("8180");
    expect(toHex(trieIndexKey(256))).toBe("820100");
    for (const n of [1, 2, 16, 17, 129, 300]) {
      const entries = Array.from({ length: n }, (_, i) => [trieIndexKey(i), utf8(`value ${i} `.repeat(1 + (i % 5)))] as const);
      const trie = buildTrie(entries);
      for (const [k, v] of entries) expect(verifyTrieProof(trie.root, k, trie.prove(k))).toEqual(v);
    }
  });

  it("refuses a broken proof, a missing key, extra nodes and another root", () => {
    const entries = Array.from({ length: 40 }, (_, i) => [trieIndexKey(i), utf8(`transaction number ${i} with some padding bytes`)] as const);
    const trie = buildTrie(entries);
    const key = trieIndexKey(5);
    const proof = trie.prove(key);
    expect(proof.length).toBeGreaterThanOrEqual(2);
    expect(refusal(() => verifyTrieProof(keccak256(utf8("x")), key, proof)).message).toMatch(/first node does not hash to the root/);
    expect(refusal(() => verifyTrieProof(trie.root, key, proof.slice(0, -1))).code).toBe("bad_proof");
    expect(refusal(() => verifyTrieProof(trie.root, key, [...proof, proof[0]!])).message).toMatch(/unused/);
    expect(refusal(() => verifyTrieProof(trie.root, trieIndexKey(6), proof)).code).toBe("bad_proof");
    expect(refusal(() => verifyTrieProof(trie.root, trieIndexKey(999), proof)).message).toMatch(/not in the trie|does not hash/);
    const last = proof[proof.length - 1]!.slice();
    last[last.length - 1]! ^= 1;
    expect(refusal(() => verifyTrieProof(trie.root, key, [...proof.slice(0, -1), last])).message).toMatch(/does not hash to its parent/);
    expect(refusal(() => verifyTrieProof(trie.root, key, [fromHex("c0"), ...proof])).code).toBe("bad_proof");
    expect(() => trie.prove(trieIndexKey(40))).toThrow(/not in the trie/);
  });

  it("refuses duplicate keys and empty values when building", () => {
    expect(() => buildTrie([[utf8("a"), utf8("1")], [utf8("a"), utf8("2")]])).toThrow(SealTrailError);
    expect(() => buildTrie([[utf8("a"), new Uint8Array()]])).toThrow(/empty value/);
  });
});
