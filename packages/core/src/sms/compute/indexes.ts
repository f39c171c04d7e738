/**
 * Lookups over one SMS state, built once the first time a computation asks
 * for them and kept beside the state (a WeakMap: they go when the state
 * goes). Every computation then reads what it needs in time proportional to
 * what it reads, not to the whole vault: incidents by UTC day of detection
 * (catalogue/kpis.ts: an instant is in a period when its UTC date is),
 * custody events by log index and by day, latest records by id, risks by
 * subject site, competences by kind and person or role, and the refs of each
 * type in log order. They change no result: each lookup gives the records a
 * scan of the state would give, in the same order.
 */
import type { SmsRecordType } from "../record-types.js";
import { dayNumber } from "./days.js";
import { parseMoney, type ParsedMoney } from "./money.js";
import { uniqueRefs, type CustodyEntry, type SmsEntry, type SmsRef, type SmsState } from "./records.js";

const DAY_MS = 86_400_000;

/** An instant's UTC day (days since 1970-01-01), NaN when Date.parse does not read it. */
function instantDay(instant: unknown): number {
  if (typeof instant !== "string") return NaN;
  return Math.floor(Date.parse(instant) / DAY_MS);
}

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
 */
function parseInstant(t: string): number {
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

// A person as a key: samePerson compares name and org, an absent org being
// equal only to an absent org.
const personKey = (p: { readonly name: string; readonly org?: string | undefined }): string => (p.org === undefined ? `${p.name}\u0000-` : `${p.name}\u0000+${p.org}`);

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
class DayOrder<T> {
  private readonly days: Float64Array;
  private readonly order: Int32Array;
  private readonly cache = new Map<string, { readonly pos: Int32Array; items: readonly T[] | null }>();
  private cached = 0;

  constructor(
    private readonly items: readonly T[],
    dayOf: Float64Array,
  ) {
    this.order = sortByDay(dayOf);
    const n = items.length;
    this.days = new Float64Array(n);
    for (let i = 0; i < n; i++) this.days[i] = dayOf[this.order[i]!]!;
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

/** The instants of the incidents, read once, by position in the state's list of incidents; NaN where absent or unreadable. */
export interface IncidentTimes {
  /** UTC day (days since 1970-01-01) of `detected`. */
  readonly day: Float64Array;
  readonly detectedMs: Float64Array;
  readonly respondedMs: Float64Array;
  readonly occurredMs: Float64Array;
  /** What each incident holds, as the bits of {@link INCIDENT_FLAGS}: a trend point reads no payload it need not. */
  readonly flags: Uint8Array;
  /** The risks each incident names (its `risks`), read with the rest. */
  readonly risks: readonly (readonly string[] | undefined)[];
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

/** The lookups of one state. */
export interface StateIndex {
  /** Incidents detected in [from, to], in the state's order (by record id). */
  incidentsIn(from: string, to: string): readonly SmsEntry<"sms.incident">[];
  /** The positions (in the state's list of incidents) of those detected in [from, to], ascending. */
  incidentPositionsIn(from: string, to: string): Int32Array;
  /** The instants of the state's incidents, by position. */
  readonly times: IncidentTimes;
  /** Custody events whose eventTime is in [from, to], by log index. */
  custodyIn(from: string, to: string): readonly CustodyEntry[];
  /** The loss of the incident at a position read as units, once (null when it has none). */
  lossAt(position: number): ParsedMoney | null;
  /** The custody event at a log index. */
  custodyAt(index: number): CustodyEntry | undefined;
  /** The latest version of a record. */
  record<T extends SmsRecordType>(type: T, id: string): SmsEntry<T> | undefined;
  /** Risks whose subject is site `site`, by record id. */
  risksOfSite(site: string): readonly SmsEntry<"sms.risk">[];
  /** Competences of `kind` of the same person, by record id. */
  competencesOfPerson(kind: string, person: { readonly name: string; readonly org?: string | undefined }): readonly SmsEntry<"sms.competence">[];
  /** Competences of `kind` naming role `role`, by record id. */
  competencesOfRole(kind: string, role: string): readonly SmsEntry<"sms.competence">[];
  /** The position of a competence in the state's list (its order by record id). */
  competencePosition(c: SmsEntry<"sms.competence">): number;
  /** The refs of every latest record of `type`, by log index. */
  refsByIndex(type: SmsRecordType): readonly SmsRef[];
}

const built = new WeakMap<SmsState, StateIndex>();

function groupBy<T>(list: readonly T[], key: (x: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    if (k === undefined) continue;
    const l = m.get(k);
    if (l === undefined) m.set(k, [x]);
    else l.push(x);
  }
  return m;
}

function build(s: SmsState): StateIndex {
  const incidents = s.records["sms.incident"];
  const n = incidents.length;
  const times: IncidentTimes = { day: new Float64Array(n), detectedMs: new Float64Array(n), respondedMs: new Float64Array(n), occurredMs: new Float64Array(n), flags: new Uint8Array(n), risks: new Array<readonly string[] | undefined>(n) };
  const F = INCIDENT_FLAGS;
  for (let k = 0; k < n; k++) {
    const p = incidents[k]!.payload;
    (times.risks as (readonly string[] | undefined)[])[k] = p.risks;
    times.flags[k] =
      (p.responded === undefined ? 0 : F.responded) |
      (p.occurred === undefined ? 0 : F.occurred) |
      (p.custody?.exceptions === undefined ? 0 : F.exceptions) |
      (p.category === "tampering" ? F.tampering : 0) |
      (p.category === "unauthorised-access" ? F.access : 0);
    const detectedMs = parseInstant(p.detected);
    times.detectedMs[k] = detectedMs;
    times.day[k] = Math.floor(detectedMs / DAY_MS);
    times.respondedMs[k] = p.responded === undefined ? NaN : parseInstant(p.responded);
    times.occurredMs[k] = p.occurred === undefined ? NaN : parseInstant(p.occurred);
  }
  const incidentOrder = new DayOrder(incidents, times.day);
  const custodyDays = Float64Array.from(s.custody, (c) => instantDay(c.event.eventTime));
  const custodyOrder = new DayOrder(s.custody, custodyDays);
  const custodyByIndex = new Map(s.custody.map((c) => [c.ref.index, c]));

  // Records by id, per type, built when a type is first looked up (incidents seldom are).
  const records = new Map<string, Map<string, SmsEntry>>();
  const byId = (type: SmsRecordType): Map<string, SmsEntry> => {
    let m = records.get(type);
    if (m === undefined) {
      m = new Map((s.records[type] as readonly SmsEntry[]).map((e) => [e.id, e]));
      records.set(type, m);
    }
    return m;
  };
  const bySite = groupBy(s.records["sms.risk"], (r) => r.payload.subject.site);
  const competences = s.records["sms.competence"];
  const compPos = new Map(competences.map((c, k) => [c, k]));
  const byPerson = groupBy(competences, (c) => `${c.payload.kind}\u0000${personKey(c.payload.person)}`);
  const byRole = groupBy(competences, (c) => (c.payload.role === undefined ? undefined : `${c.payload.kind}\u0000${c.payload.role}`));
  const refs = new Map<SmsRecordType, readonly SmsRef[]>();
  // Losses are read for the incidents of the periods asked for only.
  const losses = new Map<number, ParsedMoney | null>();

  return {
    incidentsIn: (from, to) => incidentOrder.range(from, to),
    incidentPositionsIn: (from, to) => incidentOrder.positions(from, to),
    lossAt: (k) => {
      let m = losses.get(k);
      if (m === undefined) {
        const loss = incidents[k]!.payload.loss;
        m = loss === undefined ? null : parseMoney(loss);
        losses.set(k, m);
      }
      return m;
    },
    times,
    custodyIn: (from, to) => custodyOrder.range(from, to),
    custodyAt: (index) => custodyByIndex.get(index),
    record: <T extends SmsRecordType>(type: T, id: string) => byId(type).get(id) as SmsEntry<T> | undefined,
    risksOfSite: (site) => bySite.get(site) ?? [],
    competencesOfPerson: (kind, person) => byPerson.get(`${kind}\u0000${personKey(person)}`) ?? [],
    competencesOfRole: (kind, role) => byRole.get(`${kind}\u0000${role}`) ?? [],
    competencePosition: (c) => compPos.get(c)!,
    refsByIndex: (type) => {
      let l = refs.get(type);
      if (l === undefined) {
        // One ref per record of a type, each at its own log index: uniqueRefs sorts them with a numeric key.
        l = uniqueRefs((s.records[type] as readonly SmsEntry[]).map((e) => e.ref));
        refs.set(type, l);
      }
      return l;
    },
  };
}

/**
 * The lookups of a state, built on first use.
 *
 * @example
 * ```ts
 * stateIndex(state).incidentsIn("2026-03-01", "2026-03-31").length // incidents detected in March
 * ```
 */
export function stateIndex(s: SmsState): StateIndex {
  let ix = built.get(s);
  if (ix === undefined) {
    ix = build(s);
    built.set(s, ix);
  }
  return ix;
}
