/**
 * The store contract: every engine must pass this suite unchanged
 * (`for (const db of DATABASES)`, as Kysely's tests do): the embedded SQLite
 * file, and a fresh database on the run's real PostgreSQL server
 * (helpers/postgres.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import {
  SealTrailError,
  emptyRoot,
  generateEd25519KeyPair,
  hashLeaf,
  integrate,
  keyIdOf,
  MemoryTree,
  toHex,
  utf8,
} from "@sealtrail/core";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { openPostgresStore } from "../src/store/postgres/postgres-store.js";
import type { AccessStore, PendingEntry, Store } from "../src/store/types.js";
import { tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

interface Database {
  readonly name: string;
  /** A fresh database; `another()` opens a second, independent handle on the same one. */
  open(): Promise<{ store: Store & AccessStore; another: () => Promise<Store>; cleanup: () => Promise<void> | void }>;
}

const DATABASES: Database[] = [
  {
    name: "sqlite",
    async open() {
      const t = tempDir();
      const path = join(t.dir, "contract.db");
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
const alice = generateEd25519KeyPair();
const ALICE_KEY = keyIdOf(alice.publicKey);

let n = 0;
function entry(over: Partial<PendingEntry> = {}): PendingEntry {
  const bytes = utf8(`entry ${n++} ${Math.random()}`);
  return {
    entry: bytes,
    leafHash: hashLeaf(bytes),
    type: "test.risk",
    author: "alice",
    keyId: ALICE_KEY,
    claimedTime: new Date().toISOString(),
    subjects: [],
    supersedes: null,
    payload: '{"a":1}',
    salt: new Uint8Array(32).fill(7),
    keyChange: null,
    ...over,
  };
}
const registerAlice = () =>
  entry({ type: "sealtrail.key", payload: null, salt: null, keyChange: { action: "register", keyId: ALICE_KEY, publicKey: alice.publicKey } });

for (const db of DATABASES) {
  describe(`store contract: ${db.name}`, () => {
    let store: Store & AccessStore;
    let another: () => Promise<Store>;
    let cleanup: () => Promise<void> | void;
    beforeEach(async () => {
      ({ store, another, cleanup } = await db.open());
      await store.createVault({ name: V, origin: `example.com/${V}`, logSeed: new Uint8Array(32).fill(1), createdAt: new Date().toISOString() });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("creates vaults, organisations, held keys and settings, refusing duplicates", async () => {
      expect((await store.vault(V))?.origin).toBe(`example.com/${V}`);
      expect(await store.vault("nope")).toBeNull();
      await expect(store.createVault({ name: V, origin: "x", logSeed: new Uint8Array(32), createdAt: "" })).rejects.toMatchObject({ code: "conflict" });
      await expect(store.createVault({ name: "b", origin: `example.com/${V}`, logSeed: new Uint8Array(32), createdAt: "" })).rejects.toMatchObject({ code: "conflict" });
      expect((await store.vaults()).map((v) => v.name)).toEqual([V]);
      await store.createOrg({ id: "alice", name: "Alice Ltd", createdAt: "t" });
      await expect(store.createOrg({ id: "alice", name: "again", createdAt: "t" })).rejects.toBeInstanceOf(SealTrailError);
      expect((await store.org("alice"))?.name).toBe("Alice Ltd");
      await store.putHeldKey({ org: "alice", keyId: ALICE_KEY, seed: alice.seed });
      expect(toHex((await store.heldKeys("alice"))[0]!.seed)).toBe(toHex(alice.seed));
      expect(await store.getSetting("k")).toBeNull();
      await store.putSetting("k", "v1");
      await store.putSetting("k", "v2");
      expect(await store.getSetting("k")).toBe("v2");
    });

    it("starts empty and reports an unknown vault as not_found", async () => {
      const t = await store.tree(V);
      expect(t.size).toBe(0n);
      expect(toHex(t.root)).toBe(toHex(emptyRoot()));
      await expect(store.tree("nope")).rejects.toMatchObject({ code: "not_found" });
      expect(await store.latestCheckpoint(V)).toBeNull();
    });

    it("sequences contiguous indices, integrates tiles, and stores entries with payloads", async () => {
      const ref = new MemoryTree();
      const reg = registerAlice();
      expect((await store.sequence(V, [reg], integrate)).outcomes).toEqual([{ ok: true, index: 0n }]);
      ref.append(reg.leafHash);
      let expected = 1n;
      for (const size of [1, 255, 3, 300]) {
        const batch = Array.from({ length: size }, () => entry());
        const { outcomes, tree } = await store.sequence(V, batch, integrate);
        expect(outcomes.map((o) => (o.ok ? o.index : -1n))).toEqual(batch.map((_, i) => expected + BigInt(i)));
        batch.forEach((e) => ref.append(e.leafHash));
        expected += BigInt(size);
        expect(tree.size).toBe(expected);
        expect(toHex(tree.root)).toBe(toHex(ref.root()));
      }
      const stored = await store.tree(V);
      expect(toHex(stored.root)).toBe(toHex(ref.root()));
      const rows = await store.entries(V, 250n, 260n);
      expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 10 }, (_, i) => 250n + BigInt(i)));
      expect(rows[0]!.payload).toBe('{"a":1}');
      expect(toHex(rows[0]!.salt!)).toBe("07".repeat(32));
      expect(toHex(rows[0]!.leafHash)).toBe(toHex(hashLeaf(rows[0]!.entry)));
      const tiles = await store.readTiles(V, [{ level: 0, index: 0n }, { level: 0, index: 2n }, { level: 1, index: 0n }, { level: 0, index: 9n }]);
      expect(tiles.get("0/0")?.length).toBe(256 * 32);
      expect(tiles.get("0/2")?.length).toBe((560 - 512) * 32);
      expect(tiles.get("1/0")?.length).toBe(2 * 32);
      expect(tiles.has("0/9")).toBe(false);
    });

    it("sequences one very large batch (more rows than one SQL statement can carry)", async () => {
      const ref = new MemoryTree();
      const reg = registerAlice();
      await store.sequence(V, [reg], integrate);
      ref.append(reg.leafHash);
      const batch = Array.from({ length: 7000 }, (_, i) => entry({ subjects: [`S${i % 7}`, "all"] }));
      const { outcomes, tree } = await store.sequence(V, batch, integrate);
      expect(outcomes.every((o, i) => o.ok && o.index === BigInt(i + 1))).toBe(true);
      batch.forEach((e) => ref.append(e.leafHash));
      expect(tree.size).toBe(7001n);
      expect(toHex(tree.root)).toBe(toHex(ref.root()));
      expect(await store.findEntries(V, { subject: "S3", limit: 10_000 })).toHaveLength(1000);
      expect((await store.entries(V, 6990n, 7001n)).map((r) => r.payload)).toEqual(Array(11).fill('{"a":1}'));
    });

    it("refuses entries by unknown, foreign or revoked keys, and bad supersedes links, without a gap", async () => {
      await store.sequence(V, [registerAlice()], integrate);
      const bob = generateEd25519KeyPair();
      const bobKey = keyIdOf(bob.publicKey);
      const good = entry();
      const { outcomes } = await store.sequence(
        V,
        [
          entry({ keyId: bobKey }),
          entry({ author: "mallory" }),
          good,
          entry({ supersedes: { index: 1n, leafHash: new Uint8Array(32) } }),
          entry({ type: "test.incident", supersedes: { index: 1n, leafHash: good.leafHash } }),
          entry({ supersedes: { index: 1n, leafHash: good.leafHash } }),
          registerAlice(),
        ],
        integrate,
      );
      expect(outcomes.map((o) => (o.ok ? `ok ${o.index}` : o.code))).toEqual([
        "unknown_key",
        "unknown_key",
        "ok 1",
        "not_found",
        "conflict",
        "ok 2",
        "conflict",
      ]);
      // Revocation takes effect at its index: later entries by that key are refused.
      const revoke = entry({ type: "sealtrail.key", payload: null, salt: null, keyChange: { action: "revoke", keyId: ALICE_KEY, publicKey: alice.publicKey } });
      const r = await store.sequence(V, [revoke, entry()], integrate);
      expect(r.outcomes.map((o) => (o.ok ? `ok ${o.index}` : o.code))).toEqual(["ok 3", "unknown_key"]);
      const k = await store.key(V, ALICE_KEY);
      expect(k).toMatchObject({ org: "alice", registeredIndex: 0n, revokedIndex: 3n });
      expect((await store.keys(V)).length).toBe(1);
      expect((await store.tree(V)).size).toBe(4n);
    });

    it("serialises batches sent at once through two handles on the same database: contiguous indices, one tree", async () => {
      await store.sequence(V, [registerAlice()], integrate);
      const second = await another();
      try {
        const batches = Array.from({ length: 12 }, (_, i) => Array.from({ length: 1 + ((i * 37) % 60) }, () => entry()));
        const results = await Promise.all(batches.map((b, i) => (i % 2 === 0 ? store : second).sequence(V, b, integrate)));
        const byIndex = new Map<bigint, Uint8Array>();
        results.forEach((r, i) =>
          r.outcomes.forEach((o, j) => {
            expect(o.ok).toBe(true);
            if (o.ok) byIndex.set(o.index, batches[i]![j]!.leafHash);
          }),
        );
        const total = batches.reduce((n, b) => n + b.length, 0);
        expect([...byIndex.keys()].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
        // Each batch got a contiguous run of indices.
        for (const r of results) {
          const idx = r.outcomes.map((o) => (o.ok ? o.index : -1n));
          expect(idx).toEqual(idx.map((_, k) => idx[0]! + BigInt(k)));
        }
        const ref = new MemoryTree();
        const rows = await store.entries(V, 0n, BigInt(total + 1));
        for (const e of rows) ref.append(e.leafHash);
        for (const [i, h] of byIndex) expect(toHex(rows[Number(i)]!.leafHash)).toBe(toHex(h));
        const t = await second.tree(V);
        expect(t.size).toBe(BigInt(total + 1));
        expect(toHex(t.root)).toBe(toHex(ref.root()));
      } finally {
        await second.close();
      }
    });

    it("rolls a whole batch back when integration fails", async () => {
      await store.sequence(V, [registerAlice()], integrate);
      const before = await store.tree(V);
      await expect(
        store.sequence(V, [entry(), entry()], () => {
          throw new SealTrailError("internal", "boom");
        }),
      ).rejects.toThrow("boom");
      expect((await store.tree(V)).size).toBe(before.size);
      expect(await store.entries(V, 0n, 10n)).toHaveLength(1);
    });

    it("keeps organisations with country and roles, API keys, and memberships set by the log", async () => {
      await store.createOrg({ id: "bob", name: "Bob BV", country: "NL", roles: ["carrier", "warehouse"], createdAt: "t1" });
      await store.createOrg({ id: "alice", name: "Alice Ltd", createdAt: "t0" });
      expect(await store.orgs()).toEqual([
        { id: "alice", name: "Alice Ltd", country: null, roles: [], createdAt: "t0" },
        { id: "bob", name: "Bob BV", country: "NL", roles: ["carrier", "warehouse"], createdAt: "t1" },
      ]);
      const key = {
        id: "k1",
        org: "bob",
        name: "ci",
        secretHash: new Uint8Array(32).fill(5),
        vaults: [V] as const,
        read: true,
        write: ["test.*"],
        admin: false,
        createdAt: "2026-01-01T00:00:00.000Z",
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      };
      await store.createApiKey(key);
      await store.createApiKey({ ...key, id: "k0", vaults: "*", read: false, write: [], admin: true, createdAt: "2026-01-02T00:00:00.000Z", expiresAt: "2027-01-01T00:00:00.000Z" });
      const got = await store.apiKey("k1");
      expect({ ...got, secretHash: toHex(got!.secretHash) }).toEqual({ ...key, secretHash: "05".repeat(32) });
      expect((await store.apiKeys("bob")).map((k) => [k.id, k.vaults, k.admin, k.expiresAt])).toEqual([
        ["k1", [V], false, null],
        ["k0", "*", true, "2027-01-01T00:00:00.000Z"],
      ]);
      expect(await store.apiKey("nope")).toBeNull();
      await store.touchApiKey("k1", "2026-02-01T00:00:00.000Z");
      expect(await store.revokeApiKey("k1", "2026-03-01T00:00:00.000Z")).toBe(true);
      expect(await store.revokeApiKey("k1", "2026-04-01T00:00:00.000Z")).toBe(false);
      expect(await store.revokeApiKey("nope", "2026-04-01T00:00:00.000Z")).toBe(false);
      expect(await store.apiKey("k1")).toMatchObject({ revokedAt: "2026-03-01T00:00:00.000Z", lastUsedAt: "2026-02-01T00:00:00.000Z" });

      // Membership changes take effect at their index; the last one of a batch wins.
      const member = (change: NonNullable<PendingEntry["memberChange"]>) => entry({ type: "sealtrail.member", payload: null, salt: null, memberChange: change });
      await store.sequence(V, [registerAlice()], integrate);
      const r = await store.sequence(
        V,
        [
          member({ action: "set", org: "bob", read: true, write: ["test.*"], admin: false }),
          member({ action: "set", org: "carol", read: true, write: [], admin: false }),
          member({ action: "set", org: "bob", read: true, write: ["test.risk"], admin: true }),
        ],
        integrate,
      );
      expect(r.outcomes.map((o) => o.ok)).toEqual([true, true, true]);
      expect(await store.members(V)).toEqual([
        { vault: V, org: "bob", read: true, write: ["test.risk"], admin: true, sinceIndex: 3n },
        { vault: V, org: "carol", read: true, write: [], admin: false, sinceIndex: 2n },
      ]);
      await store.sequence(V, [member({ action: "remove", org: "carol" })], integrate);
      expect(await store.member(V, "carol")).toBeNull();
      expect((await store.member(V, "bob"))?.sinceIndex).toBe(3n);
      expect((await store.members(V)).map((m) => m.org)).toEqual(["bob"]);
    });

    it("finds entries by type, type prefix, author and subject after a cursor, and the records that supersede one", async () => {
      await store.sequence(V, [registerAlice()], integrate);
      const risk = entry({ subjects: ["s1"] });
      const batch = [
        risk,
        entry({ type: "test.incident", subjects: ["s1", "s2"] }),
        entry({ type: "custody.handoff", subjects: ["s2"] }),
        entry({ supersedes: { index: 1n, leafHash: risk.leafHash } }),
        entry({ supersedes: { index: 1n, leafHash: risk.leafHash }, subjects: ["s2"] }),
      ];
      expect((await store.sequence(V, batch, integrate)).outcomes.every((o) => o.ok)).toBe(true);
      const find = async (q: Parameters<Store["findEntries"]>[1]) => (await store.findEntries(V, q)).map((r) => Number(r.index));
      expect(await find({ type: "test.risk", limit: 10 })).toEqual([1, 4, 5]);
      expect(await find({ typePrefix: "test.", limit: 10 })).toEqual([1, 2, 4, 5]);
      expect(await find({ subject: "s2", limit: 10 })).toEqual([2, 3, 5]);
      expect(await find({ author: "alice", after: 2n, limit: 2 })).toEqual([3, 4]);
      expect(await find({ type: "test.risk", subject: "s2", limit: 10 })).toEqual([5]);
      expect(await find({ author: "bob", limit: 10 })).toEqual([]);
      const [row] = await store.findEntries(V, { type: "custody.handoff", limit: 1 });
      expect(row).toMatchObject({ index: 3n, type: "custody.handoff", author: "alice", payload: '{"a":1}' });
      expect(toHex(row!.leafHash)).toBe(toHex(batch[2]!.leafHash));
      expect(await store.supersedersOf(V, 1n)).toEqual([4n, 5n]);
      expect(await store.supersedersOf(V, 2n)).toEqual([]);
      expect(await store.firstWithSubject(V, "s2")).toBe(2n);
      expect(await store.firstWithSubject(V, "s1")).toBe(1n);
      expect(await store.firstWithSubject(V, "s3")).toBeNull();
      // After and with more entries: still the first one, and per vault.
      await store.sequence(V, [entry({ subjects: ["s3", "s2"] })], integrate);
      expect(await store.firstWithSubject(V, "s3")).toBe(6n);
      expect(await store.firstWithSubject(V, "s2")).toBe(2n);
      expect(await store.firstWithSubject("no-such-vault", "s2")).toBeNull();
      // What a chain of custody reads: index, author and payload of one type with one subject.
      const sp = await store.subjectPayloads(V, { type: "test.risk", subject: "s2", limit: 10 });
      expect(sp.map((r) => [r.index, r.author])).toEqual([
        [5n, "alice"],
        [6n, "alice"],
      ]);
      expect(sp[0]!.payload).toBe('{"a":1}');
      expect((await store.subjectPayloads(V, { type: "test.risk", subject: "s2", after: 5n, limit: 10 })).map((r) => r.index)).toEqual([6n]);
      expect(await store.subjectPayloads(V, { type: "custody.handoff", subject: "s1", limit: 10 })).toEqual([]);
      // A subject query is driven by the subject index: it pages in index order like any other.
      expect(await find({ subject: "s2", after: 2n, limit: 2 })).toEqual([3, 5]);
    });

    it("reads the heads of many record series and the payloads at many indices in one call each, per vault", async () => {
      await store.createVault({ name: "other", origin: "example.com/other", logSeed: new Uint8Array(32).fill(2), createdAt: new Date().toISOString() });
      const r1 = entry({ series: "test.risk R-1", payload: '{"v":1}' });
      const batch = [
        registerAlice(),
        r1,
        entry({ series: "test.risk R-2", payload: '{"v":2}' }),
        entry({ series: "test.risk R-1", supersedes: { index: 1n, leafHash: r1.leafHash }, payload: '{"v":3}' }),
        entry({ type: "test.flag", payload: null, salt: null }),
      ];
      expect((await store.sequence(V, batch, integrate)).outcomes.every((o) => o.ok)).toBe(true);
      expect((await store.sequence("other", [registerAlice(), entry({ series: "test.risk R-3", payload: '{"v":9}' })], integrate)).outcomes.every((o) => o.ok)).toBe(true);

      // Each series once, with its latest version; unknown ones (and another vault's) absent; names may repeat.
      const heads = await store.seriesHeads(V, ["test.risk R-2", "test.risk R-9", "test.risk R-1", "test.risk R-3", "test.risk R-2"]);
      expect([...heads.entries()].sort()).toEqual([
        ["test.risk R-1", 3n],
        ["test.risk R-2", 2n],
      ]);
      expect(heads.get("test.risk R-1")).toBe(await store.seriesHead(V, "test.risk R-1"));
      expect(await store.seriesHeads(V, [])).toEqual(new Map());
      expect(await store.seriesHeads("other", ["test.risk R-1", "test.risk R-3"])).toEqual(new Map([["test.risk R-3", 1n]]));
      // More names than one statement may bind (65,535 parameters on PostgreSQL): read in parts, none lost.
      const many = Array.from({ length: 70_000 }, (_, i) => `test.risk X-${i}`);
      expect(await store.seriesHeads(V, [...many, "test.risk R-2", ...many.slice(0, 100), "test.risk R-1"])).toEqual(
        new Map([
          ["test.risk R-2", 2n],
          ["test.risk R-1", 3n],
        ]),
      );

      // Payloads by index: no entry (99), no payload (4) and another vault's are absent.
      const payloads = await store.payloadsAt(V, [3n, 99n, 1n, 4n, 3n, 0n]);
      expect([...payloads.entries()].sort((a, b) => Number(a[0] - b[0]))).toEqual([
        [1n, '{"v":1}'],
        [3n, '{"v":3}'],
      ]);
      expect(await store.payloadsAt(V, [])).toEqual(new Map());
      expect(await store.payloadsAt("other", [1n, 3n])).toEqual(new Map([[1n, '{"v":9}']]));
      const spread = Array.from({ length: 70_000 }, (_, i) => BigInt(1000 + i));
      expect(await store.payloadsAt(V, [...spread, 2n])).toEqual(new Map([[2n, '{"v":2}']]));
    });

    it("keeps checkpoints once per size, in order", async () => {
      await store.putCheckpoint(V, { size: 1n, root: new Uint8Array(32).fill(1), note: "one" });
      await store.putCheckpoint(V, { size: 3n, root: new Uint8Array(32).fill(3), note: "three" });
      await store.putCheckpoint(V, { size: 1n, root: new Uint8Array(32).fill(9), note: "again" });
      expect((await store.checkpoints(V)).map((c) => [c.size, c.note])).toEqual([
        [1n, "one"],
        [3n, "three"],
      ]);
      expect((await store.latestCheckpoint(V))?.note).toBe("three");
      expect((await store.checkpointAt(V, 3n))?.note).toBe("three");
      expect(await store.checkpointAt(V, 2n)).toBeNull();
    });

    // --- Anchors (issue 4) ---
    it("keeps several anchors per checkpoint, by checkpoint size then in the order stored, per vault", async () => {
      await store.createVault({ name: "other", origin: "example.com/other", logSeed: new Uint8Array(32).fill(2), createdAt: new Date().toISOString() });
      expect(await store.anchors(V)).toEqual([]);
      await store.putAnchor(V, { checkpointSize: 5n, type: "rfc3161", record: '{"tsa":"b"}' });
      await store.putAnchor(V, { checkpointSize: 2n, type: "rfc3161", record: '{"tsa":"a"}' });
      await store.putAnchor(V, { checkpointSize: 5n, type: "evm", record: '{"chain":1}' });
      await store.putAnchor("other", { checkpointSize: 5n, type: "rfc3161", record: '{"tsa":"other"}' });
      const all = await store.anchors(V);
      expect(all.map((a) => [a.checkpointSize, a.type, a.record])).toEqual([
        [2n, "rfc3161", '{"tsa":"a"}'],
        [5n, "rfc3161", '{"tsa":"b"}'],
        [5n, "evm", '{"chain":1}'],
      ]);
      for (const a of all) expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);
      expect((await store.anchors(V, { checkpointSize: 5n })).map((a) => a.type)).toEqual(["rfc3161", "evm"]);
      expect(await store.anchors(V, { checkpointSize: 3n })).toEqual([]);
      expect((await store.anchors("other")).map((a) => a.record)).toEqual(['{"tsa":"other"}']);
      // A second handle on the same database sees them (they are stored, not cached).
      const again = await another();
      try {
        expect((await again.anchors(V)).length).toBe(3);
      } finally {
        await again.close();
      }
    });
  });
}
