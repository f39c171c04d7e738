/**
 * The evidence file routes' entries of ROUTE_DOCS (file-routes.ts): upload,
 * download with one byte range, the records naming a file, and custodial
 * erasure.
 */
import type { RouteDoc } from "./openapi-routes.js";

const FILE = "/v1/vaults/:vault/files/:address";

const FILE_JSON = {
  type: "object",
  required: ["file", "length", "mediaType", "created"],
  properties: {
    file: { type: "string", pattern: "^sha256:[0-9a-f]{64}$", description: "the file's address" },
    length: { type: "integer", minimum: 0 },
    mediaType: { type: "string" },
    created: { type: "boolean", description: "false when the vault held these bytes already" },
  },
};

const RECORD_JSON = {
  type: "object",
  required: ["index", "type", "author", "keyId", "claimedTime", "sequencedAt", "leafHash", "attachment"],
  properties: {
    index: { type: "integer", minimum: 0 },
    type: { type: "string" },
    author: { type: "string" },
    keyId: { type: "string" },
    claimedTime: { type: "string", description: "the time the author signed" },
    sequencedAt: { type: "string", description: "the time the log sequenced the record: the evidence's upload time, never editable" },
    leafHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
    attachment: { type: ["object", "null"], description: "the record's descriptor of the file (sha256, length, mediaType, name, effective, expires); null once its payload was redacted" },
  },
};

/** The file routes' entries of ROUTE_DOCS. */
export const FILE_ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  [`PUT ${FILE}`]: {
    id: "uploadFile",
    summary: "Upload an evidence file: the raw body, Content-Length and Content-Type its media type; the body must hash to the address",
    tag: "files",
    rawBody: "the file's bytes, exactly Content-Length of them, sent with the file's media type as Content-Type",
    ok: {
      status: 201,
      description: "The vault holds the file now",
      schema: FILE_JSON,
      headers: ["Location"],
      also: { status: 200, description: "The vault held these bytes already: nothing was stored" },
    },
    problems: ["forbidden", "invalid", "conflict", "gone", "unavailable"],
  },
  [`GET ${FILE}`]: {
    id: "downloadFile",
    summary: "Download an evidence file that a record the caller may read names; one byte range with Range",
    tag: "files",
    headers: ["Range"],
    ok: {
      status: 200,
      description: "The file, with its stored media type and the name the earliest record naming it gives",
      media: "*/*",
      schema: { type: "string", description: "the file's bytes" },
      headers: ["ETag", "Content-Disposition"],
      also: { status: 206, description: "The byte range asked for (Content-Range)" },
    },
    problems: ["forbidden", "gone", "range_not_satisfiable", "unavailable"],
  },
  [`GET ${FILE}/records`]: {
    id: "listFileRecords",
    summary: "The records of the vault that name a file, in log order (none for a file no record names)",
    tag: "files",
    query: {
      after: { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: "only records with a larger index (the previous page's next)" },
      limit: { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: "records per page, 1 to 1000 (default 100)" },
    },
    ok: {
      status: 200,
      description: "The records naming the file; its proofs come from the proof routes",
      schema: {
        type: "object",
        required: ["file", "records"],
        properties: {
          file: { type: "string" },
          length: { type: "integer", minimum: 0 },
          mediaType: { type: "string" },
          erased: { type: ["object", "null"], description: "the erasure record's index and time, once the bytes were erased" },
          records: { type: "array", items: RECORD_JSON },
          next: { type: "string", description: "the cursor of the next page (absent on the last)" },
        },
      },
    },
    problems: ["forbidden", "invalid"],
  },
  [`POST ${FILE}/erase`]: {
    id: "eraseFile",
    summary: "Erase a file's bytes by a file.erasure record signed with the caller's custodial key; its digest stays in every record naming it",
    tag: "files",
    headers: ["Idempotency-Key"],
    ok: {
      status: 201,
      description: "The erasure record's index; the bytes are deleted",
      schema: {
        type: "object",
        required: ["index", "leafHash", "erases"],
        properties: { index: { type: "integer", minimum: 0 }, leafHash: { type: "string" }, erases: { type: "string" } },
      },
      headers: ["Idempotent-Replayed"],
    },
    problems: ["forbidden", "invalid", "conflict", "unknown_key", "unavailable"],
  },
};
