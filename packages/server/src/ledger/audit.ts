/**
 * Audit of a vault: re-read every stored entry, recompute its leaf hash, the
 * Merkle tree, every tile and the root at every checkpoint size, replay the
 * key registry from the log itself, check every signature and payload
 * commitment, and name each discrepancy. Like a Kysely migration run, it
 * returns a per-item report instead of throwing on the first problem.
 *
 * The signed checkpoints anchor the trust. The stored level-0 tiles hold the
 * leaf hash that was integrated at each index (C2SP tlog-tiles); where the
 * root recomputed from them (RFC 6962 §2.1) equals every checkpoint's root,
 * they are the reference that tells a changed entry from a missing, inserted
 * or reordered one.
 *
 * Linear time; memory is two 32-byte hashes per entry (the reference and the
 * recomputed leaf hashes), never the entry bytes, plus two hash indexes that
 * are only built when an entry does not match the reference.
 */
import { SealTrailError, ed25519PublicKey, formatVerifierKey, verifierFromKey } from "@sealtrail/core";
import type { Store } from "../store/types.js";
import { createVerifierPool, type VerifierPool } from "./verifier-pool.js";
import { SETTING_OPERATOR } from "./bootstrap.js";
import { checkCheckpointRoots, openCheckpoints, type CheckedCheckpoint } from "./audit/checkpoints.js";
import { classifyEntries } from "./audit/classify.js";
import { checkKeyTable } from "./audit/keys.js";
import { Problems, range, type AuditProblem } from "./audit/problems.js";
import { RedactionScan, type AuditRedaction } from "./audit/redactions.js";
import { readReference, trustedPrefix } from "./audit/reference.js";
import { scanEntries } from "./audit/scan.js";
import { checkTiles, checkTreeState } from "./audit/tree-state.js";

export { AUDIT_PROBLEM_KINDS, type AuditProblem, type AuditProblemKind } from "./audit/problems.js";
export type { AuditRedaction } from "./audit/redactions.js";

/** What {@link auditVault} found. */
export interface AuditReport {
  vault: string;
  /** Stored entries read. */
  entries: number;
  /** Stored checkpoints checked. */
  checkpoints: number;
  problems: AuditProblem[];
  /** Records redacted as formats.md §5b allows, in index order. */
  redacted: AuditRedaction[];
}

/** Options of {@link auditVault}. */
export interface AuditOptions {
  /** Called after each page of entries. */
  onProgress?: (done: number, total: number) => void;
  /** Verifier key the checkpoints must verify with (default: the vault's own log key). */
  vkey?: string;
  /** Signature verification pool (default: one created and closed by the audit). */
  verifier?: VerifierPool;
  /** Entries read per page (default 10 000). */
  pageSize?: number;
}

const DEFAULT_PAGE = 10_000;

/**
 * Audit a vault as stored and name each discrepancy.
 *
 * @example
 * ```ts
 * const report = await auditVault(store, "default", { onProgress: (d, t) => console.log(d, t) });
 * for (const p of report.problems) console.log(`${p.kind}: ${p.message}`);
 * ```
 */
export async function auditVault(store: Store, vault: string, opts: AuditOptions = {}): Promise<AuditReport> {
  const v = await store.vault(vault);
  if (v === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  const logKey = verifierFromKey(opts.vkey ?? formatVerifierKey(v.origin, ed25519PublicKey(v.logSeed)));
  const pageSize = BigInt(opts.pageSize ?? DEFAULT_PAGE);
  const problems = new Problems();
  const tree = await store.tree(vault);

  const cps = await openCheckpoints(store, vault, logKey, problems);
  const signed = cps.filter((c): c is CheckedCheckpoint & { size: bigint; root: Uint8Array } => c.size !== null);
  const coverEnd = signed.reduce((m, c) => (c.size > m ? c.size : m), tree.size);

  const ref = await readReference(store, vault);
  const trusted = trustedPrefix(ref, signed, problems);

  const redactions = new RedactionScan(await store.getSetting(SETTING_OPERATOR), problems);
  const verifier = opts.verifier ?? createVerifierPool();
  try {
    const scan = await scanEntries(store, vault, {
      redactions,
      pageSize,
      end: coverEnd,
      captures: [...signed.map((c) => c.size), tree.size],
      ref,
      verifier,
      problems,
      ...(opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {}),
    });
    const lastCheckpoint = signed.reduce((m, c) => (c.size > m ? c.size : m), 0n);
    const fullyTrusted = trusted >= Number(coverEnd);
    classifyEntries(ref.leaves, trusted, fullyTrusted, scan, Number(lastCheckpoint), problems);
    if (scan.lastIndex + 1n < coverEnd && !fullyTrusted) {
      problems.add("missing", `the store holds ${scan.rows.length} entries (last index ${scan.lastIndex}), but the tree and checkpoints cover ${coverEnd}`, {
        index: scan.lastIndex + 1n,
      });
    }
    for (const g of scan.gaps) {
      if (g.first >= trusted) {
        problems.add("missing", `no entry is stored at ${range(g.first, g.last)}: a gap in the indices`, { index: BigInt(g.first) });
      }
    }
    checkTreeState(tree, scan, problems);
    await checkTiles(store, vault, tree.size, scan, ref, problems);
    checkCheckpointRoots(signed, scan, problems);
    await checkKeyTable(store, vault, scan.registry, problems);
    const redacted = await redactions.finish(store, vault);
    return { vault, entries: scan.rows.length, checkpoints: cps.length, problems: problems.report(), redacted };
  } finally {
    if (opts.verifier === undefined) await verifier.close();
  }
}
