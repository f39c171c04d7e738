/**
 * The `sealtrail` command line. Exit codes: 0 success (or valid), 1 failure
 * (or invalid / discrepancies found), 2 usage error.
 */
import { CommanderError } from "commander";
import { SealTrailError } from "@sealtrail/core";
import { defaultIo, UsageError, type Io } from "./io.js";
import { createProgram } from "./program.js";

/**
 * Run the CLI with `argv` (as process.argv) and return the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const { program, exitCode } = createProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return exitCode();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version") return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof SealTrailError) {
      io.err(`error (${e.code}): ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT" || err.code === "EACCES" || err.code === "EISDIR") {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}
