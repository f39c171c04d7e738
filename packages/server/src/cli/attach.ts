/**
 * `--attach FILE` (repeatable) on the commands that sign records (`append`,
 * `sms <kind> add|update`): each file is hashed here as it is read, its media
 * type detected from its bytes, its bytes put into the vault (uploaded with
 * --server, received into the data directory's file store otherwise), and
 * its descriptor added to every record's `attachments` (docs/formats.md,
 * "Attachments"). The descriptors are signed with the record, so the
 * signature covers the files' digests.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { ATTACHMENTS_MEMBER, SealTrailError, checkAttachments, createClient, hashStream, type Attachment } from "@sealtrail/core";
import { MEDIA_SNIFF_BYTES, detectMediaType } from "../files/media-type.js";
import { receiveFile } from "../files/receive.js";
import type { DatabaseLocation } from "../main.js";
import { withContext } from "./context.js";
import { UsageError } from "./io.js";

/** The options {@link addAttachOptions} adds. */
export interface AttachOptions {
  readonly attach?: string[];
  readonly attachEffective?: string;
  readonly attachExpires?: string;
}

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

function dateArg(name: string) {
  return (v: string): string => {
    if (!DATE.test(v)) throw new UsageError(`${name} must be a date, YYYY-MM-DD, got "${v}"`);
    return v;
  };
}

/**
 * Add `--attach FILE` (repeatable), `--attach-effective DATE` and
 * `--attach-expires DATE` to a command.
 *
 * @example
 * ```ts
 * addAttachOptions(program.command("append"));
 * ```
 */
export function addAttachOptions(c: Command): Command {
  return c
    .option(
      "--attach <file>",
      "attach an evidence file to every record (repeat for several): hashed here, stored in the vault (uploaded with --server), named with its SHA-256, length, media type and name in the payload's attachments",
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option("--attach-effective <date>", "the date the attached evidence takes effect (YYYY-MM-DD)", dateArg("--attach-effective"))
    .option("--attach-expires <date>", "the date the attached evidence expires (YYYY-MM-DD); due items list it", dateArg("--attach-expires"));
}

// Types whose bytes carry no magic number: named by the file's extension.
const TEXT_TYPES: Readonly<Record<string, string>> = {
  ".txt": "text/plain",
  ".log": "text/plain",
  ".csv": "text/csv",
  ".md": "text/markdown",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".eml": "message/rfc822",
};

async function headOf(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The media type of a file: detected from its first bytes, else by its
 * extension for text formats, else application/octet-stream.
 *
 * @example
 * ```ts
 * await mediaTypeOf("policy.pdf") // "application/pdf"
 * ```
 */
export async function mediaTypeOf(path: string): Promise<string> {
  const detected = await detectMediaType(await headOf(path, MEDIA_SNIFF_BYTES));
  return detected ?? TEXT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** A file's descriptor, checked before anything is read or sent. */
async function describe(path: string, o: AttachOptions): Promise<Attachment> {
  const st = await stat(path).catch(() => null);
  if (st === null || !st.isFile()) throw new UsageError(`--attach: no such file: ${path}`);
  const { sha256, length } = await hashStream(createReadStream(path));
  const a: Attachment = {
    sha256,
    length,
    mediaType: await mediaTypeOf(path),
    name: basename(path),
    ...(o.attachEffective !== undefined ? { effective: o.attachEffective } : {}),
    ...(o.attachExpires !== undefined ? { expires: o.attachExpires } : {}),
  };
  const problems = checkAttachments({ [ATTACHMENTS_MEMBER]: [a] });
  if (problems.length > 0) throw new UsageError(`--attach ${path}: ${problems.map((p) => `${p.pointer.replace("/attachments/0/", "")}: ${p.message}`).join("; ")}`);
  return a;
}

/**
 * Put the files of `o.attach` into the vault and return the payloads with
 * their descriptors added to `attachments` (after any the payload names
 * already; a file it names already is not named twice). Without --attach,
 * the payloads unchanged.
 *
 * @example
 * ```ts
 * const payloads = await attachFiles(o, readRecords(io, file));
 * ```
 */
export async function attachFiles(
  o: AttachOptions & DatabaseLocation & { server?: string; vault: string },
  payloads: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const files = o.attach ?? [];
  if (files.length === 0) {
    if (o.attachEffective !== undefined || o.attachExpires !== undefined) throw new UsageError("--attach-effective and --attach-expires need --attach FILE");
    return payloads;
  }
  const described: { path: string; a: Attachment }[] = [];
  for (const path of files) described.push({ path, a: await describe(path, o) });

  if (o.server !== undefined && o.server !== "") {
    const apiKey = process.env.SEALTRAIL_API_KEY;
    if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
    const client = createClient({ baseUrl: o.server, apiKey });
    for (const { path, a } of described) {
      const put = await client.files.put(o.vault, () => createReadStream(path), { mediaType: a.mediaType });
      // The file changed between hashing and sending: the server refused it, or took other bytes.
      if (put.sha256 !== a.sha256) throw new SealTrailError("conflict", `--attach ${path}: the file changed while it was read`);
    }
  } else {
    await withContext(o, async (ctx) => {
      for (const { path, a } of described) {
        await receiveFile(
          { store: ctx.store, files: ctx.files, limits: ctx.fileLimits },
          { vault: o.vault, sha256: a.sha256, length: a.length, mediaType: a.mediaType, uploadedBy: null, body: createReadStream(path) },
        );
      }
    });
  }

  return payloads.map((p, i) => {
    const had = p[ATTACHMENTS_MEMBER];
    if (had !== undefined && !Array.isArray(had)) throw new SealTrailError("invalid", `element ${i}: /attachments must be an array to add --attach files to`, { detail: { pointer: "/attachments" } });
    const list = (had ?? []) as unknown[];
    const named = new Set(list.map((x) => (x !== null && typeof x === "object" ? (x as { sha256?: unknown }).sha256 : undefined)));
    return { ...p, [ATTACHMENTS_MEMBER]: [...list, ...described.map((d) => d.a).filter((a) => !named.has(a.sha256))] };
  });
}
