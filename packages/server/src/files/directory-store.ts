/**
 * The embedded file store: a content-addressed directory inside the data
 * directory, `<root>/<vault>/<first two hex digits>/<sha256 hex>`, written
 * as git writes loose objects: the body goes to a temporary file under
 * `<root>/.tmp/` while it is hashed, is fsynced, then hard-linked under its
 * real name (link fails rather than replace, so of two identical uploads
 * racing exactly one is `created`) and the directory fsynced. A process
 * killed mid-upload leaves only a temporary file, which no name points at
 * and which the next store opened on the root removes.
 *
 * Vault names never start with a dot (isName), so `.tmp` is never a vault.
 */
import { randomBytes } from "node:crypto";
import type { ReadStream } from "node:fs";
import { link, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { SealTrailError } from "@sealtrail/core";
import {
  BodyCheck,
  checkFileKey,
  checkFileLength,
  checkRange,
  drainChecked,
  type ByteRange,
  type FileStore,
  type StoredFile,
} from "./file-store.js";

/** Temporary files live here, on the same file system as their real names (link and rename need it). */
export const TMP_DIR = ".tmp";
/** Suffix of a temporary file: `<host>-<pid>-<random>.part`. */
const TMP_SUFFIX = ".part";
/** Bytes gathered before one write: fewer system calls, while the next chunks are hashed meanwhile. */
const WRITE_BATCH = 1 << 20;
/** Read-side chunk size: large enough that a download is not system-call bound. */
const READ_CHUNK = 1 << 20;
/** A temporary file untouched this long is stale whoever wrote it (a host that shares the directory). */
const STALE_MS = 24 * 60 * 60 * 1000;
const HEX64 = /^[0-9a-f]{64}$/;

/** A host tag for temporary names, so that a pid is only judged on the host that owns it. */
const HOST = hostname().replace(/[^A-Za-z0-9]/g, "").slice(0, 32) || "host";
/**
 * Temporaries this process is writing. A temporary with this process's pid
 * but not in the set was left by an earlier process that had the same pid
 * (a restarted container often gets the same one).
 */
const OWN_TEMPORARIES = new Set<string>();

/**
 * A file store in a directory (the embedded default, `<data>/files`).
 *
 * @example
 * ```ts
 * const files = createDirectoryFileStore(join(dataDir, "files"));
 * await files.put("default", hex, length, stream);
 * ```
 */
export function createDirectoryFileStore(root: string): FileStore {
  const tmpRoot = join(root, TMP_DIR);
  const pathOf = (vault: string, sha256: string): string => join(root, vault, sha256.slice(0, 2), sha256);
  // Started at open, awaited by the first put: nothing waits for it but a writer.
  const ready = removeStaleTemporaries(tmpRoot);

  async function put(
    vault: string,
    sha256: string,
    length: number,
    body: AsyncIterable<Uint8Array>,
    opts?: { signal?: AbortSignal },
  ): Promise<{ created: boolean }> {
    checkFileKey(vault, sha256);
    checkFileLength(length);
    const signal = opts?.signal;
    signal?.throwIfAborted();
    const final = pathOf(vault, sha256);
    if (await exists(final)) {
      await drainChecked(sha256, length, body, signal);
      return { created: false };
    }
    await ready;
    await mkdir(tmpRoot, { recursive: true });
    const tmpName = `${HOST}-${process.pid}-${randomBytes(8).toString("hex")}${TMP_SUFFIX}`;
    const tmp = join(tmpRoot, tmpName);
    OWN_TEMPORARIES.add(tmpName);
    try {
      const fh = await open(tmp, "wx");
      try {
        await writeChecked(fh, new BodyCheck(sha256, length), body, signal);
        // Durable before it has a name (a crash after the link must not expose a hole).
        await fh.sync();
      } finally {
        await fh.close();
      }
      const dir = join(root, vault, sha256.slice(0, 2));
      await mkdir(dir, { recursive: true });
      const created = await linkOnce(tmp, final);
      if (created) await syncDir(dir);
      return { created };
    } finally {
      await unlink(tmp).catch(() => undefined);
      OWN_TEMPORARIES.delete(tmpName);
    }
  }

  async function statFile(vault: string, sha256: string): Promise<{ length: number } | null> {
    checkFileKey(vault, sha256);
    try {
      const s = await stat(pathOf(vault, sha256));
      return { length: s.size };
    } catch (e) {
      if (isNoEntry(e)) return null;
      throw e;
    }
  }

  async function get(vault: string, sha256: string, range?: ByteRange): Promise<ReadStream> {
    checkFileKey(vault, sha256);
    let fh: FileHandle;
    try {
      fh = await open(pathOf(vault, sha256), "r");
    } catch (e) {
      if (isNoEntry(e)) throw new SealTrailError("not_found", `vault "${vault}" holds no file sha256:${sha256}`);
      throw e;
    }
    try {
      if (range !== undefined) checkRange(range, (await fh.stat()).size);
    } catch (e) {
      await fh.close();
      throw e;
    }
    // The open handle keeps the bytes readable even if the file is deleted meanwhile (POSIX).
    return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
  }

  async function remove(vault: string, sha256: string): Promise<boolean> {
    checkFileKey(vault, sha256);
    try {
      await unlink(pathOf(vault, sha256));
    } catch (e) {
      if (isNoEntry(e)) return false;
      throw e;
    }
    // An erasure is durable once answered, like a put.
    await syncDir(join(root, vault, sha256.slice(0, 2)));
    return true;
  }

  async function* list(vault: string): AsyncIterable<StoredFile> {
    checkFileKey(vault, "0".repeat(64));
    const base = join(root, vault);
    for (const prefix of await readdirOrEmpty(base)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of await readdirOrEmpty(join(base, prefix))) {
        if (!HEX64.test(name) || !name.startsWith(prefix)) continue;
        try {
          const s = await stat(join(base, prefix, name));
          yield { sha256: name, length: s.size, storedAt: s.mtime };
        } catch (e) {
          if (!isNoEntry(e)) throw e; // deleted while listing
        }
      }
    }
  }

  return {
    put,
    stat: statFile,
    get,
    delete: remove,
    list,
    async close(): Promise<void> {
      await ready;
    },
  };
}

