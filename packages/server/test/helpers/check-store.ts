/**
 * The invariants that no crash and no number of concurrent writers may break,
 * checked on a store against what writers printed as acknowledged: shared by
 * the crash test (SIGKILL mid-batch, SQLite) and the multi-process test
 * (several servers on one PostgreSQL database).
 */
import {
  MemoryTree,
  bytesEqual,
  ed25519PublicKey,
  formatVerifierKey,
  hashLeaf,
  nodeHashFromTile,
  openCheckpoint,
  parseEntry,
  payloadCommitment,
  rootPlan,
  tileForNode,
  tileWidth,
  toBase64,
  toHex,
  TILE_HEIGHT,
  TILE_WIDTH,
} from "@sealtrail/core";
import { auditVault } from "../../src/ledger/audit.js";
import type { VerifierPool } from "../../src/ledger/verifier-pool.js";
import { tileKey, type Store } from "../../src/store/types.js";

const VAULT = "default";

/**
 * Every invariant a crash must not break, as a list of problems (empty when
 * the store is sound).
 */
export async function checkStore(
  store: Store,
  acked: ReadonlyMap<bigint, string>,
  printed: ReadonlyMap<bigint, string>,
  opts: { verifier: VerifierPool; audit: boolean; checkedPayloads: bigint },
): Promise<{ problems: string[]; size: bigint }> {
  const problems: string[] = [];
  const vault = await store.vault(VAULT);
  if (vault === null) return { problems: ["the vault is missing"], size: 0n };
  const vkey = formatVerifierKey(vault.origin, ed25519PublicKey(vault.logSeed));
  const tree = await store.tree(VAULT);

  // Entries: indices contiguous from 0, exactly tree.size of them, each leaf
  // hash that of its bytes, each new payload matching its commitment (older
  // ones were checked after an earlier kill, and the audit rechecks all).
  const rows = await store.entries(VAULT, 0n, tree.size + 1_000_000n);
  if (BigInt(rows.length) !== tree.size) problems.push(`tree size ${tree.size} but ${rows.length} entries stored`);
  const mt = new MemoryTree();
  for (const [i, r] of rows.entries()) {
    if (r.index !== BigInt(i)) {
      problems.push(`entry at position ${i} has index ${r.index}: indices are not contiguous`);
      break;
    }
    if (!bytesEqual(r.leafHash, hashLeaf(r.entry))) problems.push(`entry ${i}: stored leaf hash is not the hash of its bytes`);
    const commitment = r.index >= opts.checkedPayloads ? parseEntry(r.entry).env.payload : undefined;
    if (commitment !== undefined) {
      if (r.payload === null || r.salt === null) problems.push(`entry ${i}: payload or salt missing`);
      else if (payloadCommitment(JSON.parse(r.payload), r.salt) !== commitment) problems.push(`entry ${i}: payload does not match its commitment`);
    }
    mt.append(r.leafHash);
  }
  if (!bytesEqual(mt.root(), tree.root)) problems.push(`stored root of size ${tree.size} is not the root recomputed from the entries`);

  // Tiles: exactly the tiles of a tree of tree.size leaves (none wider, none
  // missing), with the hashes the entries give; and the root read through
  // them (as proofs are served) is the stored root.
  for (let level = 0; tree.size >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const nodes = tree.size >> BigInt(TILE_HEIGHT * level);
    const count = (nodes + BigInt(TILE_WIDTH) - 1n) / BigInt(TILE_WIDTH);
    const ids = Array.from({ length: Number(count) }, (_, k) => ({ level, index: BigInt(k) }));
    const got = await store.readTiles(VAULT, ids);
    for (const id of ids) {
      const hashes = got.get(tileKey(id.level, id.index));
      const width = tileWidth(level, id.index, tree.size);
      if (hashes === undefined) {
        problems.push(`tile ${level}/${id.index} is missing`);
        continue;
      }
      if (hashes.length !== width * 32) {
        problems.push(`tile ${level}/${id.index} holds ${hashes.length / 32} hashes, the tree of ${tree.size} has ${width}`);
        continue;
      }
      for (let j = 0; j < width; j++) {
        const want = mt.nodeHash({ level: level * TILE_HEIGHT, index: id.index * BigInt(TILE_WIDTH) + BigInt(j) });
        if (!bytesEqual(hashes.subarray(j * 32, j * 32 + 32), want)) {
          problems.push(`tile ${level}/${id.index} hash ${j} does not match the entries`);
          break;
        }
      }
    }
  }
  const plan = rootPlan(tree.size);
  const tiles = await store.readTiles(VAULT, plan.nodes.map((n) => tileForNode(n)));
  const [viaTiles] = plan.assemble(
    plan.nodes.map((n) => {
      const t = tileForNode(n);
      return nodeHashFromTile(tiles.get(tileKey(t.level, t.index)) ?? new Uint8Array(0), n);
    }),
  );
  if (viaTiles === undefined || !bytesEqual(viaTiles, tree.root)) problems.push("root read through the tiles is not the stored root");

  // Acknowledged records: every one is stored at its index with its leaf hash.
  let lost = 0;
  for (const [index, leafHex] of acked) {
    const r = rows[Number(index)];
    if (r === undefined || toHex(r.leafHash) !== leafHex) {
      if (lost++ < 5) problems.push(`acknowledged record ${index} (${leafHex.slice(0, 16)}...) is ${r === undefined ? "lost" : "replaced"}`);
    }
  }
  if (lost > 5) problems.push(`... ${lost} acknowledged records lost or replaced in all`);

  // Checkpoints: each opens with the vault's key, matches its row, lies
  // within the stored tree, and commits to the root of its first `size`
  // entries. Every checkpoint the child saw published is stored.
  const cps = await store.checkpoints(VAULT);
  const stored = new Map<bigint, string>();
  for (const cp of cps) {
    stored.set(cp.size, toBase64(cp.root));
    try {
      const opened = openCheckpoint(cp.note, vkey);
      if (opened.size !== cp.size || !bytesEqual(opened.root, cp.root)) problems.push(`checkpoint ${cp.size}: note and row differ`);
    } catch (e) {
      problems.push(`checkpoint ${cp.size}: does not open with the vault key: ${(e as Error).message}`);
    }
    if (cp.size > tree.size) problems.push(`checkpoint ${cp.size} is beyond the stored tree of ${tree.size}`);
    else if (!bytesEqual(mt.root(cp.size), cp.root)) problems.push(`checkpoint ${cp.size}: the stored entries contradict its root`);
  }
  for (const [size, root] of printed) {
    const s = stored.get(size);
    if (s === undefined) problems.push(`published checkpoint ${size} is not stored`);
    else if (s !== root) problems.push(`published checkpoint ${size} is stored with another root`);
  }

  // The audit (src/ledger/audit.ts), an independent second opinion that also
  // checks every signature and the key registry.
  if (opts.audit) {
    const report = await auditVault(store, VAULT, { verifier: opts.verifier });
    for (const p of report.problems) problems.push(`audit: ${p.kind}: ${p.message}`);
    if (report.entries !== rows.length) problems.push(`audit read ${report.entries} entries, not ${rows.length}`);
  }
  return { problems, size: tree.size };
}
