/**
 * Custodial signing and membership records: the server signs with keys it
 * holds, for partners who cannot run software, and for the membership
 * records it writes as the vault's operator. Every such record is marked
 * `custodial` in its envelope, so verifiers can tell.
 */
import {
  SealTrailError,
  buildMemberRecord,
  buildRecord,
  buildRedactionRecord,
  toHex,
  generateEd25519KeyPair,
  keyIdOf,
  toBase64,
  type MemberChange,
  type Supersedes,
} from "@sealtrail/core";
import type { Store } from "../store/types.js";
import { operatorKey, registerHeldKey } from "./bootstrap.js";
import type { AppendOptions, AppendResult, Ledger } from "./ledger.js";

/**
 * Generate a signing key that the server holds for `org`, and register it in
 * `vault`'s log. Returns the key id.
 *
 * @example
 * ```ts
 * const { keyId } = await createCustodialKey(store, ledger, "carrier", "default");
 * ```
 */
export async function createCustodialKey(store: Store, ledger: Ledger, org: string, vault: string): Promise<{ keyId: string; index: bigint }> {
  if ((await store.org(org)) === null) throw new SealTrailError("not_found", `no organisation "${org}"`);
  if ((await store.vault(vault)) === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  const { seed, publicKey } = generateEd25519KeyPair();
  const keyId = keyIdOf(publicKey);
  await store.putHeldKey({ org, keyId, seed });
  const index = await registerHeldKey(ledger, vault, org, seed);
  return { keyId, index };
}

/** The active key the server holds for `org` in `vault`, if any. */
export async function heldKeyIn(store: Store, org: string, vault: string): Promise<Uint8Array | null> {
  for (const k of await store.heldKeys(org)) {
    const reg = await store.key(vault, k.keyId);
    if (reg !== null && reg.org === org && reg.revokedIndex === null) return k.seed;
  }
  return null;
}

/**
 * Sign a record for `org` with a key the server holds for it, and append it.
 *
 * @example
 * ```ts
 * await appendCustodial(store, ledger, "default", "carrier", { type: "custody.handoff", payload: { ... } });
 * ```
 */
export async function appendCustodial(
  store: Store,
  ledger: Ledger,
  vault: string,
  org: string,
  rec: { type: string; payload?: Record<string, unknown>; subjects?: readonly string[]; supersedes?: Supersedes },
  opts: AppendOptions = {},
): Promise<AppendResult> {
  const seed = await heldKeyIn(store, org, vault);
  if (seed === null) throw new SealTrailError("unknown_key", `the server holds no active key of ${org} in vault ${vault}`);
  const built = buildRecord({
    vault,
    type: rec.type,
    author: org,
    seed,
    mode: "custodial",
    ...(rec.payload !== undefined ? { payload: rec.payload } : {}),
    ...(rec.subjects !== undefined ? { subjects: rec.subjects } : {}),
    ...(rec.supersedes !== undefined ? { supersedes: rec.supersedes } : {}),
  });
  const [r] = await ledger.append(
    vault,
    [{ entry: built.signed, ...(rec.payload !== undefined ? { payload: rec.payload, salt: toBase64(built.salt!) } : {}) }],
    opts,
  );
  return r!;
}

/**
 * Record a membership change in `vault`'s log, signed by the operator.
 *
 * @example
 * ```ts
 * await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
 * ```
 */
export async function changeMembership(store: Store, ledger: Ledger, vault: string, change: MemberChange): Promise<AppendResult> {
  if ((await store.org(change.org)) === null) throw new SealTrailError("not_found", `no organisation "${change.org}"`);
  const { org, seed } = await operatorKey(store);
  if (change.org === org) throw new SealTrailError("conflict", "the operator administers every vault; it needs no membership");
  const built = buildMemberRecord({ vault, author: org, seed, member: change, mode: "custodial" });
  const [r] = await ledger.append(vault, [{ entry: built.signed }]);
  return r!;
}

// --- Redaction (issue 4) ---------------------------------------------------

/**
 * Redact the payload of the record at `index`, signed by `org` with a key
 * the server holds for it (the operator, or a partner without software).
 * The store's rules decide whether `org` may (store/rules.ts); the payload
 * and salt are destroyed when the redaction is sequenced.
 *
 * @example
 * ```ts
 * const r = await redactCustodial(store, ledger, "default", "operator", 12n, { reason: "erasure request" });
 * ```
 */
export async function redactCustodial(
  store: Store,
  ledger: Ledger,
  vault: string,
  org: string,
  index: bigint,
  rec: { reason?: string } = {},
  opts: AppendOptions = {},
): Promise<AppendResult> {
  await store.tree(vault);
  const [target] = await store.entries(vault, index, index + 1n);
  if (target === undefined) throw new SealTrailError("not_found", `no record at index ${index}`);
  const seed = await heldKeyIn(store, org, vault);
  if (seed === null) throw new SealTrailError("unknown_key", `the server holds no active key of ${org} in vault ${vault}`);
  const built = buildRedactionRecord({
    vault,
    author: org,
    seed,
    mode: "custodial",
    redacts: { index: Number(index), leafHash: toHex(target.leafHash), ...(rec.reason !== undefined ? { reason: rec.reason } : {}) },
  });
  const [r] = await ledger.append(vault, [{ entry: built.signed }], opts);
  return r!;
}
