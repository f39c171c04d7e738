/**
 * The twelve security KPIs of the SMS (clause 9.1), defined precisely enough
 * to be computed from signed records alone.
 *
 * Conventions every definition relies on:
 * - A record is the latest version of its record id (superseding versions
 *   replace earlier ones; redacted records are left out).
 * - The period is a closed range of calendar dates [from, to] chosen by the
 *   caller; a date or instant is "in the period" when its UTC calendar date
 *   is within it. An "as-at" KPI is evaluated on the period's last day.
 * - A percent is 100 × numerator ÷ denominator and has no value when the
 *   denominator is 0 (shown as "no data", never as 0 or 100).
 * - Money is added as exact decimals per ISO 4217 currency and never
 *   converted; hours are differences of instants divided by 3,600,000 ms.
 * - A person matches a role holder when `name` and `org` are equal.
 */
import type { SmsRecordType } from "../record-types.js";
import type { ClauseRef } from "./clauses.js";

/** The unit a KPI is expressed in. */
export type KpiUnit = "count" | "percent" | "hours" | "currency";

/** The shape of one KPI definition. */
export interface KpiDefinition {
  readonly id: string;
  readonly name: string;
  readonly measures: string;
  readonly unit: KpiUnit;
  readonly better: "lower" | "higher";
  /** "period": counts events within the period; "as-at": judges the state on its last day. */
  readonly window: "period" | "as-at";
  readonly feeds: readonly SmsRecordType[];
  readonly clauses: readonly ClauseRef[];
  /** The computation, in terms of record fields. */
  readonly definition: string;
  /** Dimensions the value is also reported by. */
  readonly breakdown: readonly string[];
  /** A second figure reported beside the KPI, or null. */
  readonly companion: string | null;
}

/**
 * The KPI definitions.
 *
 * @example
 * ```ts
 * KPIS.find((k) => k.id === "incident-response-time")?.unit // "hours"
 * ```
 */
