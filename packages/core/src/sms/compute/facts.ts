/**
 * Rules that several SMS computations share, each stated once so that a KPI,
 * a readiness item and a gap that speak of the same thing (a role in force,
 * a current acceptance, a supplier assured on schedule, an audit covering a
 * clause) judge it the same way. The conventions are the catalogue's
 * (catalogue/kpis.ts and readiness.ts) plus those of docs/sms-computations.md.
 */
import { MATERIALITY_TIERS } from "../catalogue/tiers.js";
import type { SmsRecordType } from "../record-types.js";
import type { SmsPayload } from "../schemas/index.js";
import { daysBetween, unexpired, withinDaysBefore } from "./days.js";
import { stateIndex } from "./indexes.js";
import type { SmsEntry, SmsState } from "./records.js";

type Owner = { readonly name: string; readonly org?: string | undefined };
type Score = { readonly likelihood: number; readonly consequence: number };

/**
 * Whether two people are the same: `name` and `org` equal (both absent counts as equal).
 *
 * @example
 * ```ts
 * samePerson({ name: "Ana" }, { name: "Ana", org: "acme" }) // false
 * ```
 */
export function samePerson(a: Owner, b: Owner): boolean {
  return a.name === b.name && a.org === b.org;
}

/**
 * A person as one line of text: "name (org)".
 *
 * @example
 * ```ts
 * personLabel({ name: "Ana", org: "acme" }) // "Ana (acme)"
 * ```
 */
export function personLabel(p: Owner): string {
  return p.org === undefined ? p.name : `${p.name} (${p.org})`;
}

/**
 * A role in force on D: appointed on or before D, with no `until` before D.
 *
 * @example
 * ```ts
 * roleInForce({ appointedAt: "2025-01-01" }, "2026-01-01") // true
 * ```
 */
export function roleInForce(role: { readonly appointedAt: string; readonly until?: string | undefined }, asOf: string): boolean {
  return role.appointedAt <= asOf && (role.until === undefined || role.until >= asOf);
}

/**
 * Equal likelihood and consequence; a missing score equals nothing.
 *
 * @example
 * ```ts
 * sameScore({ likelihood: 2, consequence: 3 }, undefined) // false
 * ```
 */
export function sameScore(a: Score | undefined, b: Score | undefined): boolean {
  return a !== undefined && b !== undefined && a.likelihood === b.likelihood && a.consequence === b.consequence;
}

/**
 * The clause group ("4" to "10") of a clause id.
 *
 * @example
 * ```ts
 * clauseGroup("6.1.2") // "6"
 * ```
 */
export function clauseGroup(clause: string): string {
  return clause.split(".")[0]!;
}

/**
 * Whether a list of clause ids covers clause group `group`: it holds the
 * group id or any clause within the group (catalogue/readiness.ts).
 *
 * @example
 * ```ts
 * coversGroup(["6.1.2"], "6") // true
 * ```
 */
export function coversGroup(list: readonly string[], group: string): boolean {
  return list.some((c) => clauseGroup(c) === group);
}

/**
 * Whether a list of clause ids covers clause `clause`: it holds the clause
 * or one above it ("6" and "6.1" cover 6.1.2; 6.1.2 does not cover 6.1).
 *
 * @example
 * ```ts
 * coversClause(["6"], "6.1.2") // true
 * ```
 */
export function coversClause(list: readonly string[], clause: string): boolean {
  return list.some((c) => c === clause || clause.startsWith(`${c}.`));
}

/**
 * The seven clause groups, 4 to 10.
 *
 * @example
 * ```ts
 * GROUPS.filter((g) => !coversGroup(["4", "5.1"], g)) // ["6", "7", "8", "9", "10"]
 * ```
 */
export const GROUPS = ["4", "5", "6", "7", "8", "9", "10"] as const;

/**
 * The materiality tier definition of a tier id.
 *
 * @example
 * ```ts
 * tierOf("1").assurance.intervalDays // 365
 * ```
 */
export function tierOf(id: string): (typeof MATERIALITY_TIERS)[number] {
  return MATERIALITY_TIERS.find((t) => t.id === id)!;
}

// Lists of records by the record they name, built once per state.
const indexes = new WeakMap<SmsState, Map<string, Map<string, SmsEntry[]>>>();

/**
 * The records of `type` whose `field` names `id` (e.g. the acceptances of a
 * risk, the assessments of a supplier, the findings of an audit).
 *
 * @example
 * ```ts
 * naming(state, "sms.risk-acceptance", "risk", "R-001") // its acceptances
 * ```
 */
export function naming<T extends SmsRecordType>(state: SmsState, type: T, field: string, id: string): readonly SmsEntry<T>[] {
  let perState = indexes.get(state);
  if (perState === undefined) {
    perState = new Map();
    indexes.set(state, perState);
  }
  const key = `${type}\u0000${field}`;
  let m = perState.get(key);
  if (m === undefined) {
    m = new Map();
    for (const e of state.records[type] as readonly SmsEntry[]) {
      const v = (e.payload as Record<string, unknown>)[field];
      if (typeof v !== "string") continue;
      const l = m.get(v) ?? [];
      l.push(e);
      m.set(v, l);
    }
    perState.set(key, m);
  }
  return (m.get(id) ?? []) as SmsEntry<T>[];
}

