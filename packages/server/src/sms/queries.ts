/**
 * Reading SMS records: the latest version of each record of a type, a page
 * at a time and filtered on its fields, and one record with its history.
 * Shared by the HTTP routes and the CLI.
 */
import { SealTrailError, nextStatuses, parseJson, toHex, type SmsRecordType, type SmsRecordView } from "@sealtrail/core";
import { recordHistory } from "../ledger/history.js";
import { redactionJson, redactionsOf, type RedactionInfo } from "../ledger/redaction.js";
import type { EntryRow, LogReader } from "../store/types.js";
import { seriesName } from "./record-rules.js";

function viewOf(r: EntryRow, redacted: RedactionInfo | null): SmsRecordView {
  const payload = r.payload === null ? null : (parseJson(r.payload) as Record<string, unknown>);
  return {
    id: payload === null ? null : (payload.id as string),
    index: Number(r.index),
    leafHash: toHex(r.leafHash),
    author: r.author,
    claimedTime: r.claimedTime,
    sequencedAt: r.sequencedAt,
    payload,
    redacted: redacted === null ? null : redactionJson(redacted),
  };
}

/**
 * True when a payload matches every filter: a top-level field by its text
 * (`status=open`, `domain=cargo`); an array field when one element matches;
 * an object field (an owner) when one of its members matches.
 *
 * @example
 * ```ts
 * matchesFilters({ status: "open" }, [["status", "open"]]) // true
 * ```
 */
export function matchesFilters(payload: Record<string, unknown> | null, filters: readonly (readonly [string, string])[]): boolean {
  if (filters.length === 0) return true;
  if (payload === null) return false;
  return filters.every(([k, v]) => {
    const x = payload[k];
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return String(x) === v;
    if (Array.isArray(x)) return x.some((e) => String(e) === v);
    if (x !== null && typeof x === "object") return Object.values(x).some((e) => String(e) === v);
    return false;
  });
}

/** How far one page of a filtered list reads before answering with what it found. */
export const MAX_SCAN = 20_000;

/**
 * A page of the latest versions of `type`'s records, in record-id order,
 * after the series `after`. `next` is where the following page starts (null
 * at the end).
 *
 * @example
 * ```ts
 * const page = await latestRecords(reader, "default", "sms.risk", { filters: [["status", "open"]], limit: 50 });
 * ```
 */
export async function latestRecords(
  reader: LogReader,
  vault: string,
  type: SmsRecordType,
  q: { filters?: readonly (readonly [string, string])[]; limit: number; after?: string },
): Promise<{ records: SmsRecordView[]; next: string | null }> {
  const out: EntryRow[] = [];
  let after = q.after;
  let scanned = 0;
  let more = true;
  while (out.length < q.limit && more && scanned < MAX_SCAN) {
    const want = Math.min(1000, q.limit * 4);
    const batch = await reader.latestVersions(vault, { prefix: `${type} `, ...(after !== undefined ? { after } : {}), limit: want });
    more = batch.length === want;
    for (const r of batch) {
      scanned++;
      after = r.series;
      if (matchesFilters(r.payload === null ? null : (parseJson(r.payload) as Record<string, unknown>), q.filters ?? [])) out.push(r);
      if (out.length === q.limit) break;
    }
  }
  const redactions = await redactionsOf(reader, vault, out);
  // More may follow unless the scan reached the end of the type's records.
  const next = !more && out.length < q.limit ? null : (after ?? null);
  return { records: out.map((r) => viewOf(r, redactions.get(r.index) ?? null)), next };
}

/**
 * One record: its latest version, every version oldest first (each naming
 * the one it supersedes), and the workflow statuses it may move to next.
 *
 * @example
 * ```ts
 * const r = await smsRecord(reader, "default", "sms.audit", "AUD-1");
 * r.nextStatuses // ["planned", "fieldwork"]
 * ```
 */
export async function smsRecord(reader: LogReader, vault: string, type: SmsRecordType, id: string) {
  const head = await reader.seriesHead(vault, seriesName(type, id));
  if (head === null) throw new SealTrailError("not_found", `no ${type} record with id ${id}`);
  const versions = await recordHistory(reader, vault, head);
  const latest = versions.at(-1)!;
  const view = viewOf(latest.row, latest.redacted);
  return {
    ...view,
    nextStatuses: nextStatuses(type, view.payload === null ? null : String(view.payload.status)),
    versions: versions.map((v) => ({ ...viewOf(v.row, v.redacted), supersedes: v.supersedes === null ? null : Number(v.supersedes) })),
  };
}

/**
 * The latest version of a record as the next version must name it.
 *
 * @example
 * ```ts
 * const { index, leafHash } = await latestVersionOf(reader, "default", "sms.risk", "R-12");
 * ```
 */
export async function latestVersionOf(reader: LogReader, vault: string, type: SmsRecordType, id: string): Promise<{ index: bigint; leafHash: string }> {
  const head = await reader.seriesHead(vault, seriesName(type, id));
  if (head === null) throw new SealTrailError("not_found", `no ${type} record with id ${id}`);
  const [row] = await reader.entries(vault, head, head + 1n);
  return { index: head, leafHash: toHex(row!.leafHash) };
}
