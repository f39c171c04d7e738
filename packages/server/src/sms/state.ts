/**
 * The SMS state of a vault, as core's computations take it: every `sms.*`
 * record and every custody event, read from the store and reduced by core's
 * smsState (replays once, schema failures set aside, versions resolved,
 * redactions honoured), so the server computes exactly what an auditor
 * recomputes offline from the same records. The state is kept per vault
 * and rebuilt when the tree has grown (a redaction is an append too).
 */
import { CATALOGUE, catalogueDigest, parseEntry, parseJson, smsState, toHex, type SmsRecordInput, type SmsState } from "@sealtrail/core";
import type { LogReader } from "../store/types.js";

const PAGE = 5000;

/** The state and the tree size it was computed at. */
export interface VaultSmsState {
  readonly state: SmsState;
  /** The tree size the state reflects: every figure is as of this size. */
  readonly size: bigint;
  readonly root: string;
}

async function recordsOf(reader: LogReader, vault: string, filter: { typePrefix?: string; type?: string }, below: bigint): Promise<SmsRecordInput[]> {
  const out: SmsRecordInput[] = [];
  let after: bigint | undefined;
  for (;;) {
    const rows = await reader.findEntries(vault, { ...filter, limit: PAGE, ...(after !== undefined ? { after } : {}) });
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
    after = rows.at(-1)!.index;
  }
}

/**
 * A cache of vaults' SMS states, each rebuilt when its tree has grown.
 *
 * @example
 * ```ts
 * const states = createSmsStates(store);
 * const { state, size } = await states.of("default");
 * ```
 */
export function createSmsStates(reader: LogReader): { of(vault: string): Promise<VaultSmsState> } {
  const cache = new Map<string, Promise<VaultSmsState>>();
  return {
    async of(vault) {
      const tree = await reader.tree(vault);
      const cached = cache.get(vault);
      if (cached !== undefined && (await cached).size === tree.size) return cached;
      const building = (async (): Promise<VaultSmsState> => {
        const [sms, custody] = await Promise.all([
          recordsOf(reader, vault, { typePrefix: "sms." }, tree.size),
          recordsOf(reader, vault, { type: "custody.event" }, tree.size),
        ]);
        return { state: smsState([...sms, ...custody]), size: tree.size, root: toHex(tree.root) };
      })();
      cache.set(vault, building);
      building.catch(() => cache.delete(vault));
      return building;
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
