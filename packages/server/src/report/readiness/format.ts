/**
 * The words and numbers both renderers print: section titles, values with
 * their units, the records behind a figure, labels of statuses and trends.
 * Locale-free on purpose: the same model gives the same text on any machine.
 */
import { MATURITY_RULES, type DueItem, type KpiDirection, type MoneySum, type SmsRef } from "@sealtrail/core";
import type { ReadinessReportModel } from "./model.js";

/** The report's sections, in order: the table of contents, the bookmarks and the headings. */
export const SECTIONS = [
  { id: "summary", title: "Summary" },
  { id: "checkpoint", title: "Checkpoint and provenance" },
  { id: "maturity", title: "Maturity" },
  { id: "clauses", title: "Clause by clause" },
  { id: "kpis", title: "Key performance indicators" },
  { id: "readiness", title: "Readiness items" },
  { id: "gaps", title: "Gaps" },
  { id: "due", title: "Due and overdue items" },
] as const;
export type SectionId = (typeof SECTIONS)[number]["id"];

/** Records named in full under one figure; beyond it the count is given (the JSON figures hold them all). */
export const MAX_REFS = 120;

/**
 * A number as a person reads it: at most two decimals (7.8333 shows as 7.83).
 *
 * @example
 * ```ts
 * shown(7.8333) // "7.83"
 * ```
 */
