/**
 * The certification-readiness report as data: every section's figures,
 * computed by core from the vault's state (readiness, gaps, KPIs with their
 * trends, maturity with the clause-by-clause assessment, due items), the
 * catalogue's clause texts, and the checkpoint the figures are as of. The
 * HTML and PDF renderers draw this one model, so both say the same; each
 * figure carries the records behind it as {type, id, index}.
 */
import {
  CATALOGUE,
  CLAUSES,
  KPIS,
  catalogueDigest,
  computeKpis,
  computeMaturity,
  computeReadiness,
  detectGaps,
  dueItems,
  SMS_TYPES,
  type ClauseAssessment,
  type DomainMaturity,
  type DueItem,
  type GapResult,
  type GroupMaturity,
  type KpiDirection,
  type KpiResult,
  type KpiTargetCheck,
  type MoneySum,
  type ReadinessResult,
  type SmsRef,
} from "@sealtrail/core";
import type { LogReader } from "../../store/types.js";
import type { VaultSmsState } from "../../sms/state.js";
import { checkpointView, type CheckpointView } from "./checkpoint.js";
import { kpiValueText } from "./format.js";

/** Monthly points of each KPI's trend before the report's month. */
export const TREND_MONTHS = 12;
/** Items due within this many days after the evaluation day are listed as upcoming. */
export const UPCOMING_DAYS = 90;

/** One clause, as the clause-by-clause section reads it. */
export interface ClauseSection extends ClauseAssessment {
  /** The catalogue's summary of what the clause asks. */
  readonly summary: string;
}

/** One point of a KPI's trend. */
export interface KpiPoint {
  /** The month, YYYY-MM (the report's own month is marked "to" its day). */
  readonly label: string;
  readonly from: string;
  readonly to: string;
  readonly value: number | null;
  readonly amounts: readonly MoneySum[] | null;
  /** True for the report's own period (the month up to the evaluation day). */
  readonly current: boolean;
}

/** One KPI with its trend. */
export interface KpiSection {
  readonly id: string;
  readonly name: string;
  readonly unit: KpiResult["unit"];
  readonly better: "lower" | "higher";
  readonly definition: string;
  readonly clauses: readonly string[];
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly amounts: readonly MoneySum[] | null;
  /** The value as the report prints it. */
  readonly text: string;
  readonly direction: KpiDirection | null;
  readonly points: readonly KpiPoint[];
  readonly targets: readonly KpiTargetCheck[];
  readonly refs: readonly SmsRef[];
}

/** What the report says first. */
export interface ReportSummary {
  readonly readinessPassed: number;
  readonly readinessItems: number;
  readonly gapsDetected: number;
  readonly gapsTotal: number;
  readonly gapFindings: number;
  readonly clauses: { readonly conformity: number; readonly partial: number; readonly missing: number };
  readonly overdue: number;
  readonly upcoming: number;
  readonly smsRecords: number;
  readonly custodyEvents: number;
}

/** The report's content. */
export interface ReadinessReportModel {
  readonly vault: string;
  /** The evaluation day, YYYY-MM-DD. */
  readonly asOf: string;
  readonly catalogue: { readonly id: string; readonly version: string; readonly digest: string };
  /** The tree size and root hash (hex) the figures were computed at. */
  readonly treeSize: number;
  readonly rootHash: string;
  readonly checkpoint: CheckpointView | null;
  readonly summary: ReportSummary;
  readonly clauses: readonly ClauseSection[];
  readonly groups: readonly GroupMaturity[];
  readonly domains: readonly DomainMaturity[];
  readonly kpiPeriod: { readonly from: string; readonly to: string };
  readonly kpis: readonly KpiSection[];
  readonly readiness: readonly ReadinessResult[];
  readonly gaps: readonly GapResult[];
  readonly overdue: readonly DueItem[];
  readonly upcoming: readonly DueItem[];
  /** Items due later than {@link UPCOMING_DAYS} after the evaluation day (not listed). */
  readonly later: number;
}

