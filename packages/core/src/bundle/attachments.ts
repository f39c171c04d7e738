/**
 * Attachments of bundled records against the files a bundle carries
 * (docs/formats.md §14 step 8, §19): each attachment of each valid record is
 * "verified" (the carried bytes hash to the digest and length the author
 * signed), "redacted" (not carried, and a valid `file.erasure` record in the
 * bundle erased them), "missing" or "tampered". The files come through a
 * resolver the caller gives (the CLI reads a ZIP); core reads no archive.
 */
import { attachmentsOf, type Attachment } from "../files/attachment.js";
import { FILE_ADDRESS_PREFIX } from "../files/address.js";
import { hashStream } from "../files/hash.js";
import type { BundleFileResolver } from "./options.js";
import { fail, type Line, type Rec } from "./state.js";
import type { AttachmentReport, BundleFailure, BundleReport } from "./types.js";

/** The record type that erases an attached file's bytes (payload `{file: "sha256:<hex>", reason}`). */
export const FILE_ERASURE_RECORD_TYPE = "file.erasure";

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Read what a verified payload says of files: its attachments, and on a
 * file erasure record the file it erases. A payload that does not parse or
 * names nothing leaves the record without files (its commitment held: the
 * author signed exactly this text).
 */
export function readFileFields(r: Rec, type: unknown, payload: string): void {
  const erasure = type === FILE_ERASURE_RECORD_TYPE;
  // Most payloads name no file: a text search spares their parse.
  if (!erasure && !payload.includes('"attachments"')) return;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return;
  }
  const files = attachmentsOf(value);
  if (files.length > 0) r.files = files;
  if (erasure && value !== null && typeof value === "object") {
    const v = value as { file?: unknown; reason?: unknown };
    const hex = typeof v.file === "string" && v.file.startsWith(FILE_ADDRESS_PREFIX) ? v.file.slice(FILE_ADDRESS_PREFIX.length) : "";
    if (HEX64.test(hex)) r.erases = { sha256: hex, reason: typeof v.reason === "string" ? v.reason : null };
  }
}

type Found = { readonly sha256: string; readonly length: number } | { readonly error: string } | null;

/**
 * Check every attachment of every valid record against the carried files,
 * write each record's `attachments` line, add a failure for each missing or
 * tampered one, and count them. Each file is read once however many records
 * name it.
 */
export async function checkFiles(recs: readonly Rec[], resolve: BundleFileResolver, failures: BundleFailure[]): Promise<NonNullable<BundleReport["files"]>> {
  const counts = { verified: 0, redacted: 0, missing: 0, tampered: 0 };
  // The earliest valid erasure of each file: only signed, verified records count, never the bundle's `erased` list.
  const erasures = new Map<string, Rec>();
  for (const r of [...recs].sort((x, y) => x.index - y.index)) {
    if (r.erases !== null && r.report?.status === "valid" && !erasures.has(r.erases.sha256)) erasures.set(r.erases.sha256, r);
  }
  const found = new Map<string, Promise<Found>>();
  const read = (sha256: string): Promise<Found> => {
    let p = found.get(sha256);
    if (p === undefined) {
      p = (async () => {
        const source = await resolve(sha256);
        if (source === null) return null;
        try {
          return await hashStream(source);
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      })();
      found.set(sha256, p);
    }
    return p;
  };
  for (const r of recs) {
    if (r.files === null || r.report?.status !== "valid") continue;
    const lines: AttachmentReport[] = [];
    for (const [position, a] of r.files.entries()) {
      const line = judge(r.index, position, a, await read(a.sha256), erasures.get(a.sha256), failures);
      counts[line.status]++;
      lines.push(line);
    }
    (r.report as Line).attachments = lines;
  }
  return counts;
}

function judge(index: number, position: number, a: Attachment, got: Found, erasure: Rec | undefined, failures: BundleFailure[]): AttachmentReport {
  const base = { position, sha256: a.sha256, length: a.length, mediaType: a.mediaType, name: a.name };
  const what = `entry ${index}: attachment ${position} "${a.name}" (sha256:${a.sha256})`;
  if (got === null) {
    if (erasure !== undefined) {
      const env = erasure.report!;
      return { ...base, status: "redacted", erasure: { index: erasure.index, by: env.author!, at: env.claimedTime!, reason: erasure.erases!.reason } };
    }
    failures.push(fail("attachment_missing", `${what} is not in the bundle, and no valid file.erasure record in it erases the file`, { index }));
    return { ...base, status: "missing" };
  }
  if ("error" in got) {
    failures.push(fail("attachment_tampered", `${what}: the carried bytes cannot be read whole: ${got.error}`, { index }));
    return { ...base, status: "tampered" };
  }
  if (got.sha256 === a.sha256 && got.length === a.length) return { ...base, status: "verified" };
  failures.push(
    fail("attachment_tampered", `${what}: the carried bytes are sha256:${got.sha256} (${got.length} bytes), the record signed ${a.length} bytes of sha256:${a.sha256}`, { index }),
  );
  return { ...base, status: "tampered", found: got };
}
