/**
 * First start with credentials: the ledger's bootstrap plus the operator's
 * first API key (admin of everything), created once and shown once.
 */
import type { AccessStore, Store } from "../store/types.js";
import type { Ledger } from "../ledger/ledger.js";
import { initialize, type InitResult } from "../ledger/bootstrap.js";
import { createApiKey } from "./api-keys.js";

/**
 * Initialise a store and make sure the operator has an API key. The token is
 * returned only when this call created it (a first start, or a data
 * directory that had none).
 *
 * @example
 * ```ts
 * const { bootstrapToken } = await initializeWithAccess(store, ledger);
 * if (bootstrapToken) console.log("operator API key (shown once):", bootstrapToken);
 * ```
 */
export async function initializeWithAccess(
  store: Store & AccessStore,
  ledger: Ledger,
  opts: Parameters<typeof initialize>[2] = {},
): Promise<InitResult & { bootstrapToken: string | null }> {
  const r = await initialize(store, ledger, opts);
  if ((await store.apiKeys(r.operator)).length > 0) return { ...r, bootstrapToken: null };
  const { token } = await createApiKey(store, r.operator, {
    name: "bootstrap",
    vaults: "*",
    read: true,
    write: ["*"],
    admin: true,
    expiresAt: null,
  });
  return { ...r, bootstrapToken: token };
}