function kpiSection(k: KpiResult, asOf: string): KpiSection {
  const points: KpiPoint[] = k.trend.points.map((p) => ({ label: p.from.slice(0, 7), from: p.from, to: p.to, value: p.value, amounts: p.amounts, current: false }));
  // The report's period is the month up to the evaluation day: the last point, marked as partial unless D ends its month.
  points.push({ label: `${k.period.from.slice(0, 7)} (to ${asOf.slice(8)})`, from: k.period.from, to: k.period.to, value: k.value, amounts: k.amounts, current: true });
  const def = KPIS.find((c) => c.id === k.id);
  return {
    id: k.id,
    name: k.name,
    unit: k.unit,
    better: k.better,
    definition: k.definition,
    clauses: def === undefined ? [] : [...def.clauses],
    value: k.value,
    numerator: k.numerator,
    denominator: k.denominator,
    amounts: k.amounts,
    text: kpiValueText(k.unit, k.value, k.amounts),
    direction: k.trend.direction,
    points,
    targets: k.targets,
    refs: k.refs,
  };
}

/**
 * The report's content for a vault's state on `asOf`, with the checkpoint
 * read from `reader`. Deterministic: the same state, checkpoint and day give
 * the same model.
 *
 * @example
 * ```ts
 * const model = await buildReadinessModel(ctx.ledger.reader, "demo", await states.of("demo"), "2026-12-08");
 * ```
 */
export async function buildReadinessModel(reader: LogReader, vault: string, s: VaultSmsState, asOf: string): Promise<ReadinessReportModel> {
  const { state } = s;
  const readiness = computeReadiness(state, asOf);
  const gaps = detectGaps(state, asOf);
  const maturity = computeMaturity(state, asOf);
  const due = dueItems(state, asOf);
  const kpiPeriod = { from: `${asOf.slice(0, 7)}-01`, to: asOf };
  const kpis = computeKpis(state, kpiPeriod, { periods: "month", count: TREND_MONTHS });
  const checkpoint = await checkpointView(reader, vault, s.size);

  const items = due.owners.flatMap((o) => o.items);
  const byDate = (a: DueItem, b: DueItem) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.ref.index - b.ref.index);
  const overdue = items.filter((i) => i.overdue).sort(byDate);
  const upcoming = items.filter((i) => !i.overdue && i.daysLeft <= UPCOMING_DAYS).sort(byDate);
  const summaries = new Map<string, string>(CLAUSES.map((c) => [c.id, c.summary]));
  const clauses = maturity.clauses.map((c) => ({ ...c, summary: summaries.get(c.clause) ?? "" }));
  const count = (st: ClauseAssessment["status"]) => clauses.filter((c) => c.status === st).length;

  return {
    vault,
    asOf,
    catalogue: { id: CATALOGUE.id, version: CATALOGUE.version, digest: catalogueDigest() },
    treeSize: Number(s.size),
    rootHash: s.root,
    checkpoint,
    summary: {
      readinessPassed: readiness.passed,
      readinessItems: readiness.items.length,
      gapsDetected: gaps.detected,
      gapsTotal: gaps.gaps.length,
      gapFindings: gaps.gaps.reduce((n, g) => n + g.findings.length, 0),
      clauses: { conformity: count("conformity"), partial: count("partial"), missing: count("missing") },
      overdue: overdue.length,
      upcoming: upcoming.length,
      smsRecords: SMS_TYPES.reduce((n, t) => n + state.records[t].length, 0),
      custodyEvents: state.custody.length,
    },
    clauses,
    groups: maturity.groups,
    domains: maturity.domains,
    kpiPeriod,
    kpis: kpis.kpis.map((k) => kpiSection(k, asOf)),
    readiness: readiness.items,
    gaps: gaps.gaps,
    overdue,
    upcoming,
    later: items.length - overdue.length - upcoming.length,
  };
}
