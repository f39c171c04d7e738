/**
 * Custody exceptions open security incidents (ISO 28000 §10.1: events that
 * call for a response are recorded, investigated and acted upon): an
 * `sms.incident` record (core's schema) whose `custody` names the identifier, each exception
 * and the log indices of the events behind it, so the incident register and
 * its KPIs point back to the sealed evidence.
 */
import { SealTrailError, sha256, toHex, utf8, type SmsPayload } from "@sealtrail/core";
import type { AppendResult, Ledger } from "../ledger/ledger.js";
import { appendCustodial } from "../ledger/custodial.js";
import type { Store } from "../store/types.js";
import type { VaultCustodyChain } from "./custody-of.js";
import { identifierKey } from "./capture.js";

/** Record type of a security incident. */
export const INCIDENT_TYPE = "sms.incident";

/**
 * The payload of an incident opened from a chain's exceptions.
 *
 * @example
 * ```ts
 * const payload = custodyIncidentPayload(chain);
 * ```
 */
export function custodyIncidentPayload(chain: VaultCustodyChain, at: Date = new Date()): SmsPayload<"sms.incident"> {
  if (chain.exceptions.length === 0) throw new SealTrailError("invalid", `the chain of custody of ${chain.identifier} has no exception to open an incident for`);
  const kinds = [...new Set(chain.exceptions.map((x) => x.kind))];
  const title = `Custody exceptions on ${chain.identifier}: ${kinds.join(", ")}`;
  const detected = at.toISOString();
  return {
    // A record id of its own: the moment, and a digest of the identifier.
    id: `INC-${detected.replace(/[-:.]/g, "")}-${toHex(sha256(utf8(chain.identifier))).slice(0, 8)}`,
    title: title.length > 300 ? title.slice(0, 297) + "..." : title,
    category: "custody",
    source: "custody-chain",
    status: "open",
    detected,
    // Seal tampering or theft is treated as severe; the rest as moderate until assessed.
    severity: kinds.some((k) => k === "seal_changed" || k === "seal_check_failed") || chain.steps.some((s) => s.disposition === "stolen") ? "high" : "medium",
    custody: {
      identifier: chain.identifier,
      exceptions: chain.exceptions.map((x) => ({ kind: x.kind, message: x.message, eventIds: [...x.eventIds], records: x.indices.map(String) })),
    },
  };
}

/**
 * Open an incident for a chain's exceptions, signed with `org`'s held key.
 *
 * @example
 * ```ts
 * const r = await openCustodyIncident(store, ledger, chain, "operator");
 * ```
 */
export async function openCustodyIncident(store: Store, ledger: Ledger, chain: VaultCustodyChain, org: string, opts: { submittedBy?: string } = {}): Promise<AppendResult> {
  const payload = custodyIncidentPayload(chain);
  const subject = identifierKey(chain.identifier);
  return appendCustodial(store, ledger, chain.vault, org, { type: INCIDENT_TYPE, payload, ...(subject.length <= 256 ? { subjects: [subject] } : {}) }, opts);
}
