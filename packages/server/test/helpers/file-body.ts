/**
 * Streamed file bodies for file-store tests: deterministic bytes of any
 * length, produced a chunk at a time (never held whole), with their SHA-256
 * computed by a first pass over the same chunks.
 */
import { createHash, randomBytes } from "node:crypto";

/** A body of `length` bytes; `chunks()` yields it afresh each call. */
export interface TestBody {
  readonly sha256: string;
  readonly length: number;
  chunks(opts?: { extra?: number; flip?: number }): AsyncGenerator<Uint8Array>;
  /** Bytes yielded by the latest `chunks()` so far (how much of a body a store read). */
  pulled(): number;
  /** The byte at `offset` (for checking ranges). */
  byteAt(offset: number): number;
}

/**
 * Chunk i is a random block (one per body) with the chunk index written in
 * its first bytes, so that no two chunks are equal. `extra` bytes past the
 * length and a flipped byte at `flip` make wrong bodies of the same name.
 */
export function testBody(length: number, chunkSize = 64 * 1024): TestBody {
  const base = randomBytes(chunkSize);
  const chunkAt = (i: number, size: number): Buffer => {
    const c = Buffer.allocUnsafe(size);
    base.copy(c, 0, 0, size);
    const tag = Buffer.alloc(8);
    tag.writeBigUInt64BE(BigInt(i));
    tag.copy(c, 0, 0, Math.min(8, size));
    return c;
  };
  let pulled = 0;
  async function* chunks(opts: { extra?: number; flip?: number } = {}): AsyncGenerator<Uint8Array> {
    pulled = 0;
    const total = length + (opts.extra ?? 0);
    for (let off = 0, i = 0; off < total; off += chunkSize, i++) {
      const c = chunkAt(i, Math.min(chunkSize, total - off));
      const f = opts.flip;
      if (f !== undefined && f >= off && f < off + c.length) c[f - off]! ^= 0x01;
      pulled += c.length;
      yield c;
    }
  }
  const h = createHash("sha256");
  for (let off = 0, i = 0; off < length; off += chunkSize, i++) h.update(chunkAt(i, Math.min(chunkSize, length - off)));
  return {
    sha256: h.digest("hex"),
    length,
    chunks,
    pulled: () => pulled,
    byteAt(offset: number): number {
      const i = Math.floor(offset / chunkSize);
      return chunkAt(i, chunkSize)[offset % chunkSize]!;
    },
  };
}

/** Read a stream whole, hashing it; returns the digest and length (and the bytes when `keep`). */
export async function readAll(stream: AsyncIterable<Uint8Array>, keep = false): Promise<{ sha256: string; length: number; bytes?: Buffer }> {
  const h = createHash("sha256");
  const parts: Buffer[] = [];
  let length = 0;
  for await (const c of stream) {
    h.update(c);
    length += c.byteLength;
    if (keep) parts.push(Buffer.from(c));
  }
  return { sha256: h.digest("hex"), length, ...(keep ? { bytes: Buffer.concat(parts) } : {}) };
}
