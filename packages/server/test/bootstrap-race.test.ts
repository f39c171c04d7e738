/**
 * Several servers starting at once on one empty database: every one of them
 * finishes its first start, and they agree on one instance, one operator
 * key, one vault, and one key registration in the log.
 */
import { expect, it } from "vitest";
import { openContext, type Context } from "../src/main.js";
import { SETTING_BOOTSTRAP_KEY, initializeWithAccess } from "../src/access/bootstrap.js";
import { auditVault } from "../src/ledger/audit.js";
import { freshDatabase } from "./helpers/postgres.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";

for (const engine of ENGINES) {
  it(`first starts racing on one empty ${engine} database agree (${engine})`, async () => {
    const { dir, cleanup } = tempDir();
    const pg = engine === "postgres" ? await freshDatabase() : undefined;
    const ctxs: Context[] = [];
    try {
      // Open one after another (the SQLite file is created by the first), then start all at once.
      for (let i = 0; i < 4; i++) ctxs.push(await openContext({ data: dir, db: pg?.url }));
      const results = await Promise.all(ctxs.map((c) => initializeWithAccess(c.store, c.ledger)));
      expect(new Set(results.map((r) => r.instance)).size).toBe(1);
      expect(new Set(results.map((r) => r.keyId)).size).toBe(1);
      expect(new Set(results.map((r) => r.origin)).size).toBe(1);
      const store = ctxs[0]!.store;
      const keyEntries = (await store.entries("default", 0n, 100n)).filter((e) => e.type === "sealtrail.key");
      expect(keyEntries).toHaveLength(1);
      expect((await store.keys("default")).map((k) => k.keyId)).toEqual([results[0]!.keyId]);
      expect((await auditVault(store, "default")).problems).toEqual([]);
      // Exactly one start made and printed the operator's API key.
      expect(results.filter((r) => r.bootstrapToken !== null)).toHaveLength(1);
      expect(await store.apiKeys(results[0]!.operator)).toHaveLength(1);
    } finally {
      for (const c of ctxs) await c.close();
      cleanup();
      await pg?.drop();
    }
  });
}

it("a bootstrap claim left by a start that died is taken over once it is stale", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await openContext({ data: dir });
    try {
      // A start that claimed the bootstrap two minutes ago and died before making the key.
      await ctx.store.putSetting(SETTING_BOOTSTRAP_KEY, `dead-start ${Date.now() - 120_000}`);
      const r = await initializeWithAccess(ctx.store, ctx.ledger);
      expect(r.bootstrapToken).not.toBeNull();
      expect(await ctx.store.apiKeys(r.operator)).toHaveLength(1);
      // A fresh claim by another start is respected.
      const other = await openContext({ data: dir });
      try {
        expect((await initializeWithAccess(other.store, other.ledger)).bootstrapToken).toBeNull();
      } finally {
        await other.close();
      }
    } finally {
      await ctx.close();
    }
  } finally {
    cleanup();
  }
});
