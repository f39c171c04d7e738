/**
 * Who may do what. A request acts as one API key of one organisation; what it
 * may do in a vault is what both the key's scope and the organisation's
 * membership of that vault allow. The operator organisation (the one that
 * runs the server) administers every vault; every other organisation acts in
 * a vault only through a membership record in that vault's log.
 */
import { typeMatches } from "@sealtrail/core";
import type { AccessStore, AdminStore, ApiKeyRow } from "../store/types.js";
import { SETTING_OPERATOR } from "../ledger/bootstrap.js";

/** The caller of a request. */
export interface Principal {
  readonly key: ApiKeyRow;
  readonly org: string;
  /** The caller's organisation runs this server. */
  readonly isOperator: boolean;
}

/** What a principal may do in one vault. */
export interface VaultAccess {
  readonly read: boolean;
  readonly admin: boolean;
  canWrite(type: string): boolean;
  /** May write records of at least one type (what uploading an evidence file needs). */
  canWriteAny(): boolean;
}

/**
 * Build the principal of an authenticated key.
 *
 * @example
 * ```ts
 * const p = await principalOf(store, key);
 * ```
 */
export async function principalOf(store: AdminStore, key: ApiKeyRow): Promise<Principal> {
  const operator = await store.getSetting(SETTING_OPERATOR);
  return { key, org: key.org, isOperator: operator !== null && operator === key.org };
}

/**
 * True when the principal administers the whole server (organisations, vaults, memberships).
 *
 * @example
 * ```ts
 * if (!isServerAdmin(p)) throw forbidden();
 * ```
 */
export function isServerAdmin(p: Principal): boolean {
  return p.isOperator && p.key.admin;
}

/**
 * True when the principal administers `org` (its API keys and signing keys).
 *
 * @example
 * ```ts
 * isOrgAdmin(p, "carrier")
 * ```
 */
export function isOrgAdmin(p: Principal, org: string): boolean {
  return isServerAdmin(p) || (p.key.admin && p.org === org);
}

/**
 * What the principal may do in `vault`, or null when it has no business
 * there at all (not a member, or the key is not scoped to that vault): the
 * HTTP layer then answers as if the vault did not exist.
 *
 * @example
 * ```ts
 * const a = await vaultAccess(store, p, "default");
 * if (a === null || !a.read) ...
 * ```
 */
export async function vaultAccess(store: AccessStore, p: Principal, vault: string): Promise<VaultAccess | null> {
  const k = p.key;
  if (k.vaults !== "*" && !k.vaults.includes(vault)) return null;
  let member: { read: boolean; write: readonly string[]; admin: boolean };
  if (p.isOperator) member = { read: true, write: ["*"], admin: true };
  else {
    const m = await store.member(vault, p.org);
    if (m === null) return null;
    member = m;
  }
  return {
    read: k.read && member.read,
    admin: k.admin && member.admin,
    canWrite: (type) => k.write.some((pat) => typeMatches(pat, type)) && member.write.some((pat) => typeMatches(pat, type)),
    canWriteAny: () => k.write.some((a) => member.write.some((b) => patternsOverlap(a, b))),
  };
}

// Two write patterns (`*`, `prefix.*` or an exact type) that some one type matches.
function patternsOverlap(a: string, b: string): boolean {
  if (a === "*" || b === "*") return true;
  const stem = (p: string): string | null => (p.endsWith(".*") ? p.slice(0, -1) : null);
  const sa = stem(a);
  const sb = stem(b);
  if (sa !== null && sb !== null) return sa.startsWith(sb) || sb.startsWith(sa);
  if (sa !== null) return b.startsWith(sa);
  if (sb !== null) return a.startsWith(sb);
  return a === b;
}
