/**
 * OpenAPI 3.1 for the HTTP API, generated from the routes themselves: every
 * route is described in openapi-routes.ts (operationId, summary, tag, query
 * parameters, success answer, error codes), its path parameters are derived
 * from its URL, its body schema is the one Fastify validates with, and
 * @fastify/swagger turns the lot into /openapi.json, with an interactive
 * page at /docs. The finished document passes Redocly's `recommended` rules.
 */
import type { FastifyInstance, RouteOptions } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { ERROR_CODES, TILE_HEIGHT, type ErrorCode } from "@sealtrail/core";
import { STATUS_OF, TITLE_OF } from "./status.js";
import { ROUTE_DOCS, TAGS, type HeaderName, type RouteDoc, type Success } from "./openapi-routes.js";
import { SCHEMAS } from "./openapi-schemas.js";

export { ROUTE_DOCS } from "./openapi-routes.js";

type Json = Record<string, unknown>;
type Operation = Json & { parameters?: Json[] };

/** Routes that are not part of the API description. */
const HIDDEN = new Set(["/openapi.json"]);
/** Routes that answer without an API key (as auth.ts lets them). */
const PUBLIC = new Set(["/healthz"]);
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

// Describe each route as it is added: what Fastify validates (path and query
// parameters) must be in the route's own schema; the rest is added to the
// finished document by finishDocument.
function describeRoute(route: RouteOptions): void {
  const url = route.url;
  if (HIDDEN.has(url) || url.startsWith("/docs")) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const doc = ROUTE_DOCS[`${methods[0]} ${url}`];
  const schema = (route.schema ??= {}) as Json;
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
  if (PUBLIC.has(url)) schema.security = [];
}

/** RFC 9457 §3.1 members, plus the stable `code` and the optional `errors` detail that every SealTrail problem carries. */
const PROBLEM_DETAILS = {
  type: "object",
  description: "An RFC 9457 problem document (application/problem+json)",
  required: ["type", "title", "status", "detail", "code"],
  properties: {
    type: { type: "string", format: "uri", description: "https://sealtrail.dev/problems/<code>" },
    title: { type: "string", description: "the code's title, the same for every problem of that code" },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string", description: "what went wrong with this request" },
    instance: { type: "string", description: "the request path; absent when the HTTP parser refused the request" },
    code: { type: "string", enum: [...ERROR_CODES] },
    errors: { type: "object", description: "machine-readable detail: the offending parameter, per-record results, retryAfter, evidence" },
  },
};

