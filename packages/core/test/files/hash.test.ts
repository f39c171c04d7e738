import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { utf8 } from "../../src/bytes.js";
import { pureCryptoBackend, setCryptoBackend, type CryptoBackend } from "../../src/crypto.js";
import { nodeCryptoBackend } from "../../src/crypto-node.js";
import { SealTrailError } from "../../src/errors.js";
import { byteChunks, hashBytes, hashStream } from "../../src/files/hash.js";

// FIPS 180-2 Appendix B.1 ("abc") and B.2 (the 448-bit message), and the
// empty message as given in RFC 6234 §8.5's test driver; the million "a"
// of B.3 is computed below from chunks.
const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const B2_MSG = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const B2 = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

async function* chunksOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(at, c);
    at = c;
  }
  yield bytes.subarray(at);
}

/** A web ReadableStream seen only through its reader, as in a browser whose streams are not async iterable. */
function readerOnly(parts: readonly Uint8Array[]) {
  const s = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  return { getReader: () => s.getReader(), locked: () => s.locked };
}

const BACKENDS: CryptoBackend[] = [pureCryptoBackend, nodeCryptoBackend];
afterAll(() => setCryptoBackend(nodeCryptoBackend));

describe.each(BACKENDS)("hashStream and hashBytes on the $name backend", (b) => {
  it("give the FIPS 180-2 / RFC 6234 vectors", async () => {
    setCryptoBackend(b);
    expect(hashBytes(utf8("abc"))).toEqual({ sha256: ABC, length: 3 });
    expect(hashBytes(new Uint8Array(0))).toEqual({ sha256: EMPTY, length: 0 });
    expect(hashBytes(utf8(B2_MSG))).toEqual({ sha256: B2, length: 56 });
    expect(await hashStream(chunksOf(utf8("abc"), [1, 2]))).toEqual({ sha256: ABC, length: 3 });
    expect(await hashStream(chunksOf(new Uint8Array(0), []))).toEqual({ sha256: EMPTY, length: 0 });
    expect(await hashStream((async function* () {})())).toEqual({ sha256: EMPTY, length: 0 });
    const piece = new Uint8Array(1000).fill(0x61);
    expect(await hashStream((async function* () { for (let i = 0; i < 1000; i++) yield piece; })())).toEqual({ sha256: MILLION_A, length: 1_000_000 });
  });

  it("over any chunking equals SHA-256 of the whole (property)", async () => {
    setCryptoBackend(b);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(), { maxLength: 20 }), async (bytes, raw) => {
        const cuts = raw.map((n) => n % (bytes.length + 1));
        const whole = createHash("sha256").update(bytes).digest("hex");
        const streamed = await hashStream(chunksOf(bytes, cuts));
        expect(streamed).toEqual({ sha256: whole, length: bytes.length });
        expect(hashBytes(bytes)).toEqual(streamed);
      }),
      { numRuns: 200 },
    );
  });
});

describe("hashStream sources", () => {
  it("reads a Node stream, a web ReadableStream and a reader-only stream alike, and releases the reader", async () => {
    const bytes = utf8(B2_MSG);
    expect((await hashStream(Readable.from([Buffer.from(bytes.subarray(0, 7)), Buffer.from(bytes.subarray(7))]))).sha256).toBe(B2);
    const web = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(bytes), c.close()) });
    expect((await hashStream(web)).sha256).toBe(B2);
    const ro = readerOnly([bytes.subarray(0, 30), bytes.subarray(30)]);
    expect((await hashStream(ro)).sha256).toBe(B2);
    expect(ro.locked()).toBe(false);
  });

  it("refuses a chunk that is not bytes, naming the source", async () => {
    const strings = (async function* () { yield "abc" as unknown as Uint8Array; })();
    await expect(hashStream(strings)).rejects.toThrow(/byte source: each chunk must be a Uint8Array, not a string/);
    await expect(hashStream(Readable.from(["abc"]))).rejects.toBeInstanceOf(SealTrailError);
    expect(() => byteChunks({} as never)).toThrow(/byte source/);
  });

  it("hashes a large stream without holding it (only the digest and count are kept)", async () => {
    // 64 MiB from one reused 1 MiB buffer: the result needs every byte hashed once, in order.
    const mib = new Uint8Array(1 << 20);
    for (let i = 0; i < mib.length; i++) mib[i] = i & 0xff;
    const whole = createHash("sha256");
    for (let i = 0; i < 64; i++) whole.update(mib);
    const got = await hashStream((async function* () { for (let i = 0; i < 64; i++) yield mib; })());
    expect(got).toEqual({ sha256: whole.digest("hex"), length: 64 << 20 });
  });
});
