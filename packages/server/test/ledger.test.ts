import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  SealTrailError,
  buildKeyRecord,
  buildRecord,
  ed25519PublicKey,
  generateEd25519KeyPair,
  hashLeaf,
  openCheckpoint,
  toBase64,
  toHex,
  verifyConsistency,
  verifyTlogProof,
} from "@sealtrail/core";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

async function expectCode(p: Promise<unknown>, code: string): Promise<SealTrailError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SealTrailError);
  expect((e as SealTrailError).code).toBe(code);
  return e as SealTrailError;
}

for (const engine of ENGINES) {
  describe(`ledger: ${engine}`, () => {
    let log: TempLog;
    beforeEach(async () => {
      log = await tempLog({ engine });
    });
    afterEach(async () => {
      await log.close();
    });

    it("starts with the operator key registered at index 0 and a checkpoint of size 1", async () => {
      const [row] = await log.ctx.store.entries("default", 0n, 1n);
      const env = JSON.parse(new TextDecoder().decode(row!.entry)).env;
      expect(env.type).toBe("sealtrail.key");
      expect(env.key.action).toBe("register");
      const cp = await log.ctx.store.latestCheckpoint("default");
      const opened = openCheckpoint(cp!.note, log.vkey);
      expect(opened.size).toBe(1n);
      expect(toHex(opened.root)).toBe(toHex(hashLeaf(row!.entry)));
    });

    it("appends, publishes, and proves every record against every checkpoint", async () => {
      const sizes: bigint[] = [1n];
      for (const n of [1, 7, 250, 3, 300]) {
        const subs = Array.from({ length: n }, (_, i) => log.submission({ title: `risk ${i}`, n }));
        const res = await log.ctx.ledger.append("default", subs);
        expect(res.map((r) => r.index)).toEqual(res.map((_, i) => res[0]!.index + BigInt(i)));
        const cp = await log.ctx.ledger.publish("default");
        sizes.push(cp!.size);
      }
      expect(sizes.at(-1)).toBe(562n);
      const cps = await log.ctx.store.checkpoints("default");
      expect(cps.map((c) => c.size)).toEqual(sizes);
      const entries = await log.ctx.store.entries("default", 0n, 562n);
      for (const cp of cps) {
        for (const i of [0n, cp.size / 2n, cp.size - 1n]) {
          const proof = await log.ctx.ledger.tlogProof("default", i, cp.size);
          const r = verifyTlogProof(proof, entries[Number(i)]!.entry, log.vkey);
          expect(r.size).toBe(cp.size);
        }
      }
      for (const a of cps) {
        for (const b of cps) {
          if (a.size > b.size) continue;
          const p = await log.ctx.ledger.consistencyProof("default", a.size, b.size);
          expect(() => verifyConsistency(a.size, b.size, p, a.root, b.root)).not.toThrow();
        }
      }
    });

    it("property: random batches, every inclusion and consistency proof verifies, any flipped byte fails", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.nat(), async (batches, pick) => {
          for (const n of batches) {
            await log.ctx.ledger.append("default", Array.from({ length: n }, (_, i) => log.submission({ i })));
            await log.ctx.ledger.publish("default");
          }
          const tree = await log.ctx.store.tree("default");
          const index = BigInt(pick) % tree.size;
          const [row] = await log.ctx.store.entries("default", index, index + 1n);
          const proof = await log.ctx.ledger.tlogProof("default", index);
          expect(verifyTlogProof(proof, row!.entry, log.vkey).index).toBe(index);
          // Flip one byte of the entry, then of the proof text: both must fail.
          const entry = row!.entry.slice();
          entry[pick % entry.length]! ^= 0x01;
          expect(() => verifyTlogProof(proof, entry, log.vkey)).toThrow(SealTrailError);
          const bytes = new TextEncoder().encode(proof);
          bytes[pick % bytes.length]! ^= 0x01;
          expect(() => verifyTlogProof(bytes, row!.entry, log.vkey)).toThrow(SealTrailError);
        }),
        { numRuns: 15 },
      );
    });

    it("sequences concurrent appends into contiguous indices", async () => {
      const all = await Promise.all(
        Array.from({ length: 20 }, (_, k) => log.ctx.ledger.append("default", Array.from({ length: 5 }, (_, i) => log.submission({ k, i })))),
      );
      const idx = all.flat().map((r) => Number(r.index)).sort((a, b) => a - b);
      expect(idx).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect((await log.ctx.store.tree("default")).size).toBe(101n);
    });

    describe("refuses bad records and stores nothing", () => {
      // Takes the append as a function, started only once the size is read: a
      // refusal that settled while a networked store was still answering
      // would be an unhandled rejection.
      async function sizeUnchanged(append: () => Promise<unknown>, code: string): Promise<void> {
        const before = (await log.ctx.store.tree("default")).size;
        await expectCode(append(), code);
        expect((await log.ctx.store.tree("default")).size).toBe(before);
      }

      it("malformed envelope", async () => {
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: { env: { v: 1 }, sig: "x" } }]), "malformed");
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: "not an object" }]), "malformed");
        await sizeUnchanged(() => log.ctx.ledger.append("default", [null as never]), "malformed");
      });

      it("a bad signature", async () => {
        const s = log.submission({ a: 1 });
        const sig = Uint8Array.from(atob((s.entry as { sig: string }).sig), (c) => c.charCodeAt(0));
        sig[0]! ^= 1;
        const forged = { ...s, entry: { ...(s.entry as object), sig: toBase64(sig) } };
        await sizeUnchanged(() => log.ctx.ledger.append("default", [forged]), "bad_signature");
      });

      it("a changed payload", async () => {
        const s = log.submission({ a: 1 });
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ ...s, payload: { a: 2 } }]), "invalid");
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: s.entry }]), "invalid");
      });

      it("an unknown key, and a whole batch with one bad record", async () => {
        const stranger = generateEd25519KeyPair();
        const rec = buildRecord({ vault: "default", type: "test.risk", author: log.org, seed: stranger.seed, payload: { a: 1 } });
        const bad = { entry: rec.signed, payload: { a: 1 }, salt: toBase64(rec.salt!) };
        await sizeUnchanged(() => log.ctx.ledger.append("default", [bad]), "unknown_key");
        const e = await expectCode(log.ctx.ledger.append("default", [log.submission({ ok: 1 }), bad]), "unknown_key");
        expect(e.message).toMatch(/^record 1:/);
      });

      it("a record for another vault, an unknown vault, a reserved type, a claimed time in the future", async () => {
        const rec = buildRecord({ vault: "other", type: "test.risk", author: log.org, seed: log.seed, payload: { a: 1 } });
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: rec.signed, payload: { a: 1 }, salt: toBase64(rec.salt!) }]), "invalid");
        await expectCode(log.ctx.ledger.append("nope", [log.submission({ a: 1 })]), "not_found");
        const res = buildRecord({ vault: "default", type: "sealtrail.audit", author: log.org, seed: log.seed });
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: res.signed }]), "invalid");
        const future = buildRecord({ vault: "default", type: "test.risk", author: log.org, seed: log.seed, time: new Date(Date.now() + 3_600_000) });
        await sizeUnchanged(() => log.ctx.ledger.append("default", [{ entry: future.signed }]), "invalid");
      });

      it("a supersedes link to a record that is not in the vault, or of another type", async () => {
        await sizeUnchanged(() => log.ctx.ledger.append("default", [log.submission({ a: 1 }, { supersedes: { index: 0, leafHash: "ab".repeat(32) } })]), "not_found");
        const [first] = await log.ctx.ledger.append("default", [log.submission({ a: 1 })]);
        await sizeUnchanged(
          () => log.ctx.ledger.append("default", [log.submission({ a: 2 }, { type: "test.incident", supersedes: { index: Number(first!.index), leafHash: toHex(first!.leafHash) } })]),
          "conflict",
        );
        const [second] = await log.ctx.ledger.append("default", [log.submission({ a: 2 }, { supersedes: { index: Number(first!.index), leafHash: toHex(first!.leafHash) } })]);
        expect(second!.index).toBe(first!.index + 1n);
      });
    });

    it("registers, uses and revokes a key; records signed with a revoked key are refused", async () => {
      const k = generateEd25519KeyPair();
      const reg = buildKeyRecord({ vault: "default", author: log.org, seed: k.seed, action: "register", publicKey: k.publicKey });
      const use = buildRecord({ vault: "default", type: "test.risk", author: log.org, seed: k.seed, payload: { a: 1 } });
      // Registration and first use in one request.
      const res = await log.ctx.ledger.append("default", [{ entry: reg.signed }, { entry: use.signed, payload: { a: 1 }, salt: toBase64(use.salt!) }]);
      expect(res).toHaveLength(2);
      // The same registration again is the record already logged; a new one of the same key is a conflict.
      expect(await log.ctx.ledger.append("default", [{ entry: reg.signed }])).toEqual([{ index: res[0]!.index, leafHash: res[0]!.leafHash, existing: true }]);
      const again = buildKeyRecord({ vault: "default", author: log.org, seed: k.seed, action: "register", publicKey: k.publicKey, time: new Date(Date.now() + 1) });
      await expectCode(log.ctx.ledger.append("default", [{ entry: again.signed }]), "conflict");
      const revoke = buildKeyRecord({ vault: "default", author: log.org, seed: log.seed, action: "revoke", publicKey: k.publicKey });
      await log.ctx.ledger.append("default", [{ entry: revoke.signed }]);
      const late = buildRecord({ vault: "default", type: "test.risk", author: log.org, seed: k.seed, payload: { a: 2 } });
      await expectCode(log.ctx.ledger.append("default", [{ entry: late.signed, payload: { a: 2 }, salt: toBase64(late.salt!) }]), "unknown_key");
      const key = await log.ctx.store.key("default", reg.signed.env.key!.keyId);
      expect(key?.revokedIndex).toBe(res[1]!.index + 1n);
      expect(toHex(key!.publicKey)).toBe(toHex(ed25519PublicKey(k.seed)));
    });

    it("does not serve a proof for an entry no checkpoint covers yet, and says why", async () => {
      const [r] = await log.ctx.ledger.append("default", [log.submission({ a: 1 })]);
      await expectCode(log.ctx.ledger.tlogProof("default", r!.index), "unavailable");
      await expectCode(log.ctx.ledger.tlogProof("default", 99n), "not_found");
      await expectCode(log.ctx.ledger.tlogProof("default", 0n, 5n), "not_found");
      await expectCode(log.ctx.ledger.consistencyProof("default", 2n, 1n), "invalid");
      await expectCode(log.ctx.ledger.consistencyProof("default", 1n, 50n), "not_found");
    });

    it("publishes checkpoints on its interval only when the tree grew", async () => {
      const fast = await tempLog({ checkpointIntervalMs: 50, engine });
      try {
        fast.ctx.ledger.start();
        await fast.ctx.ledger.append("default", [fast.submission({ a: 1 })]);
        const deadline = Date.now() + 5000;
        while ((await fast.ctx.store.latestCheckpoint("default"))!.size < 2n && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 200));
        const cps = await fast.ctx.store.checkpoints("default");
        expect(cps.map((c) => c.size)).toEqual([1n, 2n]);
      } finally {
        await fast.close();
      }
    });
  });
}
