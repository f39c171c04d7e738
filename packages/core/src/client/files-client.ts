/**
 * The client's evidence-file API (docs/formats.md, "Attachments"): upload a
 * file to a vault (hashed here first, streaming, then sent under its digest),
 * download it, list the records that name it, and check a file against a
 * vault with every proof verified here (see file-check.ts). Browser-safe:
 * a Blob (a File from an <input>) is sent as is and hashed through its
 * stream; on Node a function opening a fresh stream of the file serves.
 */
import { requireString } from "../args.js";
import { SealTrailError, isSealTrailError } from "../errors.js";
import { fileAddress } from "../files/address.js";
import { KEY_RECORD_TYPE } from "../record/envelope.js";
import type { Attachment } from "../files/attachment.js";
import { byteChunks, hashBytes, hashStream, type ByteSource, type FileDigest } from "../files/hash.js";
import { checkFileAgainst, type CheckFileOptions, type FileCheck, type FileCheckAnchor, type FileCheckRecord } from "./file-check.js";

/** A Blob, or anything shaped like one (a browser File, Node's Blob). */
export interface BlobLike {
  readonly size: number;
  stream(): ByteSource;
}

/**
 * A file to upload or check: bytes in memory, a Blob, or a function that
 * opens a fresh stream of the file each time it is called (the file is read
 * twice: once to hash it, once to send it).
 */
export type FileSource = Uint8Array | BlobLike | (() => ByteSource);

/** The fetch the file calls need: a body that streams (Node's fetch takes `duplex: "half"`) and a response body to read. */
export type FileFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown; duplex?: "half" },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ByteSource | null;
  text(): Promise<string>;
}>;

/** What the server said of an upload. */
export interface FilePut extends FileDigest {
  /** False when the vault held these bytes already (uploads are idempotent). */
  readonly created: boolean;
}

/** A record that names a file, as `GET .../files/sha256:{hex}/records` lists it. */
export interface FileRecordRef {
  readonly index: number;
  readonly type: string;
  readonly author: string;
  readonly keyId: string;
  readonly claimedTime: string;
  readonly leafHash: string;
  /** The record's descriptor of the file, or null when the record's payload was redacted (the server can no longer read it). */
  readonly attachment: Attachment | null;
}

/** A download: the stored media type and length, and the body as it streams. */
export interface FileDownload {
  /** 200 for the whole file, 206 for a range. */
  readonly status: number;
  readonly mediaType: string | null;
  readonly length: number | null;
  readonly body: AsyncIterable<Uint8Array>;
}

/** The evidence-file calls of the client. */
export interface FilesClient {
  /** Hash `source` here, then upload it under its digest with the declared media type. */
  put(vault: string, source: FileSource, opts: { readonly mediaType: string }): Promise<FilePut>;
  /** The records of the vault that name the file and that the caller may read (none: not_found). */
  records(vault: string, sha256: string): Promise<FileRecordRef[]>;
  /** Download a file, or the inclusive byte range `range` of it. */
  get(vault: string, sha256: string, opts?: { readonly range?: { readonly start: number; readonly end: number } }): Promise<FileDownload>;
  /** Which records of the vault name exactly these bytes, each verified here (signature, payload, inclusion, checkpoint). */
  checkFile(vault: string, source: FileSource, opts?: CheckFileOptions): Promise<FileCheck>;
}

/** What {@link createFilesClient} builds on: the client's own calls. */
export interface FilesClientDeps {
  readonly fetch: FileFetch;
  readonly apiKey: string;
  readonly vaultUrl: (vault: string) => string;
  /** Turn a failed response into the client's SealTrailError. */
  readonly problem: (status: number, body: string) => SealTrailError;
  /** GET a JSON document (the client's authenticated call). */
  readonly getJson: <T>(url: string) => Promise<T>;
  readonly record: (vault: string, index: number) => Promise<FileCheckRecord>;
  readonly inclusionProof: (vault: string, index: number) => Promise<string>;
  readonly verifierKey: (vault: string) => Promise<string>;
}

function isBlobLike(s: unknown): s is BlobLike {
  return typeof s === "object" && s !== null && typeof (s as BlobLike).size === "number" && typeof (s as BlobLike).stream === "function";
}

function checkSource(source: unknown, what: string): FileSource {
  if (source instanceof Uint8Array || isBlobLike(source) || typeof source === "function") return source as FileSource;
  throw new SealTrailError("malformed", `${what}: must be bytes, a Blob or a function opening a stream of the file`);
}

