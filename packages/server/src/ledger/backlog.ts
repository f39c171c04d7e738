/**
 * The publication backlog of each vault as this process sees it: the tree
 * size after its last batch and the latest published checkpoint's size.
 * Appends are refused when the entries between the two exceed the limit
 * (pushback that HTTP answers with 503 and Retry-After, as Tessera does).
 */
import type { Store } from "../store/types.js";

/** A vault's tree size after the last batch and its latest published size, as this process saw them. */
export interface VaultSizes {
  tree: bigint;
  published: bigint;
}

/** The sizes of each vault, read from the store the first time they are asked for. */
export interface Backlog {
  /** A vault's sizes (updated in place by whoever learns a larger one). */
  of(vault: string): Promise<VaultSizes>;
  /** A batch of the vault was committed: the tree now has `size` leaves. */
  sequenced(vault: string, size: bigint): void;
}

/**
 * Create the backlog over a store.
 *
 * @example
 * ```ts
 * const backlog = createBacklog(store);
 * const s = await backlog.of("default"); // s.tree - s.published entries await a checkpoint
 * ```
 */
export function createBacklog(store: Store): Backlog {
  // Per vault: the tree size after the last batch and the latest published size, as this process saw them.
  const sizes = new Map<string, VaultSizes>();
  return {
    async of(vault) {
      let s = sizes.get(vault);
      if (s === undefined) {
        const [tree, cp] = await Promise.all([store.tree(vault), store.latestCheckpoint(vault)]);
        s = sizes.get(vault) ?? { tree: tree.size, published: cp?.size ?? 0n };
        sizes.set(vault, s);
      }
      return s;
    },
    sequenced(vault, size) {
      const known = sizes.get(vault);
      if (known !== undefined && size > known.tree) known.tree = size;
    },
  };
}
