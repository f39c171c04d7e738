/**
 * The reduction of records to the state of the SMS (docs/sms-computations.md
 * §1), one record at a time in log order: replays, record types, schema
 * checks, versions along supersedes links and redaction. smsState runs it
 * over every record at once; a projection (../projection.ts) runs it over
 * each batch appended to the log, so that both give the same state by
 * construction. Each type's list of latest records is kept sorted by record
 * id and replaced, never changed, when a batch changes it: a state once
 * given stays what it was.
 */
import { SMS_TYPES, isSmsRecordType, type SmsRecordType } from "../record-types.js";
import { validateSmsPayload, type SmsProblem } from "../schemas/index.js";
import { CUSTODY_EVENT, cmp, idOf, type Norm } from "./record-input.js";
import type { CustodyEntry, RedactedRecord, SetAsideRecord, SmsEntry, SmsRef, SmsState } from "./records.js";
import type { SmsPayload } from "../schemas/index.js";

/** How a batch changed one type's list: positions in the new list taken from the old one. */
export interface ListChange {
  /** The list before the batch. */
  readonly before: readonly SmsEntry[];
  /** The list after it. */
  readonly after: readonly SmsEntry[];
  /** Whether the batch only added records after the last one (by record id) and changed no earlier position. */
  readonly appendedOnly: boolean;
  /** For each position of the new list, the position in `before` of the same entry, or -1 for a new entry (a new record or a new version); empty when `appendedOnly`. */
  readonly from: Int32Array;
}

/** The versions of one (type, record id) seen so far, in log order. */
export interface Series {
  readonly type: SmsRecordType;
  readonly id: string;
  readonly versions: { rec: Norm; redacted: boolean }[];
}

/**
 * The entry of a series whose latest version is readable: that version,
 * with every version as history.
 *
 * @example
 * ```ts
 * entryOf(series).ref.index // the latest version's log index
 * ```
 */
function entryOf(s: Series): SmsEntry {
  const r = s.versions[s.versions.length - 1]!.rec;
  return {
    type: s.type,
    id: s.id,
    ref: { type: s.type, id: s.id, index: r.index },
    author: r.author,
    time: r.time,
    leafHash: r.leafHash,
    payload: r.payload as SmsPayload<SmsRecordType>,
    history: s.versions.map((v) => ({ index: v.rec.index, leafHash: v.rec.leafHash, author: v.rec.author, time: v.rec.time, redacted: v.redacted })),
  };
}

const ABSENT = -1;
const NONE = new Int32Array(0);

// The position of record `id` in a list sorted by id, or where it would go (as -1 - position).
function find(list: readonly SmsEntry[], id: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmp(list[mid]!.id, id);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1 - lo;
}

/**
 * Records reduced to the current state of the SMS, in log order.
 *
 * @example
 * ```ts
 * const r = new SmsReducer(false);
 * r.add(records.map((x, i) => normalise(x, i, "records")).sort(logOrder));
 * r.state().records["sms.risk"]
 * ```
 */
export class SmsReducer {
  private readonly seenLeaf = new Map<string, number[]>();
  // Leaves seen at more than one index, in the order first seen.
  private readonly replayed = new Set<string>();
  // Log index -> the series that version belongs to.
  private readonly seriesOf = new Map<number, Series>();
  private readonly series = new Map<string, Series>();
  private readonly custody: CustodyEntry[] = [];
  // The custody list of the last state given, while no event was added since.
  private custodyGiven: readonly CustodyEntry[] | null = null;
  private readonly invalid: SetAsideRecord[] = [];
  private readonly redacted: RedactedRecord[] = [];
  private readonly withheld = new Map<string, SmsRef>();
  private ignored = 0;
  private readonly lists = Object.fromEntries(SMS_TYPES.map((t) => [t, [] as readonly SmsEntry[]])) as Record<SmsRecordType, readonly SmsEntry[]>;
  private last = -1;

  constructor(private readonly checked: boolean) {}

  /** The highest log index added so far, -1 before any. */
  get lastIndex(): number {
    return this.last;
  }

