/**
 * First start with credentials: the ledger's bootstrap plus the operator's
 * first API key (admin of everything), created once and shown once.
 */
import { randomUUID } from "node:crypto";
import type { AccessStore, Store } from "../store/types.js";
import type { Ledger } from "../ledger/ledger.js";
import { initialize, type InitResult } from "../ledger/bootstrap.js";
import { createApiKey } from "./api-keys.js";

/** Setting that names the start which makes the operator's first API key. */
export const SETTING_BOOTSTRAP_KEY = "bootstrap_api_key";
// A claim this old with no key made is a start that died: another may make the key.
const BOOTSTRAP_CLAIM_STALE_MS = 60_000;

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
  // Servers starting at once on one database: the first to claim the
  // bootstrap makes the key, so that it is printed once. A claim left by a
  // start that died before making it goes stale after a minute.
  const me = `${randomUUID()} ${Date.now()}`;
  const holder = await store.claimSetting(SETTING_BOOTSTRAP_KEY, me);
  if (holder !== me) {
    const since = Number(holder.split(" ")[1]);
    if (!(Date.now() - since > BOOTSTRAP_CLAIM_STALE_MS) || (await store.apiKeys(r.operator)).length > 0) return { ...r, bootstrapToken: null };
    await store.putSetting(SETTING_BOOTSTRAP_KEY, me);
  }
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
