/**
 * The seam between the service and the bytes of attached files (evidence
 * files): a content-addressed blob store, one namespace per vault, as git's
 * object store and every OCI registry are. The name of a file is the SHA-256
 * of its bytes; a put is refused unless the bytes hash to that name and
 * count exactly the announced length, and nothing appears under the name
 * until the whole file is stored and durable. Two implementations: a
 * directory inside the data directory (directory-store.ts) and an
 * S3-compatible bucket (s3-store.ts), chosen by URL at the composition root
 * (index.ts). Metadata (media type, uploader, which records name a file)
 * lives in the database; only bytes live here.
 */
import { createHash, type Hash } from "node:crypto";
import { SealTrailError, isName } from "@sealtrail/core";

/** An inclusive byte range, as HTTP Range (RFC 9110 §14.1.2) counts it. */
export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** A stored file, as listed. */
export interface StoredFile {
  readonly sha256: string;
  readonly length: number;
  /** When the bytes reached the store (the directory's mtime, the object's LastModified). */
  readonly storedAt: Date;
}

/** Content-addressed file bytes, one namespace per vault. */
export interface FileStore {
  /**
   * Store `body` under `sha256`, streaming: the bytes are hashed and written
   * as they arrive, never held whole. A body longer than `length` is refused
   * as soon as the count passes it; a body whose digest or length differs
   * throws SealTrailError("invalid", { detail: { reason: "digest" | "length" } })
   * and keeps nothing. A file already stored drains (and checks) the body
   * and answers `created: false`.
   */
  put(
    vault: string,
    sha256: string,
    length: number,
    body: AsyncIterable<Uint8Array>,
    opts?: { signal?: AbortSignal },
  ): Promise<{ created: boolean }>;
  /** The stored length, or null when the vault holds no such file. */
  stat(vault: string, sha256: string): Promise<{ length: number } | null>;
  /**
   * The bytes (or the inclusive `range` of them) as a stream. Throws
   * SealTrailError("not_found") for an absent file and ("invalid",
   * { reason: "range" }) for a range outside it.
   */
  get(vault: string, sha256: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array> & NodeJS.ReadableStream>;
  /** Remove the bytes; false when there were none. */
  delete(vault: string, sha256: string): Promise<boolean>;
  /** Every file of a vault, in no particular order. */
  list(vault: string): AsyncIterable<StoredFile>;
  close(): Promise<void>;
}

/** Largest length a file may announce: a JavaScript safe integer (formats: attachment length). */
export const MAX_FILE_LENGTH = Number.MAX_SAFE_INTEGER;

const HEX64 = /^[0-9a-f]{64}$/;

/** Refuse a vault name or digest that could not be a store key (they become paths and object keys). */
export function checkFileKey(vault: string, sha256: string): void {
  if (!isName(vault)) throw new SealTrailError("invalid", `vault name "${String(vault)}" is not valid`, { detail: { field: "vault" } });
  // Refuse, never normalise: an uppercase digest names nothing (attachment.ts).
  if (typeof sha256 !== "string" || !HEX64.test(sha256)) {
    throw new SealTrailError("malformed", `file address: "${String(sha256)}" is not 64 lowercase hex digits`, { detail: { field: "sha256" } });
  }
}

/** Refuse an announced length that is not an integer 0..2^53-1. */
export function checkFileLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new SealTrailError("invalid", `file length ${String(length)} is not an integer from 0 to 2^53-1`, { detail: { field: "length" } });
  }
}

/** Refuse a range that is not inside a file of `length` bytes. */
export function checkRange(range: ByteRange, length: number): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= length) {
    throw new SealTrailError("invalid", `range ${String(start)}-${String(end)} is not inside a file of ${length} bytes`, {
      detail: { reason: "range", length },
    });
  }
}

/** The error of a body whose length is not the announced one. */
export function lengthMismatch(sha256: string, length: number, got: number, more: boolean): SealTrailError {
  const seen = more ? `more than ${length}` : String(got);
  return new SealTrailError("invalid", `file sha256:${sha256}: body has ${seen} bytes, ${length} announced`, {
    detail: { reason: "length", expected: length, ...(more ? {} : { received: got }) },
  });
}

/** The error of a body whose digest is not its name. */
export function digestMismatch(sha256: string, got: string): SealTrailError {
  return new SealTrailError("invalid", `file sha256:${sha256}: body hashes to sha256:${got}`, {
    detail: { reason: "digest", expected: sha256, received: got },
  });
}

/**
 * Hashes and counts the bytes of a body as they pass, refusing a body as
 * soon as it passes the announced length (so an oversized upload is cut
 * early, not read to its end).
 */
export class BodyCheck {
  private readonly hash: Hash = createHash("sha256");
  private count = 0;

  constructor(
    private readonly sha256: string,
    private readonly length: number,
  ) {}

  /** Take the next chunk; throws once the body is longer than announced. */
  update(chunk: Uint8Array): void {
    this.count += chunk.byteLength;
    if (this.count > this.length) throw lengthMismatch(this.sha256, this.length, this.count, true);
    this.hash.update(chunk);
  }

  /** The body ended: throws unless it had exactly the length and digest announced. */
  finish(): void {
    if (this.count !== this.length) throw lengthMismatch(this.sha256, this.length, this.count, false);
    const got = this.hash.digest("hex");
    if (got !== this.sha256) throw digestMismatch(this.sha256, got);
  }
}

/** Read `body` to its end through a check, keeping nothing (the file is already stored). */
export async function drainChecked(sha256: string, length: number, body: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
  const check = new BodyCheck(sha256, length);
  for await (const chunk of body) {
    signal?.throwIfAborted();
    check.update(chunk);
  }
  check.finish();
}
