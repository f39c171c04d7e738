/**
 * A vault's readiness assessment as an OSCAL assessment-results document
 * (NIST OSCAL 1.0.6, JSON): what a certification body or a GRC tool that
 * reads OSCAL takes in. One result for the evaluation day D holds
 *
 * - reviewed-controls: the catalogue's ISO 28000 clauses as control ids;
 * - findings: one per readiness item and one per clause, each with its
 *   target's status (satisfied or not-satisfied) and the observations it
 *   rests on;
 * - observations: what was examined, each citing its records as
 *   relevant-evidence, one per record, with an href naming the log entry
 *   (`sealtrail:vault/<vault>/entry/<index>`) and the record id and type as
 *   properties, so a reader can fetch the entry and prove its inclusion;
 * - risks: one per detected common gap, its findings as the statement.
 *
 * Every figure comes from core (computeReadiness, detectGaps,
 * computeMaturity) over the vault's state; nothing reads a clock, and every
 * UUID is name-based (name-uuid.ts), so the same vault at the same tree size
 * on the same day gives the same document byte for byte.
 */
import { CATALOGUE, CLAUSES, COMMON_GAPS, catalogueDigest, computeMaturity, computeReadiness, detectGaps, type SmsRef } from "@sealtrail/core";
import type { VaultSmsState } from "../sms/state.js";
import { uuidV5 } from "./name-uuid.js";

/** The OSCAL version of the schema the document is valid against (testdata/oscal/SOURCE.md). */
export const OSCAL_VERSION = "1.0.6";

/** Namespace of the properties this project defines (OSCAL requires `ns` on any property name it does not define). */
export const OSCAL_PROP_NS = "urn:sealtrail:oscal";

type Json = Record<string, unknown>;

/** What an export is made of: the vault, its log's origin line, its state and the evaluation day. */
export interface OscalExportInput {
  readonly vault: string;
  /** The vault's checkpoint origin: names the log, and so every UUID derived from it. */
  readonly origin: string;
  readonly state: VaultSmsState;
  /** The evaluation day D, YYYY-MM-DD. */
  readonly asOf: string;
}

/**
 * The href naming a vault's log entry: a URI of this project's own scheme,
 * read as "entry <index> of vault <vault>" (GET /v1/vaults/<vault>/records/<index>).
 *
 * @example
 * ```ts
 * entryHref("demo", 12) // "sealtrail:vault/demo/entry/12"
 * ```
 */
export function entryHref(vault: string, index: number): string {
  return `sealtrail:vault/${encodeURIComponent(vault)}/entry/${index}`;
}

// A token (OSCAL's TokenDatatype, an XML NCName) starts with a letter: clause
// numbers do not, so each clause is "clause-<number>".
const clauseToken = (id: string): string => `clause-${id}`;
const prop = (name: string, value: string): Json => ({ name, ns: OSCAL_PROP_NS, value });

/**
 * Build the assessment-results document of a vault on day `asOf`.
 *
 * @example
 * ```ts
 * const doc = buildOscalAssessmentResults({ vault: "demo", origin: row.origin, state: await states.of("demo"), asOf: "2026-12-08" });
 * doc["assessment-results"].results[0].findings.length // 15 readiness items + one finding per clause
 * ```
 */
