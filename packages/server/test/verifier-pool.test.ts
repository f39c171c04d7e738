import { describe, expect, it } from "vitest";
import { ed25519Sign, generateEd25519KeyPair, utf8 } from "@sealtrail/core";
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
});
