/**
 * Evidence files over HTTP: upload (a raw body streamed to the file store
 * while it is hashed, never buffered), download (only for a caller who may
 * read a record that names the file: knowing a digest grants nothing; one
 * byte range, RFC 9110 §14), the records naming a file, and custodial
 * erasure. Paths name a file by its address, `sha256:<hex>`.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SealTrailError, attachmentsOf, parseFileAddress, parseJson, toHex, type Attachment } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { acknowledgement } from "../ledger/ledger.js";
import type { AccessStore, EntryRow, FileRow, Store } from "../store/types.js";
import { DEFAULT_FILE_LIMITS, type FileLimits, type FileStore } from "../files/index.js";
import { receiveFile } from "../files/receive.js";
import { FILE_ERASURE_TYPE, MAX_ERASURE_REASON, eraseFileCustodial } from "../files/erasure.js";
import { principal, requireVault } from "./auth.js";
import { oneRecordError } from "./problem.js";
import { authorizeRecord, idempotencyOf } from "./log-routes.js";
import { parseIndex } from "./params.js";
import { contentDisposition } from "./content-disposition.js";
import { parseRange } from "./range.js";

/** What the file routes work with: the file store (none: the routes answer `unavailable`) and the limits. */
export interface FileRouteOptions {
  readonly files?: FileStore | undefined;
  readonly limits?: FileLimits | undefined;
}

const FILE = "/v1/vaults/:vault/files/:address";
/** Most records one page of GET .../records lists. */
const MAX_PAGE = 1000;
// A download's name comes from the earliest record that still shows it; past this many records, the digest is the name.
const NAME_SEARCH = 1000;

type Params = { vault: string; address: string };

function addressOf(text: string): string {
  try {
    return parseFileAddress(text);
  } catch (e) {
    throw new SealTrailError("malformed", `file address: ${(e as Error).message}`, { detail: { parameter: "address" } });
  }
}

/**
 * Register the file routes.
 *
 * @example
 * ```ts
 * await registerFileRoutes(app, ledger, store, { files, limits });
 * ```
 */
export async function registerFileRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore, opts: FileRouteOptions): Promise<void> {
  const limits = opts.limits ?? DEFAULT_FILE_LIMITS;
  const fileStore = (): FileStore => {
    if (opts.files === undefined) throw new SealTrailError("unavailable", "this server keeps no evidence files");
    return opts.files;
  };

  // The file a caller may read: the vault holds it whole and a record names it. Anything else is
  // answered exactly as a file the vault does not hold (a digest alone grants nothing).
  async function readable(req: FastifyRequest<{ Params: Params }>): Promise<{ vault: string; sha256: string; row: FileRow; first: EntryRow }> {
    const { vault } = req.params;
    await requireVault(store, req, vault, "read");
    const sha256 = addressOf(req.params.address);
    const row = await store.file(vault, sha256);
    const [first] = row === null || row.state !== "stored" ? [] : await store.fileRecords(vault, sha256, { limit: 1 });
    if (row === null || first === undefined) throw new SealTrailError("not_found", `no file sha256:${sha256} that a record of vault ${vault} names`);
    return { vault, sha256, row, first };
  }

  await app.register(async (scope) => {
    // The upload's body is the file: handed on as the request stream, never parsed or buffered.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, payload, done) => done(null, payload));

    scope.put<{ Params: Params }>(FILE, { bodyLimit: Math.max(1, Math.min(limits.maxBytes, Number.MAX_SAFE_INTEGER)) }, async (req, reply) => {
      const { vault } = req.params;
      const access = await requireVault(store, req, vault, "any");
      if (!access.canWriteAny()) throw new SealTrailError("forbidden", `this API key may not write records in vault ${vault}, so it may not upload files there`);
      const sha256 = addressOf(req.params.address);
      const length = contentLength(req);
      const mediaType = declaredType(req);
      const abort = new AbortController();
      req.raw.once("close", () => {
        if (!req.raw.complete) abort.abort(new SealTrailError("request_timeout", "the client closed the request before its body was received"));
      });
      let created: boolean;
      try {
        ({ created } = await receiveFile(
          { store, files: fileStore(), limits },
          { vault, sha256, length, mediaType, uploadedBy: principal(req).key.id, body: req.raw, signal: abort.signal },
        ));
      } catch (e) {
        // Refused before the whole body arrived (too large, a contradicted type, a wrong digest cut
        // short): close the connection after the answer rather than read the rest only to discard it.
        if (!req.raw.complete) reply.raw.shouldKeepAlive = false;
        throw e;
      }
      const address = `sha256:${sha256}`;
      return reply
        .status(created ? 201 : 200)
        .header("location", `/v1/vaults/${encodeURIComponent(vault)}/files/${address}`)
        .send({ file: address, length, mediaType, created });
    });
  });

  app.get<{ Params: Params }>(FILE, async (req, reply) => {
    const { vault, sha256, row } = await readable(req);
    if (row.erasedBy !== null) throw erased(sha256, row.erasedBy);
    const name = (await nameOf(store, vault, sha256)) ?? sha256;
    const range = parseRange(req.headers.range, row.length);
    reply
      .header("etag", `"sha256:${sha256}"`)
      .header("accept-ranges", "bytes")
      .header("content-disposition", contentDisposition(name))
      // The bytes are the author's, not ours: never sniffed into something else, never run as a page.
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox")
      .header("cache-control", "private, no-cache");
    if (range === "unsatisfiable") {
      reply.header("content-range", `bytes */${row.length}`);
      throw new SealTrailError("range_not_satisfiable", `the range ${String(req.headers.range)} is outside the file's ${row.length} bytes`, {
        detail: { parameter: "Range", length: row.length },
      });
    }
    reply.type(row.mediaType);
    // HEAD: the headers only. An empty stream, not the file: Fastify would read a file to its end to discard it,
    // and keeps the Content-Length set here for a stream (an undefined body would be sent as length 0).
    const body = req.method === "HEAD" ? Readable.from([]) : await fileStore().get(vault, sha256, range ?? undefined);
    if (range !== null) {
      return reply
        .status(206)
        .header("content-range", `bytes ${range.start}-${range.end}/${row.length}`)
        .header("content-length", String(range.end - range.start + 1))
        .send(body);
    }
    return reply.status(200).header("content-length", String(row.length)).send(body);
  });

  app.get<{ Params: Params; Querystring: { after?: string; limit?: string } }>(`${FILE}/records`, async (req) => {
    const { vault } = req.params;
    await requireVault(store, req, vault, "read");
    const sha256 = addressOf(req.params.address);
    const limit = req.query.limit === undefined ? 100 : Number(parseIndex(req.query.limit, "limit"));
    if (limit < 1 || limit > MAX_PAGE) throw new SealTrailError("invalid", `limit: 1 to ${MAX_PAGE}`, { detail: { parameter: "limit" } });
    const after = req.query.after === undefined ? undefined : parseIndex(req.query.after, "after");
    const row = await store.file(vault, sha256);
    const rows = row === null ? [] : await store.fileRecords(vault, sha256, { ...(after !== undefined ? { after } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const address = `sha256:${sha256}`;
    // Nothing is said of a file no record names, not even that it was uploaded.
    if (row === null || (page.length === 0 && after === undefined)) return { file: address, records: [] };
    return {
      file: address,
      length: row.length,
      mediaType: row.mediaType,
      erased: row.erasedBy === null ? null : { by: Number(row.erasedBy), at: row.erasedAt },
      records: page.map((r) => recordJson(r, sha256)),
      ...(rows.length > limit ? { next: page.at(-1)!.index.toString() } : {}),
    };
  });

  app.post<{ Params: Params; Body: { reason?: string } | undefined }>(
    `${FILE}/erase`,
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: { reason: { type: "string", minLength: 1, maxLength: MAX_ERASURE_REASON, description: "why, in a few words" } },
        },
      },
    },
    async (req, reply) => {
      const { vault } = req.params;
      const access = await requireVault(store, req, vault, "any");
      const p = principal(req);
      if (!access.canWrite(FILE_ERASURE_TYPE)) throw new SealTrailError("forbidden", `this API key may not write ${FILE_ERASURE_TYPE} records in this vault`);
      const sha256 = addressOf(req.params.address);
      const idem = idempotencyOf(req, p, "erase-file");
      const reason = req.body?.reason;
      const r = await eraseFileCustodial(store, ledger, vault, p.org, sha256, reason !== undefined ? { reason } : {}, {
        authorize: (env) => authorizeRecord(p, access, env),
        ...(idem !== undefined ? { idempotency: idem } : {}),
        submittedBy: p.key.id,
      }).catch(oneRecordError);
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      return reply.status(201).send({ ...acknowledgement(r), erases: `sha256:${sha256}` });
    },
  );
}

