/**
 * The chain of custody inside a custody evidence bundle: once a bundle is
 * verified, its valid `custody.event` records are judged by custodyChain,
 * against the membership records the bundle carries, so that an auditor
 * sees who held the goods and every exception offline, from proven records
 * only.
 */
import { MEMBER_RECORD_TYPE, parseEntry, type MemberChange } from "../record/envelope.js";
import { optionalObject, requireArray, requireObject } from "../args.js";
import { fromBase64 } from "../bytes.js";
import { custodyChain, type CustodyChain, type CustodyEvent } from "../custody/chain.js";
import { custodyIdentifierKey } from "../custody/identifiers.js";
import { writeRightsOf } from "../custody/membership.js";
import type { BundleReport, EvidenceBundle } from "./types.js";

/** Record type of a captured EPCIS event (docs/formats.md §17). */
export const CUSTODY_EVENT_RECORD_TYPE = "custody.event";

/**
 * The chain of custody of `bundle.custody.identifier` (or `identifier`) from
 * the records `report` found valid. Records that failed verification, and
 * redacted ones, take no part; an event by an organisation that the bundled
 * membership records did not allow to write custody events at that index is
 * named `not_a_member`.
 *
 * @example
 * ```ts
 * const report = await verifyBundle(bundle, policy);
 * const chain = bundleCustodyChain(bundle, report);
 * ```
 */
export function bundleCustodyChain(
  bundle: EvidenceBundle,
  report: BundleReport,
  opts: { identifier?: string; maxGapMs?: number; now?: Date } = {},
): CustodyChain | null {
  requireArray(requireObject(bundle, "bundleCustodyChain: bundle").records, "bundleCustodyChain: bundle.records");
  requireArray(requireObject(report, "bundleCustodyChain: report").records, "bundleCustodyChain: report.records");
  optionalObject(opts, "bundleCustodyChain: options");
  const identifier = opts.identifier ?? bundle.custody?.identifier;
  if (identifier === undefined) return null;
  const valid = new Map(report.records.filter((r) => r.status === "valid").map((r) => [r.index, r]));
  const events: CustodyEvent[] = [];
  // Membership history from the bundled membership records that verified; their authors run the vault.
  const memberships: { index: number; member: MemberChange }[] = [];
  const operators = new Set<string>();
  for (const rec of bundle.records) {
    const r = valid.get(rec.index);
    if (r === undefined) continue;
    if (r.type === MEMBER_RECORD_TYPE) {
      const m = parseEntry(fromBase64(rec.entry, "entry")).env.member;
      if (m === undefined) continue;
      operators.add(r.author!);
      memberships.push({ index: rec.index, member: m });
    } else if (r.type === CUSTODY_EVENT_RECORD_TYPE && rec.payload !== undefined) {
      const ev = JSON.parse(rec.payload) as Record<string, unknown>;
      events.push({ event: ev, eventId: typeof ev.eventID === "string" ? ev.eventID : `record ${rec.index}`, index: rec.index, author: r.author!, context: ev["@context"] });
    }
  }
  const canWrite = writeRightsOf(memberships, operators);
  const isMember = (org: string, index: number): boolean => canWrite(org, index, CUSTODY_EVENT_RECORD_TYPE);
  return custodyChain(identifier, events, {
    normalize: custodyIdentifierKey,
    isMember,
    ...(opts.maxGapMs !== undefined ? { maxGapMs: opts.maxGapMs } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
}