  /** How many custody events the state holds. */
  get custodyCount(): number {
    return this.custody.length;
  }

  /**
   * Add records sorted in log order (logOrder), every index after those
   * added before. Returns how each type's list changed.
   */
  add(list: readonly Norm[]): Map<SmsRecordType, ListChange> {
    const setAside = (r: Norm, problems: SmsProblem[]): void => {
      this.invalid.push({ type: r.type, id: idOf(r.payload), index: r.index, leafHash: r.leafHash, problems });
    };
    const touched = new Set<Series>();
    const byIndex = new Map<number, Norm>();
    for (const r of list) {
      // One signed record counts once, ever: the first copy of a leaf, by index.
      const at = this.seenLeaf.get(r.leafHash);
      if (at !== undefined) {
        if (!at.includes(r.index)) {
          at.push(r.index);
          this.replayed.add(r.leafHash);
        }
        continue;
      }
      const other = byIndex.get(r.index);
      if (other !== undefined) {
        setAside(r, [{ pointer: "", message: `log index ${r.index} already holds the record with leaf hash ${other.leafHash}` }]);
        continue;
      }
      this.seenLeaf.set(r.leafHash, [r.index]);
      byIndex.set(r.index, r);
      if (r.index > this.last) this.last = r.index;
      const s = this.place(r, setAside);
      if (s !== undefined) touched.add(s);
    }
    return this.apply(touched);
  }

