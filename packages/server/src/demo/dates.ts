/**
 * The demo's calendar: every date is a number of days before or after the
 * day the demo is built for, so that a demo built today shows a year that
 * ends today, with items falling due in the weeks ahead.
 */

const DAY_MS = 86_400_000;

/** Dates relative to the demo's day. */
export interface DemoDates {
  /** The day the demo is built for, YYYY-MM-DD. */
  readonly today: string;
  /** The date `offset` days from today (negative: before). */
  day(offset: number): string;
  /** The instant at `hour`:`minute` UTC, `offset` days from today. */
  at(offset: number, hour?: number, minute?: number): string;
}

/**
 * The calendar of a demo built for `today` (YYYY-MM-DD).
 *
 * @example
 * ```ts
 * demoDates("2026-12-08").day(-30) // "2026-11-08"
 * ```
 */
export function demoDates(today: string): DemoDates {
  const base = Date.parse(`${today}T00:00:00.000Z`);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(today) || Number.isNaN(base)) throw new Error(`demo day: ${today} is not a date YYYY-MM-DD`);
  return {
    today,
    day: (offset) => new Date(base + offset * DAY_MS).toISOString().slice(0, 10),
    at: (offset, hour = 9, minute = 0) => new Date(base + offset * DAY_MS + (hour * 60 + minute) * 60_000).toISOString(),
  };
}
