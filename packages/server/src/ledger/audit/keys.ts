/**
 * The key registry as the log itself defines it (replayed entry by entry in
 * entry.ts), against the keys table the store keeps.
 */
import { bytesEqual } from "@sealtrail/core";
import type { Store } from "../../store/types.js";
import type { Problems } from "./problems.js";

export interface ReplayedKey {
  readonly org: string;
  readonly publicKey: Uint8Array;
  readonly registeredIndex: bigint;
  revokedIndex: bigint | null;
}

export async function checkKeyTable(store: Store, vault: string, registry: ReadonlyMap<string, ReplayedKey>, problems: Problems): Promise<void> {
  const seen = new Set<string>();
  for (const row of await store.keys(vault)) {
    seen.add(row.keyId);
    const k = registry.get(row.keyId);
    const what = `keys table: key ${row.keyId}`;
    if (k === undefined) {
      problems.add("key_registry", `${what} (of ${row.org}, registered at index ${row.registeredIndex}) is not registered by any entry of the log`, {
        index: row.registeredIndex,
      });
      continue;
    }
    const where = { index: k.registeredIndex };
    if (row.org !== k.org) problems.add("key_registry", `${what} belongs to ${row.org}, but the log registers it for ${k.org}`, where);
    if (!bytesEqual(row.publicKey, k.publicKey)) problems.add("key_registry", `${what} has a public key other than the one the log registers`, where);
    if (row.registeredIndex !== k.registeredIndex) {
      problems.add("key_registry", `${what} is registered at index ${row.registeredIndex}, but the log registers it at ${k.registeredIndex}`, where);
    }
    if (row.revokedIndex !== k.revokedIndex) {
      const say = (x: bigint | null) => (x === null ? "not revoked" : `revoked at index ${x}`);
      problems.add("key_registry", `${what} is ${say(row.revokedIndex)}, but in the log it is ${say(k.revokedIndex)}`, where);
    }
  }
  for (const [keyId, k] of registry) {
    if (!seen.has(keyId)) {
      problems.add("key_registry", `keys table: key ${keyId} of ${k.org}, registered by entry ${k.registeredIndex}, is missing`, { index: k.registeredIndex });
    }
  }
}
