/**
 * What the OpenAPI document says of the export routes (export-routes.ts):
 * a vault's readiness assessment as OSCAL assessment results, and the
 * catalogue as a CISO Assistant library.
 */
import type { RouteDoc } from "./openapi-routes.js";

/** The export routes' entries of ROUTE_DOCS. */
export const EXPORT_ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  "GET /v1/vaults/:vault/sms/exports/oscal": {
    id: "getSmsOscalAssessmentResults",
    summary:
      "The vault's readiness assessment on a day as an OSCAL 1.0.6 assessment-results document: a finding per readiness item and per clause, observations citing each record by log index, a risk per detected gap; the same vault, tree size and day give the same document",
    tag: "sms",
    query: { asOf: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description: "the evaluation day, YYYY-MM-DD (default: today, UTC)" } },
    ok: {
      status: 200,
      description: "The OSCAL assessment-results document (JSON)",
      schema: {
        type: "object",
        required: ["assessment-results"],
        description: "valid against NIST's OSCAL 1.0.6 assessment-results JSON Schema (http://csrc.nist.gov/ns/oscal/1.0.6/oscal-ar-schema.json)",
        properties: {
          "assessment-results": {
            type: "object",
            required: ["uuid", "metadata", "import-ap", "results"],
            properties: {
              uuid: { type: "string", format: "uuid", description: "name-based (RFC 9562 version 5): the same vault, tree and day give the same one" },
              metadata: { type: "object", description: "title, last-modified, version, oscal-version 1.0.6; properties naming the vault, tree size, root hash and catalogue" },
              "import-ap": { type: "object", description: "the assessment plan: the vault's sms.catalogue record, as sealtrail:vault/{vault}/entry/{index}" },
              results: { type: "array", items: { type: "object" }, description: "one result for the day: reviewed controls (the clauses), observations, risks (detected gaps), findings" },
            },
          },
        },
      },
    },
    problems: ["not_found", "forbidden"],
  },
  "GET /v1/sms/catalogue/ciso-assistant": {
    id: "getSmsCatalogueCisoAssistant",
    summary: "The ISO 28000 catalogue as a CISO Assistant framework library (YAML): clause groups and clauses as requirement nodes, the control domains' example controls as reference controls",
    tag: "sms",
    ok: { status: 200, description: "The library, YAML (RFC 9512)", media: "application/yaml", schema: { type: "string" }, headers: ["Content-Disposition"] },
    problems: [],
  },
};
