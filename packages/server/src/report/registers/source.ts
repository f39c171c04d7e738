/**
 * What a set of registers is computed from: a vault's SMS state at a tree
 * size, and the day the registers are read as of (an acceptance expired on
 * that day counts as none; a supplier's next assessment is due by it).
 */
import { CATALOGUE, catalogueDigest } from "@sealtrail/core";
import type { VaultSmsState } from "../../sms/state.js";
import type { RegisterName } from "./columns.js";

/** The input of the writers. */
export interface RegistersSource {
  readonly vault: string;
  readonly state: VaultSmsState;
  /** YYYY-MM-DD. */
  readonly asOf: string;
  /** When the file was made (default: now). */
  readonly made?: Date;
}

/** The lines of the workbook's first sheet and of the CLI's summary: what the registers were computed from. */
export function provenance(src: RegistersSource): [string, string | number | Date][] {
  return [
    ["Vault", src.vault],
    ["Tree size", Number(src.state.size)],
    ["Root hash", src.state.root],
    ["Catalogue", `${CATALOGUE.id} ${CATALOGUE.version}`],
    ["Catalogue SHA-256", catalogueDigest()],
    ["As of", src.asOf],
    ["Made", src.made ?? new Date()],
  ];
}

/**
 * The file name of a download: the vault, the register (CSV) and the day,
 * with nothing but the characters a record id allows.
 *
 * @example
 * ```ts
 * registersFileName("demo", "2026-12-08", "xlsx") // "demo-registers-2026-12-08.xlsx"
 * ```
 */
export function registersFileName(vault: string, asOf: string, format: "xlsx" | "csv", register?: RegisterName): string {
  return `${vault}-${register ?? "registers"}-${asOf}.${format}`;
}
