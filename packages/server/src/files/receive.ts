/**
 * The one path by which a file's bytes enter a vault, for the HTTP upload
 * route and the CLI's data-directory mode alike: the limits and the declared
 * media type are checked against the first bytes, the vault's row is
 * claimed, the bytes are streamed into the file store (hashed as they pass,
 * never held whole), and only then is the row marked stored, which is what a
 * record may name. A body that fails any check leaves neither bytes nor row.
 */
import { SealTrailError } from "@sealtrail/core";
import type { FileCatalog, FileUpload } from "../store/types.js";
import { checkFileKey, checkFileLength, type FileStore } from "./file-store.js";
import type { FileLimits } from "./limits.js";
import { MEDIA_SNIFF_BYTES, checkDeclaredType } from "./media-type.js";

/** What {@link receiveFile} works with. */
export interface ReceiveDeps {
  readonly store: FileCatalog;
  readonly files: FileStore;
  readonly limits: FileLimits;
}

/** One upload: the file's name (digest), announced length, declared media type and body. */
export interface ReceiveRequest {
  readonly vault: string;
  /** SHA-256 hex: the bytes must hash to it. */
  readonly sha256: string;
  /** The body must have exactly this many bytes. */
  readonly length: number;
  readonly mediaType: string;
  /** Id of the API key that sends it (null from the CLI). */
  readonly uploadedBy: string | null;
  readonly body: AsyncIterable<Uint8Array>;
  /** Aborts the upload (a client that went away). */
  readonly signal?: AbortSignal;
}

/**
 * Receive a file into a vault. Resolves `created: false` when the vault held
 * these bytes already (an idempotent upload). Throws SealTrailError naming
 * the cause: `too_large` over the size limit, `invalid` for a wrong digest
 * or length (`detail.reason`), a media type not allowed or contradicted by
 * the bytes, or another length or media type than the vault holds the file
 * with; `gone` for a file erased from the vault; `unavailable` while a sweep
 * removes it.
 *
 * @example
 * ```ts
 * const { created } = await receiveFile({ store, files, limits: DEFAULT_FILE_LIMITS }, {
 *   vault: "default", sha256, length, mediaType: "application/pdf", uploadedBy: null, body: createReadStream("policy.pdf"),
 * });
 * ```
 */
export async function receiveFile(deps: ReceiveDeps, req: ReceiveRequest): Promise<{ created: boolean }> {
  const { store, files, limits } = deps;
  const { vault, sha256, length, mediaType } = req;
  checkFileKey(vault, sha256);
  checkFileLength(length);
  if (length > limits.maxBytes) {
    throw new SealTrailError("too_large", `a file of ${length} bytes is over this server's limit of ${limits.maxBytes}`, {
      detail: { field: "length", reason: "too_large", limit: limits.maxBytes },
    });
  }
  const { head, body } = await peek(req.body, Math.min(length, MEDIA_SNIFF_BYTES));
  await checkDeclaredType(mediaType, head, limits.mediaTypes);

  const upload: FileUpload = { sha256, length, mediaType, uploadedBy: req.uploadedBy, at: new Date().toISOString() };
  const row = await store.claimFile(vault, upload);
  if (row.erasedBy !== null) throw erased(sha256, row.erasedBy);
  if (row.state === "sweeping") throw sweeping(sha256);
  if (row.length !== length) {
    throw new SealTrailError("invalid", `this vault holds sha256:${sha256} with ${row.length} bytes, not ${length}`, {
      detail: { field: "length", reason: "length", expected: row.length },
    });
  }
  if (row.mediaType !== mediaType) {
    throw new SealTrailError("conflict", `this vault holds sha256:${sha256} as ${row.mediaType}: upload it as that media type`, {
      detail: { field: "mediaType", reason: "media_type", held: row.mediaType },
    });
  }
  let created: boolean;
  try {
    ({ created } = await files.put(vault, sha256, length, body, req.signal !== undefined ? { signal: req.signal } : {}));
  } catch (e) {
    // Only this upload's own claim goes: a row stored before, or touched by a later upload, stays.
    await store.abandonFile(vault, sha256, upload.at);
    throw e;
  }
  const stored = await store.fileStored(vault, upload);
  if (stored === null) {
    const now = await store.file(vault, sha256);
    if (now?.erasedBy != null) {
      // Erased while these bytes were written: they must not stay.
      await files.delete(vault, sha256);
      throw erased(sha256, now.erasedBy);
    }
    throw sweeping(sha256);
  }
  return { created };
}

function erased(sha256: string, by: bigint): SealTrailError {
  return new SealTrailError("gone", `sha256:${sha256} was erased from this vault by record ${by}`, { detail: { reason: "redacted", erasedBy: Number(by) } });
}

function sweeping(sha256: string): SealTrailError {
  return new SealTrailError("unavailable", `sha256:${sha256} is being removed from this vault by a sweep: upload it again in a moment`, {
    detail: { retryAfter: 1 },
  });
}

/**
 * The first `n` bytes of a body (fewer when it is shorter) and the whole
 * body again, without reading more of it than that.
 */
async function peek(source: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; body: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const read: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    read.push(r.value);
    size += r.value.byteLength;
  }
  const head = new Uint8Array(Math.min(size, n));
  let at = 0;
  for (const c of read) {
    if (at >= head.length) break;
    const part = c.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* read;
    while (!done) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  return { head, body: body() };
}
