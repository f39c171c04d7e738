/**
 * The sweep: uploads that no record names are removed once they are older
 * than a cut-off (an upload that a record was never written for), and bytes
 * left behind by an interrupted step are cleaned up. A file that any record
 * names is never removed: each removal is first marked in the store, which
 * refuses the mark while a record names the file or an upload touched it
 * since the cut-off (store/types.ts FileCatalog), and a record can name only
 * a file that is not marked.
 */
import type { FileCatalog, VaultRow } from "../store/types.js";
import type { FileStore, StoredFile } from "./file-store.js";

/** What a sweep removed (or, dry, would remove) in one vault. */
export interface SweepReport {
  readonly vault: string;
  /** Uploads no record names, older than the cut-off: their bytes and rows. */
  readonly unreferenced: { readonly sha256: string; readonly length: number; readonly touchedAt: string }[];
  /** Bytes with no row (an upload or a sweep interrupted between its steps), older than the cut-off. */
  readonly orphans: string[];
  /** Bytes of erased files still stored (an erasure interrupted after its commit). */
  readonly erased: string[];
}

/** Options of {@link sweepFiles}. */
export interface SweepOptions {
  /** Remove uploads untouched for longer than this, in ms. */
  readonly olderThanMs: number;
  /** Report only; remove nothing. */
  readonly dryRun?: boolean;
  /** Only this vault (default: every vault). */
  readonly vault?: string;
  /** The clock (tests). */
  readonly now?: () => Date;
}

const PAGE = 1000;

/**
 * Sweep the files of every vault (or one), returning a report per vault.
 *
 * @example
 * ```ts
 * const reports = await sweepFiles({ store, files }, { olderThanMs: 24 * 3600_000 });
 * ```
 */
export async function sweepFiles(
  deps: { readonly store: FileCatalog & { vaults(): Promise<VaultRow[]> }; readonly files: FileStore },
  opts: SweepOptions,
): Promise<SweepReport[]> {
  const { store, files } = deps;
  const before = new Date((opts.now?.() ?? new Date()).getTime() - opts.olderThanMs).toISOString();
  const vaults = opts.vault !== undefined ? [opts.vault] : (await store.vaults()).map((v) => v.name);
  const reports: SweepReport[] = [];
  for (const vault of vaults) {
    const report: SweepReport = { vault, unreferenced: [], orphans: [], erased: [] };
    if (opts.dryRun === true) {
      for (const f of await store.unreferencedFiles(vault, before, 100_000)) report.unreferenced.push({ sha256: f.sha256, length: f.length, touchedAt: f.touchedAt });
    } else {
      // Each page is gone once swept; a file the store refuses to mark was
      // named or touched meanwhile and is not listed again.
      for (;;) {
        const page = await store.unreferencedFiles(vault, before, PAGE);
        let removed = 0;
        for (const f of page) {
          if (!(await store.beginSweep(vault, f.sha256, before))) continue;
          await files.delete(vault, f.sha256);
          await store.sweptFile(vault, f.sha256);
          report.unreferenced.push({ sha256: f.sha256, length: f.length, touchedAt: f.touchedAt });
          removed++;
        }
        if (page.length < PAGE || removed === 0) break;
      }
    }
    await sweepStored(vault, before, deps, opts.dryRun === true, report);
    reports.push(report);
  }
  return reports;
}

// Bytes in the file store that no stored row accounts for, or whose file was erased.
async function sweepStored(
  vault: string,
  before: string,
  deps: { readonly store: FileCatalog; readonly files: FileStore },
  dry: boolean,
  report: SweepReport,
): Promise<void> {
  const batch: StoredFile[] = [];
  const flush = async (): Promise<void> => {
    const rows = await deps.store.filesAt(vault, batch.map((b) => b.sha256));
    for (const b of batch) {
      const row = rows.get(b.sha256);
      if (row === undefined && b.storedAt.toISOString() < before) {
        if (dry) {
          report.orphans.push(b.sha256);
          continue;
        }
        // Marked first, as every removal is: an upload that claimed these bytes since keeps them.
        if (!(await deps.store.claimOrphan(vault, b.sha256, b.length, new Date().toISOString()))) continue;
        await deps.files.delete(vault, b.sha256);
        await deps.store.sweptFile(vault, b.sha256);
        report.orphans.push(b.sha256);
      } else if (row !== undefined && row.erasedBy !== null) {
        report.erased.push(b.sha256);
        if (!dry) await deps.files.delete(vault, b.sha256);
      }
    }
    batch.length = 0;
  };
  for await (const f of deps.files.list(vault)) {
    batch.push(f);
    if (batch.length >= PAGE) await flush();
  }
  if (batch.length > 0) await flush();
}