function erased(sha256: string, by: bigint): SealTrailError {
  return new SealTrailError("gone", `sha256:${sha256} was erased by record ${by}: its digest stays in the records naming it, its bytes are gone`, {
    detail: { reason: "redacted", erasedBy: Number(by) },
  });
}

// RFC 9110 §8.6: the upload's length, announced up front (a file store checks the body against it).
function contentLength(req: FastifyRequest): number {
  const h = req.headers["content-length"];
  if (h === undefined || req.headers["transfer-encoding"] !== undefined) {
    throw new SealTrailError("malformed", "Content-Length: required, the file's length in bytes (no chunked upload)", { detail: { parameter: "Content-Length" } });
  }
  if (!/^(0|[1-9][0-9]{0,15})$/.test(h) || !Number.isSafeInteger(Number(h))) {
    throw new SealTrailError("malformed", "Content-Length: a length in bytes", { detail: { parameter: "Content-Length" } });
  }
  return Number(h);
}

// The declared media type, exactly as the attachment descriptor will sign it: lowercase type/subtype, no parameters.
function declaredType(req: FastifyRequest): string {
  const t = req.headers["content-type"];
  if (t === undefined || t === "") throw new SealTrailError("malformed", "Content-Type: required, the file's media type", { detail: { parameter: "Content-Type" } });
  return t;
}

/** The name the earliest record naming the file gives it (one whose payload is not redacted), or null. */
async function nameOf(store: Store, vault: string, sha256: string): Promise<string | null> {
  let after: bigint | undefined;
  for (let seen = 0; seen < NAME_SEARCH; ) {
    const rows = await store.fileRecords(vault, sha256, { ...(after !== undefined ? { after } : {}), limit: 100 });
    for (const r of rows) {
      const a = descriptorOf(r, sha256);
      if (a !== null) return a.name;
    }
    if (rows.length < 100) return null;
    seen += rows.length;
    after = rows.at(-1)!.index;
  }
  return null;
}

function descriptorOf(r: EntryRow, sha256: string): Attachment | null {
  if (r.payload === null) return null;
  return attachmentsOf(parseJson(r.payload)).find((a) => a.sha256 === sha256) ?? null;
}

function recordJson(r: EntryRow, sha256: string) {
  return {
    index: Number(r.index),
    type: r.type,
    author: r.author,
    keyId: r.keyId,
    claimedTime: r.claimedTime,
    sequencedAt: r.sequencedAt,
    leafHash: toHex(r.leafHash),
    // Null once the record's payload was redacted: the signed envelope still commits to it.
    attachment: descriptorOf(r, sha256),
  };
}
