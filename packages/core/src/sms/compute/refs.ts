/**
 * Lists of {@link SmsRef} as every figure cites them: sorted by log index,
 * each record once. A vault's figures cite up to a million records, so the
 * sort uses a numeric key rather than a comparator.
 */
import type { SmsRef } from "./records.js";

/**
 * Refs sorted by log index, each once.
 *
 * @example
 * ```ts
 * uniqueRefs([b, a, b]) // [a, b] when a.index < b.index
 * ```
 */
export function uniqueRefs(refs: Iterable<SmsRef>): SmsRef[] {
  const list = Array.isArray(refs) ? (refs as readonly SmsRef[]) : [...refs];
  const n = list.length;
  // The same log index is the same record: keep the last ref given for it.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = list[i - 1]!.index <= list[i]!.index;
  if (!sorted) {
    const max = list.reduce((m, r) => Math.max(m, r.index), 0);
    if (n <= PACK && max < 2 ** 53 / PACK) {
      // Sort (index, position) packed into one number with the typed array's
      // numeric sort: ties by position, so the last of equal indices stays last.
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = list[i]!.index * PACK + i;
      keys.sort();
      const out: SmsRef[] = [];
      for (let i = 0; i < n; i++) {
        const r = list[keys[i]! % PACK]!;
        if (i + 1 < n && Math.floor(keys[i + 1]! / PACK) === r.index) continue;
        out.push(r);
      }
      return out;
    }
    const m = new Map<number, SmsRef>();
    for (const r of list) m.set(r.index, r);
    return [...m.values()].sort((a, b) => a.index - b.index);
  }
  const out: SmsRef[] = [];
  for (let i = 0; i < n; i++) if (i + 1 === n || list[i + 1]!.index !== list[i]!.index) out.push(list[i]!);
  return out;
}

// Positions below 2^21 pack beside log indices below 2^32 within 2^53.
const PACK = 2 ** 21;
