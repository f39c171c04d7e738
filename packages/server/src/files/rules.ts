/**
 * The append rule of evidence files, for every record type: a record's
 * `attachments` are well-formed descriptors (core's checkAttachments), at
 * most the server's limit of them, and each names a file that the vault
 * holds whole with that length and media type, not erased; a `file.erasure`
 * names a file the vault holds. Each refusal names the field
 * (`/payload/attachments/0`). It composes with the other record rules (the
 * SMS rules) as one more request check; the store checks the same again
 * inside the sequencing transaction (store/file-rules.ts), so that a sweep
 * or an erasure in between cannot slip past.
 */
import { ATTACHMENTS_MEMBER, SealTrailError, checkAttachments, parseJson, type Attachment } from "@sealtrail/core";
import type { RecordRules } from "../ledger/record-rules.js";
import type { CheckedSubmission } from "../ledger/submission.js";
import type { FileCatalog, FileRow } from "../store/types.js";
import type { FileLimits } from "./limits.js";

interface Problem {
  readonly pointer: string;
  readonly message: string;
}

// A top-level `attachments` member appears in canonical JSON (RFC 8785) as
// this key: payloads without it are not parsed a second time.
const MEMBER_KEY = JSON.stringify(ATTACHMENTS_MEMBER) + ":";

/**
 * `rules` with the file rule added to its request checks; its schemas,
 * series and worker validation are unchanged.
 *
 * @example
 * ```ts
 * const rules = withFileRules(createSmsRules(store), store, DEFAULT_FILE_LIMITS);
 * const ledger = createLedger({ store, rules });
 * ```
 */
export function withFileRules(rules: RecordRules, catalog: FileCatalog, limits: FileLimits): RecordRules {
  return {
    ...rules,
    async checkRequest(vault, records) {
      await rules.checkRequest(vault, records);
      await checkFiles(vault, records, catalog, limits);
    },
  };
}

/** The attachments of a record, or null when it names none. */
function attachmentsIn(c: CheckedSubmission): { list: unknown; problems: Problem[] } | null {
  const text = c.pending.payload;
  if (text === null || !text.includes(MEMBER_KEY)) return null;
  const payload = parseJson(text);
  if (payload === null || typeof payload !== "object" || Array.isArray(payload) || !Object.hasOwn(payload, ATTACHMENTS_MEMBER)) return null;
  return { list: (payload as Record<string, unknown>)[ATTACHMENTS_MEMBER], problems: checkAttachments(payload) };
}

/**
 * Check a request's records against the file rule: throws SealTrailError
 * ("invalid") naming the record and each field at fault.
 *
 * @example
 * ```ts
 * await checkFiles("default", checked, store, DEFAULT_FILE_LIMITS);
 * ```
 */
export async function checkFiles(vault: string, records: readonly CheckedSubmission[], catalog: FileCatalog, limits: FileLimits): Promise<void> {
  const found: { i: number; list: Attachment[] }[] = [];
  const wanted = new Set<string>();
  const refuse = (i: number, problems: readonly Problem[]): never => {
    const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
    throw new SealTrailError("invalid", `${records.length > 1 ? `record ${i}: ` : ""}${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
      detail: { ...(records.length > 1 ? { record: i } : {}), problems: named },
    });
  };
  for (const [i, c] of records.entries()) {
    if (c.pending.erasesFile != null) wanted.add(c.pending.erasesFile);
    const a = attachmentsIn(c);
    if (a === null) continue;
    if (a.problems.length > 0) refuse(i, a.problems);
    const list = a.list as Attachment[];
    if (list.length > limits.maxPerRecord) refuse(i, [{ pointer: `/${ATTACHMENTS_MEMBER}`, message: `at most ${limits.maxPerRecord} attachments per record on this server` }]);
    found.push({ i, list });
    for (const f of list) wanted.add(f.sha256);
  }
  if (wanted.size === 0) return;
  const held = await catalog.filesAt(vault, [...wanted]);
  for (const { i, list } of found) {
    const problems = list.flatMap((a, k) => attachmentProblems(a, `/${ATTACHMENTS_MEMBER}/${k}`, held.get(a.sha256)));
    if (problems.length > 0) refuse(i, problems);
  }
  for (const [i, c] of records.entries()) {
    const sha = c.pending.erasesFile;
    if (sha == null) continue;
    const row = held.get(sha);
    if (row === undefined || row.state !== "stored") refuse(i, [{ pointer: "/file", message: `this vault holds no file sha256:${sha}` }]);
    else if (row.erasedBy !== null) refuse(i, [{ pointer: "/file", message: `sha256:${sha} was already erased by record ${row.erasedBy}` }]);
  }
}

function attachmentProblems(a: Attachment, at: string, row: FileRow | undefined): Problem[] {
  const address = `sha256:${a.sha256}`;
  if (row === undefined || row.state !== "stored") return [{ pointer: at, message: `this vault holds no file ${address}: upload it first (PUT .../files/${address})` }];
  if (row.erasedBy !== null) return [{ pointer: at, message: `${address} was erased by record ${row.erasedBy}: a record cannot name it any more` }];
  const out: Problem[] = [];
  if (row.length !== a.length) out.push({ pointer: `${at}/length`, message: `${address} holds ${row.length} bytes, not ${a.length}` });
  if (row.mediaType !== a.mediaType) out.push({ pointer: `${at}/mediaType`, message: `${address} was uploaded as ${row.mediaType}, not ${a.mediaType}` });
  return out;
}
