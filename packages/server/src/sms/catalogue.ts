/**
 * A vault adopts the catalogue its SMS is judged against: an `sms.catalogue`
 * record naming the catalogue, its version and the SHA-256 of its canonical
 * JSON, so that every report computed from the vault names exactly the data
 * it was judged by. A later catalogue version is a new version of the record.
 */
import { CATALOGUE, catalogueDigest, parseJson, type SmsPayload } from "@sealtrail/core";
import type { Ledger, AppendResult } from "../ledger/ledger.js";
import { appendCustodial } from "../ledger/custodial.js";
import type { Store } from "../store/types.js";
import { latestVersionOf } from "./queries.js";
import { seriesName } from "./record-rules.js";

/** The record id of a vault's catalogue record. */
export const CATALOGUE_RECORD_ID = "catalogue";

/**
 * The `sms.catalogue` payload of this build's catalogue.
 *
 * @example
 * ```ts
 * catalogueRecord(new Date()).digest // catalogueDigest()
 * ```
 */
export function catalogueRecord(at: Date): SmsPayload<"sms.catalogue"> {
  return { id: CATALOGUE_RECORD_ID, catalogue: CATALOGUE.id, version: CATALOGUE.version, digest: catalogueDigest(), adoptedAt: at.toISOString() };
}

/**
 * Record this build's catalogue in `vault`, signed with `org`'s held key,
 * unless the vault has adopted it already (then null).
 *
 * @example
 * ```ts
 * await adoptCatalogue(store, ledger, "default", "operator");
 * ```
 */
export async function adoptCatalogue(store: Store, ledger: Ledger, vault: string, org: string, at = new Date()): Promise<AppendResult | null> {
  const payload = catalogueRecord(at);
  const head = await store.seriesHead(vault, seriesName("sms.catalogue", CATALOGUE_RECORD_ID));
  if (head === null) return appendCustodial(store, ledger, vault, org, { type: "sms.catalogue", payload });
  const [row] = await store.entries(vault, head, head + 1n);
  const current = row?.payload == null ? null : (parseJson(row.payload) as { digest?: string });
  if (current?.digest === payload.digest) return null;
  const latest = await latestVersionOf(store, vault, "sms.catalogue", CATALOGUE_RECORD_ID);
  return appendCustodial(store, ledger, vault, org, { type: "sms.catalogue", payload, supersedes: { index: Number(latest.index), leafHash: latest.leafHash } });
}
