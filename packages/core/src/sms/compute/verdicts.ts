/**
 * What maturity reads of readiness and of the common gaps on day D: which
 * item passed and which gap is detected, with the clauses each names. Kept
 * per state and day when computeReadiness and detectGaps run, so that
 * maturity asked on the same state and day (a dashboard asks for all four)
 * judges nothing twice. Copies of what the reports said, frozen: a caller
 * that changes a report it was given changes no later maturity.
 */
import type { SmsState } from "./records.js";

/** One readiness item's or gap's verdict on D. */
export interface Verdict {
  readonly id: string;
  readonly clauses: readonly string[];
  /** Readiness: the item passed. Gaps: the gap is detected. */
  readonly holds: boolean;
}

const kept = new WeakMap<SmsState, Map<string, readonly Verdict[]>>();

/**
 * Keep the verdicts of `kind` on day `d` for `state`.
 *
 * @example
 * ```ts
 * keepVerdicts(state, "readiness", d, items.map((i) => ({ id: i.id, clauses: i.clauses, holds: i.passed })));
 * ```
 */
export function keepVerdicts(state: SmsState, kind: "readiness" | "gaps", d: string, verdicts: readonly Verdict[]): void {
  let m = kept.get(state);
  if (m === undefined) {
    m = new Map();
    kept.set(state, m);
  }
  if (m.size >= 64) m.clear();
  m.set(`${kind}|${d}`, Object.freeze(verdicts.map((v) => Object.freeze({ id: v.id, clauses: Object.freeze([...v.clauses]), holds: v.holds }))));
}

/**
 * The verdicts of `kind` on day `d` kept for `state`, if any.
 *
 * @example
 * ```ts
 * keptVerdicts(state, "gaps", d) ?? judge()
 * ```
 */
export function keptVerdicts(state: SmsState, kind: "readiness" | "gaps", d: string): readonly Verdict[] | undefined {
  return kept.get(state)?.get(`${kind}|${d}`);
}
