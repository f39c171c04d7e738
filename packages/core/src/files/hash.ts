/**
 * SHA-256 and length of a file read as a stream: the pieces are hashed as
 * they arrive and dropped, so a file of any size is hashed in constant
 * memory (the hash state is 32 bytes). Works on Node (fs streams, any async
 * iterable) and in browsers (Blob.stream(), a fetch body).
 */
import { kindOf, requireBytes } from "../args.js";
import { toHex } from "../bytes.js";
import { createSha256 } from "../crypto.js";
import { SealTrailError } from "../errors.js";

/** The part of a web ReadableStream that {@link hashStream} reads (browsers whose streams are not async iterable). */
export interface ByteStreamReader {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>; releaseLock(): void };
}

/** Bytes as they arrive: an async iterable of chunks (Node streams, generators) or a web ReadableStream. */
export type ByteSource = AsyncIterable<Uint8Array> | ByteStreamReader;

/** A file's digest and length, as an attachment descriptor gives them. */
export interface FileDigest {
  /** SHA-256, 64 lowercase hex digits. */
  readonly sha256: string;
  /** Length in bytes. */
  readonly length: number;
}

function isAsyncIterable(v: object): v is AsyncIterable<Uint8Array> {
  return typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

/**
 * The chunks of `source`, checked to be bytes, for any {@link ByteSource}.
 * A web stream is read through its reader where it is not async iterable
 * (older Safari), and its lock released however the loop ends.
 *
 * @example
 * ```ts
 * for await (const chunk of byteChunks(blob.stream())) upload(chunk);
 * ```
 */
export function byteChunks(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  // Checked here, not in the generator, so that a wrong source fails at the call.
  if (source === null || typeof source !== "object" || (!isAsyncIterable(source) && typeof (source as { getReader?: unknown }).getReader !== "function")) {
    throw new SealTrailError("malformed", `byte source: must be an async iterable or a ReadableStream, not ${kindOf(source)}`);
  }
  return chunksOf(source);
}

function chunk(c: unknown): Uint8Array {
  if (!(c instanceof Uint8Array)) throw new SealTrailError("malformed", `byte source: each chunk must be a Uint8Array, not ${kindOf(c)}`);
  return c;
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (isAsyncIterable(source)) {
    for await (const c of source) yield chunk(c);
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      yield chunk(r.value);
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * SHA-256 and length of everything `source` yields, hashed incrementally:
 * the whole file is never held in memory.
 *
 * @example
 * ```ts
 * const { sha256, length } = await hashStream(fs.createReadStream("policy.pdf")); // Node
 * const d = await hashStream(file.stream()); // a browser File
 * ```
 */
export async function hashStream(source: AsyncIterable<Uint8Array> | ByteStreamReader): Promise<FileDigest> {
  const chunks = byteChunks(source);
  const h = createSha256();
  let length = 0;
  for await (const c of chunks) {
    h.update(c);
    length += c.length;
  }
  return { sha256: toHex(h.digest()), length };
}

/**
 * SHA-256 and length of bytes already in memory.
 *
 * @example
 * ```ts
 * hashBytes(utf8("abc")) // { sha256: "ba7816bf...", length: 3 }
 * ```
 */
export function hashBytes(bytes: Uint8Array): FileDigest {
  requireBytes(bytes, "hashBytes: bytes");
  const h = createSha256();
  h.update(bytes);
  return { sha256: toHex(h.digest()), length: bytes.length };
}
