/**
 * The SQLite store's administration: vaults, organisations, the keys this
 * server holds for them, and settings.
 */
import { SealTrailError } from "@sealtrail/core";
import { EMPTY_ROOT } from "../tree.js";
import type { AdminStore, HeldKeyRow } from "../types.js";
import { orgRow, u8, vaultRow, type Row } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The administration store over the prepared statements.
 *
 * @example
 * ```ts
 * const admin = createSqliteAdmin(prepareStatements(db));
 * const vaults = await admin.vaults();
 * ```
 */
export function createSqliteAdmin(q: Statements): AdminStore {
  const admin: AdminStore = {
    async createVault(v) {
      conflictOnConstraint(
        () => q.insertVault.run(v.name, v.origin, v.logSeed, EMPTY_ROOT_PLACEHOLDER, v.createdAt),
        `vault "${v.name}" or origin "${v.origin}" exists already`,
      );
    },
    async vault(name) {
      const r = q.vault.get(name) as Row | undefined;
      return r === undefined ? null : vaultRow(r);
    },
    async vaults() {
      return (q.vaults.all() as Row[]).map(vaultRow);
    },
    async createOrg(o) {
      conflictOnConstraint(
        () => q.insertOrg.run(o.id, o.name, o.country ?? null, JSON.stringify(o.roles ?? []), o.createdAt),
        `organisation "${o.id}" exists already`,
      );
    },
    async org(id) {
      const r = q.org.get(id) as Row | undefined;
      return r === undefined ? null : orgRow(r);
    },
    async putHeldKey(k: HeldKeyRow) {
      q.putHeldKey.run(k.org, k.keyId, k.seed);
    },
    async heldKeys(org) {
      return (q.heldKeys.all(org) as Row[]).map((r) => ({ org: r.org as string, keyId: r.key_id as string, seed: u8(r.seed) }));
    },
    async getSetting(key) {
      const r = q.getSetting.get(key) as Row | undefined;
      return r === undefined ? null : (r.value as string);
    },
    async putSetting(key, value) {
      q.putSetting.run(key, value);
    },
    async claimSetting(key, value) {
      q.claimSetting.run(key, value);
      return (q.getSetting.get(key) as Row).value as string;
    },
  };
  return admin;
}

/** Run an insert; a constraint violation becomes a `conflict` error with `message`. */
function conflictOnConstraint(insert: () => unknown, message: string): void {
  try {
    insert();
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT")) throw new SealTrailError("conflict", message, { cause: e });
    throw e;
  }
}

// The root of the empty tree, as the blob better-sqlite3 binds.
const EMPTY_ROOT_PLACEHOLDER = Buffer.from(EMPTY_ROOT);
