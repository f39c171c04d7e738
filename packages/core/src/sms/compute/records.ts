/**
 * The input of every SMS computation: the records of a vault (from the
 * server's store, or the verified records of an evidence bundle) reduced to
 * the current state of the SMS. Replays are counted once, payloads that
 * break their schema are set aside, versions are resolved along their
 * supersedes links (docs/formats.md §2) to the latest version of each
 * (type, record id), and redacted records are left out, as the catalogue's
 * conventions require (catalogue/kpis.ts). Custody events (`custody.event`,
 * docs/formats.md §17) are kept beside the SMS records: seal checks and
 * inspections are read from them.
 *
 * Every later figure cites records as {@link SmsRef}: type, record id and
 * log index, so that an auditor finds each one in the log.
 */
import { SealTrailError } from "../../errors.js";
import { optionalObject, requireArray, requireObject, requireString } from "../../args.js";
import { canonicalize } from "../../json/canonicalize.js";
import { SMS_TYPES, isSmsRecordType, type SmsRecordType } from "../record-types.js";
import { validateSmsPayload, type SmsPayload, type SmsProblem } from "../schemas/index.js";
import { stateIndex } from "./indexes.js";

export { uniqueRefs } from "./refs.js";

/** One record as a store or a verified bundle gives it. */
export interface SmsRecordInput {
  /** Log index. */
  readonly index: bigint | number;
  /** Leaf hash (RFC 6962 §2.1), hex: the same signed record has the same leaf hash wherever it appears. */
  readonly leafHash: string;
  readonly type: string;
  /** Organisation that signed the record. */
  readonly author: string;
  /** The envelope's claimed time. */
  readonly time: string;
  /** Log index of the version this record supersedes, or null for a first version. */
  readonly supersedes: bigint | number | null;
  /** The payload, or null when the record is redacted. */
  readonly payload: unknown;
}

/** A record as the computations cite it. */
export interface SmsRef {
  readonly type: string;
  /** Record id (an EPCIS eventID for a custody event). */
  readonly id: string;
  readonly index: number;
}

/** One version of an SMS record: a readable one, or a redacted one whose payload is withheld. */
export interface SmsVersion {
  readonly index: number;
  readonly leafHash: string;
  readonly author: string;
  readonly time: string;
  readonly redacted: boolean;
}

/** The latest version of an SMS record, with every version seen, oldest first. */
export interface SmsEntry<T extends SmsRecordType = SmsRecordType> {
  readonly type: T;
  readonly id: string;
  readonly ref: SmsRef;
  readonly author: string;
  readonly time: string;
  readonly leafHash: string;
  readonly payload: SmsPayload<T>;
  readonly history: readonly SmsVersion[];
}

/** A custody event record (payload: the EPCIS event as captured). */
export interface CustodyEntry {
  readonly ref: SmsRef;
  readonly author: string;
  readonly time: string;
  readonly leafHash: string;
  readonly event: Readonly<Record<string, unknown>>;
}

/** A record set aside: it takes no part in any figure. */
export interface SetAsideRecord {
  readonly type: string;
  /** Its record id, when the payload names one. */
  readonly id: string | null;
  readonly index: number;
  readonly leafHash: string;
  readonly problems: readonly SmsProblem[];
}

/** A redacted record; its id is known only when it is a later version of a readable record. */
export interface RedactedRecord {
  readonly type: string;
  readonly id: string | null;
  readonly index: number;
}

/** The same signed record (leaf hash) given more than once: counted once, at its lowest index. */
export interface Replay {
  readonly leafHash: string;
  readonly indices: readonly number[];
}

/** The SMS as the computations see it. */
export interface SmsState {
  /** The latest readable version of each record, by type, sorted by record id. */
  readonly records: { readonly [T in SmsRecordType]: readonly SmsEntry<T>[] };
  /** Custody events, by log index. */
  readonly custody: readonly CustodyEntry[];
  /** Records set aside, by log index: schema failures, broken supersedes links, unknown sms.* types. */
  readonly invalid: readonly SetAsideRecord[];
  /** Redacted records, by log index. */
  readonly redacted: readonly RedactedRecord[];
  /** Records whose latest version is redacted: their current state is unknown, so they are left out. */
  readonly withheld: readonly SmsRef[];
  readonly replays: readonly Replay[];
  /** How many records were of a type that is neither sms.* nor custody.event. */
  readonly ignored: number;
}

/** Record type of a captured EPCIS event (docs/formats.md §17). */
const CUSTODY_EVENT = "custody.event";

