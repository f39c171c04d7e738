/**
 * Reading redactions (docs/formats.md §5b): a redacted record's payload and
 * salt are gone; who redacted it, when and why is read from the redaction
 * record that the store names in `redactedBy`.
 */
import { REDACTION_RECORD_TYPE, SealTrailError, parseEntry } from "@sealtrail/core";
import type { EntryRow, LogReader } from "../store/types.js";

/** Who erased a record's payload, when and why: the redaction record's index, author, claimed time and reason. */
export interface RedactionInfo {
  readonly by: bigint;
  readonly author: string;
  readonly time: string;
  readonly reason: string | null;
}

/**
 * The redaction of each redacted row, by the row's index (rows not redacted
 * are absent). One read per redaction record named.
 *
 * @example
 * ```ts
 * const redactions = await redactionsOf(store, "default", rows);
 * redactions.get(12n)?.author; // "carrier"
 * ```
 */
export async function redactionsOf(reader: LogReader, vault: string, rows: readonly EntryRow[]): Promise<Map<bigint, RedactionInfo>> {
  const out = new Map<bigint, RedactionInfo>();
  for (const row of rows) {
    if (row.redactedBy === null) continue;
    const [r] = await reader.entries(vault, row.redactedBy, row.redactedBy + 1n);
    if (r === undefined) throw new SealTrailError("internal", `record ${row.index} is marked redacted by ${row.redactedBy}, which is not stored`);
    const env = parseEntry(r.entry).env;
    if (env.type !== REDACTION_RECORD_TYPE || env.redacts === undefined || BigInt(env.redacts.index) !== row.index) {
      throw new SealTrailError("internal", `record ${row.index} is marked redacted by ${row.redactedBy}, which is not a redaction of it`);
    }
    out.set(row.index, { by: r.index, author: env.author, time: env.time, reason: env.redacts.reason ?? null });
  }
  return out;
}

/**
 * The JSON form of a redaction, as the HTTP API returns it.
 *
 * @example
 * ```ts
 * redactionJson(info); // { by: 14, author: "carrier", time: "2026-...", reason: "erasure request" }
 * ```
 */
export function redactionJson(r: RedactionInfo): { by: number; author: string; time: string; reason: string | null } {
  return { by: Number(r.by), author: r.author, time: r.time, reason: r.reason };
}
