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
import { DayOrder } from "./day-order.js";
import { IncidentFacts, instantDay, type IncidentTimes } from "./incident-facts.js";
import { parseMoney, type ParsedMoney } from "./money.js";
import { uniqueRefs, type CustodyEntry, type SmsEntry, type SmsRef, type SmsState } from "./records.js";

// A person as a key: samePerson compares name and org, an absent org being
// equal only to an absent org.
const personKey = (p: { readonly name: string; readonly org?: string | undefined }): string => (p.org === undefined ? `${p.name}\u0000-` : `${p.name}\u0000+${p.org}`);

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
  /**
   * The state's cache of figures (kpi-report.ts), started with those of the
   * state a projection gave before it that `keep` says still hold, given the
   * UTC days of the incidents added since (sorted; only when no earlier
   * incident moved) and the record types whose lists changed since.
   */
  figureCache(keep: (key: string, addedDays: Float64Array, changed: ReadonlySet<string>) => boolean): Map<string, unknown>;
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
  /**
   * The state the projection gave before this one, when every incident of
   * it keeps its position here (records were only appended after it): the
   * day orders of this state extend that state's, when they were built.
   */
  readonly previous?: SmsState;
  /** With `previous`: the record types whose lists changed since. */
  readonly changed?: ReadonlySet<string>;
}

interface Given {
  readonly times: IncidentTimes;
  readonly losses: (ParsedMoney | null | undefined)[];
  readonly custodyDays: Float64Array;
  readonly previous: Orders | undefined;
  readonly changed: ReadonlySet<string>;
}

interface Orders {
  readonly incidents: DayOrder<SmsEntry<"sms.incident">>;
  readonly custody: DayOrder<CustodyEntry>;
  /** The refs of the incidents by log index, once asked for. */
  incidentRefs?: readonly SmsRef[];
  /** Figures of the state computed by kpi-report.ts, by key, once asked for. */
  figures?: Map<string, unknown>;
}

const kept = new WeakMap<SmsState, Given>();
// The day orders of each state whose lookups were built, for the next state of a projection to extend.
const orders = new WeakMap<SmsState, Orders>();

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
  // Only a built order is linked: a chain of states never computed on is not kept alive.
  kept.set(s, { times: f.incidents.view(), losses: f.incidents.lossCache(), custodyDays: f.custodyDays, previous: f.previous === undefined ? undefined : orders.get(f.previous), changed: f.changed ?? new Set() });
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
  const prev = given?.previous;
  const incidentOrder = prev !== undefined ? DayOrder.extend(prev.incidents, incidents, times.day) : DayOrder.of(incidents, times.day);
  const custodyDays = given?.custodyDays ?? Float64Array.from(s.custody, (c) => instantDay(c.event.eventTime));
  // Custody events are only ever appended.
  const custodyOrder = prev !== undefined ? DayOrder.extend(prev.custody, s.custody, custodyDays) : DayOrder.of(s.custody, custodyDays);
  const mine: Orders = { incidents: incidentOrder, custody: custodyOrder };
  orders.set(s, mine);

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
    figureCache: (keep) => {
      if (mine.figures === undefined) {
        mine.figures = new Map();
        if (prev?.figures !== undefined) {
          const added = times.day.slice(prev.incidents.length).sort();
          for (const [k, v] of prev.figures) if (keep(k, added, given!.changed)) mine.figures.set(k, v);
        }
      }
      return mine.figures;
    },
    refsByIndex: (type) => {
      let l = refs.get(type);
      if (l === undefined) {
        const before = type === "sms.incident" ? prev?.incidentRefs : undefined;
        // The incidents after those of the state before are new records, at higher log indices than any before.
        if (before !== undefined) l = before.concat(uniqueRefs(incidents.slice(prev!.incidents.length).map((e) => e.ref)));
        // One ref per record of a type, each at its own log index: uniqueRefs sorts them with a numeric key.
        else l = uniqueRefs((s.records[type] as readonly SmsEntry[]).map((e) => e.ref));
        refs.set(type, l);
        if (type === "sms.incident") mine.incidentRefs = l;
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
