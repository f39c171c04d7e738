/**
 * The SMS figures a vault answers for (readiness, gaps, KPIs, maturity, due
 * items, and a summary of its state), from the query a caller gives: one
 * home for the HTTP routes and the CLI. Core computes every figure.
 */
import { SMS_TYPES, SealTrailError, computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, type SmsState } from "@sealtrail/core";
import { computedFrom, periodOf, type VaultSmsState } from "./state.js";

/** The figures, as named in routes (/sms/{name}) and commands (sealtrail sms {name}). */
export const SMS_FIGURES = ["summary", "readiness", "gaps", "kpis", "maturity", "due"] as const;
export type SmsFigureName = (typeof SMS_FIGURES)[number];

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const COUNT = /^(0|[1-9][0-9]{0,2})$/;

function dateParam(v: string | undefined, what: string, dflt: string): string {
  if (v === undefined) return dflt;
  if (!DATE.test(v)) throw new SealTrailError("malformed", `${what}: a date, YYYY-MM-DD`, { detail: { parameter: what } });
  return v;
}

function summaryOf(state: SmsState) {
  return {
    records: Object.fromEntries(SMS_TYPES.map((t) => [t, state.records[t].length])),
    custodyEvents: state.custody.length,
    invalid: state.invalid,
    redacted: state.redacted.length,
    withheld: state.withheld,
    replays: state.replays,
  };
}

function kpisOf(state: SmsState, q: Readonly<Record<string, string | undefined>>, today: string) {
  let period: { from: string; to: string };
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined) throw new SealTrailError("malformed", "period: give a period, or from and to, not both", { detail: { parameter: "period" } });
    const p = periodOf(q.period);
    if (p === null) throw new SealTrailError("malformed", "period: a month (2026-05), a quarter (2026-Q2) or a year (2026)", { detail: { parameter: "period" } });
    period = p;
  } else {
    period = { from: dateParam(q.from, "from", `${today.slice(0, 7)}-01`), to: dateParam(q.to, "to", today) };
    if (period.from > period.to) throw new SealTrailError("invalid", "from: on or before to", { detail: { parameter: "from" } });
  }
  if (q.trend !== undefined && q.trend !== "month" && q.trend !== "quarter") throw new SealTrailError("malformed", "trend: month or quarter", { detail: { parameter: "trend" } });
  if (q.count !== undefined && (!COUNT.test(q.count) || Number(q.count) > 120)) throw new SealTrailError("invalid", "count: 0 to 120", { detail: { parameter: "count" } });
  return computeKpis(state, period, { ...(q.trend !== undefined ? { periods: q.trend as "month" | "quarter" } : {}), ...(q.count !== undefined ? { count: Number(q.count) } : {}) });
}

/**
 * One figure of a vault's state, for the query given: `asOf` (YYYY-MM-DD,
 * default `today`) for readiness, gaps, maturity and due; `period` (2026-05,
 * 2026-Q2, 2026) or `from` and `to`, with `trend` and `count`, for KPIs.
 * The answer names the catalogue and the tree size it was computed at.
 *
 * @example
 * ```ts
 * smsFigure(await states.of("default"), "readiness", { asOf: "2026-06-30" }, "2026-12-07")
 * ```
 */
export function smsFigure(s: VaultSmsState, name: SmsFigureName, q: Readonly<Record<string, string | undefined>>, today: string): Record<string, unknown> {
  const from = computedFrom(s);
  switch (name) {
    case "summary":
      return { ...from, ...summaryOf(s.state) };
    case "kpis":
      return { ...from, ...kpisOf(s.state, q, today) };
    case "readiness":
      return { ...from, ...computeReadiness(s.state, dateParam(q.asOf, "asOf", today)) };
    case "gaps":
      return { ...from, ...detectGaps(s.state, dateParam(q.asOf, "asOf", today)) };
    case "maturity":
      return { ...from, ...computeMaturity(s.state, dateParam(q.asOf, "asOf", today)) };
    case "due":
      return { ...from, ...dueItems(s.state, dateParam(q.asOf, "asOf", today)) };
  }
}
