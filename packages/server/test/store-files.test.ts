/**
 * The store contract of evidence files, on both engines (as
 * store-contract.test.ts): the catalog's upload protocol (claim, stored,
 * abandoned), the file rules inside sequencing (a record names only files
 * the vault holds; who may erase), the records naming a file with their
 * cursor, and the sweep's marks, including a sweep racing a batch through a
 * second handle.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { generateEd25519KeyPair, hashLeaf, integrate, keyIdOf, utf8 } from "@sealtrail/core";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { openPostgresStore } from "../src/store/postgres/postgres-store.js";
import type { AccessStore, FileUpload, PendingEntry, Store } from "../src/store/types.js";
import { tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

interface Database {
  readonly name: string;
  open(): Promise<{ store: Store & AccessStore; another: () => Promise<Store>; cleanup: () => Promise<void> | void }>;
}

const DATABASES: Database[] = [
  {
    name: "sqlite",
    async open() {
      const t = tempDir();
      const path = join(t.dir, "files.db");
      return { store: openSqliteStore({ path }), another: async () => openSqliteStore({ path }), cleanup: t.cleanup };
    },
  },
  {
    name: "postgres",
    async open() {
      const db = await freshDatabase();
      return { store: await openPostgresStore({ url: db.url }), another: () => openPostgresStore({ url: db.url }), cleanup: db.drop };
    },
  },
];

const V = "vault-a";
const W = "vault-b";
const alice = generateEd25519KeyPair();
const bob = generateEd25519KeyPair();
const KEYS = { alice: keyIdOf(alice.publicKey), bob: keyIdOf(bob.publicKey) };
const PUBLIC = { alice: alice.publicKey, bob: bob.publicKey };
const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);

let n = 0;
function entry(over: Partial<PendingEntry> & { author?: "alice" | "bob" } = {}): PendingEntry {
  const bytes = utf8(`entry ${n++} ${Math.random()}`);
  const author = over.author ?? "alice";
  return {
    entry: bytes,
    leafHash: hashLeaf(bytes),
    type: "test.doc",
    author,
    keyId: KEYS[author],
    claimedTime: new Date().toISOString(),
    subjects: [],
    supersedes: null,
    payload: '{"a":1}',
    salt: new Uint8Array(32).fill(7),
    keyChange: null,
    ...over,
  };
}
const register = (who: "alice" | "bob") =>
  entry({ author: who, type: "sealtrail.key", payload: null, salt: null, keyChange: { action: "register", keyId: KEYS[who], publicKey: PUBLIC[who] } });
const upload = (sha256: string, at = new Date().toISOString()): FileUpload => ({ sha256, length: 3, mediaType: "text/plain", uploadedBy: "key-1", at });
const codes = (outcomes: readonly { ok: boolean; index?: bigint; code?: string }[]) => outcomes.map((o) => (o.ok ? `ok ${o.index}` : o.code));

for (const db of DATABASES) {
  describe(`store files contract: ${db.name}`, () => {
    let store: Store & AccessStore;
    let another: () => Promise<Store>;
    let cleanup: () => Promise<void> | void;
    beforeEach(async () => {
      ({ store, another, cleanup } = await db.open());
      for (const name of [V, W]) {
        await store.createVault({ name, origin: `example.com/${name}`, logSeed: new Uint8Array(32).fill(name === V ? 1 : 2), createdAt: new Date().toISOString() });
        await store.sequence(name, [register("alice"), register("bob")], integrate);
      }
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("claims, stores and abandons files: a row before the bytes, stored once whole, none left by a failed upload", async () => {
      const at = "2026-01-01T00:00:00.000Z";
      const claimed = await store.claimFile(V, upload(A, at));
      expect(claimed).toMatchObject({ vault: V, sha256: A, length: 3, mediaType: "text/plain", state: "receiving", uploadedAt: at, uploadedBy: "key-1", touchedAt: at, erasedAt: null, erasedBy: null });
      // A failed upload removes its own claim only.
      await store.abandonFile(V, A, "2026-01-01T00:00:00.001Z");
      expect(await store.file(V, A)).not.toBeNull();
      await store.abandonFile(V, A, at);
      expect(await store.file(V, A)).toBeNull();
      // Stored: marks the claim; a later claim of the same bytes touches it and keeps it stored.
      await store.claimFile(V, upload(A, at));
      expect(await store.fileStored(V, upload(A, at))).toMatchObject({ state: "stored", uploadedAt: at });
      const again = await store.claimFile(V, upload(A, "2026-01-02T00:00:00.000Z"));
      expect(again).toMatchObject({ state: "stored", uploadedAt: at, touchedAt: "2026-01-02T00:00:00.000Z" });
      await store.abandonFile(V, A, "2026-01-02T00:00:00.000Z");
      expect((await store.file(V, A))?.state).toBe("stored");
      // Stored without a claim (a concurrent failed upload removed it): created stored.
      expect(await store.fileStored(V, upload(B))).toMatchObject({ state: "stored" });
      expect([...(await store.filesAt(V, [A, B, C]))].map(([k, r]) => [k, r.state]).sort()).toEqual([
        [A, "stored"],
        [B, "stored"],
      ]);
      expect((await store.filesAt(W, [A, B])).size).toBe(0);
    });

    it("sequences a record only when every file it names is stored in its vault, and lists the records naming a file", async () => {
      await store.fileStored(V, upload(A));
      await store.claimFile(V, upload(B));
      await store.fileStored(W, upload(C));
      const { outcomes } = await store.sequence(
        V,
        [entry({ files: [A] }), entry({ files: [A, B] }), entry({ files: [C] }), entry({ files: [A] }), entry({ author: "bob", files: [A] })],
        integrate,
      );
      // B is still being received; C is another vault's file.
      expect(codes(outcomes)).toEqual(["ok 2", "conflict", "conflict", "ok 3", "ok 4"]);
      expect(outcomes[1]).toMatchObject({ message: expect.stringContaining("attachment 1 (sha256:" + B) });
      expect((await store.tree(V)).size).toBe(5n);
      const named = await store.fileRecords(V, A, { limit: 10 });
      expect(named.map((r) => [r.index, r.author])).toEqual([
        [2n, "alice"],
        [3n, "alice"],
        [4n, "bob"],
      ]);
      expect(named[0]!.payload).toBe('{"a":1}');
      expect((await store.fileRecords(V, A, { after: 2n, limit: 1 })).map((r) => r.index)).toEqual([3n]);
      expect(await store.fileRecords(V, B, { limit: 10 })).toEqual([]);
      expect(await store.fileRecords(W, A, { limit: 10 })).toEqual([]);
    });

    it("erases a file by a record of an organisation that named it, or of an administrator; never twice; an erased file is named no more", async () => {
      await store.fileStored(V, upload(A));
      await store.fileStored(V, upload(B));
      await store.sequence(V, [entry({ files: [A, B] })], integrate); // index 2, alice
      const erasure = (author: "alice" | "bob", sha: string) => entry({ author, type: "file.erasure", erasesFile: sha });
      const r = await store.sequence(V, [erasure("bob", A), erasure("alice", A), erasure("alice", A), entry({ files: [A] }), erasure("alice", C)], integrate);
      expect(codes(r.outcomes)).toEqual(["conflict", "ok 3", "conflict", "conflict", "not_found"]);
      expect(r.outcomes[0]).toMatchObject({ message: expect.stringContaining("bob may not erase") });
      expect(await store.file(V, A)).toMatchObject({ erasedBy: 3n, erasedAt: expect.any(String) });
      // Bob as an administrator of the vault may erase what he did not name.
      await store.sequence(V, [entry({ type: "sealtrail.member", payload: null, salt: null, memberChange: { action: "set", org: "bob", read: true, write: ["*"], admin: true } })], integrate);
      expect(codes((await store.sequence(V, [erasure("bob", B)], integrate)).outcomes)).toEqual(["ok 5"]);
      // An erased file is never claimed again, nor swept (records name it).
      expect((await store.claimFile(V, upload(A))).erasedBy).toBe(3n);
      expect(await store.fileStored(V, upload(A))).toBeNull();
      expect(await store.unreferencedFiles(V, "9999", 10)).toEqual([]);
    });

    it("sweeps only files no record names, untouched since the cut-off; a file being swept is neither claimed nor named", async () => {
      await store.fileStored(V, upload(A, "2026-01-01T00:00:00.000Z"));
      await store.fileStored(V, upload(B, "2026-01-01T00:00:01.000Z"));
      await store.fileStored(V, upload(C, "2026-03-01T00:00:00.000Z"));
      await store.sequence(V, [entry({ files: [B] })], integrate);
      const cut = "2026-02-01T00:00:00.000Z";
      expect((await store.unreferencedFiles(V, cut, 10)).map((f) => f.sha256)).toEqual([A]);
      expect(await store.beginSweep(V, B, cut)).toBe(false);
      expect(await store.beginSweep(V, C, cut)).toBe(false);
      expect(await store.beginSweep(V, A, cut)).toBe(true);
      expect((await store.claimFile(V, upload(A))).state).toBe("sweeping");
      expect(await store.fileStored(V, upload(A))).toBeNull();
      expect(codes((await store.sequence(V, [entry({ files: [A] })], integrate)).outcomes)).toEqual(["conflict"]);
      await store.sweptFile(V, A);
      expect(await store.file(V, A)).toBeNull();
      // Gone: a new upload starts afresh.
      expect((await store.claimFile(V, upload(A))).state).toBe("receiving");
    });

    it("never sweeps a file that a batch sequenced at the same time through another handle names", async () => {
      const second = await another();
      try {
        const old = "2026-01-01T00:00:00.000Z";
        const shas = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, "0"));
        for (const sha of shas) await store.fileStored(V, upload(sha, old));
        const [seq, swept] = await Promise.all([
          Promise.all(shas.map((sha) => second.sequence(V, [entry({ files: [sha] })], integrate))),
          Promise.all(shas.map((sha) => store.beginSweep(V, sha, "2026-02-01T00:00:00.000Z"))),
        ]);
        for (const [i, sha] of shas.entries()) {
          const o = seq[i]!.outcomes[0]!;
          // Exactly one wins: the record names it, or the sweep marks it.
          expect([o.ok, swept[i]]).not.toEqual([true, true]);
          expect([o.ok, swept[i]]).not.toEqual([false, false]);
          expect((await store.file(V, sha))?.state).toBe(o.ok ? "stored" : "sweeping");
        }
      } finally {
        await second.close();
      }
    });
  });
}
