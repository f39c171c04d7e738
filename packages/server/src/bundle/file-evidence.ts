/**
 * What a bundle with files adds (docs/formats.md §14, "Bundles with
 * files"): the files the chosen records attach, and for each file the vault
 * erased, its `file.erasure` record, bundled so that a verifier reports the
 * attachment "redacted" on signed evidence, not on the exporter's word.
 */
import { FILE_ADDRESS_PREFIX, FILE_ERASURE_RECORD_TYPE, attachmentsOf } from "@sealtrail/core";
import type { EntryRow } from "../store/types.js";

/** The file part of a bundle. */
export interface FileEvidence {
  /** The erasure records to bundle beside the chosen ones. */
  readonly erasures: readonly EntryRow[];
  /** Each erased file with the index of the (earliest) record that erased it. */
  readonly erased: readonly { readonly sha256: string; readonly index: number }[];
  /** The files to carry: attached, not erased. */
  readonly files: readonly { readonly sha256: string; readonly length: number }[];
}

/**
 * The files of `chosen` and their erasures; `erasureRecords()` lists the
 * vault's `file.erasure` records below the bundle's checkpoint size.
 */
export async function fileEvidence(chosen: readonly EntryRow[], erasureRecords: () => Promise<EntryRow[]>): Promise<FileEvidence> {
  const attached = new Map<string, number>();
  for (const r of chosen) {
    if (r.payload === null) continue; // redacted: its attachments are not known any more
    if (!r.payload.includes('"attachments"')) continue;
    for (const a of attachmentsOf(JSON.parse(r.payload))) if (!attached.has(a.sha256)) attached.set(a.sha256, a.length);
  }
  if (attached.size === 0) return { erasures: [], erased: [], files: [] };
  const erasures: EntryRow[] = [];
  const erasedAt = new Map<string, number>();
  for (const r of await erasureRecords()) {
    if (r.type !== FILE_ERASURE_RECORD_TYPE || r.payload === null) continue;
    const file = (JSON.parse(r.payload) as { file?: unknown }).file;
    const hex = typeof file === "string" && file.startsWith(FILE_ADDRESS_PREFIX) ? file.slice(FILE_ADDRESS_PREFIX.length) : "";
    if (!attached.has(hex)) continue;
    erasures.push(r);
    if (!erasedAt.has(hex)) erasedAt.set(hex, Number(r.index));
  }
  return {
    erasures,
    erased: [...erasedAt].map(([sha256, index]) => ({ sha256, index })),
    files: [...attached].filter(([h]) => !erasedAt.has(h)).map(([sha256, length]) => ({ sha256, length })),
  };
}