/**
 * The acceptances of risk `riskId` unexpired on D (and, with `acceptedBy`
 * true, accepted on or before D), latest accepted last (ties by log index).
 *
 * @example
 * ```ts
 * currentAcceptances(state, "R-001", "2026-03-31").at(-1)?.payload.residual
 * ```
 */
export function currentAcceptances(state: SmsState, riskId: string, asOf: string, acceptedBy = false): SmsEntry<"sms.risk-acceptance">[] {
  return naming(state, "sms.risk-acceptance", "risk", riskId)
    .filter((a) => unexpired(a.payload.expires, asOf) && (!acceptedBy || a.payload.accepted <= asOf))
    .sort((a, b) => (a.payload.accepted < b.payload.accepted ? -1 : a.payload.accepted > b.payload.accepted ? 1 : a.ref.index - b.ref.index));
}

/**
 * The assessments of a supplier that meet its tier's assurance on D: a
 * method among the tier's `assurance.methods`, assessed on or before D and
 * no more than the tier's `intervalDays` before it (catalogue/tiers.ts).
 *
 * @example
 * ```ts
 * qualifyingAssessments(state, supplier, "2026-03-31").length > 0 // assured on schedule
 * ```
 */
export function qualifyingAssessments(state: SmsState, supplier: SmsPayload<"sms.supplier">, asOf: string): SmsEntry<"sms.supplier-assessment">[] {
  const tier = tierOf(supplier.tier);
  const methods: readonly string[] = tier.assurance.methods;
  return naming(state, "sms.supplier-assessment", "supplier", supplier.id).filter(
    (a) => methods.includes(a.payload.method) && a.payload.assessed <= asOf && daysBetween(a.payload.assessed, asOf) <= tier.assurance.intervalDays,
  );
}

/**
 * Internal audits with status reported or followed-up: the audits that
 * count as done.
 *
 * @example
 * ```ts
 * doneInternalAudits(state).filter((a) => a.payload.reported! >= "2025-04-01")
 * ```
 */
export function doneInternalAudits(state: SmsState): SmsEntry<"sms.audit">[] {
  return state.records["sms.audit"].filter((a) => a.payload.kind === "internal" && (a.payload.status === "reported" || a.payload.status === "followed-up"));
}

/**
 * Done internal audits reported within the `days` days before D.
 *
 * @example
 * ```ts
 * recentInternalAudits(state, "2026-03-31", 365)
 * ```
 */
export function recentInternalAudits(state: SmsState, asOf: string, days: number): SmsEntry<"sms.audit">[] {
  return doneInternalAudits(state).filter((a) => withinDaysBefore(a.payload.reported, asOf, days));
}

/**
 * Competence records of `kind` for a role: its holder's (same person) or
 * naming the role, when `orRole` is true.
 *
 * @example
 * ```ts
 * competencesFor(state, role, "awareness", true)
 * ```
 */
export function competencesFor(state: SmsState, role: SmsEntry<"sms.role">, kind: string, orRole: boolean): SmsEntry<"sms.competence">[] {
  return competencesOf(state, kind, role.payload.holder, orRole ? role.id : undefined);
}

/**
 * Competence records of `kind` of the same person as `person`, or naming
 * role `roleId` when one is given, in the state's order (by record id).
 *
 * @example
 * ```ts
 * competencesOf(state, "vetting", role.payload.holder, role.id)
 * ```
 */
export function competencesOf(state: SmsState, kind: string, person: Owner, roleId?: string): SmsEntry<"sms.competence">[] {
  const ix = stateIndex(state);
  const mine = ix.competencesOfPerson(kind, person);
  if (roleId === undefined) return [...mine];
  const theirs = ix.competencesOfRole(kind, roleId);
  if (theirs.length === 0) return [...mine];
  // Both lists are in state order: merge them by position, each record once.
  const pos = new Set([...mine, ...theirs].map((c) => ix.competencePosition(c)));
  return [...pos].sort((a, b) => a - b).map((k) => state.records["sms.competence"][k]!);
}

/**
 * Whether an awareness (or other) competence was completed within the 365
 * days before D and is unexpired on D.
 *
 * @example
 * ```ts
 * freshCompetence(c, "2026-03-31")
 * ```
 */
export function freshCompetence(c: SmsEntry<"sms.competence">, asOf: string): boolean {
  return withinDaysBefore(c.payload.completed, asOf, 365) && unexpired(c.payload.expires, asOf);
}

/**
 * A management review held within the 365 days before D, the latest first.
 *
 * @example
 * ```ts
 * recentReviews(state, "2026-03-31")[0]?.payload.held
 * ```
 */
export function recentReviews(state: SmsState, asOf: string): SmsEntry<"sms.management-review">[] {
  return state.records["sms.management-review"]
    .filter((r) => withinDaysBefore(r.payload.held, asOf, 365))
    .sort((a, b) => (a.payload.held > b.payload.held ? -1 : a.payload.held < b.payload.held ? 1 : b.ref.index - a.ref.index));
}
