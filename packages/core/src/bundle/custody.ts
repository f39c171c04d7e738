/**
 * The chain of custody inside a custody evidence bundle: once a bundle is
 * verified, its valid `custody.event` records are judged by custodyChain,
 * against the membership records the bundle carries, so that an auditor
 * sees who held the goods and every exception offline, from proven records
 * only.
 */
import { MEMBER_RECORD_TYPE, parseEntry, typeMatches, type MemberChange } from "../record/envelope.js";
import { fromBase64 } from "../bytes.js";
import { custodyChain, type CustodyChain, type CustodyEvent } from "../custody/chain.js";
import { normaliseGs1Identifier } from "../epcis/digital-link.js";
import type { BundleReport, EvidenceBundle } from "./types.js";

/** Record type of a captured EPCIS event (docs/formats.md §17). */
export const CUSTODY_EVENT_RECORD_TYPE = "custody.event";

/** The identifier form custody records are indexed by: GS1 Digital Link where it has one. */
function identifierKey(id: string): string {
  try {
    return normaliseGs1Identifier(id) ?? id;
  } catch {
    return id;
  }
}

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
  const identifier = opts.identifier ?? bundle.custody?.identifier;
  if (identifier === undefined) return null;
  const valid = new Map(report.records.filter((r) => r.status === "valid").map((r) => [r.index, r]));
  const events: CustodyEvent[] = [];
  // Membership history from the bundled membership records that verified; their authors run the vault.
  const history = new Map<string, { index: number; change: MemberChange }[]>();
  const operators = new Set<string>();
  for (const rec of bundle.records) {
    const r = valid.get(rec.index);
    if (r === undefined) continue;
    if (r.type === MEMBER_RECORD_TYPE) {
      const m = parseEntry(fromBase64(rec.entry, "entry")).env.member;
      if (m === undefined) continue;
      operators.add(r.author!);
      const list = history.get(m.org) ?? [];
      list.push({ index: rec.index, change: m });
      history.set(m.org, list);
    } else if (r.type === CUSTODY_EVENT_RECORD_TYPE && rec.payload !== undefined) {
      const ev = JSON.parse(rec.payload) as Record<string, unknown>;
      events.push({ event: ev, eventId: typeof ev.eventID === "string" ? ev.eventID : `record ${rec.index}`, index: rec.index, author: r.author!, context: ev["@context"] });
    }
  }
  for (const list of history.values()) list.sort((a, b) => a.index - b.index);
  const isMember = (org: string, index: number): boolean => {
    if (operators.has(org)) return true;
    let current: MemberChange | null = null;
    for (const h of history.get(org) ?? []) {
      if (h.index > index) break;
      current = h.change;
    }
    return current !== null && current.action === "set" && current.write.some((p) => typeMatches(p, CUSTODY_EVENT_RECORD_TYPE));
  };
  return custodyChain(identifier, events, {
    normalize: identifierKey,
    isMember,
    ...(opts.maxGapMs !== undefined ? { maxGapMs: opts.maxGapMs } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
}
