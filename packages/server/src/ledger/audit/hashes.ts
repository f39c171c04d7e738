/**
 * Hash storage for the audit: the leaf hashes of a whole log held in one
 * buffer (two 32-byte hashes per entry, never the entry bytes), an index to
 * find a hash elsewhere in the log, and a running RFC 6962 §2.1 root.
 */
import { HASH_SIZE, emptyRoot, hashChildren, randomBytes } from "@sealtrail/core";

/** A growable list of 32-byte hashes in one buffer. */
export class HashList {
  #buf: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(Math.max(16, capacity) * HASH_SIZE);
  }

  push(h: Uint8Array): void {
    if ((this.length + 1) * HASH_SIZE > this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf.set(h, this.length * HASH_SIZE);
    this.length++;
  }

  /** Hashes [i, j) as one view. */
  range(i: number, j: number): Uint8Array {
    return this.#buf.subarray(i * HASH_SIZE, j * HASH_SIZE);
  }

  at(i: number): Uint8Array {
    return this.#buf.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }

  equals(i: number, h: Uint8Array, offset = 0): boolean {
    const o = i * HASH_SIZE;
    for (let k = 0; k < HASH_SIZE; k++) if (this.#buf[o + k] !== h[offset + k]) return false;
    return true;
  }
}

/**
 * Open-addressing index from hash to positions of a {@link HashList}.
 * `find` returns the first position not yet marked in `used`, so duplicate
 * leaves are matched in order.
 */
export class HashIndex {
  readonly #slots: Int32Array;
  readonly #mask: number;
  // Random per audit, so that stored hashes cannot be ground to collide in the table.
  readonly #seed = new DataView(randomBytes(4).buffer).getUint32(0);

  constructor(
    private readonly list: HashList,
    n: number,
  ) {
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    this.#slots = new Int32Array(cap);
    this.#mask = cap - 1;
    for (let i = 0; i < n; i++) {
      let s = this.#slot(list.at(i));
      while (this.#slots[s] !== 0) s = (s + 1) & this.#mask;
      this.#slots[s] = i + 1;
    }
  }

  #slot(h: Uint8Array): number {
    const a = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) ^ this.#seed;
    const b = h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24);
    return (Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)) & this.#mask;
  }

  find(h: Uint8Array, used: Uint8Array): number {
    for (let s = this.#slot(h); ; s = (s + 1) & this.#mask) {
      const v = this.#slots[s]!;
      if (v === 0) return -1;
      if (used[v - 1] === 0 && this.list.equals(v - 1, h)) return v - 1;
    }
  }
}

/** RFC 6962 §2.1 root of a growing list of leaves, O(log n) memory: the perfect subtrees of the right edge. */
export class Frontier {
  readonly #hashes: Uint8Array[] = [];
  readonly #levels: number[] = [];

  push(leaf: Uint8Array): void {
    let h = leaf;
    let level = 0;
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      h = hashChildren(this.#hashes.pop()!, h);
      this.#levels.pop();
      level++;
    }
    this.#hashes.push(h);
    this.#levels.push(level);
  }

  root(): Uint8Array {
    if (this.#hashes.length === 0) return emptyRoot();
    let r = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) r = hashChildren(this.#hashes[i]!, r);
    return r;
  }
}
