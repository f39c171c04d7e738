/**
 * Ethereum's Merkle-Patricia trie (yellow paper appendix D), as used for a
 * block's transactions and receipts tries: proof verification, and a small
 * builder that computes a root and the proof of one key from every entry
 * (which is how a block's tries are rebuilt from its transactions).
 */
import { bytesEqual } from "../bytes.js";
import { requireArray, requireBytes, requireInteger } from "../args.js";
import { SealTrailError } from "../errors.js";
import { keccak256 } from "./keccak.js";
import { decodeRlp, encodeRlp, rlpUint, type RlpItem } from "./rlp.js";

/** Root of the empty trie: keccak256(RLP("")) = keccak256(0x80). */
export const EMPTY_TRIE_ROOT: Uint8Array = keccak256(new Uint8Array([0x80]));

/**
 * Key of item `index` in a block's transactions or receipts trie: RLP of the
 * index as an integer (yellow paper §4.3, eq. 33).
 *
 * @example
 * ```ts
 * trieIndexKey(0) // Uint8Array [0x80]
 * ```
 */
export function trieIndexKey(index: number): Uint8Array {
  requireInteger(index, "trie index");
  return encodeRlp(rlpUint(index));
}

function nibbles(key: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of key) out.push(b >> 4, b & 15);
  return out;
}