/**
 * SHA-256 and length of a file source, read as a stream.
 *
 * @example
 * ```ts
 * const { sha256, length } = await hashFileSource(file); // a browser File
 * ```
 */
export async function hashFileSource(source: FileSource): Promise<FileDigest> {
  const s = checkSource(source, "file source");
  if (s instanceof Uint8Array) return hashBytes(s);
  return hashStream(isBlobLike(s) ? s.stream() : s());
}

// The stored name the server gives back in Content-Length, or null.
const lengthOf = (v: string | null): number | null => (v !== null && /^[0-9]{1,16}$/.test(v) ? Number(v) : null);

/**
 * The files API over a client's transport; `createClient` builds it as
 * `client.files`.
 *
 * @example
 * ```ts
 * const { sha256, length } = await client.files.put("default", file, { mediaType: "application/pdf" });
 * ```
 */
export function createFilesClient(deps: FilesClientDeps): FilesClient {
  const url = (vault: string, sha256: string) => `${deps.vaultUrl(vault)}/files/${fileAddress(sha256)}`;
  const auth = { authorization: `Bearer ${deps.apiKey}` };

  const checkDeps = {
    record: deps.record,
    inclusionProof: deps.inclusionProof,
    verifierKey: deps.verifierKey,
    async keyRecords(vault: string, author: string): Promise<number[]> {
      const out: number[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `?type=${encodeURIComponent(KEY_RECORD_TYPE)}&author=${encodeURIComponent(author)}&limit=1000${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page: { records: { index: number }[]; nextCursor: string | null } = await deps.getJson(`${deps.vaultUrl(vault)}/records${q}`);
        out.push(...page.records.map((r) => r.index));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return out;
    },
    async anchors(vault: string): Promise<FileCheckAnchor[]> {
      return (await deps.getJson<{ anchors: FileCheckAnchor[] }>(`${deps.vaultUrl(vault)}/anchors`)).anchors;
    },
  };

  const files: FilesClient = {
    async put(vault, source, opts) {
      requireString(vault, "files.put: vault");
      const s = checkSource(source, "files.put: source");
      requireString(opts?.mediaType, "files.put: media type");
      const d = await hashFileSource(s);
      // A Blob and bytes go as they are (the browser streams a Blob from disk
      // and sets its length); a stream goes with its length announced, so the
      // server can refuse an oversized body before reading it.
      const body = s instanceof Uint8Array || isBlobLike(s) ? s : byteChunks(s());
      const res = await deps.fetch(url(vault, d.sha256), {
        method: "PUT",
        headers: { ...auth, "content-type": opts.mediaType, "content-length": String(d.length) },
        body,
        ...(s instanceof Uint8Array || isBlobLike(s) ? {} : { duplex: "half" as const }),
      });
      const text = await res.text();
      if (!res.ok) throw deps.problem(res.status, text);
      return { ...d, created: res.status === 201 };
    },
    async records(vault, sha256) {
      requireString(vault, "files.records: vault");
      const out: FileRecordRef[] = [];
      let after: string | undefined;
      do {
        const page: { records: FileRecordRef[]; next?: string } = await deps.getJson(`${url(vault, sha256)}/records?limit=1000${after !== undefined ? `&after=${after}` : ""}`);
        out.push(...page.records);
        after = page.next;
      } while (after !== undefined);
      return out;
    },
    async get(vault, sha256, opts = {}) {
      requireString(vault, "files.get: vault");
      const headers: Record<string, string> = { ...auth };
      if (opts.range !== undefined) headers.range = `bytes=${opts.range.start}-${opts.range.end}`;
      const res = await deps.fetch(url(vault, sha256), { method: "GET", headers });
      if (!res.ok || res.body === null) throw deps.problem(res.status, await res.text());
      return { status: res.status, mediaType: res.headers.get("content-type"), length: lengthOf(res.headers.get("content-length")), body: byteChunks(res.body) };
    },
    async checkFile(vault, source, opts = {}) {
      requireString(vault, "checkFile: vault");
      const d = await hashFileSource(checkSource(source, "checkFile: source"));
      let refs: FileRecordRef[];
      try {
        refs = await files.records(vault, d.sha256);
      } catch (e) {
        // A vault that holds no such file, or no record the caller may read naming it: not in this vault.
        if (isSealTrailError(e, "not_found")) refs = [];
        else throw e;
      }
      return checkFileAgainst(checkDeps, vault, d, refs, opts);
    },
  };
  return files;
}
