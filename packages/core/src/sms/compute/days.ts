/**
 * Calendar arithmetic for the SMS computations. Every date is a calendar day
 * in UTC written YYYY-MM-DD (RFC 3339 full-date), so that two dates compare
 * as strings and the result never depends on the machine's time zone or
 * clock: the evaluation day is always an argument.
 */
import { SealTrailError } from "../../errors.js";
import { requireString } from "../../args.js";

const DAY_MS = 86_400_000;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date, or null when it is not a real
 * calendar date (2026-02-30 is not).
 *
 * @example
 * ```ts
 * dayNumber("1970-01-02") // 1
 * ```
 */
export function dayNumber(date: string): number | null {
  if (!DATE.test(date)) return null;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 2026-02-30 over into March: such a date is not one.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

/**
 * The YYYY-MM-DD date of a day number.
 *
 * @example
 * ```ts
 * dateOfDay(1) // "1970-01-02"
 * ```
 */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `date` moved by `days` (negative: earlier).
 *
 * @example
 * ```ts
 * addDays("2026-03-01", -1) // "2026-02-28"
 * ```
 */
export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date)! + days);
}

/**
 * Whole days from `a` to `b` (positive when b is later).
 *
 * @example
 * ```ts
 * daysBetween("2026-01-01", "2026-01-31") // 30
 * ```
 */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b)! - dayNumber(a)!;
}

/**
 * The UTC calendar date of an RFC 3339 instant (any offset), or null when it
 * does not parse. The catalogue's convention: an instant is "in" a period
 * when its UTC calendar date is.
 *
 * @example
 * ```ts
 * utcDate("2026-03-01T01:30:00.000+02:00") // "2026-02-28"
 * ```
 */
export function utcDate(instant: string): string | null {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/**
 * Whether date `d` lies in the closed range [from, to].
 *
 * @example
 * ```ts
 * inPeriod("2026-03-31", "2026-03-01", "2026-03-31") // true
 * ```
 */
export function inPeriod(d: string | null | undefined, from: string, to: string): boolean {
  return d !== null && d !== undefined && d >= from && d <= to;
}

/**
 * "Within the `n` days before D": on or after D minus `n` days, and not
 * after D (a record dated later than D has not happened yet on D).
 *
 * @example
 * ```ts
 * withinDaysBefore("2025-03-01", "2026-03-01", 365) // true
 * withinDaysBefore("2025-02-28", "2026-03-01", 365) // false
 * ```
 */
export function withinDaysBefore(d: string | null | undefined, asOf: string, n: number): boolean {
  return d !== null && d !== undefined && d <= asOf && daysBetween(d, asOf) <= n;
}

/**
 * "Unexpired on D": an expiry date is the last day on which a record holds,
 * so it is unexpired when it has none or it is on or after D.
 *
 * @example
 * ```ts
 * unexpired("2026-03-01", "2026-03-01") // true
 * unexpired(undefined, "2026-03-01") // true
 * ```
 */
export function unexpired(expires: string | undefined, asOf: string): boolean {
  return expires === undefined || expires >= asOf;
}

/**
 * `v` as a real YYYY-MM-DD date, or a SealTrailError naming `name`.
 *
 * @example
 * ```ts
 * requireDate(asOf, "computeReadiness: asOf");
 * ```
 */
export function requireDate(v: unknown, name: string): string {
  const s = requireString(v, name);
  if (dayNumber(s) === null) throw new SealTrailError("invalid", `${name}: must be a calendar date YYYY-MM-DD, not ${JSON.stringify(s.slice(0, 40))}`);
  return s;
}

/**
 * The first day of the calendar month (or quarter) holding `date`, moved by
 * `shift` months (or quarters).
 *
 * @example
 * ```ts
 * unitStart("2026-05-17", "quarter", -1) // "2026-01-01"
 * ```
 */
export function unitStart(date: string, unit: "month" | "quarter", shift: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1;
  const size = unit === "month" ? 1 : 3;
  const first = Math.floor(m / size) * size + shift * size;
  return new Date(Date.UTC(y, first, 1)).toISOString().slice(0, 10);
}

/**
 * The last day of the calendar month (or quarter) that starts on `start`.
 *
 * @example
 * ```ts
 * unitEnd("2026-01-01", "quarter") // "2026-03-31"
 * ```
 */
export function unitEnd(start: string, unit: "month" | "quarter"): string {
  return addDays(unitStart(start, unit, 1), -1);
}
