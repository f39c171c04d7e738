/**
 * What the OpenAPI document says of the SMS routes (sms-routes.ts): four
 * operations per record type, and the routes that span them. Each type's
 * body schema is core's (smsJsonSchema), set on the route itself.
 */
import { SMS_RECORD_TYPES, SMS_TYPES, type SmsRecordType } from "@sealtrail/core";
import type { RouteDoc } from "./openapi-routes.js";
import { smsKind } from "../sms/record-rules.js";
import type { Schema } from "./openapi-schemas.js";

const pascal = (s: string): string => s.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());

const RECORD: Schema = {
  type: "object",
  required: ["id", "index", "leafHash", "author", "payload"],
  properties: {
    id: { type: ["string", "null"], description: "the record id (null once the latest version is redacted)" },
    index: { type: "integer", minimum: 0, description: "log index of the latest version" },
    leafHash: { type: "string" },
    author: { type: "string" },
    claimedTime: { type: "string" },
    sequencedAt: { type: "string" },
    payload: { type: ["object", "null"] },
    redacted: { type: ["object", "null"] },
  },
};
const WRITTEN: Schema = {
  type: "object",
  required: ["id", "index", "leafHash"],
  properties: { id: { type: "string" }, index: { type: "integer", minimum: 0 }, leafHash: { type: "string" }, supersedes: { type: "integer", minimum: 0 } },
};

function docsOf(type: SmsRecordType): Record<string, RouteDoc> {
  const base = `/v1/vaults/:vault/sms/${smsKind(type)}`;
  const name = `Sms${pascal(smsKind(type))}`;
  const what = SMS_RECORD_TYPES[type];
  const writes = ["forbidden", "conflict", "invalid", "unknown_key", "unavailable"] as const;
  return {
    [`POST ${base}`]: {
      id: `create${name}`,
      summary: `Create an ${type} record (${what}), signed with the caller's custodial key`,
      tag: "sms",
      headers: ["Idempotency-Key"],
      ok: { status: 201, description: "The record's id, index and leaf hash", schema: WRITTEN, headers: ["Location", "Idempotent-Replayed"] },
      problems: [...writes],
    },
    [`PUT ${base}/:id`]: {
      id: `update${name}`,
      summary: `A new version of an ${type} record, superseding its latest (If-Match: the index of the version edited)`,
      tag: "sms",
      headers: ["Idempotency-Key"],
      ok: { status: 201, description: "The new version's index, and the one it supersedes", schema: WRITTEN, headers: ["Idempotent-Replayed"] },
      problems: [...writes],
    },
    [`GET ${base}`]: {
      id: `list${name}`,
      summary: `The latest version of every ${type} record, by record id; any other query parameter filters on a top-level field (status=open)`,
      tag: "sms",
      query: {
        limit: { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: "records per page, 1 to 1000 (default 100)" },
        cursor: { type: "string", description: "nextCursor of the previous page" },
      },
      ok: {
        status: 200,
        description: "A page of records",
        schema: { type: "object", required: ["records", "nextCursor"], properties: { records: { type: "array", items: RECORD }, nextCursor: { type: ["string", "null"] } } },
      },
      problems: [],
    },
    [`GET ${base}/:id`]: {
      id: `get${name}`,
      summary: `An ${type} record: its latest version, every version oldest first, and the workflow steps it may take next`,
      tag: "sms",
      ok: { status: 200, description: "The record", schema: { ...RECORD, properties: { ...(RECORD.properties as object), nextStatuses: { type: ["array", "null"], items: { type: "string" } }, versions: { type: "array", items: RECORD } } } },
      problems: [],
    },
  };
}

const ASOF = { asOf: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "the evaluation day, YYYY-MM-DD (default: today, UTC)" } };
const FIGURES: Schema = {
  type: "object",
  required: ["catalogue", "treeSize", "rootHash"],
  properties: {
    catalogue: { type: "object", description: "the catalogue judged against: id, version, SHA-256" },
    treeSize: { type: "integer", minimum: 0, description: "the tree size the records were read at" },
    rootHash: { type: "string", description: "the tree's root hash at that size, hex" },
  },
};
const figure = (id: string, what: string, query: RouteDoc["query"] = ASOF): RouteDoc => ({
  id,
  summary: `${what}, computed by core from the vault's records (each figure names its records and log indices)`,
  tag: "sms",
  query,
  ok: { status: 200, description: what, schema: FIGURES },
  problems: [],
});

const FIGURE_DOCS: Record<string, RouteDoc> = {
  "GET /v1/vaults/:vault/sms/summary": figure("getSmsSummary", "How many records of each kind the SMS holds, and the records set aside (schema failures, replays, withheld)", {}),
  "GET /v1/vaults/:vault/sms/readiness": figure("getSmsReadiness", "The fifteen certification-readiness items, each passed or failed with its records or what is missing"),
  "GET /v1/vaults/:vault/sms/gaps": figure("getSmsGaps", "The fourteen common gaps, each detected or not, with findings and their records"),
  "GET /v1/vaults/:vault/sms/maturity": figure("getSmsMaturity", "Maturity 1-5 per clause and per control domain with the rule that gave it, and the clause-by-clause assessment"),
  "GET /v1/vaults/:vault/sms/due": figure("getSmsDue", "Due and overdue items per owner"),
  "GET /v1/vaults/:vault/sms/kpis": figure("getSmsKpis", "The twelve KPIs over a period, with breakdowns and their trend", {
    period: { type: "string", description: "a month (2026-05), a quarter (2026-Q2) or a year (2026); or from and to" },
    from: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "first day (default: the first of this month)" },
    to: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "last day (default: today)" },
    trend: { type: "string", description: "month (default) or quarter: the unit of the trend" },
    count: { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: "how many earlier periods the trend covers (default 6, at most 120)" },
  }),
};

/** The SMS routes' entries of ROUTE_DOCS. */
export const SMS_ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = Object.assign(
  {
    "GET /v1/vaults/:vault/sms/check": {
      id: "checkSmsProjection",
      summary: "The SMS state the server keeps as the vault grows, checked against the state rebuilt from the log with every payload checked (vault administrators)",
      tag: "sms",
      ok: {
        status: 200,
        description: "How many differences there are (0: the figures come from exactly the log's records) and the first of them",
        schema: {
          type: "object",
          required: ["vault", "treeSize", "differences", "examples"],
          properties: {
            vault: { type: "string" },
            treeSize: { type: "integer", minimum: 0, description: "the tree size the projection and the rebuilt state were compared at" },
            differences: { type: "integer", minimum: 0 },
            examples: { type: "array", items: { type: "string" }, description: "the first differences, one sentence each" },
          },
        },
      },
      problems: ["forbidden"],
    },
    "GET /v1/vaults/:vault/sms/types": {
      id: "listSmsTypes",
      summary: "The SMS record types, their paths and workflows",
      tag: "sms",
      ok: { status: 200, description: "The types", schema: { type: "object", required: ["types"], properties: { types: { type: "array", items: { type: "object" } } } } },
      problems: [],
    },
  } satisfies Record<string, RouteDoc>,
  FIGURE_DOCS,
  ...SMS_TYPES.map(docsOf),
);