export function shown(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * A money sum: the currency code and the exact decimal amount core summed.
 *
 * @example
 * ```ts
 * moneyText([{ currency: "EUR", amount: "1200.00" }]) // "EUR 1200.00"
 * ```
 */
export function moneyText(amounts: readonly MoneySum[] | null): string {
  if (amounts === null || amounts.length === 0) return "none";
  return amounts.map((a) => `${a.currency} ${a.amount}`).join("; ");
}

/**
 * A KPI's value with its unit, or "no data".
 *
 * @example
 * ```ts
 * kpiValueText("percent", 87.5, null) // "87.5 %"
 * ```
 */
export function kpiValueText(unit: string, value: number | null, amounts: readonly MoneySum[] | null): string {
  if (unit === "currency") return amounts === null || amounts.length === 0 ? "no losses" : moneyText(amounts);
  if (value === null) return "no data";
  if (unit === "percent") return `${shown(value)} %`;
  if (unit === "hours") return `${shown(value)} h`;
  return shown(value);
}

/**
 * The records behind a figure, grouped by type in log order: `sms.risk: RSK-1 #12, RSK-2 #40`.
 *
 * @example
 * ```ts
 * refGroups([{ type: "sms.risk", id: "RSK-1", index: 12 }]) // [{ type: "sms.risk", refs: "RSK-1 #12" }]
 * ```
 */
export function refGroups(refs: readonly SmsRef[], max = MAX_REFS): { type: string; text: string }[] {
  const shownRefs = refs.slice(0, max);
  const byType = new Map<string, string[]>();
  for (const r of shownRefs) {
    const list = byType.get(r.type) ?? [];
    list.push(`${r.id} #${r.index}`);
    byType.set(r.type, list);
  }
  const out = [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([type, list]) => ({ type, text: list.join(", ") }));
  if (refs.length > max) out.push({ type: "more", text: `and ${refs.length - max} more records (GET …/sms/{figure} lists them all)` });
  return out;
}

/**
 * The records behind a figure on one line.
 *
 * @example
 * ```ts
 * refsText([{ type: "sms.risk", id: "RSK-1", index: 12 }]) // "sms.risk: RSK-1 #12"
 * ```
 */
export function refsText(refs: readonly SmsRef[], max = MAX_REFS): string {
  if (refs.length === 0) return "no records";
  return refGroups(refs, max)
    .map((g) => (g.type === "more" ? g.text : `${g.type}: ${g.text}`))
    .join("; ");
}

/**
 * One record: `sms.finding F-3 #120`.
 *
 * @example
 * ```ts
 * refText({ type: "sms.finding", id: "F-3", index: 120 }) // "sms.finding F-3 #120"
 * ```
 */
export function refText(r: SmsRef): string {
  return `${r.type} ${r.id} #${r.index}`;
}

/**
 * A trend's direction in words, with the way the KPI is better.
 *
 * @example
 * ```ts
 * directionText("worsening", "lower") // "worsening (lower is better)"
 * ```
 */
export function directionText(d: KpiDirection | null, better: "lower" | "higher"): string {
  return `${d ?? "too few points"} (${better} is better)`;
}

/**
 * Who a due item waits on.
 *
 * @example
 * ```ts
 * ownerText(item) // "Quality manager (meridian)"
 * ```
 */
export function ownerText(i: DueItem): string {
  if (i.owner === null) return "(unassigned)";
  return i.owner.org === undefined ? i.owner.name : `${i.owner.name} (${i.owner.org})`;
}

/**
 * Days from the evaluation day to a due date, in words.
 *
 * @example
 * ```ts
 * daysText(-3) // "3 days overdue"
 * ```
 */
export function daysText(daysLeft: number): string {
  if (daysLeft < 0) return `${-daysLeft} day${daysLeft === -1 ? "" : "s"} overdue`;
  if (daysLeft === 0) return "due today";
  return `in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
}

/**
 * The maturity rules, clause rules then domain rules, as rows of id, level and text.
 *
 * @example
 * ```ts
 * maturityRules()[0] // { id: "C1", level: 1, text: "Default: ..." }
 * ```
 */
export function maturityRules(): { id: string; level: number; text: string }[] {
  return [...MATURITY_RULES.clause, ...MATURITY_RULES.domain].map((r) => ({ id: r.id, level: r.level, text: r.rule }));
}

/**
 * How a clause or domain reached its level: the rule's id, pointing at the table of rules.
 *
 * @example
 * ```ts
 * ruleRef("C2") // "C2 (the rules are listed in section 3, Maturity)"
 * ```
 */
export function ruleRef(id: string): string {
  return `${id} (the rules are listed in section 3, Maturity)`;
}


/** Colours of statuses and levels, shared by charts and tables. */
export const COLOURS = {
  ink: "#1d2430",
  muted: "#5b6472",
  rule: "#d5d9e0",
  accent: "#1f4e79",
  pass: "#2e7d4f",
  fail: "#b3261e",
  partial: "#b26a00",
  levels: ["#c9d6e3", "#9db6cf", "#6f93b8", "#3f6e9c", "#1f4e79"],
} as const;

/** The checkpoint section's rows (label, text), the same in the HTML and the PDF. */
export function checkpointRows(m: ReadinessReportModel): [string, string][] {
  const cp = m.checkpoint;
  const rows: [string, string][] = [
    ["Figures computed at", `tree size ${m.treeSize}, root hash ${m.rootHash}`],
    ["Catalogue", `${m.catalogue.id} ${m.catalogue.version}, digest ${m.catalogue.digest}`],
  ];
  if (cp === null) rows.push(["Checkpoint", "no checkpoint has been published for this vault yet"]);
  else {
    rows.push(["Checkpoint origin", cp.origin], ["Checkpoint size", String(cp.size)], ["Checkpoint root hash", cp.rootHash], ["Published", cp.publishedAt], ["Signed by the log", cp.logSigners.join(", ")]);
    rows.push(["Cosignatures", cp.cosignatures.length === 0 ? "none (no witness cosigned this checkpoint)" : cp.cosignatures.map((c) => `${c.name} (key ${c.keyId}) at ${c.time}`).join("; ")]);
    rows.push(["Anchors", cp.anchors.length === 0 ? `none for this checkpoint${cp.earlierAnchor === null ? "" : `; latest anchor: ${cp.earlierAnchor.type} of size ${cp.earlierAnchor.checkpointSize}, ${cp.earlierAnchor.createdAt}`}` : cp.anchors.map((a) => `${a.type}, ${a.createdAt}${a.detail === "" ? "" : ` (${a.detail})`}`).join("; ")]);
    if (!cp.coversFigures) rows.push(["Note", `the latest checkpoint (size ${cp.size}) does not yet cover the tree size the figures were computed at (${m.treeSize})`]);
  }
  return rows;
}
