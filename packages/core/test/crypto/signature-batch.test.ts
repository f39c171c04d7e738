/**
 * The packed signature-batch format (signature-batch.ts): tasks packed,
 * walked and verified with real Ed25519 keys, and the in-place writer the
 * bundle verifier fills.
 */
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../src/bytes.js";
import { ed25519Sign, generateEd25519KeyPair } from "../../src/crypto.js";
import {
  PACKED_TASK_HEADER,
  SignatureBatchWriter,
  packSignatureTasks,
  unpackSignatureTasks,
  verifyPackedSignatures,
  type SignatureTask,
} from "../../src/signature-batch.js";

const KEYS = [generateEd25519KeyPair(), generateEd25519KeyPair(), generateEd25519KeyPair()];

// Real signatures over messages of assorted lengths: empty, short, one past
// a byte boundary of the length field (256), and long.
const LENGTHS = [0, 1, 31, 255, 256, 1000, 70_000];

function makeTasks(n: number): SignatureTask[] {
  return Array.from({ length: n }, (_, i) => {
    const k = KEYS[i % KEYS.length]!;
    const len = LENGTHS[i % LENGTHS.length]!;
    const message = new Uint8Array(len).map((_, j) => (i * 31 + j) & 255);
    return { publicKey: k.publicKey, message, signature: ed25519Sign(k.seed, message) };
  });
}

function unpacked(packed: Uint8Array, count: number): { publicKey: string; message: string; signature: string; i: number }[] {
  const out: { publicKey: string; message: string; signature: string; i: number }[] = [];
  unpackSignatureTasks(packed, count, (publicKey, message, signature, i) => out.push({ publicKey: toHex(publicKey), message: toHex(message), signature: toHex(signature), i }));
  return out;
}

function hexed(tasks: readonly SignatureTask[]) {
  return tasks.map((t, i) => ({ publicKey: toHex(t.publicKey), message: toHex(t.message), signature: toHex(t.signature), i }));
}

describe("packSignatureTasks / unpackSignatureTasks / verifyPackedSignatures", () => {
  it("round trips real tasks: same keys, messages and signatures, in order, and every signature verifies", () => {
    const tasks = makeTasks(14);
    const packed = packSignatureTasks(tasks);
    const bytes = tasks.reduce((n, t) => n + PACKED_TASK_HEADER + t.message.length, 0);
    expect(packed.length).toBe(bytes);
    // The layout: key, signature, big-endian length, message.
    expect(toHex(packed.subarray(0, 32))).toBe(toHex(tasks[0]!.publicKey));
    expect(toHex(packed.subarray(32, 96))).toBe(toHex(tasks[0]!.signature));
    const second = PACKED_TASK_HEADER + tasks[0]!.message.length;
    expect(Array.from(packed.subarray(second + 96, second + 100))).toEqual([0, 0, 0, 1]);
    expect(unpacked(packed, tasks.length)).toEqual(hexed(tasks));
    expect(Array.from(verifyPackedSignatures(packed, tasks.length))).toEqual(tasks.map(() => 1));
  });

  it("reads a view at an offset into a larger buffer (as a worker receives a subarray)", () => {
    const tasks = makeTasks(5);
    const packed = packSignatureTasks(tasks);
    const big = new Uint8Array(packed.length + 37);
    big.set(packed, 13);
    const view = big.subarray(13, 13 + packed.length);
    expect(unpacked(view, 5)).toEqual(hexed(tasks));
    expect(Array.from(verifyPackedSignatures(view, 5))).toEqual([1, 1, 1, 1, 1]);
  });

  it("a forged signature, a wrong key, a changed message: 0 at that position only", () => {
    const tasks = makeTasks(21);
    const forged = tasks.map((t) => ({ ...t }));
    const sig = forged[4]!.signature.slice();
    sig[7]! ^= 0x20;
    forged[4] = { ...forged[4]!, signature: sig };
    forged[9] = { ...forged[9]!, publicKey: KEYS[(9 + 1) % KEYS.length]!.publicKey };
    const msg = forged[15]!.message.slice();
    msg[msg.length - 1]! ^= 1;
    forged[15] = { ...forged[15]!, message: msg };
    // A signature that is another task's, valid but over another message.
    forged[20] = { ...forged[20]!, signature: forged[19]!.signature };
    const bad = new Set([4, 9, 15, 20]);
    expect(Array.from(verifyPackedSignatures(packSignatureTasks(forged), forged.length))).toEqual(forged.map((_, i) => (bad.has(i) ? 0 : 1)));
    // Forged in place in the packed buffer too.
    const packed = packSignatureTasks(tasks);
    packed[32 + 10]! ^= 1;
    expect(Array.from(verifyPackedSignatures(packed, tasks.length))).toEqual(tasks.map((_, i) => (i === 0 ? 0 : 1)));
  });

  it("no tasks: an empty buffer and no results", () => {
    expect(packSignatureTasks([]).length).toBe(0);
    expect(verifyPackedSignatures(new Uint8Array(0), 0).length).toBe(0);
  });

  it("refuses to pack a key or signature of the wrong length", () => {
    const [t] = makeTasks(1);
    expect(() => packSignatureTasks([{ ...t!, publicKey: t!.publicKey.subarray(0, 31) }])).toThrow(/wrong length/);
    expect(() => packSignatureTasks([{ ...t!, signature: new Uint8Array(65) }])).toThrow(/wrong length/);
  });

  it("a truncated buffer, or more tasks asked for than it holds, throws a clear error", () => {
    const tasks = makeTasks(3);
    const packed = packSignatureTasks(tasks);
    const last = packed.length - tasks[2]!.message.length - PACKED_TASK_HEADER;
    // Inside the last header, inside the last message, one byte short.
    expect(() => verifyPackedSignatures(packed.subarray(0, last + 50), 3)).toThrow(/ends inside a task/);
    expect(() => verifyPackedSignatures(packed.subarray(0, last + PACKED_TASK_HEADER), 3)).toThrow(/ends inside a message/);
    expect(() => verifyPackedSignatures(packed.subarray(0, packed.length - 1), 3)).toThrow(/ends inside a message/);
    expect(() => unpackSignatureTasks(packed, 4, () => {})).toThrow(/ends inside a task/);
    expect(() => verifyPackedSignatures(new Uint8Array(99), 1)).toThrow(/ends inside a task/);
    // A length field that claims more than the buffer holds.
    const lying = packed.slice(0, last + PACKED_TASK_HEADER + tasks[2]!.message.length);
    lying[last + 96] = 0x7f;
    expect(() => verifyPackedSignatures(lying, 3)).toThrow(/ends inside a message/);
    // Fewer tasks than the buffer holds is fine: the first ones only.
    expect(Array.from(verifyPackedSignatures(packed, 2))).toEqual([1, 1]);
  });
});

