/**
 * What the OpenAPI document says of each route, one entry per route keyed
 * by "METHOD url" as Fastify registers it: its operationId, summary and tag,
 * the query parameters it reads, its success answer (status, media type,
 * body schema) and the error codes it can answer besides those every route
 * shares (openapi.ts adds those). The bodies Fastify validates stay in the
 * route files; what is only described (answers, headers) lives here.
 */
import type { ErrorCode } from "@sealtrail/core";
import { hex32, ref, type Schema } from "./openapi-schemas.js";
import { SMS_ROUTE_DOCS } from "./sms-docs.js";
import { FILE_ROUTE_DOCS } from "./file-docs.js";
import { EXPORT_ROUTE_DOCS } from "./export-docs.js";

/** Headers named by the document, as request parameters or on answers. */
export type HeaderName =
  | "Idempotency-Key"
  | "Idempotent-Replayed"
  | "Location"
  | "Link"
  | "GS1-Capture-Error-Behaviour"
  // --- Evidence files ---
  | "Range"
  | "ETag"
  | "Content-Disposition";

/** The success answer of a route. */
export interface Success {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /** Media type of the body (default application/json), or several the query chooses between; null for no body. */
  readonly media?: string | readonly string[] | null;
  /** Schema of the body (JSON Schema 2020-12, as OpenAPI 3.1 reads it); default: an object. */
  readonly schema?: Schema;
  readonly headers?: readonly HeaderName[];
  /** A second success status with the same body (an append whose records were all in the log already). */
  readonly also?: { readonly status: 200 | 206; readonly description: string };
}

/** The description of one route. */
export interface RouteDoc {
  /** The operationId: camelCase, unique, stable (clients generate method names from it). */
  readonly id: string;
  readonly summary: string;
  readonly tag: string;
  readonly query?: Readonly<Record<string, { type: string; pattern?: string; description: string }>>;
  readonly required?: readonly string[];
  /** Request headers the route reads. */
  readonly headers?: readonly HeaderName[];
  /** Media types of a body the route reads as bytes (no schema of Fastify's describes it). */
  readonly body?: readonly string[];
  /** A body read as raw bytes of any media type (an evidence file), described in these words. */
  readonly rawBody?: string;
  readonly ok: Success;
  /** Error codes of this route beyond the ones every route shares. */
  readonly problems: readonly ErrorCode[];
}

const uint = (description: string) => ({ type: "string", pattern: "^(0|[1-9][0-9]*)$", description });
const json = (description: string, schema?: Schema, headers?: readonly HeaderName[]): Success => ({
  status: 200,
  description,
  ...(schema !== undefined ? { schema } : {}),
  ...(headers !== undefined ? { headers } : {}),
});
const created = (description: string, schema: Schema, headers?: readonly HeaderName[]): Success => ({
  ...json(description, schema, headers),
  status: 201,
});
const text = (description: string): Success => ({ status: 200, description, media: "text/plain", schema: { type: "string" } });
const ldJson = (description: string, headers?: readonly HeaderName[]): Success => ({
  ...json(description, { type: "object" }, headers),
  media: "application/ld+json",
});

const CAPTURE_BODY = ["application/ld+json", "application/json"];

