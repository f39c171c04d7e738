/**
 * The PostgreSQL store's access control: API keys and vault memberships.
 */
import type { AccessStore } from "../types.js";
import type { Db } from "./db.js";
import { apiKeyRow, memberRow, orgRow } from "./rows.js";

/**
 * The access store over a database.
 *
 * @example
 * ```ts
 * const access = createPostgresAccess(db);
 * const key = await access.apiKey(id);
 * ```
 */
export function createPostgresAccess(db: Db): AccessStore {
  const access: AccessStore = {
    async orgs() {
      return (await db.selectFrom("orgs").selectAll().orderBy("id").execute()).map(orgRow);
    },
    async createApiKey(k) {
      await db
        .insertInto("api_keys")
        .values({
          id: k.id,
          org: k.org,
          name: k.name,
          secret_hash: k.secretHash,
          vaults: JSON.stringify(k.vaults),
          can_read: k.read,
          can_write: JSON.stringify(k.write),
          is_admin: k.admin,
          created_at: k.createdAt,
          expires_at: k.expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },
    async apiKey(id) {
      const r = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return r === undefined ? null : apiKeyRow(r);
    },
    async apiKeys(org) {
      return (await db.selectFrom("api_keys").selectAll().where("org", "=", org).orderBy("created_at").orderBy("id").execute()).map(apiKeyRow);
    },
    async revokeApiKey(id, at) {
      const r = await db.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async touchApiKey(id, at) {
      await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
    },
    async members(vault) {
      return (await db.selectFrom("members").selectAll().where("vault", "=", vault).orderBy("org").execute()).map(memberRow);
    },
    async member(vault, org) {
      const r = await db.selectFrom("members").selectAll().where("vault", "=", vault).where("org", "=", org).executeTakeFirst();
      return r === undefined ? null : memberRow(r);
    },
  };
  return access;
}
