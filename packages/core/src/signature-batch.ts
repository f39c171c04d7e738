/**
 * Ed25519 signatures to check, packed into one byte array: the form in which
 * a batch travels to a worker thread as a single transferred buffer (no
 * structured clone of thousands of small arrays), and in which the bundle
 * verifier writes each record straight where its check will read it.
 *
 * Per task: the 32-byte public key, the 64-byte signature, the message
 * length (u32, big-endian), then the message.
 */
import { requireArray, requireBytes, requireFunction, requireInteger, requireObject } from "./args.js";
import { ed25519Verify } from "./crypto.js";
import { malformed } from "./errors.js";

/** One Ed25519 signature to check. */
export interface SignatureTask {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Bytes before each message: public key, signature, length. */
export const PACKED_TASK_HEADER = 32 + 64 + 4;

/**
 * Pack tasks into one buffer.
 *
 * @example
 * ```ts
 * const packed = packSignatureTasks([{ publicKey, message, signature }]);
 * ```
 */
export function packSignatureTasks(tasks: readonly SignatureTask[]): Uint8Array {
  let n = 0;
  for (const t of requireArray(tasks, "packSignatureTasks: tasks")) {
    const o = requireObject(t, "packSignatureTasks: task");
    requireBytes(o.publicKey, "packSignatureTasks: task public key");
    requireBytes(o.signature, "packSignatureTasks: task signature");
    n += PACKED_TASK_HEADER + requireBytes(o.message, "packSignatureTasks: task message").length;
  }
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const t of tasks) {
    if (t.publicKey.length !== 32 || t.signature.length !== 64) throw malformed("packSignatureTasks: key or signature of the wrong length");
    out.set(t.publicKey, o);
    out.set(t.signature, o + 32);
    view.setUint32(o + 96, t.message.length);
    out.set(t.message, o + PACKED_TASK_HEADER);
    o += PACKED_TASK_HEADER + t.message.length;
  }
  return out;
}

/**
 * Walk a packed buffer, calling `fn` with views (no copies) of each task.
 * Throws if the buffer does not hold `count` whole tasks.
 *
 * @example
 * ```ts
 * unpackSignatureTasks(packed, count, (publicKey, message, signature, i) => { ... });
 * ```
 */
export function unpackSignatureTasks(
  packed: Uint8Array,
  count: number,
  fn: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, i: number) => void,
): void {
  requireBytes(packed, "unpackSignatureTasks: packed");
  requireInteger(count, "unpackSignatureTasks: count");
  requireFunction(fn, "unpackSignatureTasks: callback");
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  let o = 0;
  for (let i = 0; i < count; i++) {
    if (o + PACKED_TASK_HEADER > packed.length) throw malformed("unpackSignatureTasks: the buffer ends inside a task");
    const len = view.getUint32(o + 96);
    if (o + PACKED_TASK_HEADER + len > packed.length) throw malformed("unpackSignatureTasks: the buffer ends inside a message");
    fn(packed.subarray(o, o + 32), packed.subarray(o + PACKED_TASK_HEADER, o + PACKED_TASK_HEADER + len), packed.subarray(o + 32, o + 96), i);
    o += PACKED_TASK_HEADER + len;
  }
}

/**
 * Check every task of a packed buffer in this thread: 1 where the
 * signature verifies, 0 where it does not.
 *
 * @example
 * ```ts
 * const results = verifyPackedSignatures(packed, count);
 * ```
 */
export function verifyPackedSignatures(packed: Uint8Array, count: number): Uint8Array {
  requireBytes(packed, "verifyPackedSignatures: packed");
  requireInteger(count, "verifyPackedSignatures: count");
  const results = new Uint8Array(count);
  unpackSignatureTasks(packed, count, (publicKey, message, signature, i) => {
    results[i] = ed25519Verify(publicKey, message, signature) ? 1 : 0;
  });
  return results;
}

/**
 * A growing packed buffer, written one task at a time in place: reserve room
 * for a message of at most `max` bytes, write the message at
 * `offset + PACKED_TASK_HEADER`, then commit it with its key and signature
 * (or drop it by not committing).
 */
export class SignatureBatchWriter {
  private buf: Uint8Array;
  private used = 0;
  private tasks = 0;

  constructor(initialBytes = 1 << 16) {
    requireInteger(initialBytes, "SignatureBatchWriter: initial bytes", 0, 1 << 30);
    this.buf = new Uint8Array(Math.max(PACKED_TASK_HEADER, initialBytes));
  }

  /** The buffer to write into (valid until the next reserve). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Tasks committed so far. */
  get count(): number {
    return this.tasks;
  }

  /** Room for a task with a message of up to `max` bytes; returns the task's offset. */
  reserve(max: number): number {
    const need = this.used + PACKED_TASK_HEADER + max;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    return this.used;
  }

  /** Commit the task at `offset` (from the last reserve): its message of `length` bytes is in place, the signature at `offset + 32`. */
  commit(offset: number, publicKey: Uint8Array, length: number): void {
    if (publicKey.length !== 32) throw malformed("SignatureBatchWriter: a public key must be 32 bytes");
    this.buf.set(publicKey, offset);
    this.buf[offset + 96] = length >>> 24;
    this.buf[offset + 97] = (length >>> 16) & 255;
    this.buf[offset + 98] = (length >>> 8) & 255;
    this.buf[offset + 99] = length & 255;
    this.used = offset + PACKED_TASK_HEADER + length;
    this.tasks++;
  }

  /** The committed tasks, as one exactly sized buffer (a view, no copy), and a fresh empty writer state. */
  take(): { packed: Uint8Array; count: number } {
    const out = { packed: this.buf.subarray(0, this.used), count: this.tasks };
    this.buf = new Uint8Array(this.buf.length);
    this.used = 0;
    this.tasks = 0;
    return out;
  }
}
