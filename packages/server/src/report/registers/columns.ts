/**
 * What a register is: a sheet of rows read from the SMS state, each column
 * with a header, a kind and a width. The kind is how a writer renders a
 * value (a date as a real spreadsheet date, a number as a number, an amount
 * beside its currency), so the XLSX and the CSV of a register come from the
 * same definition and can never disagree on what a column holds.
 */
import type { SmsState } from "@sealtrail/core";

/**
 * How a column's values are written.
 * - text: a string.
 * - integer, number: a number (a score, a rating, a log index).
 * - amount: a decimal amount as its exact text (docs/formats.md §18 money);
 *   a number in the XLSX, the exact text in the CSV. Its currency sits in
 *   the column that follows.
 * - date: YYYY-MM-DD; instant: RFC 3339 in UTC (a real date cell in the XLSX).
 * - boolean: true or false.
 */
export type ColumnKind = "text" | "integer" | "number" | "amount" | "date" | "instant" | "boolean";

/** A cell's value as a register gives it; undefined is an empty cell. */
export type CellValue = string | number | boolean | undefined;

/** One column of a register. */
export interface Column<R> {
  readonly header: string;
  readonly kind: ColumnKind;
  /** Width in characters in the XLSX. */
  readonly width: number;
  readonly value: (row: R) => CellValue;
}

/** The registers, by the name the CLI and the HTTP route take. */
export const REGISTER_NAMES = ["soa", "risks", "suppliers", "incidents", "corrective-actions"] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

/** A register: its rows over a state, as of a day, and its columns. */
export interface Register<R = unknown> {
  readonly name: RegisterName;
  /** The sheet's name (at most 31 characters, as Excel allows). */
  readonly sheet: string;
  /** What the register is, with the clause it evidences. */
  readonly description: string;
  readonly rows: (state: SmsState, asOf: string) => Iterable<R>;
  readonly columns: readonly Column<R>[];
}

/**
 * Define a register, its row type inferred from `rows`, and erase that type
 * for the writers: each column only ever reads rows of its own register.
 *
 * @example
 * ```ts
 * const r = register({ name: "soa", sheet: "SoA", description: "...", rows: (s) => s.records["sms.control"], columns: [...] });
 * ```
 */
export function register<R>(r: Register<R>): Register {
  return r as unknown as Register;
}

/** A person or role as a register shows it: "name (role, org)". */
export function personLabel(p: { name: string; role?: string; org?: string } | undefined): string | undefined {
  if (p === undefined) return undefined;
  const extra = [p.role, p.org].filter((x): x is string => x !== undefined);
  return extra.length === 0 ? p.name : `${p.name} (${extra.join(", ")})`;
}

/** A list in one cell, separated by "; " (a comma would be read as the CSV's own separator by a person). */
export function listCell(list: readonly string[] | undefined): string | undefined {
  return list === undefined || list.length === 0 ? undefined : list.join("; ");
}

/** The entry whose `key` is greatest, ties broken by the higher log index (the later record). */
export function latestBy<T extends { ref: { index: number } }>(list: readonly T[], key: (x: T) => string): T | undefined {
  let best: T | undefined;
  for (const x of list) {
    if (best === undefined) best = x;
    else {
      const a = key(x);
      const b = key(best);
      if (a > b || (a === b && x.ref.index > best.ref.index)) best = x;
    }
  }
  return best;
}

/** Days after a YYYY-MM-DD date, as YYYY-MM-DD (UTC calendar). */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
