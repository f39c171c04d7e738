/**
 * Options and argument parsers that several commands share. A parser throws
 * UsageError (exit code 2) for a value that is not of its kind.
 */
import { existsSync, readFileSync } from "node:fs";
import { Option } from "commander";
import { parseVerifierKey } from "@sealtrail/core";
import { UsageError } from "./io.js";

/**
 * A parser of a non-negative integer (at most 19 digits) to bigint, naming `name` in its error.
 *
 * @example
 * ```ts
 * cmd.option("--index <n>", "entry index", uint("--index"));
 * ```
 */
export function uint(name: string) {
  return (v: string): bigint => {
    if (!/^(0|[1-9][0-9]{0,18})$/.test(v)) throw new UsageError(`${name} must be a non-negative integer, got "${v}"`);
    return BigInt(v);
  };
}

/**
 * A non-negative integer option, parsed to bigint. Its default is shown in
 * --help as digits: commander prints a default with JSON.stringify unless it
 * has a description, and JSON.stringify throws on a bigint.
 *
 * @example
 * ```ts
 * cmd.addOption(uintOption("--anchor-every <n>", "anchor every Nth published checkpoint", 1n));
 * ```
 */
export function uintOption(flags: string, description: string, dflt?: bigint): Option {
  const option = new Option(flags, description);
  option.argParser(uint(option.long ?? flags));
  return dflt === undefined ? option : option.default(dflt, dflt.toString());
}

/**
 * A parser of a TCP port, 0-65535.
 *
 * @example
 * ```ts
 * new Option("--port <n>", "TCP port").default(8080).argParser(port);
 * ```
 */
export function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0-65535, got "${v}"`);
  return n;
}

/**
 * A verifier key given as its text, or as a file holding it.
 *
 * @example
 * ```ts
 * const vkey = readVerifierKey(o.vkey);
 * ```
 */
export function readVerifierKey(arg: string): string {
  const text = arg.trim();
  try {
    parseVerifierKey(text);
    return text;
  } catch {
    if (!existsSync(arg)) throw new UsageError(`--vkey: neither a verifier key nor a file: ${arg}`);
    return readFileSync(arg, "utf8").trim();
  }
}

/** `--data DIR`: the SQLite data directory. */
export const dataOption = () => new Option("--data <dir>", "data directory (SQLite)").default("./data");

/** `--db URL`: a PostgreSQL database instead of SQLite. */
export const dbOption = () =>
  new Option("--db <url>", "PostgreSQL database URL (postgres://...) instead of SQLite in --data").env("DATABASE_URL");

/** `--server URL`: act on a remote server instead of a local store. */
export const serverOption = () =>
  new Option("--server <url>", "act on a remote SealTrail server (API key from SEALTRAIL_API_KEY)").env("SEALTRAIL_SERVER");