interface Norm {
  readonly index: number;
  readonly leafHash: string;
  readonly type: string;
  readonly author: string;
  readonly time: string;
  readonly supersedes: number | null;
  readonly payload: unknown;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function logIndex(v: unknown, name: string): number {
  if (typeof v === "bigint") {
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new SealTrailError("invalid", `${name}: must be a log index from 0 to 2^53-1`);
    return Number(v);
  }
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new SealTrailError("malformed", `${name}: must be a log index (a non-negative integer or bigint)`);
  return v;
}

function normalise(r: unknown, i: number): Norm {
  const o = requireObject(r, `smsState: records[${i}]`);
  const text = (k: string): string => {
    if (typeof o[k] !== "string") throw new SealTrailError("malformed", `smsState: records[${i}].${k}: must be a string`);
    return o[k] as string;
  };
  const leafHash = text("leafHash").toLowerCase();
  if (!/^[0-9a-f]{2,128}$/.test(leafHash)) throw new SealTrailError("malformed", `smsState: records[${i}].leafHash: must be hex`);
  if (o.payload === undefined) throw new SealTrailError("malformed", `smsState: records[${i}].payload: must be the payload, or null when redacted`);
  const supersedes = o.supersedes === null || o.supersedes === undefined ? null : logIndex(o.supersedes, `smsState: records[${i}].supersedes`);
  return { index: logIndex(o.index, `smsState: records[${i}].index`), leafHash, type: text("type"), author: text("author"), time: text("time"), supersedes, payload: o.payload };
}

// The tie-break between two copies of one leaf at one index: a readable
// copy before a redacted one, then canonical JSON, so input order never matters.
function payloadKey(p: unknown): string {
  if (p === null) return "\uffff";
  try {
    return canonicalize(p);
  } catch {
    return "\ufffe";
  }
}

function idOf(payload: unknown): string | null {
  return payload !== null && typeof payload === "object" && typeof (payload as { id?: unknown }).id === "string" ? (payload as { id: string }).id : null;
}

interface Series {
  readonly type: SmsRecordType;
  readonly id: string;
  readonly versions: { rec: Norm; redacted: boolean }[];
}

/** Options of {@link smsState}. */
export interface SmsStateOptions {
  /**
   * True when every SMS payload was already checked against its schema when
   * it was appended (the server refuses a payload that breaks its schema,
   * docs/formats.md §18): the schema check is skipped; replays, record types,
   * supersedes links, versions and redaction are still resolved. Default
   * false: an auditor recomputing from a bundle checks every payload again.
   */
  readonly checked?: boolean;
}

/**
 * The current state of the SMS from a vault's records, in any order: the
 * same records in another order give the same state. Each payload is checked
 * against its schema unless `options.checked` says the records were checked
 * at append.
 *
 * @example
 * ```ts
 * const state = smsState(records);
 * state.records["sms.risk"].map((r) => r.id) // ["R-001", "R-002"]
 * state.invalid // records whose payload broke its schema, with the problems
 * smsState(await store.smsRecords(), { checked: true }) // the server's own records, checked at append
 * ```
 */
export function smsState(records: readonly SmsRecordInput[], options?: SmsStateOptions): SmsState {
  const o = optionalObject(options, "smsState: options") ?? {};
  if (o.checked !== undefined && typeof o.checked !== "boolean") throw new SealTrailError("malformed", "smsState: options.checked: must be a boolean");
  const checked = o.checked === true;
  const list = requireArray(records, "smsState: records").map(normalise);
  list.sort((a, b) => a.index - b.index || cmp(a.leafHash, b.leafHash) || cmp(payloadKey(a.payload), payloadKey(b.payload)));

  const invalid: SetAsideRecord[] = [];
  const setAside = (r: Norm, problems: SmsProblem[]): void => {
    invalid.push({ type: r.type, id: idOf(r.payload), index: r.index, leafHash: r.leafHash, problems });
  };

  // One signed record counts once, ever: the first copy of a leaf, by index.
  const seenLeaf = new Map<string, number[]>();
  const byIndex = new Map<number, Norm>();
  const unique: Norm[] = [];
  for (const r of list) {
    const at = seenLeaf.get(r.leafHash);
    if (at !== undefined) {
      if (!at.includes(r.index)) at.push(r.index);
      continue;
    }
    const other = byIndex.get(r.index);
    if (other !== undefined) {
      setAside(r, [{ pointer: "", message: `log index ${r.index} already holds the record with leaf hash ${other.leafHash}` }]);
      continue;
    }
    seenLeaf.set(r.leafHash, [r.index]);
    byIndex.set(r.index, r);
    unique.push(r);
  }
  const replays = [...seenLeaf.entries()].filter(([, ix]) => ix.length > 1).map(([leafHash, indices]) => ({ leafHash, indices }));
  replays.sort((a, b) => a.indices[0]! - b.indices[0]!);

  const custody: CustodyEntry[] = [];
  const redacted: { rec: Norm; id: string | null }[] = [];
  const seriesOf = new Map<number, Series>(); // log index -> the series that version belongs to
  const series = new Map<string, Series>();
  let ignored = 0;

  // Ascending log order: a record supersedes only an earlier one, already placed.
  for (const r of unique) {
    if (r.type === CUSTODY_EVENT) {
      if (r.payload === null) redacted.push({ rec: r, id: null });
      else if (typeof r.payload !== "object" || Array.isArray(r.payload)) setAside(r, [{ pointer: "", message: "a custody event is an EPCIS event object" }]);
      else {
        const ev = r.payload as Record<string, unknown>;
        const id = typeof ev.eventID === "string" ? ev.eventID : `record-${r.index}`;
        custody.push({ ref: { type: CUSTODY_EVENT, id, index: r.index }, author: r.author, time: r.time, leafHash: r.leafHash, event: ev });
      }
      continue;
    }
    if (!r.type.startsWith("sms.")) {
      ignored++;
      continue;
    }
    if (!isSmsRecordType(r.type)) {
      setAside(r, [{ pointer: "", message: `${r.type} is not an SMS record type` }]);
      continue;
    }
    if (r.supersedes !== null && r.supersedes >= r.index) {
      setAside(r, [{ pointer: "", message: `supersedes index ${r.supersedes}, not an earlier record` }]);
      continue;
    }
    const previous = r.supersedes === null ? undefined : seriesOf.get(r.supersedes);
    if (r.payload === null) {
      // A redacted version: its id is known only through the version it supersedes.
      const s = previous !== undefined && previous.type === r.type ? previous : undefined;
      if (s !== undefined) {
        s.versions.push({ rec: r, redacted: true });
        seriesOf.set(r.index, s);
      }
      redacted.push({ rec: r, id: s?.id ?? null });
      continue;
    }
    // A payload checked at append is read as it is; the id is still required, as it keys the series.
    const problems = checked ? (typeof (r.payload as { id?: unknown }).id === "string" ? [] : [{ pointer: "/id", message: "a record id is required" }]) : validateSmsPayload(r.type, r.payload);
    if (problems.length > 0) {
      setAside(r, problems);
      continue;
    }
    const id = (r.payload as { id: string }).id;
    if (previous !== undefined && (previous.type !== r.type || previous.id !== id)) {
      // docs/formats.md §2: a new version keeps its record type and id.
      setAside(r, [{ pointer: "/id", message: `supersedes index ${r.supersedes}, a version of ${previous.type} ${previous.id}; a new version keeps its type and record id` }]);
      continue;
    }
    const key = `${r.type}\u0000${id}`;
    let s = series.get(key);
    if (s === undefined) {
      s = { type: r.type, id, versions: [] };
      series.set(key, s);
    }
    s.versions.push({ rec: r, redacted: false });
    seriesOf.set(r.index, s);
  }

  const out = Object.fromEntries(SMS_TYPES.map((t) => [t, [] as SmsEntry[]])) as Record<SmsRecordType, SmsEntry[]>;
  const withheld: SmsRef[] = [];
  for (const s of series.values()) {
    // Versions arrived in log order: the last is the latest.
    const latest = s.versions[s.versions.length - 1]!;
    if (latest.redacted) {
      withheld.push({ type: s.type, id: s.id, index: latest.rec.index });
      continue;
    }
    const r = latest.rec;
    out[s.type].push({
      type: s.type,
      id: s.id,
      ref: { type: s.type, id: s.id, index: r.index },
      author: r.author,
      time: r.time,
      leafHash: r.leafHash,
      payload: r.payload as SmsPayload<SmsRecordType>,
      history: s.versions.map((v) => ({ index: v.rec.index, leafHash: v.rec.leafHash, author: v.rec.author, time: v.rec.time, redacted: v.redacted })),
    });
  }
  for (const l of Object.values(out)) l.sort((a, b) => cmp(a.id, b.id));
  withheld.sort((a, b) => a.index - b.index);
  invalid.sort((a, b) => a.index - b.index || cmp(a.leafHash, b.leafHash));
  return {
    records: out as unknown as SmsState["records"],
    custody,
    invalid,
    redacted: redacted.map(({ rec, id }) => ({ type: rec.type, id, index: rec.index })),
    withheld,
    replays,
    ignored,
  };
}

/**
 * `v` as an SMS state (what {@link smsState} returns), or `malformed` naming
 * `name`: the computations' guard on the state they are given.
 *
 * @example
 * ```ts
 * requireState(state, "computeKpis: state");
 * ```
 */
export function requireState(v: unknown, name: string): SmsState {
  const o = requireObject(v, name);
  requireObject(o.records, `${name}.records`);
  for (const k of ["custody", "invalid", "redacted", "withheld", "replays"]) requireArray(o[k], `${name}.${k}`);
  for (const t of SMS_TYPES) requireArray((o.records as Record<string, unknown>)[t], `${name}.records["${t}"]`);
  return v as SmsState;
}

/**
 * The latest version of record `id` of `type`, or undefined when there is
 * none (or it is withheld by redaction).
 *
 * @example
 * ```ts
 * smsRecord(state, "sms.control", "C-07")?.payload.status // "operating"
 * ```
 */
export function smsRecord<T extends SmsRecordType>(state: SmsState, type: T, id: string): SmsEntry<T> | undefined {
  requireState(state, "smsRecord: state");
  requireString(type, "smsRecord: type");
  requireString(id, "smsRecord: id");
  return stateIndex(state).record(type, id);
}
