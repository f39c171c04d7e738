/**
 * The file store at scale: an S3-compatible bucket, through the AWS SDK's S3
 * client. Keys are `<prefix><vault>/<sha256 hex>`. A put streams the body to
 * a temporary key `<prefix>.tmp/<random>` (a multipart upload, at most
 * QUEUE_SIZE parts of PART_SIZE bytes in memory) while hashing it; only once
 * the digest and length match is the object copied to its content address
 * and the temporary key deleted, so a refused or interrupted upload never
 * appears under a real name. Vault names never start with a dot, so `.tmp`
 * is never a vault.
 *
 * The SDK is loaded on first use: a server on the directory store, and every
 * CLI command, start without it.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
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

/** Parts of a multipart upload (S3's minimum is 5 MiB); memory held per upload is at most QUEUE_SIZE of them. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** S3 copies at most 5 GiB in one CopyObject (the temporary key's bytes move to the content address). */
export const S3_MAX_FILE_BYTES = 5 * 1024 * 1024 * 1024;
/** Temporary objects older than this are left-overs of killed uploads, removed when a store opens. */
const STALE_MS = 24 * 60 * 60 * 1000;
const TMP = ".tmp/";
const HEX64 = /^[0-9a-f]{64}$/;

/** Options of an S3 file store beyond its URL. */
export interface S3StoreOptions {
  /** A client to use instead of one built from the URL (its configuration then wins). */
  readonly client?: S3Client;
}

/** Where the bucket is and how to reach it, from `s3://bucket/prefix?endpoint=...&region=...&forcePathStyle=true`. */
export interface S3Location {
  readonly bucket: string;
  /** Key prefix, "" or ending in "/". */
  readonly prefix: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Read an `s3://` URL. Credentials come from the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or the SDK's other sources)
 * unless the URL carries `accessKeyId` and `secretAccessKey` parameters.
 *
 * @example
 * ```ts
 * parseS3Url("s3://evidence/prod?endpoint=http://127.0.0.1:9000&forcePathStyle=true").prefix; // "prod/"
 * ```
 */
export function parseS3Url(url: string): S3Location {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SealTrailError("invalid", "file store URL: not a URL (s3://bucket/prefix?...)", { detail: { field: "filesUrl" } });
  }
  if (u.protocol !== "s3:" || u.hostname === "") {
    throw new SealTrailError("invalid", "file store URL: must be s3://bucket/prefix", { detail: { field: "filesUrl" } });
  }
  const path = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, "");
  const q = u.searchParams;
  const known = new Set(["endpoint", "region", "forcePathStyle", "accessKeyId", "secretAccessKey", "sessionToken"]);
  for (const k of q.keys()) {
    if (!known.has(k)) throw new SealTrailError("invalid", `file store URL: unknown parameter "${k}" (known: ${[...known].join(", ")})`, { detail: { field: "filesUrl" } });
  }
  const endpoint = q.get("endpoint") ?? undefined;
  const accessKeyId = q.get("accessKeyId");
  const secretAccessKey = q.get("secretAccessKey");
  const sessionToken = q.get("sessionToken");
  if ((accessKeyId === null) !== (secretAccessKey === null)) {
    throw new SealTrailError("invalid", "file store URL: give both accessKeyId and secretAccessKey, or neither", { detail: { field: "filesUrl" } });
  }
  return {
    bucket: u.hostname,
    prefix: path === "" ? "" : `${path}/`,
    ...(endpoint === undefined ? {} : { endpoint }),
    region: q.get("region") ?? process.env.AWS_REGION ?? "us-east-1",
    forcePathStyle: q.get("forcePathStyle") === "true",
    ...(accessKeyId === null || secretAccessKey === null
      ? {}
      : { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === null ? {} : { sessionToken }) } }),
  };
}

/**
 * A file store in an S3-compatible bucket.
 *
 * @example
 * ```ts
 * const files = createS3FileStore("s3://evidence/prod?region=eu-central-1");
 * await files.put("default", hex, length, stream);
 * ```
 */
