/**
 * The file store of a deployment, chosen by URL at the composition root:
 * none given, a directory inside the data directory (`<data>/files`); an
 * `s3://bucket/prefix?...` URL, an S3-compatible bucket; a `file:` URL, a
 * directory elsewhere.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SealTrailError } from "@sealtrail/core";
import { createDirectoryFileStore } from "./directory-store.js";
import type { FileStore } from "./file-store.js";
import { createS3FileStore } from "./s3-store.js";

export { createDirectoryFileStore } from "./directory-store.js";
export { S3_MAX_FILE_BYTES, createS3FileStore, parseS3Url, type S3StoreOptions } from "./s3-store.js";
export type { ByteRange, FileStore, StoredFile } from "./file-store.js";
export { DEFAULT_FILE_LIMITS, DEFAULT_MAX_FILE_BYTES, type FileLimits } from "./limits.js";
export { DEFAULT_MEDIA_TYPES, MEDIA_SNIFF_BYTES, checkDeclaredType, detectMediaType, isAllowedMediaType } from "./media-type.js";

/** Directory of the embedded file store inside a data directory. */
export const FILES_DIR = "files";

/** Where the files of a deployment live. */
export interface FileStoreConfig {
  /** The data directory (its `files` folder is the default store). */
  readonly dataDir: string;
  /** `s3://bucket/prefix?endpoint=...&region=...&forcePathStyle=true`, or `file:///path`; empty: the data directory. */
  readonly url?: string | undefined;
}

/**
 * Open the file store a configuration names.
 *
 * @example
 * ```ts
 * const files = openFileStore({ dataDir: "./data" });                       // ./data/files
 * const s3 = openFileStore({ dataDir: "./data", url: "s3://evidence/prod" }); // a bucket
 * ```
 */
export function openFileStore(config: FileStoreConfig): FileStore {
  const url = config.url ?? "";
  if (url === "") return createDirectoryFileStore(join(config.dataDir, FILES_DIR));
  if (url.startsWith("s3://")) return createS3FileStore(url);
  if (url.startsWith("file:")) return createDirectoryFileStore(fileURLToPath(url));
  throw new SealTrailError("invalid", `file store URL: "${redactUrl(url)}" is neither s3://bucket/prefix nor file:///path`, { detail: { field: "filesUrl" } });
}

/** A URL for messages, without credentials. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/)[^@/]*@/i, "$1***@").replace(/([?&](secretAccessKey|accessKeyId|sessionToken)=)[^&]*/gi, "$1***");
}
