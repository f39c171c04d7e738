/**
 * OpenAPI 3.1 for the HTTP API, generated from the routes themselves: every
 * route is described here (summary, tag, query parameters), its path
 * parameters are derived from its URL, its body schema is the one Fastify
 * validates with, and @fastify/swagger turns the lot into /openapi.json,
 * with an interactive page at /docs.
 */
import type { FastifyInstance, RouteOptions } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";

type Doc = { summary: string; tag: string; query?: Record<string, { type: string; description: string }>; required?: string[] };

const uint = (description: string) => ({ type: "string", pattern: "^(0|[1-9][0-9]*)$", description });

/** One line per route: what it does. A route missing here fails the OpenAPI test. */
export const ROUTE_DOCS: Record<string, Doc> = {
  "GET /healthz": { summary: "Liveness", tag: "service" },
  "GET /v1/vaults/:vault/checkpoint": { summary: "Latest signed checkpoint (C2SP tlog-checkpoint)", tag: "log" },
  "GET /v1/vaults/:vault/vkey": { summary: "The vault's C2SP verifier key", tag: "log" },
  "GET /v1/vaults/:vault/tile/*": { summary: "Hash tile or entry bundle (C2SP tlog-tiles)", tag: "log" },
  "POST /v1/vaults/:vault/records": { summary: "Append one signed record, or {records: [...]}", tag: "records" },
  "POST /v1/vaults/:vault/records/custodial": { summary: "Append a record signed by the server with the caller's custodial key", tag: "records" },
  "GET /v1/vaults/:vault/records/:index": { summary: "A record: entry, payload and salt (null, with who redacted it, once redacted)", tag: "records" },
  "POST /v1/vaults/:vault/records/:index/redact": {
    summary: "Erase a record's payload and salt: a sealtrail.redaction record signed with the caller's custodial key (author, operator or vault admin)",
    tag: "records",
  },
  "GET /v1/vaults/:vault/records": {
    summary: "Records matching a filter, oldest first, a page at a time",
    tag: "records",
    query: {
      type: { type: "string", description: "a record type, or a pattern such as custody.*" },
      author: { type: "string", description: "author organisation" },
      subject: { type: "string", description: "a subject id (container, shipment, site)" },
      limit: uint("records per page, 1 to 1000 (default 100)"),
      cursor: { type: "string", description: "nextCursor of the previous page" },
    },
  },
  "GET /v1/vaults/:vault/records/:index/versions": { summary: "Every version of a record, oldest first", tag: "records" },
  "GET /v1/vaults/:vault/proofs/inclusion": {
    summary: "Inclusion proof of a record as C2SP tlog-proof text",
    tag: "proofs",
    query: { index: uint("record index"), size: uint("tree size of a published checkpoint (default: latest)") },
    required: ["index"],
  },
  "GET /v1/vaults/:vault/proofs/consistency": {
    summary: "Consistency proof between two tree sizes, one base64 hash a line",
    tag: "proofs",
    query: { from: uint("older tree size"), to: uint("newer tree size") },
    required: ["from", "to"],
  },
  "GET /v1/vaults/:vault/anchors": {
    summary: "Anchors (RFC 3161 tokens, ...) of the vault's published checkpoints, oldest checkpoint first",
    tag: "log",
    query: { size: uint("only the anchors of the published checkpoint of this tree size") },
  },
  "GET /v1/vaults/:vault/witnesses": {
    summary: "Publication status: unpublished backlog, each witness's last answer, anchoring",
    tag: "log",
  },
  "POST /v1/vaults/:vault/epcis/capture": {
    summary: "EPCIS 2.0 capture of a document (application/ld+json): 202 with the capture job's Location; GS1-Capture-Error-Behaviour rollback (default) or proceed",
    tag: "epcis",
  },
  "GET /v1/vaults/:vault/epcis/capture/:id": { summary: "A capture job: running, success, counts and per-event errors", tag: "epcis" },
  "POST /v1/vaults/:vault/epcis/events": { summary: "Capture one EPCIS event (with its own @context), signed with the caller's custodial key", tag: "epcis" },
  "GET /v1/vaults/:vault/epcis/events": {
    summary:
      "EPCIS query: eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_action, EQ_bizStep, EQ_disposition, EQ_readPoint, EQ_bizLocation, MATCH_epc, MATCH_anyEPC, MATCH_parentID, EQ_eventID, EXISTS_errorDeclaration, EQ_source_<type>, EQ_destination_<type>, EQ_bizTransaction_<type>, perPage, nextPageToken (several values: repeat the parameter or separate with |)",
    tag: "epcis",
  },
  "GET /v1/vaults/:vault/epcis/events/:id": { summary: "One event by its eventID, with a pointer to its record and log index", tag: "epcis" },
  "GET /v1/vaults/:vault/epcis/epcs/:epc/events": { summary: "Events about an EPC (URN or GS1 Digital Link), with the query parameters of /events", tag: "epcis" },
  "GET /v1/vaults/:vault/custody/:id": {
    summary: "Chain of custody of an identifier: events in time order, holder, location and seals after each, and named exceptions",
    tag: "custody",
    query: { maxGapHours: { type: "string", description: "longest allowed time between consecutive events, in hours (default 72)" } },
  },
  "POST /v1/vaults/:vault/custody/:id/incident": {
    summary: "Open an sms.incident for the exceptions of an identifier's chain of custody, signed with the caller's custodial key",
    tag: "custody",
  },
  "GET /v1/vaults": { summary: "Vaults the caller can see", tag: "vaults" },
  "POST /v1/vaults": { summary: "Create a vault (operator admin)", tag: "vaults" },
  "GET /v1/vaults/:vault/audit": { summary: "Re-read and recompute the whole vault and name every discrepancy (vault admin)", tag: "vaults" },
  "GET /v1/vaults/:vault/members": { summary: "Members of a vault and their permissions", tag: "vaults" },
  "PUT /v1/vaults/:vault/members/:org": { summary: "Set an organisation's membership (written to the log)", tag: "vaults" },
  "DELETE /v1/vaults/:vault/members/:org": { summary: "End an organisation's membership (written to the log)", tag: "vaults" },
  "GET /v1/orgs": { summary: "Organisations the caller can see", tag: "organisations" },
  "POST /v1/orgs": { summary: "Create an organisation (operator admin)", tag: "organisations" },
  "GET /v1/orgs/:org": { summary: "An organisation", tag: "organisations" },
  "POST /v1/orgs/:org/api-keys": { summary: "Create an API key; its token is returned once", tag: "organisations" },
  "GET /v1/orgs/:org/api-keys": { summary: "An organisation's API keys (never their secrets)", tag: "organisations" },
  "DELETE /v1/orgs/:org/api-keys/:id": { summary: "Revoke an API key", tag: "organisations" },
  "POST /v1/orgs/:org/custodial-keys": { summary: "Generate a signing key held by the server and register it in a vault", tag: "organisations" },
};

