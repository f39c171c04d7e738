/**
 * Authentication and the permission guards of every route. A request carries
 * `Authorization: Bearer stk_...`; the guards answer 401 without a valid key,
 * 404 for a vault the caller has no business in (as if it did not exist, so
 * membership leaks nothing), and 403 for a member that lacks the permission.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SealTrailError } from "@sealtrail/core";
import { authenticateToken } from "../access/api-keys.js";
import { principalOf, vaultAccess, type Principal, type VaultAccess } from "../access/permissions.js";
import type { AccessStore, AdminStore } from "../store/types.js";
import { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from "./rate-limit.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Routes that answer without a key. */
const PUBLIC_ROUTES = new Set(["/healthz", "/openapi.json"]);

/**
 * Authenticate every request (except the public routes) before its handler.
 *
 * @example
 * ```ts
 * registerAuth(app, store);
 * ```
 */
export function registerAuth(app: FastifyInstance, store: AccessStore & AdminStore, limit: RateLimit | false = DEFAULT_RATE_LIMIT): void {
  const limiter = limit === false ? null : createRateLimiter(limit);
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (req) => {
    const route = req.routeOptions.url ?? "";
    if (PUBLIC_ROUTES.has(route) || route.startsWith("/docs")) return;
    const h = req.headers.authorization;
    if (h === undefined) throw new SealTrailError("unauthorized", "send an API key: Authorization: Bearer stk_...");
    const m = /^Bearer (\S+)$/.exec(h);
    if (m === null) throw new SealTrailError("unauthorized", "the Authorization header must read: Bearer <API key>");
    const key = await authenticateToken(store, m[1]!);
    limiter?.take(key.id);
    req.principal = await principalOf(store, key);
  });
}

/** The request's principal (set by registerAuth). */
export function principal(req: FastifyRequest): Principal {
  if (req.principal === null) throw new SealTrailError("unauthorized", "not authenticated");
  return req.principal;
}

/**
 * Require an access level in a vault. Non-members (and keys not scoped to
 * the vault) get `not_found`, exactly as for a vault that does not exist.
 *
 * @example
 * ```ts
 * const access = await requireVault(store, req, vault, "read");
 * ```
 */
export async function requireVault(
  store: AccessStore & AdminStore,
  req: FastifyRequest,
  vault: string,
  need: "read" | "admin" | "any",
): Promise<VaultAccess> {
  const p = principal(req);
  const access = (await store.vault(vault)) === null ? null : await vaultAccess(store, p, vault);
  if (access === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  if (need === "read" && !access.read) throw new SealTrailError("forbidden", `this API key may not read vault ${vault}`);
  if (need === "admin" && !access.admin) throw new SealTrailError("forbidden", `this API key may not administer vault ${vault}`);
  return access;
}
