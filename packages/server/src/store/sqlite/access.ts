/**
 * The SQLite store's access control: API keys and vault memberships.
 */
import type { AccessStore } from "../types.js";
import { apiKeyRow, memberRow, orgRow, type Row } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The access store over the prepared statements.
 *
 * @example
 * ```ts
 * const access = createSqliteAccess(prepareStatements(db));
 * const key = await access.apiKey(id);
 * ```
 */
export function createSqliteAccess(q: Statements): AccessStore {
  const access: AccessStore = {
    async orgs() {
      return (q.orgs.all() as Row[]).map(orgRow);
    },
    async createApiKey(k) {
      q.insertApiKey.run(
        k.id,
        k.org,
        k.name,
        k.secretHash,
        JSON.stringify(k.vaults),
        k.read ? 1 : 0,
        JSON.stringify(k.write),
        k.admin ? 1 : 0,
        k.createdAt,
        k.expiresAt,
      );
    },
    async apiKey(id) {
      const r = q.apiKey.get(id) as Row | undefined;
      return r === undefined ? null : apiKeyRow(r);
    },
    async apiKeys(org) {
      return (q.apiKeys.all(org) as Row[]).map(apiKeyRow);
    },
    async revokeApiKey(id, at) {
      return q.revokeApiKey.run(at, id).changes > 0;
    },
    async touchApiKey(id, at) {
      q.touchApiKey.run(at, id);
    },
    async members(vault) {
      return (q.members.all(vault) as Row[]).map(memberRow);
    },
    async member(vault, org) {
      const r = q.member.get(vault, org) as Row | undefined;
      return r === undefined ? null : memberRow(r);
    },
  };
  return access;
}
