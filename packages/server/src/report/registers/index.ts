/**
 * The SMS registers (statement of applicable controls, risk register,
 * supplier register, incident log, corrective-action log) as XLSX or CSV,
 * written to a stream: what `sealtrail report registers` and
 * GET /v1/vaults/{vault}/sms/registers both call.
 */
import type { Writable } from "node:stream";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SealTrailError } from "@sealtrail/core";
import { REGISTER_NAMES, type RegisterName } from "./columns.js";
import { registerOf } from "./registers.js";
import { registerCsv } from "./csv.js";
import type { RegistersSource } from "./source.js";

export { REGISTER_NAMES, type RegisterName } from "./columns.js";
export { REGISTERS, registerOf } from "./registers.js";
export { registersFileName, type RegistersSource } from "./source.js";
export { csvText } from "./csv.js";

/** The formats the registers are written in. */
export const REGISTER_FORMATS = ["xlsx", "csv"] as const;
export type RegisterFormat = (typeof REGISTER_FORMATS)[number];

/** Media types (the XLSX's from ECMA-376 Part 2 / IANA; CSV with its header parameter, RFC 4180 §3). */
export const REGISTER_MEDIA_TYPES: Readonly<Record<RegisterFormat, string>> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8; header=present",
};

/** What to write: the format and, for CSV (one register per file), which register. */
export interface RegistersRequest {
  readonly format: RegisterFormat;
  readonly register?: RegisterName;
}

/**
 * Check a request as a caller gives it (a query or command-line options),
 * naming the parameter that is wrong.
 *
 * @example
 * ```ts
 * registersRequest("csv", "risks") // { format: "csv", register: "risks" }
 * ```
 */
export function registersRequest(format: unknown, register: unknown): RegistersRequest {
  const bad = (parameter: string, message: string) => new SealTrailError("invalid", `${parameter}: ${message}`, { detail: { parameter } });
  const f = format ?? "xlsx";
  if (typeof f !== "string" || !(REGISTER_FORMATS as readonly string[]).includes(f)) throw bad("format", `one of ${REGISTER_FORMATS.join(", ")}`);
  if (register !== undefined && (typeof register !== "string" || !(REGISTER_NAMES as readonly string[]).includes(register))) throw bad("register", `one of ${REGISTER_NAMES.join(", ")}`);
  if (f === "csv" && register === undefined) throw bad("register", `a CSV holds one register: name one of ${REGISTER_NAMES.join(", ")}`);
  return { format: f as RegisterFormat, ...(register !== undefined ? { register: register as RegisterName } : {}) };
}

/**
 * Write the registers to `out` as the request asks, ending it.
 *
 * @example
 * ```ts
 * await writeRegisters(createWriteStream("risks.csv"), src, { format: "csv", register: "risks" });
 * ```
 */
export async function writeRegisters(out: Writable, src: RegistersSource, req: RegistersRequest): Promise<void> {
  // exceljs loads when a workbook is asked for, not when the CLI or the server starts.
  if (req.format === "xlsx") return (await import("./xlsx.js")).writeRegistersXlsx(out, src, req.register === undefined ? undefined : [req.register]);
  await pipeline(Readable.from(registerCsv(registerOf(req.register!), src)), out);
}
