/**
 * Exact sums of money amounts per ISO 4217 currency. Amounts are decimal
 * strings (sms/schemas/common.ts `money`: up to 18 integer and 6 fraction
 * digits) and are added as scaled integers, never as floating point, and
 * never converted between currencies (the catalogue's convention, kpis.ts).
 */

/** A sum in one currency: the amount as a decimal string. */
export interface MoneySum {
  readonly currency: string;
  readonly amount: string;
}

const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);

interface Acc {
  units: bigint;
  // The most fraction digits among the amounts added: the sum is written with as many.
  digits: number;
}

/**
 * Sums per currency. Add amounts with {@link MoneyTotals.add}; read the
 * sums, sorted by currency, with {@link MoneyTotals.sums}.
 *
 * @example
 * ```ts
 * const t = new MoneyTotals();
 * t.add({ amount: "10.5", currency: "EUR" });
 * t.add({ amount: "0.25", currency: "EUR" });
 * t.sums() // [{ currency: "EUR", amount: "10.75" }]
 * ```
 */
export class MoneyTotals {
  private readonly acc = new Map<string, Acc>();

  /** Add one amount (schema-valid: the regex of `money` guarantees the form). */
  add(m: { readonly amount: string; readonly currency: string }): void {
    this.addParsed(parseMoney(m));
  }

  /** Add one amount read by {@link parseMoney}, for amounts added over many periods. */
  addParsed(m: ParsedMoney): void {
    const a = this.acc.get(m.currency);
    if (a === undefined) this.acc.set(m.currency, { units: m.units, digits: m.digits });
    else {
      a.units += m.units;
      a.digits = Math.max(a.digits, m.digits);
    }
  }

  /** The amount in `currency` as a number (0 when none was added), for comparisons with targets. */
  number(currency: string): number {
    const a = this.acc.get(currency);
    return a === undefined ? 0 : Number(a.units) / Number(UNIT);
  }

  /** The sums, one per currency added, sorted by currency code. */
  sums(): MoneySum[] {
    return [...this.acc.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, a]) => ({ currency, amount: format(a) }));
  }
}

/** An amount as scaled integer units (10^-6), with its number of fraction digits. */
export interface ParsedMoney {
  readonly currency: string;
  readonly units: bigint;
  readonly digits: number;
}

/**
 * An amount as scaled integer units, read once and added many times.
 *
 * @example
 * ```ts
 * parseMoney({ amount: "10.5", currency: "EUR" }) // { currency: "EUR", units: 10500000n, digits: 1 }
 * ```
 */
export function parseMoney(m: { readonly amount: string; readonly currency: string }): ParsedMoney {
  const neg = m.amount.startsWith("-");
  const [int = "0", frac = ""] = (neg ? m.amount.slice(1) : m.amount).split(".");
  // int × 10^6 + frac, read as one decimal string of scaled units.
  const units = BigInt(int + frac.padEnd(SCALE, "0"));
  return { currency: m.currency, units: neg ? -units : units, digits: frac.length };
}

function format(a: Acc): string {
  const neg = a.units < 0n;
  const abs = neg ? -a.units : a.units;
  const int = (abs / UNIT).toString();
  const frac = (abs % UNIT).toString().padStart(SCALE, "0").slice(0, a.digits);
  return `${neg ? "-" : ""}${int}${frac.length > 0 ? `.${frac}` : ""}`;
}
