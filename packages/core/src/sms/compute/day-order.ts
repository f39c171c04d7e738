/**
 * Records ordered by a day number (the UTC day of an instant), for the
 * records of a closed range of days: incidents by the day they were
 * detected, custody events by their eventTime (catalogue/kpis.ts: an instant
 * is in a period when its UTC date is).
 */
import { dayNumber } from "./days.js";

/**
 * Positions 0..n-1 sorted by day, ties by position; NaN days (no readable
 * date) last, so that they fall in no range. Days span a few thousand
 * values: a counting sort, linear in n, unless they span far more than n.
 */
function sortByDay(dayOf: Float64Array): Int32Array {
  const n = dayOf.length;
  const order = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (const d of dayOf) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const span = max - min + 1;
  if (n > 0 && Number.isFinite(span) && span <= 4 * n + 100_000) {
    const start = new Int32Array(span + 2);
    for (const d of dayOf) start[Number.isNaN(d) ? span + 1 : d - min + 1]!++;
    for (let b = 1; b < start.length; b++) start[b]! += start[b - 1]!;
    for (let i = 0; i < n; i++) {
      const d = dayOf[i]!;
      order[start[Number.isNaN(d) ? span : d - min]!++] = i;
    }
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const da = dayOf[a]!;
    const db = dayOf[b]!;
    if (da === db) return a - b;
    if (Number.isNaN(da)) return 1;
    if (Number.isNaN(db)) return -1;
    return da - db;
  });
  return order;
}

/**
 * Records sorted by a day number, for the records of a closed range of days
 * in their original order (binary search, then the positions sorted back).
 */
export class DayOrder<T> {
  private readonly cache = new Map<string, { readonly pos: Int32Array; items: readonly T[] | null }>();
  private cached = 0;

  private constructor(
    private readonly items: readonly T[],
    // Positions sorted by day, ties by position, days that do not read last; and their days.
    private readonly order: Int32Array,
    private readonly days: Float64Array,
  ) {}

  /** `items` in the order of their days (`dayOf`, by position). */
  static of<T>(items: readonly T[], dayOf: Float64Array): DayOrder<T> {
    const order = sortByDay(dayOf);
    const n = items.length;
    const days = new Float64Array(n);
    for (let i = 0; i < n; i++) days[i] = dayOf[order[i]!]!;
    return new DayOrder(items, order, days);
  }

  /**
   * The order of `items` whose first `prev.length` positions hold what the
   * items of `prev` held (with the same days): the positions after them are
   * sorted and merged in, the runs of `prev` between them copied, so that
   * the cost is a copy and the new items' sort.
   */
  static extend<T>(prev: DayOrder<T>, items: readonly T[], dayOf: Float64Array): DayOrder<T> {
    const from = prev.items.length;
    const n = items.length;
    const added = Int32Array.from({ length: n - from }, (_, k) => from + k);
    const key = (p: number): number => (Number.isNaN(dayOf[p]!) ? Infinity : dayOf[p]!);
    added.sort((a, b) => key(a) - key(b) || a - b);
    const order = new Int32Array(n);
    const days = new Float64Array(n);
    let i = 0;
    let m = 0;
    for (const p of added) {
      const d = dayOf[p]!;
      // Earlier items come first among equal days (ties by position); a day that does not read goes last.
      const hi = Number.isNaN(d) ? from : prev.upperBound(d, i);
      order.set(prev.order.subarray(i, hi), m);
      days.set(prev.days.subarray(i, hi), m);
      m += hi - i;
      i = hi;
      order[m] = p;
      days[m++] = d;
    }
    order.set(prev.order.subarray(i, from), m);
    days.set(prev.days.subarray(i, from), m);
    return new DayOrder(items, order, days);
  }

  /** How many items. */
  get length(): number {
    return this.items.length;
  }

  // The first position from `lo` whose day is after `day` (a day that does not read is after every day).
  private upperBound(day: number, lo: number): number {
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.days[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerBound(day: number): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.days[mid]!;
      if (v < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The positions of the items whose day is in [from, to] (YYYY-MM-DD), ascending: their original order. */
  positions(from: string, to: string): Int32Array {
    const key = `${from}|${to}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit.pos;
    const lo = this.lowerBound(dayNumber(from)!);
    const hi = this.lowerBound(dayNumber(to)! + 1);
    const pos = this.order.slice(lo, hi).sort();
    // The periods of one report (a period, its trend, maturity's windows) are
    // few: keep the latest ones, up to about four times the items in all.
    this.cached += pos.length;
    while (this.cache.size > 0 && (this.cache.size >= 32 || this.cached > 4 * this.days.length + 4096)) {
      const oldest = this.cache.keys().next().value!;
      this.cached -= this.cache.get(oldest)!.pos.length;
      this.cache.delete(oldest);
    }
    this.cache.set(key, { pos, items: null });
    return pos;
  }

  /** The positions of the items whose day is in [from, to] (YYYY-MM-DD), by day: a view, nothing copied. */
  unordered(from: string, to: string): Int32Array {
    return this.order.subarray(this.lowerBound(dayNumber(from)!), this.lowerBound(dayNumber(to)! + 1));
  }

  /** The items whose day is in [from, to] (YYYY-MM-DD), in their original order. */
  range(from: string, to: string): readonly T[] {
    const pos = this.positions(from, to);
    const c = this.cache.get(`${from}|${to}`);
    if (c?.items != null) return c.items;
    const out: T[] = new Array<T>(pos.length);
    for (let i = 0; i < pos.length; i++) out[i] = this.items[pos[i]!]!;
    if (c !== undefined) c.items = out;
    return out;
  }
}
