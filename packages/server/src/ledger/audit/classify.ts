/**
 * The stored entries against the reference leaves: which are missing,
 * inserted, reordered or changed, and which were renumbered.
 */
import { HashIndex, type HashList } from "./hashes.js";
import { range, short, type AuditProblem, type Problems } from "./problems.js";
import type { Scan } from "./scan.js";

/**
 * Align the stored rows with the reference leaves and name each difference.
 * A row that matches the next reference leaf is in place (possibly under a
 * shifted index, which is attributed to the event before it); otherwise the
 * two hash indexes tell whether the row's record and the reference's record
 * exist elsewhere: neither → changed; only the reference's → inserted; only
 * the row's → missing; both → reordered.
 */
export function classifyEntries(
  ref: HashList,
  trusted: number,
  fullyTrusted: boolean,
  scan: Scan,
  lastCheckpoint: number,
  problems: Problems,
): void {
  const rows = scan.rows;
  const n = rows.length;
  const refUsed = new Uint8Array(trusted);
  const rowUsed = new Uint8Array(n);
  let refIndex: HashIndex | null = null;
  let rowIndex: HashIndex | null = null;
  const indexes = (): [HashIndex, HashIndex] => {
    refIndex ??= new HashIndex(ref, trusted);
    rowIndex ??= new HashIndex(rows, n);
    return [refIndex, rowIndex];
  };
  const isStored = (idx: number): boolean => {
    // Binary search over the ascending stored indices.
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = scan.indices[mid]!;
      if (v === idx) return true;
      if (v < idx) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  const uncovered = (i: number) => (i >= lastCheckpoint ? " (not yet covered by a signed checkpoint: the stored tile may be at fault instead)" : "");

  // The event since the last in-place match, to which an index shift is attributed.
  interface Event {
    problem: AuditProblem | null;
    kind: "missing" | "inserted" | "other";
    first: number;
    last: number;
    note: string;
  }
  let event: Event | null = null;
  const runs: { event: Event; from: number; delta: number; count: number }[] = [];
  let run: { event: Event; from: number; delta: number; count: number } | null = null;
  let offset = 0;
  let lastMatchedRow = -1;

  const finish = (e: Event | null) => {
    if (e === null || e.problem === null || e.kind === "other") return;
    const count = e.last - e.first + 1;
    if (e.kind === "missing") {
      e.problem.message =
        count === 1
          ? `entry ${e.first} of the tree is not in the store${e.note}`
          : `entries ${e.first}..${e.last} (${count}) of the tree are not in the store${e.note}`;
    } else {
      e.problem.message =
        count === 1
          ? `entry ${e.first} is not in the tree: its leaf hash is in no stored tile${e.note}`
          : `entries ${e.first}..${e.last} (${count}) are not in the tree: their leaf hashes are in no stored tile${e.note}`;
    }
  };
  const missing = (i: number, why: string) => {
    if (event?.kind === "missing" && event.last === i - 1 && event.problem !== null) {
      event.last = i;
      return;
    }
    finish(event);
    const note = why !== "" ? why : isStored(i) ? "" : " (a gap in the indices)";
    event = { problem: problems.add("missing", "", { index: BigInt(i) }), kind: "missing", first: i, last: i, note };
  };
  const inserted = (s: number, why: string) => {
    const idx = scan.indices[s]!;
    if (event?.kind === "inserted" && event.last === idx - 1 && event.problem !== null) {
      event.last = idx;
      return;
    }
    finish(event);
    event = { problem: problems.add("inserted", "", { index: BigInt(idx) }), kind: "inserted", first: idx, last: idx, note: why };
  };
  const other = (p: AuditProblem | null, idx: number) => {
    finish(event);
    event = { problem: p, kind: "other", first: idx, last: idx, note: "" };
  };
  const reordered = (s: number, p: number) => {
    const idx = scan.indices[s]!;
    other(problems.add("reordered", `entry ${idx} holds the record that the tree has at index ${p} (leaf ${short(ref.at(p))}…)`, { index: BigInt(idx) }), idx);
  };

  let i = 0;
  let s = 0;
  for (;;) {
    while (i < trusted && refUsed[i] === 1) i++;
    while (s < n && rowUsed[s] === 1) s++;
    if (i >= trusted && s >= n) break;
    if (i < trusted && s < n && rows.equals(s, ref.at(i))) {
      const idx = scan.indices[s]!;
      const d = idx - i;
      if (d !== offset) {
        let cause: Event | null = event;
        const gap = lastMatchedRow >= 0 ? idx - scan.indices[lastMatchedRow]! !== s - lastMatchedRow : idx !== s;
        if (cause === null && gap && d > offset) {
          const first = lastMatchedRow >= 0 ? scan.indices[lastMatchedRow]! + 1 : 0;
          cause = {
            problem: problems.add("missing", `no entry is stored at ${range(first, idx - 1)}: a gap in the indices, though no record of the tree is lost`, {
              index: BigInt(first),
            }),
            kind: "other",
            first,
            last: idx - 1,
            note: "",
          };
        }
        run = cause !== null && cause.problem !== null ? { event: cause, from: idx, delta: d - offset, count: 0 } : null;
        if (run !== null) runs.push(run);
        offset = d;
      }
      if (run !== null) run.count++;
      finish(event);
      event = null;
      refUsed[i] = 1;
      rowUsed[s] = 1;
      lastMatchedRow = s;
      i++;
      s++;
      continue;
    }
    if (s >= n) {
      missing(i, ` (the store holds ${n} entries, the tree covers ${trusted})`);
      refUsed[i] = 1;
      i++;
      continue;
    }
    if (i >= trusted) {
      // Rows past the reference: extra rows if the reference covers the whole tree.
      if (!fullyTrusted) break;
      const [byRef] = indexes();
      const p = byRef.find(rows.at(s), refUsed);
      if (p >= 0) {
        reordered(s, p);
        refUsed[p] = 1;
      } else inserted(s, ` (beyond the ${trusted} entries of the tree)`);
      rowUsed[s] = 1;
      s++;
      continue;
    }
    const [byRef, byRow] = indexes();
    const p = byRef.find(rows.at(s), refUsed);
    const q = byRow.find(ref.at(i), rowUsed);
    if (p < 0 && q < 0) {
      const idx = scan.indices[s]!;
      const at = idx === i ? "at that index" : `at index ${i}`;
      other(
        problems.add("changed", `entry ${idx} differs from the leaf the tree holds ${at} (stored ${short(rows.at(s))}…, tree ${short(ref.at(i))}…)${uncovered(i)}`, {
          index: BigInt(idx),
        }),
        idx,
      );
      refUsed[i] = 1;
      rowUsed[s] = 1;
    } else if (p < 0) {
      inserted(s, "");
      rowUsed[s] = 1;
    } else if (q < 0) {
      // Row s holds the record of p, but if that record also sits where p
      // belongs, row s is a copy over a lost record: changed, not missing.
      const aligned = s + (p - i);
      if (aligned < n && rowUsed[aligned] === 0 && rows.equals(aligned, ref.at(p))) {
        const idx = scan.indices[s]!;
        other(
          problems.add("changed", `entry ${idx} differs from the leaf the tree holds at ${idx === i ? "that index" : `index ${i}`}: it is a copy of the record at index ${p}`, {
            index: BigInt(idx),
          }),
          idx,
        );
        rowUsed[s] = 1;
      } else missing(i, "");
      refUsed[i] = 1;
    } else {
      reordered(s, p);
      reordered(q, i);
      rowUsed[s] = 1;
      refUsed[p] = 1;
      rowUsed[q] = 1;
      refUsed[i] = 1;
    }
  }
  finish(event);
  for (const r of runs) {
    const p = r.event.problem!;
    const how = r.delta < 0 ? `down by ${-r.delta}` : `up by ${r.delta}`;
    const what = r.count === 1 ? "entry at index" : `${r.count} entries from index`;
    p.message += `; the ${what} ${r.from}${r.count === 1 ? " was" : " on were"} renumbered (${how})`;
  }
}
