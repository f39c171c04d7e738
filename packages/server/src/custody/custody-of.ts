/**
 * The chain of custody of an identifier as a vault holds it: its custody
 * events read through the subject index and judged by core's custodyChain
 * against the vault's membership history.
 */
import { custodyChain, type CustodyChain, type CustodyEvent } from "@sealtrail/core";
import type { AdminStore, LogReader } from "../store/types.js";
import { SETTING_OPERATOR } from "../ledger/bootstrap.js";
import { CUSTODY_EVENT_TYPE, identifierKey } from "./capture.js";
import { writeRights } from "./membership.js";

/** A chain of custody of one vault. */
export type VaultCustodyChain = CustodyChain & { readonly vault: string };

/**
 * The chain of custody of an identifier in a vault, judged against the
 * vault's membership history.
 *
 * @example
 * ```ts
 * const chain = await custodyOf(reader, store, "default", "urn:epc:id:sscc:0614141.1234567890");
 * ```
 */
export async function custodyOf(
  reader: LogReader,
  admin: AdminStore,
  vault: string,
  identifier: string,
  opts: { maxGapMs?: number; now?: Date } = {},
): Promise<VaultCustodyChain> {
  const key = identifierKey(identifier);
  const events: CustodyEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const rows = await reader.subjectPayloads(vault, { type: CUSTODY_EVENT_TYPE, subject: key, limit: 5000, ...(after !== undefined ? { after } : {}) });
    for (const r of rows) {
      if (r.payload === null) continue;
      // Payloads were checked (JSON object, depth) when they were captured.
      const ev = JSON.parse(r.payload) as Record<string, unknown>;
      events.push({ event: ev, eventId: typeof ev.eventID === "string" ? ev.eventID : `record ${r.index}`, index: Number(r.index), author: r.author, context: ev["@context"] });
    }
    if (rows.length < 5000) break;
    after = rows[rows.length - 1]!.index;
  }
  const canWrite = await writeRights(reader, vault, await admin.getSetting(SETTING_OPERATOR));
  const chain = custodyChain(identifier, events, {
    normalize: identifierKey,
    isMember: (org, index) => canWrite(org, index, CUSTODY_EVENT_TYPE),
    ...(opts.maxGapMs !== undefined ? { maxGapMs: opts.maxGapMs } : {}),
    now: opts.now ?? new Date(),
  });
  return { vault, ...chain };
}
