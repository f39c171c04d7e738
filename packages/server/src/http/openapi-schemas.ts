/**
 * Named schemas of the API's JSON answers, served as components.schemas of
 * the OpenAPI document (JSON Schema 2020-12, as OpenAPI 3.1 reads it). Only
 * described: Fastify does not serialise with them, and the OpenAPI tests
 * validate real answers against them.
 */

/** A JSON Schema. */
export type Schema = Record<string, unknown>;

/** A reference to a named schema. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A SHA-256 hash as the API writes it. */
export const hex32 = { type: "string", pattern: "^[0-9a-f]{64}$", description: "SHA-256, lowercase hex" };
const nullable = (type: string, description: string) => ({ type: [type, "null"], description });
const REDACTION = {
  type: ["object", "null"],
  required: ["by", "author", "time", "reason"],
  properties: {
    by: { type: "integer", minimum: 0, description: "index of the sealtrail.redaction record" },
    author: { type: "string" },
    time: { type: "string" },
    reason: nullable("string", "why, in the redactor's words"),
  },
  description: "null, or who erased the payload and salt, when and why (formats.md §5b)",
};
const SUMMARY_PROPS = {
  index: { type: "integer", minimum: 0 },
  leafHash: hex32,
  type: { type: "string" },
  author: { type: "string" },
  mode: { type: "string" },
  claimedTime: { type: "string" },
  sequencedAt: { type: "string" },
  submittedBy: nullable("string", "id of the API key that sent it"),
  subjects: { type: "array", items: { type: "string" } },
  payload: nullable("object", "null once redacted"),
  redacted: ref("Redaction"),
};

/** Named schemas of the success answers, served as components.schemas. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  Acknowledgement: {
    type: "object",
    required: ["index", "leafHash"],
    properties: {
      index: { type: "integer", minimum: 0, description: "the record's index in the log" },
      leafHash: hex32,
      existing: { const: true, description: "present when this entry was in the log already: it was not appended again" },
    },
  },
  Appended: { type: "object", required: ["results"], properties: { results: { type: "array", items: ref("Acknowledgement") } } },
  Redaction: REDACTION,
  Record: {
    type: "object",
    required: ["index", "leafHash", "entry", "entryBase64", "payload", "salt", "sequencedAt", "submittedBy", "redacted"],
    properties: {
      index: { type: "integer", minimum: 0 },
      leafHash: hex32,
      entry: { type: "object", description: "the signed envelope {env, sig} (formats.md §2)" },
      entryBase64: { type: "string", description: "the entry's exact bytes, base64" },
      payload: nullable("object", "null once redacted"),
      salt: nullable("string", "base64 of the commitment salt; null once redacted"),
      sequencedAt: { type: "string" },
      submittedBy: nullable("string", "id of the API key that sent it"),
      redacted: ref("Redaction"),
    },
  },
  RecordSummary: { type: "object", required: Object.keys(SUMMARY_PROPS), properties: SUMMARY_PROPS },
  RecordPage: {
    type: "object",
    required: ["records", "nextCursor"],
    properties: { records: { type: "array", items: ref("RecordSummary") }, nextCursor: nullable("string", "cursor of the next page; null on the last") },
  },
  RecordVersions: {
    type: "object",
    required: ["versions"],
    properties: {
      versions: {
        type: "array",
        items: {
          allOf: [ref("RecordSummary")],
          required: ["supersedes"],
          properties: { supersedes: nullable("integer", "index of the version this one replaces") },
        },
      },
    },
  },
};
