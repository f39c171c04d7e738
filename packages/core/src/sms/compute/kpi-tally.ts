/**
 * The shapes of a KPI figure and the tallies that build them: counts,
 * percents (numerator over denominator, no value when the denominator is 0),
 * mean hours and money sums, overall and by breakdown key. The rules are the
 * catalogue's conventions (catalogue/kpis.ts).
 */
import { MoneyTotals, type MoneySum } from "./money.js";
import { uniqueRefs, type SmsRef } from "./records.js";

/**
 * One figure. `value` is null when there is no data (a percent over a
 * denominator of 0, a mean over no incident); for a currency KPI the figure
 * is `amounts` (one sum per currency, empty when nothing was lost) and
 * `value` is null. For a percent, numerator and denominator are the counts;
 * for hours, numerator is the total hours and denominator the number of
 * incidents averaged.
 */
export interface KpiFigure {
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly amounts: readonly MoneySum[] | null;
}

/** One row of a breakdown: the figure for one key, and the records behind it. */
export interface KpiBreakdownRow extends KpiFigure {
  readonly key: string;
  readonly refs: readonly SmsRef[];
}

/** A breakdown by one dimension the KPI definition names. */
export interface KpiBreakdown {
  readonly by: string;
  readonly rows: readonly KpiBreakdownRow[];
}

/**
 * A count figure.
 *
 * @example
 * ```ts
 * countFigure(3).value // 3
 * ```
 */
export function countFigure(n: number): KpiFigure {
  return { value: n, numerator: null, denominator: null, amounts: null };
}

/**
 * A percent figure: 100 × n ÷ d, no value when d is 0.
 *
 * @example
 * ```ts
 * percentFigure(1, 4).value // 25
 * percentFigure(0, 0).value // null
 * ```
 */
export function percentFigure(n: number, d: number): KpiFigure {
  return { value: d === 0 ? null : (100 * n) / d, numerator: n, denominator: d, amounts: null };
}

/**
 * A mean: `sum` ÷ `n`, no value when n is 0.
 *
 * @example
 * ```ts
 * meanFigure(6, 2).value // 3
 * ```
 */
export function meanFigure(sum: number, n: number): KpiFigure {
  return { value: n === 0 ? null : sum / n, numerator: sum, denominator: n, amounts: null };
}

/**
 * A money figure: the sums per currency.
 *
 * @example
 * ```ts
 * moneyFigure(totals).amounts // [{ currency: "EUR", amount: "1200.00" }]
 * ```
 */
export function moneyFigure(t: MoneyTotals): KpiFigure {
  return { value: null, numerator: null, denominator: null, amounts: t.sums() };
}

/**
 * Whether a figure has data (a value, or money sums).
 *
 * @example
 * ```ts
 * hasData(percentFigure(0, 0)) // false
 * ```
 */
export function hasData(f: KpiFigure): boolean {
  return f.value !== null || f.amounts !== null;
}

interface Cell {
  readonly refs: SmsRef[];
  n: number;
  d: number;
  sum: number;
  readonly money: MoneyTotals;
}

/**
 * Tallies of one breakdown dimension, keyed by the dimension's value
 * ("(none)" when a record has none).
 *
 * @example
 * ```ts
 * const t = new Tally("severity", "count");
 * t.count("high", incident.ref);
 * t.result().rows // [{ key: "high", value: 1, ... }]
 * ```
 */
export class Tally {
  private readonly cells = new Map<string, Cell>();
  constructor(
    readonly by: string,
    private readonly kind: "count" | "percent" | "hours" | "currency",
  ) {}

  private cell(key: string | undefined): Cell {
    const k = key ?? "(none)";
    let c = this.cells.get(k);
    if (c === undefined) {
      c = { refs: [], n: 0, d: 0, sum: 0, money: new MoneyTotals() };
      this.cells.set(k, c);
    }
    return c;
  }

  /** Add `n` to the count of `key`. */
  count(key: string | undefined, ref: SmsRef, n = 1): void {
    const c = this.cell(key);
    c.n += n;
    c.refs.push(ref);
  }

  /** One member of the denominator of `key`, and of its numerator when `hit`. */
  ratio(key: string | undefined, ref: SmsRef, hit: boolean): void {
    const c = this.cell(key);
    c.d++;
    if (hit) c.n++;
    c.refs.push(ref);
  }

  /** One measurement of `hours` for `key`. */
  hours(key: string | undefined, ref: SmsRef, hours: number): void {
    const c = this.cell(key);
    c.d++;
    c.sum += hours;
    c.refs.push(ref);
  }

  /** A money amount for `key`. */
  money(key: string | undefined, ref: SmsRef, m: { readonly amount: string; readonly currency: string }): void {
    const c = this.cell(key);
    c.money.add(m);
    c.refs.push(ref);
  }

  /** The breakdown, rows sorted by key. */
  result(): KpiBreakdown {
    const rows = [...this.cells.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, c]): KpiBreakdownRow => {
        const f =
          this.kind === "count"
            ? countFigure(c.n)
            : this.kind === "percent"
              ? percentFigure(c.n, c.d)
              : this.kind === "hours"
                ? meanFigure(c.sum, c.d)
                : moneyFigure(c.money);
        return { key, ...f, refs: uniqueRefs(c.refs) };
      });
    return { by: this.by, rows };
  }
}

/**
 * A tally that keeps nothing: the breakdowns of a trend point, which only
 * its figure is read from.
 *
 * @example
 * ```ts
 * IDLE_TALLY.count("high", incident.ref) // does nothing
 * ```
 */
export const IDLE_TALLY: Tally = new (class extends Tally {
  override count(): void {}
  override ratio(): void {}
  override hours(): void {}
  override money(): void {}
})("", "count");
