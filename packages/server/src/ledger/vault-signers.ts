/**
 * Each vault's log signer (C2SP signed-note), origin and verifier key, read
 * from the store once. Asking for it is also how the ledger refuses a vault
 * that does not exist.
 */
import { SealTrailError, ed25519PublicKey, formatSignerKey, formatVerifierKey, signerFromKey, type NoteSigner } from "@sealtrail/core";
import type { Store } from "../store/types.js";

/** A vault's log signer, origin and verifier key. */
export interface VaultSigner {
  signer: NoteSigner;
  origin: string;
  vkey: string;
}

/** The signer of a vault; `not_found` if there is no such vault. */
export type VaultSigners = (vault: string) => Promise<VaultSigner>;

/**
 * Create the cache of vault signers over a store.
 *
 * @example
 * ```ts
 * const vaultSigner = createVaultSigners(store);
 * const { vkey } = await vaultSigner("default");
 * ```
 */
export function createVaultSigners(store: Store): VaultSigners {
  const signers = new Map<string, VaultSigner>();
  return async function vaultSigner(vault) {
    let s = signers.get(vault);
    if (s === undefined) {
      const v = await store.vault(vault);
      if (v === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
      s = {
        signer: signerFromKey(formatSignerKey(v.origin, v.logSeed)),
        origin: v.origin,
        vkey: formatVerifierKey(v.origin, ed25519PublicKey(v.logSeed)),
      };
      signers.set(vault, s);
    }
    return s;
  };
}