// Hex-prefix encoding (yellow paper appendix C): the flag nibble holds
// "leaf" (2) and "odd length" (1); an even path gets a zero pad nibble.
function hexPrefix(path: readonly number[], leaf: boolean): Uint8Array {
  const odd = path.length % 2 === 1;
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  const all = odd ? [flag, ...path] : [flag, 0, ...path];
  const out = new Uint8Array(all.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (all[2 * i]! << 4) | all[2 * i + 1]!;
  return out;
}

function decodeHexPrefix(b: Uint8Array, what: string): { leaf: boolean; path: number[] } {
  if (b.length === 0) throw new SealTrailError("malformed", `${what}: empty hex-prefix path`);
  const flag = b[0]! >> 4;
  if (flag > 3) throw new SealTrailError("malformed", `${what}: hex-prefix flag ${flag}`);
  const odd = (flag & 1) === 1;
  if (!odd && (b[0]! & 15) !== 0) throw new SealTrailError("malformed", `${what}: hex-prefix pad nibble is not zero`);
  const path = nibbles(b.subarray(1));
  if (odd) path.unshift(b[0]! & 15);
  return { leaf: (flag & 2) === 2, path };
}

/**
 * Verify a Merkle-Patricia proof: `proof` holds the RLP nodes from the root
 * down the path of `key`, each one (after the root) referenced by its
 * keccak256 from its parent (nodes under 32 bytes are embedded in their
 * parent and not listed). Returns the value stored at `key`. Any broken
 * link, an unused node, or a path that does not end at `key` is a
 * `bad_proof` error naming `what`; an undecodable node is `malformed`.
 *
 * @example
 * ```ts
 * const tx = verifyTrieProof(header.transactionsRoot, trieIndexKey(3), proofNodes, "transaction proof");
 * ```
 */
export function verifyTrieProof(root: Uint8Array, key: Uint8Array, proof: readonly Uint8Array[], what = "trie proof"): Uint8Array {
  requireBytes(root, `${what}: root`);
  requireBytes(key, `${what}: key`);
  for (const node of requireArray(proof, what)) requireBytes(node, `${what}: node`);
  const fail = (m: string) => new SealTrailError("bad_proof", `${what}: ${m}`);
  const path = nibbles(key);
  let depth = 0;
  let used = 0;
  // The next node: a hash to find as the next proof element, or a node embedded in its parent.
  let ref: RlpItem = root;
  for (;;) {
    let node: RlpItem;
    if (ref instanceof Uint8Array) {
      if (ref.length !== 32) throw new SealTrailError("malformed", `${what}: node reference of ${ref.length} bytes`);
      const enc = proof[used];
      if (enc === undefined) throw fail(`proof ends after ${used} nodes, before the key's value`);
      if (!bytesEqual(keccak256(enc), ref)) throw fail(used === 0 ? "first node does not hash to the root" : `node ${used} does not hash to its parent's reference`);
      node = decodeRlp(enc, `${what} node ${used}`);
      used++;
    } else {
      node = ref;
    }
    if (!Array.isArray(node)) throw new SealTrailError("malformed", `${what}: a node is not a list`);
    let value: Uint8Array | undefined;
    if (node.length === 17) {
      if (depth === path.length) {
        const v = node[16]!;
        if (!(v instanceof Uint8Array)) throw new SealTrailError("malformed", `${what}: branch value is a list`);
        if (v.length === 0) throw fail("key not in the trie");
        value = v;
      } else {
        const child: RlpItem = node[path[depth]!]!;
        depth++;
        if (child instanceof Uint8Array && child.length === 0) throw fail("key not in the trie");
        ref = child;
        continue;
      }
    } else if (node.length === 2) {
      const p: RlpItem = node[0]!;
      const v: RlpItem = node[1]!;
      if (!(p instanceof Uint8Array)) throw new SealTrailError("malformed", `${what}: node path is a list`);
      const hp = decodeHexPrefix(p, what);
      const rest = path.slice(depth);
      if (hp.leaf) {
        if (hp.path.length !== rest.length || hp.path.some((n, i) => n !== rest[i])) throw fail("key not in the trie");
        if (!(v instanceof Uint8Array)) throw new SealTrailError("malformed", `${what}: leaf value is a list`);
        value = v;
      } else {
        if (hp.path.length === 0 || hp.path.length > rest.length || hp.path.some((n, i) => n !== rest[i])) throw fail("key not in the trie");
        depth += hp.path.length;
        ref = v;
        continue;
      }
    } else {
      throw new SealTrailError("malformed", `${what}: a node has ${node.length} items`);
    }
    if (used !== proof.length) throw fail(`${proof.length - used} unused nodes after the value`);
    return value;
  }
}

/** A node of a trie being built, with its encoding and the reference its parent holds. */
interface BuiltNode {
  readonly item: RlpItem;
  readonly encoded: Uint8Array;
  /** keccak256(encoded), or the item itself when the encoding is under 32 bytes (embedded). */
  readonly ref: RlpItem;
  readonly kind: "leaf" | "extension" | "branch";
  readonly path: number[];
  readonly children?: (BuiltNode | undefined)[];
  readonly child?: BuiltNode;
}

function built(item: RlpItem, kind: BuiltNode["kind"], path: number[], extra: { children?: (BuiltNode | undefined)[]; child?: BuiltNode }): BuiltNode {
  const encoded = encodeRlp(item);
  return { item, encoded, ref: encoded.length < 32 ? item : keccak256(encoded), kind, path, ...extra };
}

interface Entry {
  readonly path: number[];
  readonly value: Uint8Array;
}

function buildNode(entries: Entry[], depth: number): BuiltNode {
  if (entries.length === 1) {
    const e = entries[0]!;
    const rest = e.path.slice(depth);
    return built([hexPrefix(rest, true), e.value], "leaf", rest, {});
  }
  // Longest common prefix of every remaining path.
  const first = entries[0]!.path;
  let common = 0;
  for (;;) {
    const n = first[depth + common];
    if (n === undefined || entries.some((e) => e.path[depth + common] !== n)) break;
    common++;
  }
  if (common > 0) {
    const child = buildNode(entries, depth + common);
    const path = first.slice(depth, depth + common);
    return built([hexPrefix(path, false), child.ref], "extension", path, { child });
  }
  const children: (BuiltNode | undefined)[] = [];
  const item: RlpItem[] = [];
  for (let n = 0; n < 16; n++) {
    const group = entries.filter((e) => e.path[depth] === n);
    const c = group.length === 0 ? undefined : buildNode(group, depth + 1);
    children.push(c);
    item.push(c === undefined ? new Uint8Array() : c.ref);
  }
  const here = entries.filter((e) => e.path.length === depth);
  if (here.length > 1) throw new SealTrailError("invalid", "trie: duplicate key");
  item.push(here[0]?.value ?? new Uint8Array());
  return built(item, "branch", [], { children });
}

/**
 * A Merkle-Patricia trie built from all its entries at once, which gives
 * its root and the proof of any key, in the form {@link verifyTrieProof}
 * takes. Keys must be distinct and values non-empty.
 *
 * @example
 * ```ts
 * const trie = buildTrie(rawTxs.map((tx, i) => [trieIndexKey(i), tx]));
 * trie.root; trie.prove(trieIndexKey(2));
 * ```
 */
export function buildTrie(entries: readonly (readonly [Uint8Array, Uint8Array])[]): { root: Uint8Array; prove(key: Uint8Array): Uint8Array[] } {
  for (const e of requireArray(entries, "trie: entries")) {
    const kv = requireArray(e, "trie: entry");
    requireBytes(kv[0], "trie: entry key");
    requireBytes(kv[1], "trie: entry value");
  }
  if (entries.length === 0) return { root: EMPTY_TRIE_ROOT, prove: () => { throw new SealTrailError("not_found", "trie: empty"); } };
  const list: Entry[] = entries.map(([k, v]) => {
    if (v.length === 0) throw new SealTrailError("invalid", "trie: empty value");
    return { path: nibbles(k), value: v };
  });
  const top = buildNode(list, 0);
  return {
    root: keccak256(top.encoded),
    prove(key: Uint8Array): Uint8Array[] {
      const path = nibbles(key);
      const out: Uint8Array[] = [top.encoded];
      let node: BuiltNode | undefined = top;
      let depth = 0;
      for (;;) {
        if (node.kind === "leaf") {
          if (node.path.length !== path.length - depth || node.path.some((n, i) => n !== path[depth + i])) break;
          return out;
        }
        let next: BuiltNode | undefined;
        if (node.kind === "extension") {
          if (node.path.some((n, i) => n !== path[depth + i])) break;
          depth += node.path.length;
          next = node.child;
        } else {
          if (depth === path.length) return out;
          next = node.children![path[depth]!];
          depth++;
        }
        if (next === undefined) break;
        // Only nodes referenced by hash are separate proof elements; embedded ones travel inside their parent.
        if (next.encoded.length >= 32) out.push(next.encoded);
        node = next;
      }
      throw new SealTrailError("not_found", "trie: key not in the trie");
    },
  };
}
