/**
 * The PostgreSQL store's administration: vaults, organisations, the keys
 * this server holds for them, and settings.
 */
import { SealTrailError } from "@sealtrail/core";
import { EMPTY_ROOT } from "../tree.js";
import type { AdminStore } from "../types.js";
import { isUniqueViolation, u8, type Db } from "./db.js";
import { orgRow, vaultRow } from "./rows.js";

/**
 * The administration store over a database.
 *
 * @example
 * ```ts
 * const admin = createPostgresAdmin(db);
 * const vaults = await admin.vaults();
 * ```
 */
export function createPostgresAdmin(db: Db): AdminStore {
  const admin: AdminStore = {
    async createVault(v) {
      try {
        await db
          .insertInto("vaults")
          .values({ name: v.name, origin: v.origin, log_seed: v.logSeed, size: 0n, root: EMPTY_ROOT, created_at: v.createdAt })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new SealTrailError("conflict", `vault "${v.name}" or origin "${v.origin}" exists already`, { cause: e });
        throw e;
      }
    },
    async vault(name) {
      const r = await db.selectFrom("vaults").selectAll().where("name", "=", name).executeTakeFirst();
      return r === undefined ? null : vaultRow(r);
    },
    async vaults() {
      return (await db.selectFrom("vaults").selectAll().orderBy("name").execute()).map(vaultRow);
    },
    async createOrg(o) {
      try {
        await db
          .insertInto("orgs")
          .values({ id: o.id, name: o.name, country: o.country ?? null, roles: JSON.stringify(o.roles ?? []), created_at: o.createdAt })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new SealTrailError("conflict", `organisation "${o.id}" exists already`, { cause: e });
        throw e;
      }
    },
    async org(id) {
      const r = await db.selectFrom("orgs").selectAll().where("id", "=", id).executeTakeFirst();
      return r === undefined ? null : orgRow(r);
    },
    async putHeldKey(k) {
      await db
        .insertInto("held_keys")
        .values({ org: k.org, key_id: k.keyId, seed: k.seed })
        .onConflict((oc) => oc.columns(["org", "key_id"]).doUpdateSet({ seed: (eb) => eb.ref("excluded.seed") }))
        .execute();
    },
    async heldKeys(org) {
      const rows = await db.selectFrom("held_keys").selectAll().where("org", "=", org).orderBy("key_id").execute();
      return rows.map((r) => ({ org: r.org, keyId: r.key_id, seed: u8(r.seed) }));
    },
    async getSetting(key) {
      const r = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
      return r === undefined ? null : r.value;
    },
    async claimSetting(key, value) {
      await db.insertInto("settings").values({ key, value }).onConflict((oc) => oc.column("key").doNothing()).execute();
      const r = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirstOrThrow();
      return r.value;
    },
    async putSetting(key, value) {
      await db
        .insertInto("settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: (eb) => eb.ref("excluded.value") }))
        .execute();
    },
  };
  return admin;
}
