/**
 * First start of a data directory: the operator organisation, its signing
 * key (held by the server), and the `default` vault whose first entry
 * registers that key.
 */
import {
  SealTrailError,
  buildKeyRecord,
  ed25519PublicKey,
  generateEd25519KeyPair,
  isName,
  isSealTrailError,
  keyIdOf,
  randomBytes,
  toHex,
} from "@sealtrail/core";
import type { Store } from "../store/types.js";
import type { Ledger } from "./ledger.js";

/** Settings keys written by bootstrap. */
export const SETTING_INSTANCE = "instance";
export const SETTING_OPERATOR = "operator_org";
export const SETTING_OPERATOR_KEY = "operator_key";

/** Await a creation; losing a race to an identical creation counts as done. */
async function ignoreConflict(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isSealTrailError(e, "conflict")) throw e;
  }
}

/** What a data directory was initialised with. */
export interface InitResult {
  readonly created: boolean;
  readonly instance: string;
  readonly operator: string;
  readonly keyId: string;
  readonly vault: string;
  readonly origin: string;
}

/**
 * Create a vault with a fresh log key. The origin defaults to
 * `sealtrail/<instance>/<name>`, unique per installation.
 *
 * @example
 * ```ts
 * await createVault(store, "port-of-rotterdam");
 * ```
 */
export async function createVault(store: Store, name: string, origin?: string): Promise<{ name: string; origin: string }> {
  if (!isName(name)) throw new SealTrailError("invalid", `vault name "${name}": use letters, digits, '.', '_' or '-' (at most 64)`);
  const instance = await store.getSetting(SETTING_INSTANCE);
  if (instance === null) throw new SealTrailError("invalid", "the data directory is not initialised: run `sealtrail init`");
  const o = origin ?? `sealtrail/${instance}/${name}`;
  if (o.length === 0 || o.includes("+") || /\s/.test(o)) throw new SealTrailError("invalid", `origin "${o}": no spaces or '+'`);
  await store.createVault({ name, origin: o, logSeed: randomBytes(32), createdAt: new Date().toISOString() });
  return { name, origin: o };
}

/**
 * Create a vault for the operator: a fresh log key, and the operator's
 * signing key registered as its first entry (the operator signs membership
 * records in every vault). A checkpoint of size 1 is published.
 *
 * @example
 * ```ts
 * await addVault(store, ledger, "port-of-rotterdam");
 * ```
 */
export async function addVault(store: Store, ledger: Ledger, name: string, origin?: string): Promise<{ name: string; origin: string }> {
  const { org, seed } = await operatorKey(store);
  const v = await createVault(store, name, origin);
  await registerHeldKey(ledger, name, org, seed);
  await ledger.publish(name);
  return v;
}

/**
 * Initialise a store: idempotent, returns what exists when already done.
 *
 * @example
 * ```ts
 * const r = await initialize(store, ledger, {});
 * ```
 */
export async function initialize(
  store: Store,
  ledger: Ledger,
  opts: { operator?: string; operatorName?: string; vault?: string; origin?: string } = {},
): Promise<InitResult> {
  const vaultName = opts.vault ?? "default";
  const existing = await store.getSetting(SETTING_OPERATOR);
  if (existing !== null) {
    const instance = (await store.getSetting(SETTING_INSTANCE))!;
    const v = (await store.vaults())[0];
    return {
      created: false,
      instance,
      operator: existing,
      keyId: (await operatorKey(store)).keyId,
      vault: v?.name ?? vaultName,
      origin: v?.origin ?? "",
    };
  }
  // Every step skips itself when already done, and the operator setting is
  // written last: a first start killed at any point resumes on the next one.
  // Several servers starting at once on one empty database agree too: each
  // choice (instance id, operator key) is claimed once, the first writer wins,
  // and creations that lose a race are taken as done.
  const operator = opts.operator ?? "operator";
  if (!isName(operator)) throw new SealTrailError("invalid", `organisation id "${operator}" is not a valid name`);
  const instance = await store.claimSetting(SETTING_INSTANCE, toHex(randomBytes(4)));
  if ((await store.org(operator)) === null) {
    await ignoreConflict(store.createOrg({ id: operator, name: opts.operatorName ?? "Operator", createdAt: new Date().toISOString() }));
  }
  let keyId = await store.getSetting(SETTING_OPERATOR_KEY);
  if (keyId === null) {
    const { seed, publicKey } = generateEd25519KeyPair();
    await store.putHeldKey({ org: operator, keyId: keyIdOf(publicKey), seed });
    keyId = await store.claimSetting(SETTING_OPERATOR_KEY, keyIdOf(publicKey));
  }
  const held = (await store.heldKeys(operator)).find((k) => k.keyId === keyId);
  if (held === undefined) throw new SealTrailError("internal", `operator key ${keyId} is not held`);
  if ((await store.vault(vaultName)) === null) await ignoreConflict(createVault(store, vaultName, opts.origin));
  const origin = (await store.vault(vaultName))!.origin;
  if ((await store.key(vaultName, keyId)) === null) await ignoreConflict(registerHeldKey(ledger, vaultName, operator, held.seed));
  await ledger.publish(vaultName);
  await store.putSetting(SETTING_OPERATOR, operator);
  return { created: true, instance, operator, keyId, vault: vaultName, origin };
}

/**
 * Register a held key in a vault's log (the key signs its own registration).
 *
 * @example
 * ```ts
 * await registerHeldKey(ledger, "default", "operator", seed);
 * ```
 */
export async function registerHeldKey(ledger: Ledger, vault: string, org: string, seed: Uint8Array): Promise<bigint> {
  const rec = buildKeyRecord({ vault, author: org, seed, action: "register", publicKey: ed25519PublicKey(seed), mode: "custodial" });
  const [r] = await ledger.append(vault, [{ entry: rec.signed }]);
  return r!.index;
}

/**
 * The operator organisation and its signing seed.
 *
 * @example
 * ```ts
 * const { org, seed } = await operatorKey(store);
 * ```
 */
export async function operatorKey(store: Store): Promise<{ org: string; seed: Uint8Array; keyId: string }> {
  const org = await store.getSetting(SETTING_OPERATOR);
  if (org === null) throw new SealTrailError("invalid", "the data directory is not initialised: run `sealtrail init`");
  const claimed = await store.getSetting(SETTING_OPERATOR_KEY);
  const held = await store.heldKeys(org);
  const k = claimed === null ? held[0] : held.find((h) => h.keyId === claimed);
  if (k === undefined) throw new SealTrailError("internal", `no signing key held for ${org}`);
  return { org, seed: k.seed, keyId: k.keyId };
}