const HEADERS: Readonly<Record<HeaderName, Json>> = {
  "Idempotency-Key": {
    description: "1 to 255 visible ASCII characters: a retry of the same request with the same key gets the first answer and appends nothing more",
    schema: { type: "string", pattern: "^[!-~]{1,255}$" },
  },
  "Idempotent-Replayed": { description: "`true` when this is the answer to an earlier request with the same Idempotency-Key", schema: { const: "true" } },
  Location: { description: "URL of what was created", schema: { type: "string" } },
  Link: { description: 'The next page: <...>; rel="next" (absent on the last page)', schema: { type: "string" } },
  "GS1-Capture-Error-Behaviour": {
    description: "rollback (default): capture nothing if one event fails; proceed: capture the events that pass",
    schema: { type: "string", enum: ["rollback", "proceed"] },
  },
  Range: { description: "one byte range, bytes=first-last, bytes=first- or bytes=-suffix (RFC 9110 §14.1.2); anything else is ignored", schema: { type: "string" } },
  ETag: { description: 'the file\'s address, quoted: "sha256:<hex>"', schema: { type: "string" } },
  "Content-Disposition": {
    description: "attachment, with the file's name as filename (ASCII) and filename* (UTF-8, RFC 8187)",
    schema: { type: "string" },
  },
};
const RETRY_AFTER = { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer", minimum: 1 } } };

/**
 * The error codes a route can answer: those of every request (the HTTP
 * parser's 400, 408 and 431; 500), authentication and the rate limit
 * (auth.ts), a path parameter over the router's length limit, the vault
 * guard (404 for a vault the caller may not see), a body over the limit,
 * then the route's own.
 */
function problemCodes(method: string, url: string, doc: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(["malformed", "request_timeout", "headers_too_large", "internal"]);
  if (!PUBLIC.has(url)) for (const c of ["unauthorized", "rate_limited"] as const) codes.add(c);
  if (url.includes(":") || url.endsWith("*")) codes.add("uri_too_long");
  if (url.includes(":vault")) codes.add("not_found");
  if (method !== "GET" && method !== "HEAD") codes.add("too_large");
  for (const c of doc.problems) codes.add(c);
  return [...codes];
}

// One response per status, its `code` narrowed to the codes that answer with
// that status on this route (the status itself comes from status.ts). Each
// distinct response is kept once in `shared` (components.responses), named by
// its codes, and referred to.
function problemResponses(codes: readonly ErrorCode[], shared: Record<string, Json>): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(STATUS_OF[c], [...(byStatus.get(STATUS_OF[c]) ?? []), c]);
  const out: Record<string, Json> = {};
  for (const [status, cs] of [...byStatus].sort(([a], [b]) => a - b)) {
    const name = cs.join(".");
    shared[name] ??= {
      description: cs.map((c) => `${TITLE_OF[c]} (code ${c})`).join("; "),
      ...(status === STATUS_OF.rate_limited || status === STATUS_OF.unavailable ? { headers: RETRY_AFTER } : {}),
      content: {
        "application/problem+json": {
          schema: { allOf: [{ $ref: "#/components/schemas/ProblemDetails" }], properties: { status: { const: status }, code: { enum: cs } } },
        },
      },
    };
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function successResponses(ok: Success): Record<string, Json> {
  const media = ok.media === undefined ? "application/json" : ok.media;
  const body = {
    ...(ok.headers !== undefined ? { headers: Object.fromEntries(ok.headers.map((h) => [h, HEADERS[h]])) } : {}),
    ...(media !== null ? { content: Object.fromEntries((typeof media === "string" ? [media] : media).map((m) => [m, { schema: ok.schema ?? { type: "object" } }])) } : {}),
  };
  return {
    ...(ok.also !== undefined ? { [String(ok.also.status)]: { description: ok.also.description, ...body } } : {}),
    [String(ok.status)]: { description: ok.description, ...body },
  };
}

function describeOperation(op: Operation, method: string, url: string, doc: RouteDoc, shared: Record<string, Json>): Operation {
  const parameters = [...(op.parameters ?? []), ...(doc.headers ?? []).map((h) => ({ in: "header", name: h, required: false, ...HEADERS[h] }))];
  return {
    ...op,
    operationId: doc.id,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.rawBody !== undefined ? { requestBody: { required: true, content: { "*/*": { schema: { type: "string", description: doc.rawBody } } } } } : {}),
    ...(doc.body !== undefined
      ? { requestBody: { required: true, content: Object.fromEntries(doc.body.map((m) => [m, { schema: { type: "object", description: "an EPCIS 2.0 JSON-LD document or event" } }])) } }
      : {}),
    responses: { ...successResponses(doc.ok), ...problemResponses(problemCodes(method, url, doc), shared) },
  };
}

// A tile index N is below 2^64 / 256^(level+1) (C2SP tlog-tiles: a tile
// starts inside a uint64-sized tree), so at most 17 digits: 6 elements.
const MAX_INDEX_ELEMENTS = Math.ceil(String((1n << BigInt(64 - TILE_HEIGHT)) - 1n).length / 3);
const DIGITS3 = { type: "string", pattern: "^[0-9]{3}$" };

/**
 * The tile route as the paths it serves. Fastify matches them with one
 * wildcard, which OpenAPI cannot describe (a path parameter holds no "/"):
 * C2SP tlog-tiles writes the index N as 3-digit elements, all but the last
 * prefixed with x (1234067 is x001/x234/067), and a partial tile of width W
 * ends in .p/W. So each kind (hash tile at a level, entry bundle), number of
 * elements and full or partial tile is one path of its own.
 */
function tilePaths(op: Operation): Record<string, Json> {
  const vault = (op.parameters ?? []).filter((p) => p.name !== "*");
  const out: Record<string, Json> = {};
  for (const kind of ["hash", "entries"] as const) {
    for (let n = 1; n <= MAX_INDEX_ELEMENTS; n++) {
      for (const partial of [false, true]) {
        const elements = Array.from({ length: n }, (_, i) => (i === n - 1 ? `{n0}` : `x{n${n - 1 - i}}`));
        const path = `/v1/vaults/{vault}/tile/${kind === "hash" ? "{level}" : "entries"}/${elements.join("/")}${partial ? ".p/{width}" : ""}`;
        const what = `${partial ? "Partial " : ""}${kind === "hash" ? "hash tile" : "entry bundle"}`;
        const range = n === 1 ? "N below 1000" : `N of ${3 * n - 2} to ${3 * n} digits`;
        const parameters = [
          ...vault,
          ...(kind === "hash" ? [{ in: "path", name: "level", required: true, schema: { type: "string", pattern: "^([0-9]|[1-5][0-9]|6[0-3])$" }, description: "tile level, 0 to 63" }] : []),
          ...Array.from({ length: n }, (_, i) => ({ in: "path", name: `n${i}`, required: true, schema: DIGITS3, description: `digits ${3 * i + 1} to ${3 * i + 3} of N, counted from the right` })),
          ...(partial ? [{ in: "path", name: "width", required: true, schema: { type: "string", pattern: "^([1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$" }, description: "entries or hashes in a partial tile, 1 to 255" }] : []),
        ];
        const id = `get${partial ? "Partial" : ""}${kind === "hash" ? "HashTile" : "EntryBundle"}${n}`;
        out[path] = { get: { ...op, operationId: id, summary: `${what}, tile index ${range} (C2SP tlog-tiles)`, parameters } };
      }
    }
  }
  return out;
}

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace("{*}", "*").replace(/\{([^}]+)\}/g, ":$1")}`;

/**
 * The finished document: operation ids, success and problem responses,
 * request headers, servers, licence, tags and shared schemas, and the tile
 * route as its real paths.
 */
function finishDocument(doc: Json): Json {
  const paths: Record<string, Json> = {};
  const responses: Record<string, Json> = {};
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    const described: Record<string, Json> = {};
    for (const [method, op] of Object.entries(item)) {
      const key = routeKey(method, path);
      const route = ROUTE_DOCS[key];
      described[method] = METHODS.includes(method) && route !== undefined ? describeOperation(op, method.toUpperCase(), key.slice(key.indexOf(" ") + 1), route, responses) : op;
    }
    if (path.endsWith("/{*}")) Object.assign(paths, tilePaths(described.get as Operation));
    else paths[path] = described;
  }
  const components = (doc.components ?? {}) as Json;
  return {
    ...doc,
    info: { ...(doc.info as Json), license: { name: "Apache-2.0", identifier: "Apache-2.0" } },
    // Relative: the document describes the server that serves it.
    servers: [{ url: "/", description: "the server that serves this document" }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: { ...components, schemas: { ...(components.schemas as Json), ProblemDetails: PROBLEM_DETAILS, ...SCHEMAS }, responses },
    paths,
  };
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
    // The one place the finished document is shaped (it is built once, then cached).
    transformObject: (d) => finishDocument(("openapiObject" in d ? d.openapiObject : d.swaggerObject) as Json),
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