export function createS3FileStore(url: string, opts?: S3StoreOptions): FileStore {
  const loc = parseS3Url(url);
  const sdk = import("@aws-sdk/client-s3");
  const clientPromise: Promise<S3Client> = opts?.client !== undefined ? Promise.resolve(opts.client) : sdk.then((s) => buildClient(s.S3Client, loc));
  const keyOf = (vault: string, sha256: string): string => `${loc.prefix}${vault}/${sha256}`;
  let cleaned: Promise<void> | undefined;

  async function head(key: string): Promise<{ length: number } | null> {
    const { HeadObjectCommand } = await sdk;
    try {
      const h = await (await clientPromise).send(new HeadObjectCommand({ Bucket: loc.bucket, Key: key }));
      return { length: h.ContentLength ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async function deleteKey(key: string): Promise<void> {
    const { DeleteObjectCommand } = await sdk;
    await (await clientPromise).send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: key }));
  }

  async function put(
    vault: string,
    sha256: string,
    length: number,
    body: AsyncIterable<Uint8Array>,
    putOpts?: { signal?: AbortSignal },
  ): Promise<{ created: boolean }> {
    checkFileKey(vault, sha256);
    checkFileLength(length);
    if (length > S3_MAX_FILE_BYTES) {
      throw new SealTrailError("too_large", `file sha256:${sha256}: ${length} bytes, over the S3 store's ${S3_MAX_FILE_BYTES}`, { detail: { field: "length" } });
    }
    const signal = putOpts?.signal;
    signal?.throwIfAborted();
    const final = keyOf(vault, sha256);
    if ((await head(final)) !== null) {
      await drainChecked(sha256, length, body, signal);
      return { created: false };
    }
    cleaned ??= removeStaleTemporaries().catch(() => undefined);
    const [{ Upload }, { CopyObjectCommand }, client] = await Promise.all([import("@aws-sdk/lib-storage"), sdk, clientPromise]);
    const tmp = `${loc.prefix}${TMP}${randomBytes(12).toString("hex")}`;
    const check = new BodyCheck(sha256, length);
    // The body's own failure (digest, length, abort): the SDK may answer with another error of its
    // clean-up (an S3-compatible server without AbortMultipartUpload), and this one is the cause.
    let failure: unknown;
    async function* checked(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of body) {
          signal?.throwIfAborted();
          check.update(chunk);
          yield chunk;
        }
        // A mismatch becomes the stream's error, so the upload fails rather than completes.
        check.finish();
      } catch (e) {
        failure = e;
        throw e;
      }
    }
    const upload = new Upload({
      client,
      params: { Bucket: loc.bucket, Key: tmp, Body: Readable.from(checked(), { objectMode: false }) },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    const onAbort = (): void => void upload.abort().catch(() => undefined);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      try {
        await upload.done();
      } catch (e) {
        throw failure ?? (signal?.aborted ? signal.reason : undefined) ?? e;
      }
      if ((await head(final)) !== null) return { created: false };
      await client.send(new CopyObjectCommand({ Bucket: loc.bucket, Key: final, CopySource: `${loc.bucket}/${encodeKey(tmp)}` }));
      return { created: true };
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await deleteKey(tmp).catch(() => undefined);
    }
  }

  async function get(vault: string, sha256: string, range?: ByteRange): Promise<Readable> {
    checkFileKey(vault, sha256);
    const key = keyOf(vault, sha256);
    if (range !== undefined) {
      // S3 shortens a range past the end instead of refusing it: check against the length first.
      const h = await head(key);
      if (h === null) throw notFound(vault, sha256);
      checkRange(range, h.length);
    }
    const { GetObjectCommand } = await sdk;
    try {
      const r = await (await clientPromise).send(
        new GetObjectCommand({ Bucket: loc.bucket, Key: key, ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }) }),
      );
      // On Node the SDK's body is the HTTP response itself, a Readable.
      if (!(r.Body instanceof Readable)) throw new SealTrailError("internal", "S3 answered a body that is not a Node stream");
      if (range === undefined) return r.Body;
      const want = range.end - range.start + 1;
      if (!(r.ContentRange ?? "").startsWith(`bytes ${range.start}-`)) {
        r.Body.destroy();
        throw new SealTrailError("internal", `S3 answered range ${r.ContentRange ?? "(none)"} for bytes=${range.start}-${range.end}`);
      }
      // Some S3-compatible servers read "bytes=0-0" as "bytes=0-" (s3rver does): cut at the end asked for.
      return r.ContentLength === want ? r.Body : Readable.from(take(r.Body, want), { objectMode: false });
    } catch (e) {
      if (isNotFound(e)) throw notFound(vault, sha256);
      throw e;
    }
  }

  async function* listKeys(prefix: string): AsyncIterable<{ key: string; size: number; modified: Date }> {
    const { ListObjectsV2Command } = await sdk;
    const client = await clientPromise;
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async function removeStaleTemporaries(): Promise<void> {
    const now = Date.now();
    for await (const o of listKeys(`${loc.prefix}${TMP}`)) {
      if (now - o.modified.getTime() > STALE_MS) await deleteKey(o.key).catch(() => undefined);
    }
  }

  async function* list(vault: string): AsyncIterable<StoredFile> {
    checkFileKey(vault, "0".repeat(64));
    const prefix = `${loc.prefix}${vault}/`;
    for await (const o of listKeys(prefix)) {
      const name = o.key.slice(prefix.length);
      if (HEX64.test(name)) yield { sha256: name, length: o.size, storedAt: o.modified };
    }
  }

  return {
    put,
    async stat(vault, sha256) {
      checkFileKey(vault, sha256);
      return head(keyOf(vault, sha256));
    },
    get,
    async delete(vault, sha256) {
      checkFileKey(vault, sha256);
      const key = keyOf(vault, sha256);
      if ((await head(key)) === null) return false;
      await deleteKey(key);
      return true;
    },
    list,
    async close() {
      await cleaned;
      // A client passed in belongs to the caller.
      if (opts?.client === undefined) (await clientPromise).destroy();
    },
  };
}

function buildClient(Client: typeof S3Client, loc: S3Location): S3Client {
  return new Client({
    region: loc.region,
    forcePathStyle: loc.forcePathStyle,
    ...(loc.endpoint === undefined
      ? {}
      : {
          endpoint: loc.endpoint,
          // S3-compatible servers often lack the SDK's newer checksum trailers; the store checks SHA-256 itself.
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        }),
    ...(loc.credentials === undefined ? {} : { credentials: loc.credentials }),
  });
}

/** The first `n` bytes of a stream, then the stream is released. */
async function* take(source: Readable, n: number): AsyncGenerator<Uint8Array> {
  let left = n;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      if (chunk.byteLength >= left) {
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.byteLength;
      yield chunk;
    }
  } finally {
    source.destroy();
  }
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return x?.name === "NotFound" || x?.name === "NoSuchKey" || x?.$metadata?.httpStatusCode === 404;
}

function notFound(vault: string, sha256: string): SealTrailError {
  return new SealTrailError("not_found", `vault "${vault}" holds no file sha256:${sha256}`);
}
