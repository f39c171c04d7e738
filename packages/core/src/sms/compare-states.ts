/**
 * Two SMS states compared, every difference named: how a projection kept
 * as records were appended (projection.ts) is checked against the state
 * rebuilt from the log with the full schema check. Records are compared by
 * type, record id, the log index and leaf hash of every version, author and
 * claimed time: a leaf hash is the hash of the signed record (RFC 6962
 * §2.1), which holds its payload, so equal leaf hashes are equal payloads;
 * a payload destroyed by redaction shows as a record withheld or redacted.
 */
import { SealTrailError } from "../errors.js";
import { requireState, type SmsEntry, type SmsState } from "./compute/records.js";
import { SMS_TYPES } from "./record-types.js";

/** The differences found, at most `limit` of them named, and how many in all. */
export interface SmsStateDifferences {
  readonly count: number;
  readonly differences: readonly string[];
}

const versions = (e: SmsEntry): string => e.history.map((v) => `${v.index}:${v.leafHash}:${v.redacted ? "redacted" : "readable"}:${v.author}:${v.time}`).join(",");

/**
 * Every difference between `expected` (e.g. rebuilt from the log) and
 * `actual` (e.g. a projection's state), the first `limit` (default 100)
 * named in a sentence each; none when they are the same state.
 *
 * @example
 * ```ts
 * compareSmsStates(smsState(records), projection.state()).count // 0
 * ```
 */
export function compareSmsStates(expected: SmsState, actual: SmsState, limit?: number): SmsStateDifferences {
  requireState(expected, "compareSmsStates: expected");
  requireState(actual, "compareSmsStates: actual");
  if (limit !== undefined && (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 0)) throw new SealTrailError("malformed", "compareSmsStates: limit: must be a non-negative integer");
  const most = limit ?? 100;
  const out: string[] = [];
  let count = 0;
  const differ = (text: string): void => {
    count++;
    if (out.length < most) out.push(text);
  };
  for (const t of SMS_TYPES) {
    const a = expected.records[t] as readonly SmsEntry[];
    const b = actual.records[t] as readonly SmsEntry[];
    const byId = new Map(b.map((e) => [e.id, e]));
    for (const e of a) {
      const f = byId.get(e.id);
      byId.delete(e.id);
      if (f === undefined) differ(`${t} ${e.id}: in expected (log index ${e.ref.index}), not in actual`);
      else if (f.ref.index !== e.ref.index || f.leafHash !== e.leafHash) differ(`${t} ${e.id}: latest version at log index ${e.ref.index} (leaf ${e.leafHash}) expected, ${f.ref.index} (leaf ${f.leafHash}) in actual`);
      else if (versions(e) !== versions(f) || e.author !== f.author || e.time !== f.time) differ(`${t} ${e.id}: versions ${versions(e)} expected, ${versions(f)} in actual`);
    }
    for (const f of byId.values()) differ(`${t} ${f.id}: in actual (log index ${f.ref.index}), not in expected`);
    // The computations read each list in its order (by record id).
    if (a.length === b.length && a.some((e, k) => e.id !== b[k]!.id)) differ(`${t}: records in another order than by record id`);
  }
  const list = (name: string, a: readonly unknown[], b: readonly unknown[], key: (x: never) => string): void => {
    const ka = a.map((x) => key(x as never));
    const kb = b.map((x) => key(x as never));
    const inB = new Set(kb);
    const inA = new Set(ka);
    for (const k of ka) if (!inB.has(k)) differ(`${name}: ${k} expected, not in actual`);
    for (const k of kb) if (!inA.has(k)) differ(`${name}: ${k} in actual, not expected`);
    if (ka.length === kb.length && ka.some((k, i) => k !== kb[i])) differ(`${name}: the same entries in another order`);
  };
  list("custody", expected.custody, actual.custody, (c: SmsState["custody"][number]) => `${c.ref.id} at log index ${c.ref.index} (leaf ${c.leafHash})`);
  list("invalid", expected.invalid, actual.invalid, (r: SmsState["invalid"][number]) => `${r.type} ${r.id ?? "(no id)"} at log index ${r.index} (leaf ${r.leafHash}): ${JSON.stringify(r.problems)}`);
  list("redacted", expected.redacted, actual.redacted, (r: SmsState["redacted"][number]) => `${r.type} ${r.id ?? "(no id)"} at log index ${r.index}`);
  list("withheld", expected.withheld, actual.withheld, (r: SmsState["withheld"][number]) => `${r.type} ${r.id} at log index ${r.index}`);
  list("replays", expected.replays, actual.replays, (r: SmsState["replays"][number]) => `leaf ${r.leafHash} at log indices ${r.indices.join(", ")}`);
  if (expected.ignored !== actual.ignored) differ(`ignored: ${expected.ignored} records of other types expected, ${actual.ignored} in actual`);
  return { count, differences: out };
}