describe("SignatureBatchWriter", () => {
  // Write one task the way the bundle verifier does: reserve, message and signature in place, commit.
  function write(w: SignatureBatchWriter, t: SignatureTask, max = t.message.length): number {
    const at = w.reserve(max);
    w.bytes.set(t.message, at + PACKED_TASK_HEADER);
    w.bytes.set(t.signature, at + 32);
    w.commit(at, t.publicKey, t.message.length);
    return at;
  }

  it("grows past its initial size, keeping what was committed; take() is the packed format", () => {
    const tasks = makeTasks(12);
    const w = new SignatureBatchWriter(200);
    const first = w.bytes;
    expect(first.length).toBe(200);
    for (const t of tasks) write(w, t, t.message.length + 40);
    expect(w.bytes).not.toBe(first);
    expect(w.bytes.length).toBeGreaterThan(70_000);
    expect(w.count).toBe(12);
    const { packed, count } = w.take();
    expect(count).toBe(12);
    expect(toHex(packed)).toBe(toHex(packSignatureTasks(tasks)));
    expect(Array.from(verifyPackedSignatures(packed, count))).toEqual(tasks.map(() => 1));
  });

  it("the initial size is at least one task header", () => {
    expect(new SignatureBatchWriter(0).bytes.length).toBe(PACKED_TASK_HEADER);
    const w = new SignatureBatchWriter(0);
    const [t] = makeTasks(2);
    write(w, t!);
    expect(Array.from(verifyPackedSignatures(w.take().packed, 1))).toEqual([1]);
  });

  it("a reservation not committed is dropped: the next reserve reuses its space", () => {
    const tasks = makeTasks(4);
    const w = new SignatureBatchWriter();
    write(w, tasks[0]!);
    const dropped = w.reserve(500);
    // Written into, then given up (a record that turned out malformed).
    w.bytes.fill(0xee, dropped, dropped + PACKED_TASK_HEADER + 500);
    expect(w.count).toBe(1);
    const again = w.reserve(10);
    expect(again).toBe(dropped);
    expect(write(w, tasks[1]!)).toBe(dropped);
    // Dropped twice in a row, then a commit.
    w.reserve(3);
    w.reserve(70_000);
    write(w, tasks[2]!);
    const { packed, count } = w.take();
    expect(count).toBe(2 + 1);
    expect(toHex(packed)).toBe(toHex(packSignatureTasks([tasks[0]!, tasks[1]!, tasks[2]!])));
  });

  it("take() resets: count 0, writing starts at offset 0, and the taken buffer is not written again", () => {
    const tasks = makeTasks(6);
    const w = new SignatureBatchWriter(1024);
    write(w, tasks[0]!);
    write(w, tasks[1]!);
    const a = w.take();
    const aHex = toHex(a.packed);
    expect(w.count).toBe(0);
    expect(w.take()).toEqual({ packed: new Uint8Array(0), count: 0 });
    expect(write(w, tasks[2]!)).toBe(0);
    write(w, tasks[3]!);
    const b = w.take();
    expect(b.count).toBe(2);
    expect(toHex(a.packed)).toBe(aHex);
    expect(Array.from(verifyPackedSignatures(a.packed, a.count))).toEqual([1, 1]);
    expect(toHex(b.packed)).toBe(toHex(packSignatureTasks([tasks[2]!, tasks[3]!])));
  });

  it("a task committed with a wrong key is refused at its position only", () => {
    const w = new SignatureBatchWriter(64);
    const msgs = ["a", "b", "c"].map((s) => utf8(s));
    const k = KEYS[0]!;
    msgs.forEach((m, i) => write(w, { publicKey: i === 1 ? KEYS[1]!.publicKey : k.publicKey, message: m, signature: ed25519Sign(k.seed, m) }));
    const { packed, count } = w.take();
    expect(Array.from(verifyPackedSignatures(packed, count))).toEqual([1, 0, 1]);
  });
});