/** One entry per route: a route missing here fails the OpenAPI test. */
export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  "GET /healthz": {
    id: "getHealth",
    summary: "Liveness",
    tag: "service",
    ok: json("The server answers", { type: "object", required: ["ok"], properties: { ok: { const: true } } }),
    problems: [],
  },
  "GET /v1/vaults/:vault/checkpoint": {
    id: "getCheckpoint",
    summary: "Latest signed checkpoint (C2SP tlog-checkpoint)",
    tag: "log",
    ok: text("The checkpoint note"),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/vkey": { id: "getVerifierKey", summary: "The vault's C2SP verifier key", tag: "log", ok: text("The verifier key, one line"), problems: ["forbidden"] },
  "GET /v1/vaults/:vault/tile/*": {
    id: "getTile",
    summary: "Hash tile or entry bundle (C2SP tlog-tiles)",
    tag: "tiles",
    ok: { status: 200, description: "The tile's bytes", media: "application/octet-stream", schema: { type: "string", format: "binary" } },
    problems: ["forbidden"],
  },
  "POST /v1/vaults/:vault/records": {
    id: "appendRecords",
    summary: "Append one signed record, or {records: [...]}",
    tag: "records",
    headers: ["Idempotency-Key"],
    ok: {
      ...created("Each record's index and leaf hash, in the order sent", ref("Appended"), ["Idempotent-Replayed"]),
      also: { status: 200, description: "Every record was in the log already (each marked existing): nothing was appended" },
    },
    problems: ["forbidden", "conflict", "invalid", "bad_signature", "unknown_key", "unavailable"],
  },
  "POST /v1/vaults/:vault/records/custodial": {
    id: "appendCustodialRecord",
    summary: "Append a record signed by the server with the caller's custodial key",
    tag: "records",
    headers: ["Idempotency-Key"],
    ok: created("The record's index and leaf hash", ref("Appended"), ["Idempotent-Replayed"]),
    problems: ["forbidden", "conflict", "invalid", "unknown_key", "unavailable"],
  },
  "GET /v1/vaults/:vault/records/:index": {
    id: "getRecord",
    summary: "A record: entry, payload and salt (null, with who redacted it, once redacted)",
    tag: "records",
    ok: json("The record", ref("Record")),
    problems: ["forbidden"],
  },
  "POST /v1/vaults/:vault/records/:index/redact": {
    id: "redactRecord",
    summary: "Erase a record's payload and salt: a sealtrail.redaction record signed with the caller's custodial key (author, operator or vault admin)",
    tag: "records",
    headers: ["Idempotency-Key"],
    ok: created(
      "The redaction record's index and leaf hash, and the index it redacts",
      { allOf: [ref("Acknowledgement")], required: ["redacts"], properties: { redacts: { type: "integer", minimum: 0 } } },
      ["Idempotent-Replayed"],
    ),
    problems: ["forbidden", "conflict", "invalid", "unknown_key", "unavailable"],
  },
  "GET /v1/vaults/:vault/records": {
    id: "listRecords",
    summary: "Records matching a filter, oldest first, a page at a time",
    tag: "records",
    query: {
      type: { type: "string", description: "a record type, or a pattern such as custody.*" },
      author: { type: "string", description: "author organisation" },
      subject: { type: "string", description: "a subject id (container, shipment, site)" },
      limit: uint("records per page, 1 to 1000 (default 100)"),
      cursor: { type: "string", description: "nextCursor of the previous page" },
    },
    ok: json("A page of records", ref("RecordPage")),
    problems: ["forbidden", "invalid"],
  },
  "GET /v1/vaults/:vault/records/:index/versions": {
    id: "getRecordVersions",
    summary: "Every version of a record, oldest first",
    tag: "records",
    ok: json("The versions", ref("RecordVersions")),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/proofs/inclusion": {
    id: "getInclusionProof",
    summary: "Inclusion proof of a record as C2SP tlog-proof text",
    tag: "proofs",
    query: { index: uint("record index"), size: uint("tree size of a published checkpoint (default: latest)") },
    required: ["index"],
    ok: text("The tlog-proof: index, audit path and checkpoint"),
    problems: ["forbidden", "invalid", "unavailable"],
  },
  "GET /v1/vaults/:vault/proofs/consistency": {
    id: "getConsistencyProof",
    summary: "Consistency proof between two tree sizes, one base64 hash a line",
    tag: "proofs",
    query: { from: uint("older tree size"), to: uint("newer tree size") },
    required: ["from", "to"],
    ok: text("The proof's hashes, base64, one a line"),
    problems: ["forbidden", "invalid"],
  },
  "GET /v1/vaults/:vault/anchors": {
    id: "listAnchors",
    summary: "Anchors (RFC 3161 tokens, ...) of the vault's published checkpoints, oldest checkpoint first",
    tag: "log",
    query: { size: uint("only the anchors of the published checkpoint of this tree size") },
    ok: json("The anchors"),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/witnesses": {
    id: "getPublicationStatus",
    summary: "Publication status: unpublished backlog, each witness's last answer, anchoring",
    tag: "log",
    ok: json("The publication status"),
    problems: ["forbidden"],
  },
  "POST /v1/vaults/:vault/epcis/capture": {
    id: "captureEpcisDocument",
    summary: "EPCIS 2.0 capture of a document (application/ld+json): 202 with the capture job's Location; GS1-Capture-Error-Behaviour rollback (default) or proceed",
    tag: "epcis",
    headers: ["GS1-Capture-Error-Behaviour"],
    body: CAPTURE_BODY,
    ok: { ...json("The capture job was started", { type: "object", required: ["captureID"], properties: { captureID: { type: "string" } } }, ["Location"]), status: 202 },
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/epcis/capture/:id": {
    id: "getCaptureJob",
    summary: "A capture job: running, success, counts and per-event errors",
    tag: "epcis",
    ok: json("The capture job"),
    problems: [],
  },
  "POST /v1/vaults/:vault/epcis/events": {
    id: "captureEpcisEvent",
    summary: "Capture one EPCIS event (with its own @context), signed with the caller's custodial key",
    tag: "epcis",
    body: CAPTURE_BODY,
    ok: created(
      "The event's ID and the index of its record",
      { type: "object", required: ["eventID", "index"], properties: { eventID: { type: "string" }, index: uint("the record's index") } },
      ["Location"],
    ),
    problems: ["forbidden", "conflict", "invalid", "unknown_key", "unavailable"],
  },
  "GET /v1/vaults/:vault/epcis/events": {
    id: "queryEpcisEvents",
    summary:
      "EPCIS query: eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_action, EQ_bizStep, EQ_disposition, EQ_readPoint, EQ_bizLocation, MATCH_epc, MATCH_anyEPC, MATCH_parentID, EQ_eventID, EXISTS_errorDeclaration, EQ_source_<type>, EQ_destination_<type>, EQ_bizTransaction_<type>, perPage, nextPageToken (several values: repeat the parameter or separate with |)",
    tag: "epcis",
    ok: ldJson("An EPCISQueryDocument", ["Link"]),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/epcis/events/:id": {
    id: "getEpcisEvent",
    summary: "One event by its eventID, with a pointer to its record and log index",
    tag: "epcis",
    ok: ldJson("The event"),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/epcis/epcs/:epc/events": {
    id: "queryEpcisEventsOfEpc",
    summary: "Events about an EPC (URN or GS1 Digital Link), with the query parameters of /events",
    tag: "epcis",
    ok: ldJson("An EPCISQueryDocument", ["Link"]),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/custody/:id": {
    id: "getCustodyChain",
    summary: "Chain of custody of an identifier: events in time order, holder, location and seals after each, and named exceptions",
    tag: "custody",
    query: { maxGapHours: { type: "string", description: "longest allowed time between consecutive events, in hours (default 72)" } },
    ok: json("The chain of custody"),
    problems: ["forbidden"],
  },
  "POST /v1/vaults/:vault/custody/:id/incident": {
    id: "openCustodyIncident",
    summary: "Open an sms.incident for the exceptions of an identifier's chain of custody, signed with the caller's custodial key",
    tag: "custody",
    ok: created("The incident record's index and leaf hash, and the number of exceptions it names", {
      type: "object",
      required: ["index", "leafHash", "exceptions"],
      properties: { index: uint("the record's index"), leafHash: hex32, exceptions: { type: "integer", minimum: 1 } },
    }),
    problems: ["forbidden", "invalid", "unknown_key", "unavailable"],
  },
  "GET /v1/vaults": { id: "listVaults", summary: "Vaults the caller can see", tag: "vaults", ok: json("The vaults"), problems: [] },
  "POST /v1/vaults": {
    id: "createVault",
    summary: "Create a vault (operator admin)",
    tag: "vaults",
    ok: created("The vault and its verifier key", { type: "object" }),
    problems: ["forbidden", "invalid", "conflict"],
  },
  "GET /v1/vaults/:vault/audit": {
    id: "auditVault",
    summary: "Re-read and recompute the whole vault and name every discrepancy (vault admin)",
    tag: "vaults",
    ok: json("The audit report"),
    problems: ["forbidden"],
  },
  "GET /v1/vaults/:vault/members": { id: "listMembers", summary: "Members of a vault and their permissions", tag: "vaults", ok: json("The members"), problems: ["forbidden"] },
  "PUT /v1/vaults/:vault/members/:org": {
    id: "setMember",
    summary: "Set an organisation's membership (written to the log)",
    tag: "vaults",
    ok: json("The membership record's index and leaf hash", ref("Acknowledgement")),
    problems: ["forbidden", "conflict", "unavailable"],
  },
  "DELETE /v1/vaults/:vault/members/:org": {
    id: "removeMember",
    summary: "End an organisation's membership (written to the log)",
    tag: "vaults",
    ok: json("The membership record's index and leaf hash", ref("Acknowledgement")),
    problems: ["forbidden", "conflict", "unavailable"],
  },
  "GET /v1/orgs": { id: "listOrganisations", summary: "Organisations the caller can see", tag: "organisations", ok: json("The organisations"), problems: [] },
  "POST /v1/orgs": {
    id: "createOrganisation",
    summary: "Create an organisation (operator admin)",
    tag: "organisations",
    ok: created("The organisation", { type: "object" }),
    problems: ["forbidden", "invalid", "conflict"],
  },
  "GET /v1/orgs/:org": { id: "getOrganisation", summary: "An organisation", tag: "organisations", ok: json("The organisation"), problems: ["not_found"] },
  "POST /v1/orgs/:org/api-keys": {
    id: "createApiKey",
    summary: "Create an API key; its token is returned once",
    tag: "organisations",
    ok: created("The token (shown this once) and the key", { type: "object", required: ["token", "key"], properties: { token: { type: "string" }, key: { type: "object" } } }),
    problems: ["not_found", "invalid"],
  },
  "GET /v1/orgs/:org/api-keys": { id: "listApiKeys", summary: "An organisation's API keys (never their secrets)", tag: "organisations", ok: json("The keys"), problems: ["not_found"] },
  "DELETE /v1/orgs/:org/api-keys/:id": {
    id: "revokeApiKey",
    summary: "Revoke an API key",
    tag: "organisations",
    ok: { status: 204, description: "Revoked", media: null },
    problems: ["not_found"],
  },
  "POST /v1/orgs/:org/custodial-keys": {
    id: "createCustodialKey",
    summary: "Generate a signing key held by the server and register it in a vault",
    tag: "organisations",
    ok: created("The key's id and the index of its key record", { type: "object", required: ["keyId", "index"], properties: { keyId: { type: "string" }, index: { type: "integer", minimum: 0 } } }),
    problems: ["not_found", "conflict", "unavailable"],
  },
  ...SMS_ROUTE_DOCS,
  ...FILE_ROUTE_DOCS,
  "GET /v1/vaults/:vault/sms/reports/readiness": {
    id: "getSmsReadinessReport",
    summary: "The certification-readiness report as PDF or one self-contained HTML file: summary, checkpoint, maturity per clause and domain, clause by clause, the twelve KPIs with their trends, readiness items, gaps, due and overdue items",
    tag: "sms",
    query: {
      format: { type: "string", pattern: "^(pdf|html)$", description: "pdf (default) or html" },
      asOf: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "the evaluation day (default: today, UTC); the KPIs cover its month up to that day, with the twelve months before as their trend" },
    },
    ok: {
      status: 200,
      description: "The report, named in Content-Disposition; it states the tree size, root hash and checkpoint (cosignatures, anchors) it was computed at, and every figure names its records by id and log index",
      media: ["application/pdf", "text/html"],
      schema: { type: "string", description: "the document's bytes" },
      headers: ["Content-Disposition"],
    },
    problems: ["malformed"],
  },
  ...EXPORT_ROUTE_DOCS,
  "GET /v1/vaults/:vault/sms/registers": {
    id: "getSmsRegisters",
    summary: "The SMS registers (applicable controls, risks, suppliers, incidents, corrective actions) as an XLSX workbook, or one register as CSV",
    tag: "sms",
    query: {
      format: { type: "string", pattern: "^(xlsx|csv)$", description: "xlsx (default): a sheet saying the tree size, root and catalogue, then one sheet per register; csv: one register (RFC 4180), text fields starting with = + - @ prefixed with a single quote" },
      register: { type: "string", pattern: "^(soa|risks|suppliers|incidents|corrective-actions)$", description: "one register (required with csv; with xlsx, a workbook of that register only)" },
      asOf: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "the day the registers are read as of (default: today, UTC): acceptances expired by then count as none, next assessments are due by the tier schedule" },
    },
    ok: {
      status: 200,
      description: "The file, named in Content-Disposition; every row names its record's id, log index and leaf hash",
      media: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"],
      schema: { type: "string", description: "the file's bytes" },
      headers: ["Content-Disposition"],
    },
    problems: ["invalid"],
  },

};

/** The tags, in the order the document lists them. */
export const TAGS: Readonly<Record<string, string>> = {
  service: "The server itself",
  log: "The vault's transparency log: checkpoints, verifier key, anchors, publication",
  tiles: "C2SP tlog-tiles: hash tiles and entry bundles, one path per shape of the tile index",
  records: "Appending, reading, listing and redacting records",
  proofs: "Inclusion and consistency proofs",
  epcis: "The EPCIS 2.0 REST binding of a vault",
  custody: "Chains of custody and their incidents",
  vaults: "Vaults, their members and their audit",
  organisations: "Organisations, API keys and custodial signing keys",
  sms: "The ISO 28000 security management system's records: one set of routes per record type",
  files: "Evidence files: uploaded by digest, named by records' attachments, downloaded by their readers",
};
