/**
 * What the KPIs and maturity read from each incident, read once from its
 * payload and kept by position (the incident's place in the state's list,
 * ordered by record id) in typed arrays: instants, flags, exception counts
 * and the risks it names. A trend point or maturity's yearly windows then
 * add numbers from these arrays instead of reading payloads.
 *
 * A state's facts are read from its incidents when its lookups are built
 * (indexes.ts); a projection (projection.ts) keeps them as it adds records,
 * so a state it gives reads no earlier payload again.
 */
import type { ParsedMoney } from "./money.js";
import type { SmsEntry } from "./records.js";

const DAY_MS = 86_400_000;

const digits = (t: string, at: number, n: number): number => {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
};

/**
 * Date.parse of an instant, read directly when it has the form the schemas
 * ask for (YYYY-MM-DDTHH:MM:SS.sssZ, docs/formats.md §18) with fields that
 * cannot roll over; any other text goes to Date.parse, so the value is
 * always the one Date.parse gives.
 *
 * @example
 * ```ts
 * parseInstant("2026-03-01T10:00:00.000Z") === Date.parse("2026-03-01T10:00:00.000Z") // true
 * ```
 */
export function parseInstant(t: string): number {
  if (typeof t === "string" && t.length === 24 && t.charCodeAt(4) === 45 && t.charCodeAt(7) === 45 && t.charCodeAt(10) === 84 && t.charCodeAt(13) === 58 && t.charCodeAt(16) === 58 && t.charCodeAt(19) === 46 && t.charCodeAt(23) === 90) {
    const y = digits(t, 0, 4);
    const mo = digits(t, 5, 2);
    const d = digits(t, 8, 2);
    const h = digits(t, 11, 2);
    const mi = digits(t, 14, 2);
    const sec = digits(t, 17, 2);
    const ms = digits(t, 20, 3);
    if (y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && ms >= 0) return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  }
  return Date.parse(t);
}

/**
 * An instant's UTC day (days since 1970-01-01), NaN when Date.parse does not read it.
 *
 * @example
 * ```ts
 * instantDay("1970-01-02T00:00:00.000Z") // 1
 * ```
 */
export function instantDay(instant: unknown): number {
  if (typeof instant !== "string") return NaN;
  return Math.floor(Date.parse(instant) / DAY_MS);
}

/**
 * The bits of {@link IncidentTimes.flags}.
 *
 * @example
 * ```ts
 * (stateIndex(state).times.flags[k]! & INCIDENT_FLAGS.responded) !== 0 // incident k has a response time
 * ```
 */
export const INCIDENT_FLAGS = { responded: 1, occurred: 2, exceptions: 4, tampering: 8, access: 16 } as const;

/** The facts of the incidents, read once, by position in the state's list of incidents; NaN where an instant is absent or unreadable. */
export interface IncidentTimes {
  /** UTC day (days since 1970-01-01) of `detected`. */
  readonly day: Float64Array;
  readonly detectedMs: Float64Array;
  readonly respondedMs: Float64Array;
  readonly occurredMs: Float64Array;
  /** What each incident holds, as the bits of {@link INCIDENT_FLAGS}: a trend point reads no payload it need not. */
  readonly flags: Uint8Array;
  /** What the seal KPI counts for the incident: its seal and inspection exceptions, or 1 for a tampering incident without one. */
  readonly seals: Uint32Array;
  /** Its custody exceptions (the custody KPI). */
  readonly exceptions: Uint32Array;
  /** The risks each incident names (its `risks`), read with the rest. */
  readonly risks: readonly (readonly string[] | undefined)[];
}

const SEAL_KINDS: readonly string[] = ["seal_changed", "seal_check_failed", "inspection_failed"];

type Arrays = { -readonly [K in keyof IncidentTimes]: K extends "risks" ? (readonly string[] | undefined)[] : IncidentTimes[K] };

function allocate(cap: number): Arrays {
  return {
    day: new Float64Array(cap),
    detectedMs: new Float64Array(cap),
    respondedMs: new Float64Array(cap),
    occurredMs: new Float64Array(cap),
    flags: new Uint8Array(cap),
    seals: new Uint32Array(cap),
    exceptions: new Uint32Array(cap),
    risks: new Array<readonly string[] | undefined>(cap),
  };
}

const TYPED = ["day", "detectedMs", "respondedMs", "occurredMs", "flags", "seals", "exceptions"] as const;

