/**
 * The state of the SMS kept as the log grows: records are added in log
 * order, batch after batch, and each batch costs time in proportion to its
 * records, not to the vault. The reduction is the very one smsState runs
 * (compute/reducer.ts), so the state a projection gives equals smsState over
 * every record added; the lookups the computations share (the facts of each
 * incident, the days of custody events) are kept as records are added
 * instead of being read again from every payload for each new state.
 * docs/sms-computations.md §8 says how it is kept and checked.
 */
import { SealTrailError } from "../errors.js";
import { optionalObject, requireArray } from "../args.js";
import { IncidentFacts, instantDay } from "./compute/incident-facts.js";
import { keepFacts } from "./compute/indexes.js";
import { logOrder, normalise } from "./compute/record-input.js";
import { SmsReducer } from "./compute/reducer.js";
import type { SmsEntry, SmsRecordInput, SmsState, SmsStateOptions } from "./compute/records.js";

/** The state of the SMS kept as records are appended. */
export interface SmsProjection {
  /**
   * Add records appended to the log, in any order within the batch, every
   * log index after those added before (a record already added changes
   * only by a later record: a new version, a redaction record). A record
   * destroyed in place in a store (its payload redacted after it was added)
   * is not seen by a projection: build a new one.
   */
  add(records: readonly SmsRecordInput[]): void;
  /** The state as of the records added so far, equal to smsState over all of them; the same object until the next add that changes it. */
  state(): SmsState;
  /** The highest log index added so far, or null before any. */
  readonly lastIndex: number | null;
}

const NAME = "SmsProjection.add: records";

/**
 * A projection of the SMS state, empty until records are added. With
 * `options.checked` the records are taken as checked at append (smsState's
 * option); by default each payload added is checked against its schema.
 *
 * @example
 * ```ts
 * const p = createSmsProjection();
 * p.add(await recordsUpTo(size));
 * computeKpis(p.state(), { from: "2026-03-01", to: "2026-03-31" });
 * p.add(await recordsAfter(size)); // only what was appended since
 * computeReadiness(p.state(), "2026-03-31");
 * ```
 */
export function createSmsProjection(options?: SmsStateOptions): SmsProjection {
  const o = optionalObject(options, "createSmsProjection: options") ?? {};
  if (o.checked !== undefined && typeof o.checked !== "boolean") throw new SealTrailError("malformed", "createSmsProjection: options.checked: must be a boolean");
  const reducer = new SmsReducer(o.checked === true);
  // The facts of the incidents, kept from the first state given on.
  let facts: IncidentFacts | null = null;
  let custodyDays = new Float64Array(0);
  let custodyKept = 0;
  let given: SmsState | null = null;
  // The last state given, and whether every incident of it kept its position since.
  let last: SmsState | null = null;
  let positionsKept = true;
  // The record types whose lists changed since the last state given.
  let changed = new Set<string>();

  const keepCustodyDays = (s: SmsState): Float64Array => {
    const n = s.custody.length;
    if (n > custodyDays.length) {
      const grown = new Float64Array(Math.max(n, Math.ceil(custodyDays.length * 1.5) + 16));
      grown.set(custodyDays.subarray(0, custodyKept));
      custodyDays = grown;
    }
    // Custody events are only ever appended: the earlier days stay as they are in the states given before.
    for (let k = custodyKept; k < n; k++) custodyDays[k] = instantDay(s.custody[k]!.event.eventTime);
    custodyKept = n;
    return custodyDays.subarray(0, n);
  };

  return {
    add(records) {
      const list = requireArray(records, NAME).map((r, i) => normalise(r, i, NAME));
      if (list.length === 0) return;
      list.sort(logOrder);
      const last = reducer.lastIndex;
      const first = list[0]!;
      if (first.index <= last) throw new SealTrailError("invalid", `${NAME}: log index ${first.index} is not after ${last}, the last index added; a projection takes records in log order`);
      const changes = reducer.add(list);
      const incidents = changes.get("sms.incident");
      if (incidents !== undefined && facts !== null) {
        const after = incidents.after as readonly SmsEntry<"sms.incident">[];
        if (incidents.appendedOnly) facts.append(after.slice(incidents.before.length));
        else facts.gather(after, incidents.from);
      }
      if (incidents !== undefined && !incidents.appendedOnly) positionsKept = false;
      for (const t of changes.keys()) changed.add(t);
      given = null;
    },
    state() {
      if (given !== null) return given;
      const s = reducer.state();
      facts ??= IncidentFacts.of(s.records["sms.incident"]);
      keepFacts(s, { incidents: facts, custodyDays: keepCustodyDays(s), ...(last !== null && positionsKept ? { previous: last, changed } : {}) });
      given = s;
      last = s;
      positionsKept = true;
      changed = new Set();
      return s;
    },
    get lastIndex() {
      const l = reducer.lastIndex;
      return l < 0 ? null : l;
    },
  };
}
