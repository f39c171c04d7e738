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
import { SMS_TYPES, type SmsRecordType } from "../record-types.js";
import type { SmsPayload, SmsProblem } from "../schemas/index.js";
import { stateIndex } from "./indexes.js";
import { logOrder, normalise } from "./record-input.js";
import { SmsReducer } from "./reducer.js";

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
  const list = requireArray(records, "smsState: records").map((r, i) => normalise(r, i, "smsState: records"));
  list.sort(logOrder);
  const reducer = new SmsReducer(o.checked === true);
  reducer.add(list);
  return reducer.state();
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