function write(a: Arrays, k: number, i: SmsEntry<"sms.incident">): void {
  const F = INCIDENT_FLAGS;
  const p = i.payload;
  const exceptions = p.custody?.exceptions;
  a.risks[k] = p.risks;
  a.flags[k] =
    (p.responded === undefined ? 0 : F.responded) |
    (p.occurred === undefined ? 0 : F.occurred) |
    (exceptions === undefined ? 0 : F.exceptions) |
    (p.category === "tampering" ? F.tampering : 0) |
    (p.category === "unauthorised-access" ? F.access : 0);
  const detectedMs = parseInstant(p.detected);
  a.detectedMs[k] = detectedMs;
  a.day[k] = Math.floor(detectedMs / DAY_MS);
  a.respondedMs[k] = p.responded === undefined ? NaN : parseInstant(p.responded);
  a.occurredMs[k] = p.occurred === undefined ? NaN : parseInstant(p.occurred);
  let seals = 0;
  for (const x of exceptions ?? []) if (SEAL_KINDS.includes(x.kind)) seals++;
  // catalogue/kpis.ts, seal-integrity-discrepancies: a tampering incident without a seal or inspection exception counts once.
  a.seals[k] = seals === 0 && p.category === "tampering" ? 1 : seals;
  a.exceptions[k] = exceptions?.length ?? 0;
}

/**
 * The facts of a list of incidents, kept as it changes: appended incidents
 * are read into spare capacity; any other change (a new version, an
 * incident placed among earlier ones) gathers the facts of unchanged
 * incidents into new arrays without reading their payloads again. A view
 * once given never changes: what would overwrite it is written to new arrays.
 *
 * @example
 * ```ts
 * const facts = IncidentFacts.of(state.records["sms.incident"]);
 * facts.view().day[0] // the UTC day incident 0 was detected
 * ```
 */
export class IncidentFacts {
  private a: Arrays;
  private losses: (ParsedMoney | null | undefined)[];

  private constructor(
    private n: number,
    cap: number,
  ) {
    this.a = allocate(cap);
    this.losses = new Array<ParsedMoney | null | undefined>(cap);
  }

  /** The facts of `list`, each payload read. */
  static of(list: readonly SmsEntry<"sms.incident">[]): IncidentFacts {
    const f = new IncidentFacts(list.length, list.length);
    for (let k = 0; k < list.length; k++) write(f.a, k, list[k]!);
    return f;
  }

  /** How many incidents. */
  get length(): number {
    return this.n;
  }

  /** Incidents appended after the last position, in order. */
  append(entries: readonly SmsEntry<"sms.incident">[]): void {
    const need = this.n + entries.length;
    if (need > this.a.day.length) this.grow(Math.max(need, Math.ceil(this.a.day.length * 1.5) + 16));
    for (const e of entries) write(this.a, this.n++, e);
  }

  /**
   * The facts of a new list: position k takes the facts of old position
   * `from[k]`, or reads `list[k]` when `from[k]` is -1.
   */
  gather(list: readonly SmsEntry<"sms.incident">[], from: Int32Array): void {
    const n = list.length;
    const old = this.a;
    const oldLosses = this.losses;
    const a = allocate(Math.ceil(n * 1.25) + 16);
    const losses = new Array<ParsedMoney | null | undefined>(a.day.length);
    for (const key of TYPED) {
      const src = old[key];
      const dst = a[key];
      for (let k = 0; k < n; k++) {
        const j = from[k]!;
        if (j >= 0) dst[k] = src[j]!;
      }
    }
    for (let k = 0; k < n; k++) {
      const j = from[k]!;
      if (j >= 0) {
        a.risks[k] = old.risks[j];
        losses[k] = oldLosses[j];
      } else write(a, k, list[k]!);
    }
    this.a = a;
    this.losses = losses;
    this.n = n;
  }

  /** The facts as a state reads them: views of the first `length` positions. */
  view(): IncidentTimes {
    const n = this.n;
    const a = this.a;
    return {
      day: a.day.subarray(0, n),
      detectedMs: a.detectedMs.subarray(0, n),
      respondedMs: a.respondedMs.subarray(0, n),
      occurredMs: a.occurredMs.subarray(0, n),
      flags: a.flags.subarray(0, n),
      seals: a.seals.subarray(0, n),
      exceptions: a.exceptions.subarray(0, n),
      risks: a.risks,
    };
  }

  /**
   * The losses read so far, by position, shared by the states that view
   * these facts: a position holds the same incident in each of them, as a
   * change to an earlier position gathers new arrays.
   */
  lossCache(): (ParsedMoney | null | undefined)[] {
    return this.losses;
  }

  private grow(cap: number): void {
    const a = allocate(cap);
    for (const key of TYPED) a[key].set(this.a[key].subarray(0, this.n));
    for (let k = 0; k < this.n; k++) a.risks[k] = this.a.risks[k];
    const losses = new Array<ParsedMoney | null | undefined>(cap);
    for (let k = 0; k < this.n; k++) losses[k] = this.losses[k];
    this.a = a;
    this.losses = losses;
  }
}
