/**
 * The ZIP form of an evidence bundle (docs/formats.md §14, "Bundles with
 * files"): `bundle.json` (the bundle, with its `erased` list) and
 * `files/<sha256 hex>` for each file the bundled records attach and the
 * vault still holds. Written and read as streams (yazl, yauzl): a file's
 * bytes go from the file store into the archive, and from the archive into
 * the verifier's hash, without ever being held whole.
 */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import * as yauzl from "yauzl";
import { ZipFile } from "yazl";
import { SealTrailError, type EvidenceBundle } from "@sealtrail/core";
import type { FileStore } from "../files/file-store.js";

/** Name of the bundle document inside the archive. */
export const BUNDLE_ENTRY = "bundle.json";
/** Folder of the carried files inside the archive: `files/<sha256 hex>`. */
export const FILES_FOLDER = "files/";
/** The first bytes of a ZIP archive (a local file header, APPNOTE 4.3.7). */
export const ZIP_MAGIC = Uint8Array.of(0x50, 0x4b, 0x03, 0x04);
/** The bundle document is read whole (the verifier splits it by record): bounded, so that a crafted archive cannot inflate without end. */
const MAX_BUNDLE_JSON = 4 * 1024 * 1024 * 1024 - 1;
const HEX64 = /^[0-9a-f]{64}$/;

/** What writing the archive did. */
export interface ZipWriteResult {
  /** Files written into the archive. */
  readonly carried: number;
  /** Attached files the file store did not hold (and no erasure explains): the verifier will name them missing. */
  readonly absent: readonly string[];
}

/**
 * Write `bundle` and the bytes of `files` (attachments not erased) from the
 * file store to a ZIP archive at `path`. Files are stored, not deflated:
 * evidence is mostly compressed already (PDF, JPEG, DOCX), and the bytes
 * then pass through at disk speed.
 *
 * @example
 * ```ts
 * await writeBundleZip("evidence.zip", r.bundle, r.files, ctx.files);
 * ```
 */
export async function writeBundleZip(
  path: string,
  bundle: EvidenceBundle,
  files: readonly { readonly sha256: string; readonly length: number }[],
  store: FileStore,
): Promise<ZipWriteResult> {
  const zip = new ZipFile();
  const mtime = new Date(bundle.createdAt ?? Date.now());
  zip.addBuffer(Buffer.from(JSON.stringify(bundle) + "\n", "utf8"), BUNDLE_ENTRY, { mtime, compress: true });
  const absent: string[] = [];
  let carried = 0;
  for (const f of files) {
    const held = await store.stat(bundle.vault, f.sha256);
    if (held === null || held.length !== f.length) {
      absent.push(f.sha256);
      continue;
    }
    carried++;
    // Opened only when the archive reaches it: one file open at a time.
    zip.addReadStreamLazy(`${FILES_FOLDER}${f.sha256}`, { size: f.length, mtime, compress: false }, (cb) => {
      store.get(bundle.vault, f.sha256).then(
        (s) => cb(null, s),
        (e: unknown) => cb(e, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return { carried, absent };
}

/** An opened ZIP bundle: its document's bytes and the carried files by digest. */
export interface ZipBundle {
  /** The bytes of `bundle.json`. */
  readonly bundle: Uint8Array;
  /** Digests of the carried files. */
  readonly carried: readonly string[];
  /** The bytes of a carried file as a stream, or null when the archive has none of that digest. */
  file(sha256: string): Promise<Readable | null>;
  close(): void;
}

/**
 * Open a ZIP bundle: reads its central directory and `bundle.json`; the
 * files are read only when asked for. Entries other than `bundle.json` and
 * `files/<sha256 hex>` are ignored; a second entry of one name is refused.
 *
 * @example
 * ```ts
 * const z = await openBundleZip("evidence.zip");
 * const report = await verifyBundleBytes(z.bundle, policy, { files: (h) => z.file(h) });
 * ```
 */
export async function openBundleZip(path: string): Promise<ZipBundle> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch (e) {
    throw new SealTrailError("malformed", `${path}: not a ZIP archive: ${(e as Error).message}`, { cause: e });
  }
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (name !== BUNDLE_ENTRY && !(name.startsWith(FILES_FOLDER) && HEX64.test(name.slice(FILES_FOLDER.length)))) continue;
      if (entries.has(name)) throw new SealTrailError("malformed", `${path}: the archive holds ${name} twice`);
      entries.set(name, entry);
    }
    const doc = entries.get(BUNDLE_ENTRY);
    if (doc === undefined) throw new SealTrailError("malformed", `${path}: the archive holds no ${BUNDLE_ENTRY}`);
    if (doc.uncompressedSize > MAX_BUNDLE_JSON) throw new SealTrailError("too_large", `${path}: ${BUNDLE_ENTRY} is over 4 GiB`);
    const parts: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(doc)) parts.push(c as Buffer);
    const bundle = new Uint8Array(Buffer.concat(parts));
    const carried = [...entries.keys()].filter((n) => n !== BUNDLE_ENTRY).map((n) => n.slice(FILES_FOLDER.length));
    return {
      bundle,
      carried,
      async file(sha256) {
        const entry = entries.get(`${FILES_FOLDER}${sha256}`);
        return entry === undefined ? null : zip.openReadStreamPromise(entry);
      },
      close: () => zip.close(),
    };
  } catch (e) {
    zip.close();
    if (e instanceof SealTrailError) throw e;
    throw new SealTrailError("malformed", `${path}: the archive does not read: ${(e as Error).message}`, { cause: e });
  }
}
