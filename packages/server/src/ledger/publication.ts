/**
 * Publication of checkpoints (docs/formats.md §16): sign a checkpoint over
 * what the store has integrated, never ahead of it; with witnesses, store it
 * only once enough of them cosigned it (C2SP tlog-witness); then hand it to
 * the anchors. Also the publication status of a vault.
 */
import { signCheckpoint } from "@sealtrail/core";
import type { CheckpointRow, Store, TreeState } from "../store/types.js";
import type { Anchorer } from "./anchoring.js";
import type { PublicationStatus } from "./api.js";
import type { Backlog } from "./backlog.js";
import type { Publisher } from "./publisher.js";
import type { VaultSigners } from "./vault-signers.js";

/** What {@link createPublication} works with. */
export interface PublicationDeps {
  readonly store: Store;
  readonly vaultSigner: VaultSigners;
  readonly backlog: Backlog;
  /** The witnesses' cosigning rounds (null: the log signs alone). */
  readonly publisher: Publisher | null;
  /** The anchors of published checkpoints (null: none). */
  readonly anchorer: Anchorer | null;
  /** Appends are refused beyond this backlog (null: no limit); reported in the status. */
  readonly maxUnpublished: number | null;
}

/** Checkpoint publication of every vault. */
export interface Publication {
  /** Sign and store a checkpoint if the tree grew since the last one. */
  publish(vault: string): Promise<CheckpointRow | null>;
  /** Publication status of a vault: backlog, each witness's last answer, anchoring. */
  status(vault: string): Promise<PublicationStatus>;
  /** Wait for the publications under way (on close). */
  settled(): Promise<void>;
}

/**
 * Create checkpoint publication over a store.
 *
 * @example
 * ```ts
 * const publication = createPublication({ store, vaultSigner, backlog, publisher: null, anchorer: null, maxUnpublished: null });
 * const cp = await publication.publish("default"); // null if the tree did not grow
 * ```
 */
export function createPublication(d: PublicationDeps): Publication {
  const { store, vaultSigner, backlog, publisher, anchorer, maxUnpublished } = d;
  const publishing = new Map<string, Promise<CheckpointRow | null>>();
  return {
    async publish(vault) {
      // One publication at a time per vault; concurrent callers share it.
      const running = publishing.get(vault);
      if (running !== undefined) return running;
      const p = (async () => {
        const { signer, origin } = await vaultSigner(vault);
        const tree: TreeState = await store.tree(vault);
        const last = await store.latestCheckpoint(vault);
        const known = await backlog.of(vault);
        if (tree.size > known.tree) known.tree = tree.size;
        if (last !== null && last.size > known.published) known.published = last.size;
        if (last !== null && last.size >= tree.size) return null;
        let note = signCheckpoint({ origin, size: tree.size, root: tree.root }, signer);
        if (publisher !== null) {
          // C2SP tlog-witness: publish only what k witnesses cosigned; the
          // note is final once stored (log signature, then the witnesses in
          // configured order), so anchors can stamp its bytes.
          const { lines, enough } = await publisher.collect(vault, note, tree.size, last?.size ?? 0n);
          publisher.roundDone(vault, tree.size, lines.length, enough);
          if (!enough) return null;
          note += lines.join("");
        }
        await store.putCheckpoint(vault, { size: tree.size, root: tree.root, note });
        if (tree.size > known.published) known.published = tree.size;
        anchorer?.published(vault, tree.size);
        return { size: tree.size, root: tree.root, note, publishedAt: new Date().toISOString() };
      })().finally(() => publishing.delete(vault));
      publishing.set(vault, p);
      return p;
    },

    async status(vault) {
      await vaultSigner(vault);
      const [tree, cp] = await Promise.all([store.tree(vault), store.latestCheckpoint(vault)]);
      const published = cp?.size ?? 0n;
      const w = publisher?.status(vault) ?? { witnesses: [], lastRound: null };
      return {
        vault,
        treeSize: tree.size.toString(),
        publishedSize: published.toString(),
        unpublished: (tree.size - published).toString(),
        maxUnpublished,
        threshold: publisher?.threshold ?? 0,
        witnesses: w.witnesses,
        lastRound: w.lastRound,
        anchorEvery: anchorer?.every ?? 1,
        anchors: anchorer === null ? [] : await anchorer.status(vault),
      };
    },

    async settled() {
      await Promise.all(publishing.values());
    },
  };
}