/** Routes that are not part of the API description. */
const HIDDEN = new Set(["/openapi.json"]);

function describeRoute(route: RouteOptions): void {
  const url = route.url;
  if (HIDDEN.has(url) || url.startsWith("/docs")) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const doc = ROUTE_DOCS[`${methods[0]} ${url}`];
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  const params = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  if (url.endsWith("/*")) params.push("*");
  if (params.length > 0 && schema.params === undefined) {
    schema.params = { type: "object", required: params, properties: Object.fromEntries(params.map((p) => [p, { type: "string" }])) };
  }
  if (doc !== undefined) {
    schema.summary = doc.summary;
    schema.tags = [doc.tag];
    if (doc.query !== undefined && schema.querystring === undefined) {
      schema.querystring = { type: "object", properties: doc.query, ...(doc.required ? { required: doc.required } : {}) };
    }
  }
  if (url === "/healthz") schema.security = [];
}

/**
 * Describe every route added after this call, and serve /openapi.json and /docs.
 *
 * @example
 * ```ts
 * await registerOpenApi(app, "0.1.0");
 * ```
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addHook("onRoute", describeRoute);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "SealTrail",
        version,
        description:
          "Signed ISO 28000 records in an append-only, verifiable transparency log. Errors are RFC 9457 application/problem+json documents.",
      },
      components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "stk_... API key" } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
