/**
 * What the custody events of a period show about seals and inspections (the
 * SealTrail security extension, docs/epcis-security-extension.md): the
 * exposure beside the seal and custody KPIs, which themselves count the
 * exceptions raised as incidents (catalogue/kpis.ts).
 */
import { readSecurityExtension, type SecurityData } from "../../custody/security-extension.js";
import { stateIndex } from "./indexes.js";
import { uniqueRefs, type SmsRef, type SmsState } from "./records.js";

/**
 * Seal checks and inspections read from the custody events whose eventTime
 * falls in the period (the SealTrail security extension): the exposure
 * behind the seal KPI, which itself counts the exceptions raised as
 * incidents.
 */
export interface CustodyObservations {
  readonly events: number;
  readonly sealChecks: number;
  readonly sealCheckFailures: number;
  readonly inspections: number;
  readonly inspectionFailures: number;
  /** Events whose security extension does not read (counted in none of the above). */
  readonly unreadable: number;
  readonly refs: readonly SmsRef[];
}

/**
 * Seal checks and inspections in the custody events of a period.
 *
 * @example
 * ```ts
 * custodyObservations(state, "2026-03-01", "2026-03-31").sealCheckFailures // 1
 * ```
 */
export function custodyObservations(s: SmsState, from: string, to: string): CustodyObservations {
  let events = 0;
  let sealChecks = 0;
  let sealCheckFailures = 0;
  let inspections = 0;
  let inspectionFailures = 0;
  let unreadable = 0;
  const refs: SmsRef[] = [];
  // Only the events of the period, found by day (indexes.ts), in log order.
  for (const c of stateIndex(s).custodyIn(from, to)) {
    events++;
    let sec: SecurityData;
    try {
      sec = readSecurityExtension(c.event as Record<string, unknown>, c.event["@context"]);
    } catch {
      unreadable++;
      refs.push(c.ref);
      continue;
    }
    const checked = sec.seals.filter((x) => x.action === "checked");
    const failed = checked.filter((x) => x.condition !== "intact" || (x.check !== undefined && Object.values(x.check).includes("fail")));
    sealChecks += checked.length;
    sealCheckFailures += failed.length;
    if (sec.inspection !== null) {
      inspections++;
      if (!sec.inspection.passed) inspectionFailures++;
    }
    if (checked.length > 0 || sec.inspection !== null) refs.push(c.ref);
  }
  return { events, sealChecks, sealCheckFailures, inspections, inspectionFailures, unreadable, refs: uniqueRefs(refs) };
}
