import { describe, expect, it } from "vitest";
import { PACKED_TASK_HEADER, SignatureBatchWriter, ed25519Sign, generateEd25519KeyPair, packSignatureTasks, utf8 } from "@sealtrail/core";
import { createVerifierPool, type VerifyTask } from "../src/ledger/verifier-pool.js";

function tasks(n: number): VerifyTask[] {
  const k = generateEd25519KeyPair();
  return Array.from({ length: n }, (_, i) => {
    const message = utf8(`message ${i}`);
    return { publicKey: k.publicKey, message, signature: ed25519Sign(k.seed, message) };
  });
}

describe("verifier pool", () => {
  it("verifies large batches on worker threads, in order, naming each bad signature", async () => {
    const pool = createVerifierPool({ threads: 2 });
    try {
      const t = tasks(500);
      const bad = new Set([0, 137, 499]);
      for (const i of bad) {
        const sig = t[i]!.signature.slice();
        sig[5]! ^= 1;
        t[i] = { ...t[i]!, signature: sig };
      }
      // Wrong lengths are refused too, without reaching a worker.
      t[200] = { ...t[200]!, signature: t[200]!.signature.subarray(0, 63) };
      t[201] = { ...t[201]!, publicKey: new Uint8Array(31) };
      bad.add(200).add(201);
      const ok = await pool.verifyAll(t);
      expect(ok).toEqual(t.map((_, i) => !bad.has(i)));
      expect(await pool.verifyAll(tasks(10))).toEqual(Array(10).fill(true));
    } finally {
      await pool.close();
    }
  });

  it("keeps working after its workers are closed", async () => {
    const pool = createVerifierPool({ threads: 2 });
    try {
      expect((await pool.verifyAll(tasks(100))).every(Boolean)).toBe(true);
      await pool.close();
      expect((await pool.verifyAll(tasks(100))).every(Boolean)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("verifyPacked: concurrent packed batches on two workers, answered position by position; the buffer is transferred", async () => {
    const pool = createVerifierPool({ threads: 2 });
    try {
      const t = tasks(300);
      const bad = new Set([0, 63, 64, 150, 151, 222, 299]);
      for (const i of bad) {
        const sig = t[i]!.signature.slice();
        sig[i % 64]! ^= 4;
        t[i] = { ...t[i]!, signature: sig };
      }
      const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => (bad.has(from + k) ? 0 : 1));
      // Uneven batches, all sent at once; one built the way the bundle
      // verifier builds them, a view of the front of a larger buffer.
      const cuts: [number, number][] = [
        [0, 64],
        [64, 150],
        [150, 230],
        [230, 300],
      ];
      const batches = cuts.map(([a, b]) => packSignatureTasks(t.slice(a, b)));
      const w = new SignatureBatchWriter(1 << 16);
      for (const x of t) {
        const at = w.reserve(x.message.length);
        w.bytes.set(x.message, at + PACKED_TASK_HEADER);
        w.bytes.set(x.signature, at + 32);
        w.commit(at, x.publicKey, x.message.length);
      }
      const whole = w.take();
      expect(whole.packed.buffer.byteLength).toBeGreaterThan(whole.packed.byteLength);
      const answers = await Promise.all([...batches.map((p, i) => pool.verifyPacked(p, cuts[i]![1] - cuts[i]![0])), pool.verifyPacked(whole.packed, whole.count)]);
      answers.slice(0, cuts.length).forEach((r, i) => expect(Array.from(r), `batch ${i}`).toEqual(expected(...cuts[i]!)));
      expect(Array.from(answers[cuts.length]!)).toEqual(expected(0, 300));
      // Sent to a worker: each buffer was transferred, so it is detached here.
      for (const p of batches) expect(p.buffer.byteLength).toBe(0);
      expect(whole.packed.buffer.byteLength).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("verifyPacked: a batch below 64 tasks is answered inline, its buffer left in place", async () => {
    const pool = createVerifierPool({ threads: 2 });
    try {
      const t = tasks(63);
      const sig = t[62]!.signature.slice();
      sig[0]! ^= 1;
      t[62] = { ...t[62]!, signature: sig };
      const packed = packSignatureTasks(t);
      const before = packed.byteLength;
      const r = await pool.verifyPacked(packed, 63);
      expect(Array.from(r)).toEqual(t.map((_, i) => (i === 62 ? 0 : 1)));
      // Not transferred: no worker saw it.
      expect(packed.byteLength).toBe(before);
      expect(packed.buffer.byteLength).toBe(before);
      // At 64 it goes to a worker, and the buffer is detached.
      const at64 = packSignatureTasks(tasks(64));
      expect(Array.from(await pool.verifyPacked(at64, 64))).toEqual(Array(64).fill(1));
      expect(at64.buffer.byteLength).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