  // Ascending log order: a record supersedes only an earlier one, already placed.
  private place(r: Norm, setAside: (r: Norm, problems: SmsProblem[]) => void): Series | undefined {
    if (r.type === CUSTODY_EVENT) {
      if (r.payload === null) this.redacted.push({ type: r.type, id: null, index: r.index });
      else if (typeof r.payload !== "object" || Array.isArray(r.payload)) setAside(r, [{ pointer: "", message: "a custody event is an EPCIS event object" }]);
      else {
        const ev = r.payload as Record<string, unknown>;
        const id = typeof ev.eventID === "string" ? ev.eventID : `record-${r.index}`;
        this.custodyGiven = null;
        this.custody.push({ ref: { type: CUSTODY_EVENT, id, index: r.index }, author: r.author, time: r.time, leafHash: r.leafHash, event: ev });
      }
      return undefined;
    }
    if (!r.type.startsWith("sms.")) {
      this.ignored++;
      return undefined;
    }
    if (!isSmsRecordType(r.type)) {
      setAside(r, [{ pointer: "", message: `${r.type} is not an SMS record type` }]);
      return undefined;
    }
    if (r.supersedes !== null && r.supersedes >= r.index) {
      setAside(r, [{ pointer: "", message: `supersedes index ${r.supersedes}, not an earlier record` }]);
      return undefined;
    }
    const previous = r.supersedes === null ? undefined : this.seriesOf.get(r.supersedes);
    if (r.payload === null) {
      // A redacted version: its id is known only through the version it supersedes.
      const s = previous !== undefined && previous.type === r.type ? previous : undefined;
      if (s !== undefined) {
        s.versions.push({ rec: r, redacted: true });
        this.seriesOf.set(r.index, s);
      }
      this.redacted.push({ type: r.type, id: s?.id ?? null, index: r.index });
      return s;
    }
    // A payload checked at append is read as it is; the id is still required, as it keys the series.
    const problems = this.checked ? (typeof (r.payload as { id?: unknown }).id === "string" ? [] : [{ pointer: "/id", message: "a record id is required" }]) : validateSmsPayload(r.type, r.payload);
    if (problems.length > 0) {
      setAside(r, problems);
      return undefined;
    }
    const id = (r.payload as { id: string }).id;
    if (previous !== undefined && (previous.type !== r.type || previous.id !== id)) {
      // docs/formats.md §2: a new version keeps its record type and id.
      setAside(r, [{ pointer: "/id", message: `supersedes index ${r.supersedes}, a version of ${previous.type} ${previous.id}; a new version keeps its type and record id` }]);
      return undefined;
    }
    const key = `${r.type}\u0000${id}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = { type: r.type, id, versions: [] };
      this.series.set(key, s);
    }
    s.versions.push({ rec: r, redacted: false });
    this.seriesOf.set(r.index, s);
    return s;
  }

  // The latest version of each series the batch touched, into its type's list (or withheld).
  private apply(touched: ReadonlySet<Series>): Map<SmsRecordType, ListChange> {
    const perType = new Map<SmsRecordType, { put: Map<number, SmsEntry>; drop: Set<number>; insert: SmsEntry[] }>();
    for (const s of touched) {
      let c = perType.get(s.type);
      if (c === undefined) {
        c = { put: new Map(), drop: new Set(), insert: [] };
        perType.set(s.type, c);
      }
      const key = `${s.type}\u0000${s.id}`;
      const latest = s.versions[s.versions.length - 1]!;
      const at = find(this.lists[s.type], s.id);
      if (latest.redacted) {
        // Its current state is unknown: left out, and listed as withheld.
        this.withheld.set(key, { type: s.type, id: s.id, index: latest.rec.index });
        if (at >= 0) c.drop.add(at);
        continue;
      }
      this.withheld.delete(key);
      const e = entryOf(s);
      if (at >= 0) c.put.set(at, e);
      else c.insert.push(e);
    }
    const changes = new Map<SmsRecordType, ListChange>();
    for (const [type, c] of perType) {
      const before = this.lists[type];
      c.insert.sort((a, b) => cmp(a.id, b.id));
      const tail = before.length === 0 || c.insert.length === 0 || cmp(before[before.length - 1]!.id, c.insert[0]!.id) < 0;
      if (c.drop.size === 0 && tail) {
        // New records after the last by id, new versions in place: no position moves.
        const after = before.concat(c.insert);
        for (const [i, e] of c.put) after[i] = e;
        let from = NONE;
        if (c.put.size > 0) {
          from = new Int32Array(after.length);
          for (let k = 0; k < before.length; k++) from[k] = k;
          for (const i of c.put.keys()) from[i] = ABSENT;
          from.fill(ABSENT, before.length);
        }
        this.lists[type] = after;
        changes.set(type, { before, after, appendedOnly: c.put.size === 0, from });
        continue;
      }
      const n = before.length - c.drop.size + c.insert.length;
      const after: SmsEntry[] = [];
      const from = new Int32Array(n);
      let i = 0;
      let j = 0;
      let k = 0;
      // A merge by record id of the earlier entries (less those dropped, with new versions put in place) and the new ones.
      while (i < before.length || j < c.insert.length) {
        if (i < before.length && c.drop.has(i)) {
          i++;
          continue;
        }
        if (j < c.insert.length && (i >= before.length || cmp(c.insert[j]!.id, before[i]!.id) < 0)) {
          after.push(c.insert[j++]!);
          from[k++] = ABSENT;
          continue;
        }
        const put = c.put.get(i);
        after.push(put ?? before[i]!);
        from[k++] = put === undefined ? i : ABSENT;
        i++;
      }
      this.lists[type] = after;
      changes.set(type, { before, after, appendedOnly: false, from });
    }
    return changes;
  }

  /** The state as of the records added so far. */
  state(): SmsState {
    const replays = [...this.replayed].map((leafHash) => ({ leafHash, indices: [...this.seenLeaf.get(leafHash)!] }));
    replays.sort((a, b) => a.indices[0]! - b.indices[0]!);
    const invalid = [...this.invalid].sort((a, b) => a.index - b.index || cmp(a.leafHash, b.leafHash));
    const withheld = [...this.withheld.values()].sort((a, b) => a.index - b.index);
    // Arrays appended to later are copied; type lists are replaced, never changed.
    return {
      records: { ...this.lists } as unknown as SmsState["records"],
      custody: (this.custodyGiven ??= [...this.custody]),
      invalid,
      redacted: [...this.redacted],
      withheld,
      replays,
      ignored: this.ignored,
    };
  }
}
