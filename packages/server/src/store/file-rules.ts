/**
 * The rules of evidence files at the moment an entry is sequenced, shared by
 * every engine: each file a record names is held by the vault (stored
 * whole, not erased, not being swept), and a `file.erasure` names a file the
 * vault holds, not erased yet, and comes from an organisation that authored
 * a record naming it, the operator or an administrator of the vault. The
 * ledger checks the same earlier with messages naming the attachment
 * (files/rules.ts); these are the checks a concurrent sweep or erasure
 * cannot slip past, because they run inside the sequencing transaction.
 */
import type { FileState, PendingEntry, SequenceOutcome } from "./types.js";

/** A file's row as the rules see it. */
export interface FileView {
  readonly state: FileState;
  readonly erasedBy: bigint | null;
}

/** What the file rules read, as of this point in the batch. */
export interface FileContext {
  fileAt(sha256: string): FileView | undefined;
  /** A record authored by `org` names the file (stored, or earlier in the batch). */
  namedBy(sha256: string, org: string): boolean;
  operator(): string | null;
  isAdminMember(org: string): boolean;
}

/**
 * Why `e` may not be sequenced now for the files it names or erases, or
 * null when it may.
 *
 * @example
 * ```ts
 * const refusal = fileRefusal(e, files.context(vault));
 * ```
 */
export function fileRefusal(e: PendingEntry, ctx: FileContext): SequenceOutcome | null {
  for (const [i, sha] of (e.files ?? []).entries()) {
    const f = ctx.fileAt(sha);
    if (f === undefined || f.state !== "stored") {
      return { ok: false, code: "conflict", message: `attachment ${i} (sha256:${sha}) is not held by this vault: upload it first` };
    }
    if (f.erasedBy !== null) return { ok: false, code: "conflict", message: `attachment ${i} (sha256:${sha}) was erased by record ${f.erasedBy}` };
  }
  const target = e.erasesFile;
  if (target == null) return null;
  const f = ctx.fileAt(target);
  if (f !== undefined && f.erasedBy !== null) return { ok: false, code: "conflict", message: `sha256:${target} was already erased by record ${f.erasedBy}` };
  if (f === undefined || f.state !== "stored") return { ok: false, code: "not_found", message: `sha256:${target} is not held by this vault` };
  if (!ctx.namedBy(target, e.author) && e.author !== ctx.operator() && !ctx.isAdminMember(e.author)) {
    return {
      ok: false,
      code: "conflict",
      message: `${e.author} may not erase sha256:${target}: only an organisation that authored a record naming it, the operator or an administrator of the vault may`,
    };
  }
  return null;
}
