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
import { SealTrailError } from "@sealtrail/core";
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

/**
 * The record type that erases a file's bytes. Its payload is
 * `{ "file": "sha256:<hex>", "reason": "..." }`; the file's digest stays in
 * every record naming it, so a verifier reports the attachment "redacted",
 * never "tampered".
 */
export const FILE_ERASURE_TYPE = "file.erasure";

/** Longest reason an erasure may give, in characters. */
export const MAX_ERASURE_REASON = 500;

/**
 * The problems of a `file.erasure` payload (JSON Pointers into it), empty
 * when it is `{ file: "sha256:<64 lowercase hex>", reason?: non-empty string }`.
 *
 * @example
 * ```ts
 * erasureProblems({ file: "sha256:" + "ab".repeat(32), reason: "personal data" }) // []
 * ```
 */
export function erasureProblems(payload: unknown): { pointer: string; message: string }[] {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return [{ pointer: "", message: "an object { file, reason }" }];
  const out: { pointer: string; message: string }[] = [];
  const p = payload as Record<string, unknown>;
  for (const k of Object.keys(p)) if (k !== "file" && k !== "reason") out.push({ pointer: `/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`, message: "not a member of a file erasure" });
  if (typeof p.file !== "string" || !/^sha256:[0-9a-f]{64}$/.test(p.file)) out.push({ pointer: "/file", message: "the file's address: sha256: and 64 lowercase hex digits" });
  if (p.reason !== undefined && (typeof p.reason !== "string" || p.reason.length === 0 || p.reason.length > MAX_ERASURE_REASON)) {
    out.push({ pointer: "/reason", message: `why, in 1 to ${MAX_ERASURE_REASON} characters` });
  }
  return out;
}

/**
 * The digest (hex) of the file a record erases: for a `file.erasure`, its
 * payload's `file`; null for any other type. Throws SealTrailError
 * ("invalid") naming the field when an erasure's payload is not one.
 *
 * @example
 * ```ts
 * erasedFileOf("file.erasure", { file: "sha256:" + hex }) // hex
 * ```
 */
export function erasedFileOf(type: string, payload: unknown): string | null {
  if (type !== FILE_ERASURE_TYPE) return null;
  const problems = erasureProblems(payload);
  if (problems.length > 0) {
    const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
    throw new SealTrailError("invalid", `not a valid ${FILE_ERASURE_TYPE}: ${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
      detail: { problems: named },
    });
  }
  return ((payload as { file: string }).file).slice("sha256:".length);
}