export function buildOscalAssessmentResults(input: OscalExportInput): { "assessment-results": Json & { results: Json[] } } {
  const { vault, origin, state: s, asOf } = input;
  const readiness = computeReadiness(s.state, asOf);
  const gaps = detectGaps(s.state, asOf);
  const maturity = computeMaturity(s.state, asOf);
  const base = `sealtrail:vault/${encodeURIComponent(vault)}/oscal/${origin}`;
  const id = (...parts: (string | number)[]): string => uuidV5(`${base}/${parts.join("/")}`);
  const start = `${asOf}T00:00:00Z`;
  const end = `${asOf}T23:59:59Z`;

  const evidence = (refs: readonly SmsRef[]): Json[] =>
    refs.map((r) => ({
      href: entryHref(vault, r.index),
      description: `${r.type} ${r.id}, log index ${r.index}`,
      props: [prop("record-type", r.type), prop("record-id", r.id), prop("log-index", String(r.index))],
    }));
  // An observation of what was examined; relevant-evidence needs at least one item (minItems 1).
  const observation = (uuid: string, title: string, description: string, refs: readonly SmsRef[], remarks?: string): Json => ({
    uuid,
    title,
    description,
    methods: ["EXAMINE"],
    types: ["control-objective"],
    ...(refs.length > 0 ? { "relevant-evidence": evidence(refs) } : {}),
    collected: end,
    ...(remarks !== undefined && remarks !== "" ? { remarks } : {}),
  });

  const observations: Json[] = [];
  const risks: Json[] = [];
  const findings: Json[] = [];
  const riskOfGap = new Map<string, string>();

  // Risks: each detected gap, its findings as the statement and one observation of the records they name.
  for (const g of gaps.gaps) {
    if (!g.detected) continue;
    const def = COMMON_GAPS.find((x) => x.id === g.id);
    const obs = id("gap", g.id, "observation", asOf);
    const refs = g.findings.flatMap((f) => f.refs);
    observations.push(observation(obs, `Gap detected: ${g.name}`, `The records examined by the rule: ${g.detect}`, refs, g.findings.map((f) => f.message).join("\n")));
    const risk = id("gap", g.id, "risk", asOf);
    riskOfGap.set(g.id, risk);
    risks.push({
      uuid: risk,
      title: g.name,
      description: def?.description ?? g.name,
      statement: g.findings.map((f) => f.message).join("\n") || g.name,
      props: [prop("gap-id", g.id), ...g.clauses.map((c) => prop("clause", c))],
      status: "open",
      "related-observations": [{ "observation-uuid": obs }],
    });
  }
  const relatedRisks = (gapIds: readonly string[]): Json => {
    const list = gapIds.flatMap((g) => (riskOfGap.has(g) ? [{ "risk-uuid": riskOfGap.get(g)! }] : []));
    return list.length > 0 ? { "related-risks": list } : {};
  };

  // One finding per readiness item: satisfied when core passed it.
  for (const item of readiness.items) {
    const obs = id("readiness", item.id, "observation", asOf);
    observations.push(observation(obs, `Readiness: ${item.name}`, `Judged on ${asOf} by the criterion: ${item.criterion}`, item.refs, item.missing.join("\n")));
    const gapIds = COMMON_GAPS.filter((g) => g.clauses.some((c) => item.clauses.includes(c))).map((g) => g.id);
    findings.push({
      uuid: id("readiness", item.id, "finding", asOf),
      title: `Readiness: ${item.name}`,
      description: item.passed ? `Met on ${asOf}.` : `Not met on ${asOf}: ${item.missing.join("; ")}`,
      props: [prop("readiness-item", item.id), ...item.clauses.map((c) => prop("clause", c))],
      target: {
        type: "objective-id",
        "target-id": `readiness-${item.id}`,
        status: { state: item.passed ? "satisfied" : "not-satisfied", reason: item.passed ? "pass" : "fail" },
      },
      "related-observations": [{ "observation-uuid": obs }],
      ...relatedRisks(gapIds),
    });
  }

  // One finding per clause, with the status computeMaturity's clause-by-clause assessment gives.
  for (const c of maturity.clauses) {
    const obs = id("clause", c.clause, "observation", asOf);
    const missing = c.missingEvidence.length > 0 ? `No record of: ${c.missingEvidence.join(", ")}` : "";
    observations.push(observation(obs, `Clause ${c.clause}: ${c.title}`, `The records evidencing clause ${c.clause} on ${asOf} (maturity level ${c.level}: ${c.rule})`, c.evidence, missing));
    findings.push({
      uuid: id("clause", c.clause, "finding", asOf),
      title: `Clause ${c.clause}: ${c.title}`,
      description: `Clause ${c.clause} on ${asOf}: ${c.status}; maturity level ${c.level}.`,
      props: [prop("clause-status", c.status), prop("maturity-level", String(c.level))],
      target: {
        type: "statement-id",
        "target-id": clauseToken(c.clause),
        status: { state: c.status === "conformity" ? "satisfied" : "not-satisfied", reason: c.status === "conformity" ? "pass" : c.status === "missing" ? "fail" : "other" },
        ...(c.status === "partial" ? { remarks: "Partial: some of the clause's evidence is present, not all of it." } : {}),
      },
      "related-observations": [{ "observation-uuid": obs }],
      ...relatedRisks(c.gaps.filter((g) => g.detected).map((g) => g.id)),
    });
  }

  const catalogueRecord = s.state.records["sms.catalogue"].at(-1);
  const digest = catalogueDigest();
  return {
    "assessment-results": {
      uuid: id("document", s.root, asOf),
      metadata: {
        title: `ISO 28000 readiness assessment of vault ${vault} on ${asOf}`,
        "last-modified": end,
        version: `${asOf}+tree.${s.size}`,
        "oscal-version": OSCAL_VERSION,
        props: [prop("vault", vault), prop("log-origin", origin), prop("tree-size", String(s.size)), prop("root-hash", s.root), prop("catalogue", `${CATALOGUE.id}@${CATALOGUE.version}`), prop("catalogue-digest", digest)],
      },
      // OSCAL requires an assessment plan; the vault's plan is its adoption of
      // the catalogue (its sms.catalogue record), which names what is judged.
      "import-ap": {
        href: catalogueRecord !== undefined ? entryHref(vault, catalogueRecord.ref.index) : `sealtrail:catalogue/${CATALOGUE.id}/${CATALOGUE.version}`,
        remarks: `The assessment plan is the vault's adoption of the catalogue ${CATALOGUE.id} ${CATALOGUE.version} (SHA-256 ${digest})${catalogueRecord !== undefined ? `, its sms.catalogue record at log index ${catalogueRecord.ref.index}` : "; the vault has not recorded it"}.`,
      },
      results: [
        {
          uuid: id("result", s.root, asOf),
          title: `Certification readiness on ${asOf}`,
          description: `Readiness items, clause statuses and common gaps of vault ${vault}, computed from its records at tree size ${s.size} (root ${s.root}) against catalogue ${CATALOGUE.id} ${CATALOGUE.version}. ${readiness.passed} of ${readiness.items.length} readiness items met; ${gaps.detected} gap(s) detected.`,
          start,
          end,
          "reviewed-controls": {
            description: `The auditable clauses of ISO 28000:2022 (4 to 10) as catalogue ${CATALOGUE.id} ${CATALOGUE.version} lists them.`,
            "control-selections": [{ "include-controls": CLAUSES.map((c) => ({ "control-id": clauseToken(c.id) })) }],
          },
          observations,
          ...(risks.length > 0 ? { risks } : {}),
          findings,
        },
      ],
    },
  };
}
