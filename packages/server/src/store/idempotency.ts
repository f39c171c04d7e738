/**
 * Idempotent appends, shared by every engine. A request may carry an
 * idempotency key; its first entry then carries a marker (scope, key, hash of
 * the request, number of entries). Inside the sequencing transaction the
 * store looks the key up: a request seen before with the same hash is
 * answered with its original outcomes and appends nothing; the same key with
 * another request is refused; a new one is appended and its outcomes stored
 * in the same transaction. Because this happens under the vault's sequencing
 * lock, two copies of a request racing on two server processes still append
 * once.
 */
import { bytesEqual } from "@sealtrail/core";
import type { PendingEntry, SequenceOutcome } from "./types.js";

/** A stored request outcome. */
export interface IdempotencyRecord {
  readonly hash: Uint8Array;
  /** JSON of the outcomes, see encodeOutcomes. */
  readonly outcomes: string;
}

/** What to do with each request of a batch. */
export type RequestPlan =
  | { readonly kind: "new"; readonly start: number; readonly count: number; readonly scope: string; readonly key: string; readonly hash: Uint8Array }
  | { readonly kind: "replay"; readonly start: number; readonly count: number; readonly outcomes: SequenceOutcome[] }
  | { readonly kind: "same-batch"; readonly start: number; readonly count: number; readonly of: number }
  | { readonly kind: "mismatch"; readonly start: number; readonly count: number };

/** Map key of an idempotency row. */
export const idemKey = (scope: string, key: string): string => `${scope}\u0000${key}`;

/** The (scope, key) pairs of the marked requests in a batch. */
export function markedRequests(entries: readonly PendingEntry[]): { scope: string; key: string }[] {
  return entries.flatMap((e) => (e.request === undefined || e.request === null ? [] : [{ scope: e.request.scope, key: e.request.key }]));
}

/**
 * Plan a batch given the stored records of its marked requests. Entries not
 * in any marked request are not in the plan (they are simply appended).
 */
export function planRequests(entries: readonly PendingEntry[], stored: ReadonlyMap<string, IdempotencyRecord>): RequestPlan[] {
  const plans: RequestPlan[] = [];
  const firstInBatch = new Map<string, { plan: number; hash: Uint8Array }>();
  entries.forEach((e, start) => {
    const r = e.request;
    if (r === undefined || r === null) return;
    const k = idemKey(r.scope, r.key);
    const old = stored.get(k);
    if (old !== undefined) {
      plans.push(
        bytesEqual(old.hash, r.hash)
          ? { kind: "replay", start, count: r.count, outcomes: decodeOutcomes(old.outcomes) }
          : { kind: "mismatch", start, count: r.count },
      );
      return;
    }
    const first = firstInBatch.get(k);
    if (first !== undefined) {
      plans.push(bytesEqual(first.hash, r.hash) ? { kind: "same-batch", start, count: r.count, of: first.plan } : { kind: "mismatch", start, count: r.count });
      return;
    }
    firstInBatch.set(k, { plan: plans.length, hash: r.hash });
    plans.push({ kind: "new", start, count: r.count, scope: r.scope, key: r.key, hash: r.hash });
  });
  return plans;
}

/** Outcomes of the entries that a plan answers without appending (by entry position). */
export function skippedOutcomes(plans: readonly RequestPlan[]): Map<number, SequenceOutcome | "later"> {
  const out = new Map<number, SequenceOutcome | "later">();
  for (const p of plans) {
    for (let i = 0; i < p.count; i++) {
      if (p.kind === "replay") out.set(p.start + i, p.outcomes[i] ?? MISMATCH);
      else if (p.kind === "mismatch") out.set(p.start + i, MISMATCH);
      else if (p.kind === "same-batch") out.set(p.start + i, "later");
    }
  }
  return out;
}

const MISMATCH: SequenceOutcome = {
  ok: false,
  code: "conflict",
  message: "this Idempotency-Key was used for a different request",
};

/** After sequencing: fill the outcomes of same-batch copies from their first request. */
export function resolveSameBatch(plans: readonly RequestPlan[], outcomes: (SequenceOutcome | "later")[]): SequenceOutcome[] {
  for (const p of plans) {
    if (p.kind !== "same-batch") continue;
    const first = plans[p.of]!;
    for (let i = 0; i < p.count; i++) outcomes[p.start + i] = replayed(outcomes[first.start + i] as SequenceOutcome);
  }
  return outcomes as SequenceOutcome[];
}

function replayed(o: SequenceOutcome): SequenceOutcome {
  return o.ok ? { ok: true, index: o.index, replayed: true } : o;
}

/** The records to store for the new requests of a batch. */
export function newRecords(
  plans: readonly RequestPlan[],
  outcomes: readonly SequenceOutcome[],
): { scope: string; key: string; hash: Uint8Array; outcomes: string }[] {
  return plans.flatMap((p) =>
    p.kind === "new" ? [{ scope: p.scope, key: p.key, hash: p.hash, outcomes: encodeOutcomes(outcomes.slice(p.start, p.start + p.count)) }] : [],
  );
}

/** Outcomes as JSON (indices as strings: they are uint64). */
export function encodeOutcomes(outcomes: readonly SequenceOutcome[]): string {
  return JSON.stringify(outcomes.map((o) => (o.ok ? { i: o.index.toString() } : { c: o.code, m: o.message })));
}

/** Stored outcomes, marked as replayed. */
export function decodeOutcomes(json: string): SequenceOutcome[] {
  const arr = JSON.parse(json) as ({ i: string } | { c: "unknown_key" | "conflict" | "not_found"; m: string })[];
  return arr.map((o) => ("i" in o ? { ok: true, index: BigInt(o.i), replayed: true } : { ok: false, code: o.c, message: o.m }));
}
