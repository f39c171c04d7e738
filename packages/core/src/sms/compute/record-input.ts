/**
 * The input records of smsState and of a projection, checked and
 * normalised (log indices as numbers, leaf hashes in lower case), and the
 * order both take them in: by log index, so that a record supersedes only
 * one already placed (docs/formats.md §2).
 */
import { SealTrailError } from "../../errors.js";
import { requireObject } from "../../args.js";
import { canonicalize } from "../../json/canonicalize.js";

/** Record type of a captured EPCIS event (docs/formats.md §17). */
export const CUSTODY_EVENT = "custody.event";

/** A record as an SmsRecordInput gives it, its indices as numbers and its leaf hash in lower case. */
export interface Norm {
  readonly index: number;
  readonly leafHash: string;
  readonly type: string;
  readonly author: string;
  readonly time: string;
  readonly supersedes: number | null;
  readonly payload: unknown;
}

/**
 * Code-unit order of two strings: the order of record ids in a state.
 *
 * @example
 * ```ts
 * ["b", "a"].sort(cmp) // ["a", "b"]
 * ```
 */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function logIndex(v: unknown, name: string): number {
  if (typeof v === "bigint") {
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new SealTrailError("invalid", `${name}: must be a log index from 0 to 2^53-1`);
    return Number(v);
  }
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new SealTrailError("malformed", `${name}: must be a log index (a non-negative integer or bigint)`);
  return v;
}

/**
 * One input record checked and normalised; `name` is how errors call the list.
 *
 * @example
 * ```ts
 * normalise(record, 0, "smsState: records").index // 0
 * ```
 */
export function normalise(r: unknown, i: number, name: string): Norm {
  const o = requireObject(r, `${name}[${i}]`);
  const text = (k: string): string => {
    if (typeof o[k] !== "string") throw new SealTrailError("malformed", `${name}[${i}].${k}: must be a string`);
    return o[k] as string;
  };
  const leafHash = text("leafHash").toLowerCase();
  if (!/^[0-9a-f]{2,128}$/.test(leafHash)) throw new SealTrailError("malformed", `${name}[${i}].leafHash: must be hex`);
  if (o.payload === undefined) throw new SealTrailError("malformed", `${name}[${i}].payload: must be the payload, or null when redacted`);
  const supersedes = o.supersedes === null || o.supersedes === undefined ? null : logIndex(o.supersedes, `${name}[${i}].supersedes`);
  return { index: logIndex(o.index, `${name}[${i}].index`), leafHash, type: text("type"), author: text("author"), time: text("time"), supersedes, payload: o.payload };
}

/**
 * Records in the order smsState takes them: by log index, then leaf
 * hash, then a readable copy before a redacted one and canonical JSON, so
 * that input order never matters.
 *
 * @example
 * ```ts
 * list.sort(logOrder)
 * ```
 */
export const logOrder = (a: Norm, b: Norm): number => a.index - b.index || cmp(a.leafHash, b.leafHash) || cmp(payloadKey(a.payload), payloadKey(b.payload));

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

/**
 * The record id a payload names, or null.
 *
 * @example
 * ```ts
 * idOf({ id: "R-1" }) // "R-1"
 * ```
 */
export function idOf(payload: unknown): string | null {
  return payload !== null && typeof payload === "object" && typeof (payload as { id?: unknown }).id === "string" ? (payload as { id: string }).id : null;
}
