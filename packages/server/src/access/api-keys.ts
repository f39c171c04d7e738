/**
 * API keys: 256-bit random secrets, shown once, stored only as SHA-256, each
 * scoped to one organisation, chosen vaults and permissions, with expiry and
 * revocation. A token reads `stk_<id>_<secret>`: the id finds the row, the
 * secret is checked against its hash in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import { SealTrailError, isName, isTypePattern, randomBytes, sha256, toHex, utf8 } from "@sealtrail/core";
import type { AccessStore, AdminStore, ApiKeyRow } from "../store/types.js";

/** Prefix of every SealTrail API key token. */
export const API_KEY_PREFIX = "stk_";
const TOKEN_PATTERN = /^stk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
// Domain separation of the stored hash.
const SECRET_CONTEXT = "sealtrail/api-key/v1\n";

/** What a new API key may do. */
export interface ApiKeyScope {
  readonly name: string;
  readonly vaults: readonly string[] | "*";
  readonly read: boolean;
  readonly write: readonly string[];
  readonly admin: boolean;
  /** RFC 3339 time after which the key is refused; null for none. */
  readonly expiresAt: string | null;
}

function base64url(b: Uint8Array): string {
  return Buffer.from(b).toString("base64url");
}

function hashSecret(secret: string): Uint8Array {
  return sha256(utf8(SECRET_CONTEXT + secret));
}

/**
 * Check a scope given by a caller.
 *
 * @example
 * ```ts
 * checkScope({ name: "ci", vaults: ["default"], read: true, write: ["custody.*"], admin: false, expiresAt: null });
 * ```
 */
export function checkScope(s: ApiKeyScope): void {
  if (typeof s.name !== "string" || s.name.length === 0 || s.name.length > 100) throw new SealTrailError("invalid", "name: 1 to 100 characters");
  if (s.vaults !== "*") {
    if (!Array.isArray(s.vaults) || s.vaults.length === 0) throw new SealTrailError("invalid", 'vaults: "*" or a non-empty list of vault names');
    for (const v of s.vaults) if (typeof v !== "string" || !isName(v)) throw new SealTrailError("invalid", `vaults: "${String(v)}" is not a vault name`);
  }
  for (const p of s.write) if (typeof p !== "string" || !isTypePattern(p)) throw new SealTrailError("invalid", `write: "${String(p)}" is not a type pattern`);
  if (s.expiresAt !== null && Number.isNaN(Date.parse(s.expiresAt))) throw new SealTrailError("invalid", "expiresAt: not a time");
}

/**
 * Create an API key for `org`. The token is returned once and never stored.
 *
 * @example
 * ```ts
 * const { token } = await createApiKey(store, "carrier", { name: "trucks", vaults: "*", read: true, write: ["custody.*"], admin: false, expiresAt: null });
 * ```
 */
export async function createApiKey(
  store: AccessStore & AdminStore,
  org: string,
  scope: ApiKeyScope,
): Promise<{ token: string; key: ApiKeyRow }> {
  checkScope(scope);
  if ((await store.org(org)) === null) throw new SealTrailError("not_found", `no organisation "${org}"`);
  const id = toHex(randomBytes(8));
  const secret = base64url(randomBytes(32));
  const key: ApiKeyRow = {
    id,
    org,
    name: scope.name,
    secretHash: hashSecret(secret),
    vaults: scope.vaults === "*" ? "*" : [...scope.vaults],
    read: scope.read,
    write: [...scope.write],
    admin: scope.admin,
    createdAt: new Date().toISOString(),
    expiresAt: scope.expiresAt === null ? null : new Date(scope.expiresAt).toISOString(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await store.createApiKey(key);
  return { token: `${API_KEY_PREFIX}${id}_${secret}`, key };
}

// Writing last-use on every request would turn every read into a write:
// record it at most once a minute per key.
const TOUCH_EVERY_MS = 60_000;
const touched = new Map<string, number>();

/**
 * The key a token belongs to, if it is valid now: known id, matching secret,
 * not revoked, not expired. Raises `unauthorized` otherwise, with the same
 * message for every cause that could help guess a secret.
 *
 * @example
 * ```ts
 * const key = await authenticateToken(store, "stk_0123456789abcdef_...");
 * ```
 */
export async function authenticateToken(store: AccessStore, token: string, now: Date = new Date()): Promise<ApiKeyRow> {
  const m = TOKEN_PATTERN.exec(token);
  if (m === null) throw new SealTrailError("unauthorized", "not a SealTrail API key");
  const key = await store.apiKey(m[1]!);
  const given = hashSecret(m[2]!);
  if (key === null || !timingSafeEqual(Buffer.from(given), Buffer.from(key.secretHash))) {
    throw new SealTrailError("unauthorized", "unknown API key");
  }
  if (key.revokedAt !== null) throw new SealTrailError("unauthorized", "this API key was revoked");
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now.getTime()) throw new SealTrailError("unauthorized", "this API key has expired");
  const last = touched.get(key.id) ?? 0;
  if (now.getTime() - last >= TOUCH_EVERY_MS) {
    touched.set(key.id, now.getTime());
    await store.touchApiKey(key.id, now.toISOString());
  }
  return key;
}

/**
 * An API key as shown to its owners: everything but the secret's hash.
 *
 * @example
 * ```ts
 * reply.send(publicApiKey(row));
 * ```
 */
export function publicApiKey(k: ApiKeyRow): Omit<ApiKeyRow, "secretHash"> {
  const { secretHash: _hidden, ...rest } = k;
  return rest;
}
