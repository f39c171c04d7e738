/**
 * The exports of a vault as the HTTP routes and the CLI ask for them: one
 * home for reading the vault's origin and state and checking the day asked
 * for, so both answer the same document for the same vault and day.
 */
import { SealTrailError } from "@sealtrail/core";
import type { VaultSmsState } from "../sms/state.js";
import { buildOscalAssessmentResults } from "./oscal.js";

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** What an export reads of a vault: its row (for the origin) and its SMS state. */
export interface ExportSources {
  vault(name: string): Promise<{ readonly origin: string } | null>;
  readonly states: { of(vault: string): Promise<VaultSmsState> };
}

/**
 * The OSCAL assessment-results document of `vault` on `asOf` (YYYY-MM-DD,
 * default `today`); a vault that does not exist is not_found.
 *
 * @example
 * ```ts
 * const doc = await oscalExportOf({ vault: (n) => store.vault(n), states: createSmsStates(store) }, "demo", "2026-12-08", today);
 * ```
 */
export async function oscalExportOf(src: ExportSources, vault: string, asOf: string | undefined, today: string): Promise<ReturnType<typeof buildOscalAssessmentResults>> {
  const day = asOf ?? today;
  // A calendar day: 2026-02-30 matches the pattern but rolls over into March, so the round trip catches it.
  if (!DATE.test(day) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) throw new SealTrailError("malformed", "asOf: a date, YYYY-MM-DD", { detail: { parameter: "asOf" } });
  const row = await src.vault(vault);
  if (row === null) throw new SealTrailError("not_found", `no vault named "${vault}"`);
  return buildOscalAssessmentResults({ vault, origin: row.origin, state: await src.states.of(vault), asOf: day });
}