/**
 * Hash and write the body: chunks are hashed as they arrive and written in
 * batches of about WRITE_BATCH bytes, each write running (in libuv's pool)
 * while the next batch is read and hashed. At most two batches are held.
 * Chunks must not be changed after they are yielded (as Node's streams never do).
 */
async function writeChecked(fh: FileHandle, check: BodyCheck, body: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of body) {
      signal?.throwIfAborted();
      check.update(chunk);
      if (chunk.byteLength === 0) continue;
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      if (batchBytes >= WRITE_BATCH) {
        await writing;
        writing = writeAll(fh, batch);
        batch = [];
        batchBytes = 0;
      }
    }
    check.finish();
    await writing;
    if (batch.length > 0) await writeAll(fh, batch);
  } catch (e) {
    // Let a write in flight settle before the caller closes the handle.
    await writing.catch(() => undefined);
    throw e;
  }
}

/** writev until every byte is written (a short write continues where it stopped). */
async function writeAll(fh: FileHandle, chunks: Uint8Array[]): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const c of rest) {
      if (skip >= c.byteLength) {
        skip -= c.byteLength;
        continue;
      }
      next.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    rest = next;
  }
}

/** Give the temporary file its real name unless it has one already; true when this call named it. */
async function linkOnce(tmp: string, final: string): Promise<boolean> {
  try {
    await link(tmp, final);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // File systems without hard links: rename is atomic too, and replacing identical bytes is harmless.
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") {
      if (await exists(final)) return false;
      await rename(tmp, final);
      return true;
    }
    throw e;
  }
}

/** fsync a directory, so that a name added or removed in it survives a power loss. */
async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, "r");
  try {
    await d.sync();
  } catch (e) {
    // Some file systems refuse fsync on a directory; the data itself is synced.
    if ((e as NodeJS.ErrnoException).code !== "EINVAL") throw e;
  } finally {
    await d.close();
  }
}

/** Remove temporaries of processes that are gone (killed mid-upload) and any left long enough. */
async function removeStaleTemporaries(tmpRoot: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdirOrEmpty(tmpRoot)) {
    if (!name.endsWith(TMP_SUFFIX)) continue;
    const path = join(tmpRoot, name);
    try {
      const [host, pid] = name.split("-");
      const s = await stat(path);
      const ours = host === HOST && pid !== undefined && /^\d+$/.test(pid);
      const dead = ours && (Number(pid) === process.pid ? !OWN_TEMPORARIES.has(name) : !isAlive(Number(pid)));
      if (dead || now - s.mtimeMs > STALE_MS) await unlink(path);
    } catch {
      // Gone meanwhile, or not ours to remove: a temporary is never read, only named.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, owned by another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (isNoEntry(e)) return false;
    throw e;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (isNoEntry(e) || (e as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw e;
  }
}

function isNoEntry(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
