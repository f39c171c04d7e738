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
import { IncidentFacts, instantDay, type IncidentTimes } from "./incident-facts.js";
import { parseMoney, type ParsedMoney } from "./money.js";
import { uniqueRefs, type CustodyEntry, type SmsEntry, type SmsRef, type SmsState } from "./records.js";

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

export { INCIDENT_FLAGS, type IncidentTimes } from "./incident-facts.js";

/** The lookups of one state. */
export interface StateIndex {
  /** Incidents detected in [from, to], in the state's order (by record id). */
  incidentsIn(from: string, to: string): readonly SmsEntry<"sms.incident">[];
  /** The positions (in the state's list of incidents) of those detected in [from, to], ascending. */
  incidentPositionsIn(from: string, to: string): Int32Array;
  /** The positions of the incidents detected in [from, to] in no particular order, for sums that do not depend on it (counts, exact money). */
  incidentPositionsAnyOrder(from: string, to: string): Int32Array;
  /** The facts of the state's incidents, by position. */
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

/**
 * What a projection (projection.ts) keeps as it adds records, handed to the
 * lookups of the states it gives so that they read no earlier payload
 * again: the facts of the state's incidents and the UTC days of its custody
 * events, by position.
 */
export interface KeptFacts {
  readonly incidents: IncidentFacts;
  readonly custodyDays: Float64Array;
}

const kept = new WeakMap<SmsState, { readonly times: IncidentTimes; readonly losses: (ParsedMoney | null | undefined)[]; readonly custodyDays: Float64Array }>();

/**
 * Give the lookups of `s` the facts a projection kept for it, instead of
 * reading them from its records when they are built.
 *
 * @example
 * ```ts
 * keepFacts(state, { incidents: facts, custodyDays });
 * ```
 */
export function keepFacts(s: SmsState, f: KeptFacts): void {
  kept.set(s, { times: f.incidents.view(), losses: f.incidents.lossCache(), custodyDays: f.custodyDays });
}

// The custody event at a log index: custody events are listed by log index.
function custodyByIndex(list: readonly CustodyEntry[], index: number): CustodyEntry | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ref.index < index) lo = mid + 1;
    else hi = mid;
  }
  const c = list[lo];
  return c !== undefined && c.ref.index === index ? c : undefined;
}

function build(s: SmsState): StateIndex {
  const incidents = s.records["sms.incident"];
  const given = kept.get(s);
  kept.delete(s);
  const times = given?.times ?? IncidentFacts.of(incidents).view();
  // Losses are read for the incidents of the periods asked for only.
  const losses = given?.losses ?? new Array<ParsedMoney | null | undefined>(incidents.length);
  const incidentOrder = new DayOrder(incidents, times.day);
  const custodyDays = given?.custodyDays ?? Float64Array.from(s.custody, (c) => instantDay(c.event.eventTime));
  const custodyOrder = new DayOrder(s.custody, custodyDays);

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

  return {
    incidentsIn: (from, to) => incidentOrder.range(from, to),
    incidentPositionsIn: (from, to) => incidentOrder.positions(from, to),
    incidentPositionsAnyOrder: (from, to) => incidentOrder.unordered(from, to),
    lossAt: (k) => {
      let m = losses[k];
      if (m === undefined) {
        const loss = incidents[k]!.payload.loss;
        m = loss === undefined ? null : parseMoney(loss);
        losses[k] = m;
      }
      return m;
    },
    times,
    custodyIn: (from, to) => custodyOrder.range(from, to),
    custodyAt: (index) => custodyByIndex(s.custody, index),
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