export const KPIS = [
  {
    id: "incidents",
    name: "Security incidents",
    measures: "How many security incidents occurred, and how serious they were.",
    unit: "count",
    better: "lower",
    window: "period",
    feeds: ["sms.incident"],
    clauses: ["8.5", "9.1"],
    definition: "Number of sms.incident records whose detected instant is in the period.",
    breakdown: ["category", "severity", "node.site", "node.supplier"],
    companion: null,
  },
  {
    id: "cargo-loss-value",
    name: "Cargo loss value",
    measures: "The value of goods lost to theft, shrinkage and other incidents.",
    unit: "currency",
    better: "lower",
    window: "period",
    feeds: ["sms.incident", "sms.objective"],
    clauses: ["8.4", "9.1"],
    definition: "For each currency, the sum of loss.amount over sms.incident records detected in the period that have a loss; compared with the target of any sms.objective whose kpi is \"cargo-loss-value\".",
    breakdown: ["currency", "category"],
    companion: "For each currency, the sum of valueAtRisk.amount over the sms.incident records detected in the period that have a valueAtRisk.",
  },
  {
    id: "seal-integrity-discrepancies",
    name: "Seal and inspection discrepancies",
    measures: "How often seals or conveyance inspections show that a load may have been interfered with.",
    unit: "count",
    better: "lower",
    window: "period",
    feeds: ["sms.incident"],
    clauses: ["8.4"],
    definition:
      "Over sms.incident records detected in the period: the number of custody.exceptions entries whose kind is seal_changed, seal_check_failed or inspection_failed, plus the number of incidents of category tampering that carry no such entry.",
    breakdown: ["exception kind", "node.supplier"],
    companion: null,
  },
  {
    id: "supplier-assurance-on-schedule",
    name: "Critical and significant suppliers assured on schedule",
    measures: "Whether high-risk suppliers have been assessed as deeply and as recently as their tier requires.",
    unit: "percent",
    better: "higher",
    window: "as-at",
    feeds: ["sms.supplier", "sms.supplier-assessment"],
    clauses: ["8.1", "8.4", "9.1"],
    definition:
      "Denominator: sms.supplier records with status active and tier \"1\" or \"2\". Numerator: those having an sms.supplier-assessment whose method is among their tier's assurance.methods and whose assessed date is no more than the tier's intervalDays before the evaluation day.",
    breakdown: ["tier"],
    companion: "Remediation closure: of the remediation actions of those suppliers' assessments whose due date is in the period, the percent with done on or before due.",
  },
  {
    id: "access-violations",
    name: "Access-control violations",
    measures: "How often people or vehicles got, or tried to get, where they were not allowed.",
    unit: "count",
    better: "lower",
    window: "period",
    feeds: ["sms.incident"],
    clauses: ["8.4"],
    definition: "Number of sms.incident records of category unauthorised-access whose detected instant is in the period.",
    breakdown: ["node.site", "severity"],
    companion: null,
  },
  {
    id: "vetting-before-deployment",
    name: "Vetting before deployment",
    measures: "Whether people were screened before taking up an SMS role.",
    unit: "percent",
    better: "higher",
    window: "as-at",
    feeds: ["sms.role", "sms.competence"],
    clauses: ["7.2", "8.4"],
    definition:
      "Denominator: sms.role records in force on the evaluation day (appointedAt on or before it, and no until before it). Numerator: those for which an sms.competence of kind vetting with result passed, naming the role or a person matching its holder, was completed on or before appointedAt and had not expired by then.",
    breakdown: ["role"],
    companion: "Awareness coverage: of the same roles, the percent whose holder has an sms.competence of kind awareness completed within the 365 days before the evaluation day and not expired.",
  },
  {
    id: "incident-response-time",
    name: "Mean time to respond",
    measures: "How quickly the organisation acts once an incident is detected.",
    unit: "hours",
    better: "lower",
    window: "period",
    feeds: ["sms.incident"],
    clauses: ["8.5", "9.1"],
    definition: "Mean of (responded - detected) in hours over sms.incident records detected in the period that have a responded instant.",
    breakdown: ["severity", "category"],
    companion: "Mean time to detect: mean of (detected - occurred) in hours over the sms.incident records detected in the period that have an occurred instant.",
  },
  {
    id: "risks-treated-and-accepted",
    name: "Risks treated with residual risk accepted",
    measures: "How much of the risk register has its treatment in place and its remaining risk formally accepted.",
    unit: "percent",
    better: "higher",
    window: "as-at",
    feeds: ["sms.risk", "sms.control", "sms.risk-acceptance"],
    clauses: ["6.1.3", "8.3"],
    definition:
      "Denominator: sms.risk records with status open or treated. Numerator: those whose treatment is accept, or which list at least one control with every listed sms.control in status operating; and which have an sms.risk-acceptance naming the risk, accepted on or before the evaluation day, not expired, and whose residual equals the risk's residual.",
    breakdown: ["domains", "treatment"],
    companion: null,
  },
  {
    id: "corrective-actions-on-time",
    name: "Corrective actions closed on time",
    measures: "Whether corrective actions are finished by the date promised.",
    unit: "percent",
    better: "higher",
    window: "period",
    feeds: ["sms.nonconformity", "sms.finding"],
    clauses: ["9.2", "10.2"],
    definition: "Over the actions of all sms.nonconformity records whose due date is in the period: the percent with a done date on or before due.",
    breakdown: ["nonconformity source"],
    companion: "Audit findings by clause: the number of sms.finding records graded minor-nc or major-nc, per clause, whose audit reported in the period.",
  },
  {
    id: "exercises-held",
    name: "Security exercises held",
    measures: "How actively security plans are practised, and whether the issues found are dealt with.",
    unit: "count",
    better: "higher",
    window: "period",
    feeds: ["sms.exercise"],
    clauses: ["8.5", "9.1"],
    definition: "Number of sms.exercise records whose held date is in the period.",
    breakdown: ["kind", "level"],
    companion: "Issue closure: of the issues of those exercises, the percent with a closed date.",
  },
  {
    id: "custody-exceptions",
    name: "Chain-of-custody exceptions",
    measures: "How often the recorded chain of custody fails to reconcile.",
    unit: "count",
    better: "lower",
    window: "period",
    feeds: ["sms.incident"],
    clauses: ["8.4", "9.1"],
    definition: "Total number of custody.exceptions entries over sms.incident records whose detected instant is in the period.",
    breakdown: ["exception kind"],
    companion: "Diversions detected: the number of those entries whose kind is misdirected_receipt.",
  },
  {
    id: "objectives-achieved",
    name: "Security objectives achieved",
    measures: "How many of the objectives due in a review cycle were met.",
    unit: "percent",
    better: "higher",
    window: "period",
    feeds: ["sms.objective"],
    clauses: ["6.2", "9.1"],
    definition: "Denominator: sms.objective records whose due date is in the period and whose status is not withdrawn. Numerator: those with status achieved.",
    breakdown: ["owner"],
    companion: null,
  },
] as const satisfies readonly KpiDefinition[];

/** One KPI definition. */
export type Kpi = (typeof KPIS)[number];

/** A KPI id. */
export type KpiId = Kpi["id"];
