/**
 * The SMS state of a vault, as core's computations take it: every `sms.*`
 * record and every custody event, read from the store and reduced by core
 * (replays once, schema failures set aside, versions resolved, redactions
 * honoured), so the server computes exactly what an auditor recomputes
 * offline from the same records. Each vault keeps a projection
 * (createSmsProjection): built once from the log at first use, with every
 * payload checked against its schema, then fed only the entries appended
 * since, each checked too. A redaction destroys the payload of a record the
 * projection already holds, so an appended `sealtrail.redaction` record
 * makes the projection be built again from the log. `check` rebuilds the
 * state from the log and names any difference from the projection's.
 */
import { CATALOGUE, REDACTION_RECORD_TYPE, catalogueDigest, compareSmsStates, createSmsProjection, parseEntry, parseJson, smsState, toHex, type SmsProjection, type SmsRecordInput, type SmsState } from "@sealtrail/core";
import type { LogReader } from "../store/types.js";

const PAGE = 5000;

/** The state and the tree size it was computed at. */
export interface VaultSmsState {
  readonly state: SmsState;
  /** The tree size the state reflects: every figure is as of this size. */
  readonly size: bigint;
  readonly root: string;
}

/** A projection checked against the state rebuilt from the log, at the projection's tree size. */
export interface SmsProjectionCheck {
  readonly vault: string;
  readonly size: bigint;
  /** How many differences; 0 when the projection is the log's state. */
  readonly count: number;
  /** The first differences, one sentence each. */
  readonly differences: readonly string[];
}

type Filter = { typePrefix?: string; type?: string };

// Entries matching `filter` with `after` < index < `below`, in index order.
async function recordsOf(reader: LogReader, vault: string, filter: Filter, below: bigint, after?: bigint): Promise<SmsRecordInput[]> {
  const out: SmsRecordInput[] = [];
  let cursor = after;
  for (;;) {
    const rows = await reader.findEntries(vault, { ...filter, limit: PAGE, ...(cursor !== undefined ? { after: cursor } : {}) });
    for (const r of rows) {
      if (r.index >= below) return out;
      const sup = parseEntry(r.entry).env.supersedes;
      out.push({
        index: r.index,
        leafHash: toHex(r.leafHash),
        type: r.type,
        author: r.author,
        time: r.claimedTime,
        supersedes: sup === undefined ? null : sup.index,
        payload: r.payload === null ? null : parseJson(r.payload),
      });
    }
    if (rows.length < PAGE) return out;
    cursor = rows.at(-1)!.index;
  }
}

// The SMS records and custody events of the entries in (after, below).
async function smsRecords(reader: LogReader, vault: string, below: bigint, after?: bigint): Promise<SmsRecordInput[]> {
  const [sms, custody] = await Promise.all([recordsOf(reader, vault, { typePrefix: "sms." }, below, after), recordsOf(reader, vault, { type: "custody.event" }, below, after)]);
  return [...sms, ...custody];
}

interface Kept extends VaultSmsState {
  readonly projection: SmsProjection;
}

async function built(reader: LogReader, vault: string, size: bigint, root: Uint8Array): Promise<Kept> {
  const projection = createSmsProjection();
  projection.add(await smsRecords(reader, vault, size));
  return { projection, state: projection.state(), size, root: toHex(root) };
}

/** Each vault's SMS state, kept by a projection as the vault grows, and its check against the log. */
export interface SmsStates {
  /** The state as of the vault's current tree size. */
  of(vault: string): Promise<VaultSmsState>;
  /** The state rebuilt from the log, with every payload checked, compared with the projection's at the projection's tree size. */
  check(vault: string): Promise<SmsProjectionCheck>;
}

const SHARED = new WeakMap<LogReader, SmsStates>();

/**
 * The one projection per vault that every reader of `reader`'s store shares
 * (the figure, report, register and export routes of a server), so a
 * vault's state is built and held once.
 *
 * @example
 * ```ts
 * const states = sharedSmsStates(ledger.reader);
 * await states.of("default");
 * ```
 */
export function sharedSmsStates(reader: LogReader): SmsStates {
  let states = SHARED.get(reader);
  if (states === undefined) SHARED.set(reader, (states = createSmsStates(reader)));
  return states;
}

/**
 * A projection of each vault's SMS state, built at first use and fed the
 * entries appended since at each later use.
 *
 * @example
 * ```ts
 * const states = createSmsStates(store);
 * const { state, size } = await states.of("default");
 * (await states.check("default")).count // 0
 * ```
 */
export function createSmsStates(reader: LogReader): SmsStates {
  // One update at a time per vault: each starts from the state the previous one left.
  const cache = new Map<string, Promise<Kept>>();
  const of = (vault: string): Promise<Kept> => {
    const previous = cache.get(vault);
    const next = (async (): Promise<Kept> => {
      const tree = await reader.tree(vault);
      const kept = previous === undefined ? undefined : await previous.catch(() => undefined);
      if (kept === undefined || tree.size < kept.size) return built(reader, vault, tree.size, tree.root);
      if (kept.size === tree.size) return kept;
      const redactions = await recordsOf(reader, vault, { type: REDACTION_RECORD_TYPE }, tree.size, kept.size - 1n);
      if (redactions.length > 0) return built(reader, vault, tree.size, tree.root);
      kept.projection.add(await smsRecords(reader, vault, tree.size, kept.size - 1n));
      return { projection: kept.projection, state: kept.projection.state(), size: tree.size, root: toHex(tree.root) };
    })();
    cache.set(vault, next);
    next.catch(() => {
      if (cache.get(vault) === next) cache.delete(vault);
    });
    return next;
  };
  return {
    async of(vault) {
      const { state, size, root } = await of(vault);
      return { state, size, root };
    },
    async check(vault) {
      const kept = await of(vault);
      const rebuilt = smsState(await smsRecords(reader, vault, kept.size));
      const d = compareSmsStates(rebuilt, kept.state);
      return { vault, size: kept.size, count: d.count, differences: d.differences };
    },
  };
}

/** What every computed answer says it was computed from: the catalogue and the tree. */
export function computedFrom(s: VaultSmsState): { catalogue: { id: string; version: string; digest: string }; treeSize: number; rootHash: string } {
  return { catalogue: { id: CATALOGUE.id, version: CATALOGUE.version, digest: catalogueDigest() }, treeSize: Number(s.size), rootHash: s.root };
}

/**
 * A period parameter: a month (2026-05), a quarter (2026-Q2) or a year
 * (2026), as the first and last day it holds.
 *
 * @example
 * ```ts
 * periodOf("2026-Q2") // { from: "2026-04-01", to: "2026-06-30" }
 * ```
 */
export function periodOf(text: string): { from: string; to: string } | null {
  const pad = (n: number) => String(n).padStart(2, "0");
  const last = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  let m = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m !== null) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    return { from: `${m[1]}-${pad(mo)}-01`, to: `${m[1]}-${pad(mo)}-${pad(last(y, mo))}` };
  }
  m = /^([0-9]{4})-Q([1-4])$/.exec(text);
  if (m !== null) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    return { from: `${m[1]}-${pad(q * 3 - 2)}-01`, to: `${m[1]}-${pad(q * 3)}-${pad(last(y, q * 3))}` };
  }
  m = /^([0-9]{4})$/.exec(text);
  if (m !== null) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  return null;
}
