/**
 * The `sealtrail` program: every command, registered in the order --help
 * lists them. Each command lives in the file of its concept; this file only
 * composes them and keeps the exit code they set.
 */
import { Command } from "commander";
import { defaultIo, UsageError, type Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption, uint } from "./options.js";
import { registerServeCommands } from "./serve.js";
import { registerLogCommands } from "./log-commands.js";
import { registerVerifyCommands } from "./verify-commands.js";
import { registerRedactCommand } from "./redact.js";
import { registerCustodyCommand } from "./custody.js";
import { registerExportCommand } from "./bundle.js";
import { registerExportFormatCommands } from "./exports.js";
import { registerAdminCommands } from "./admin.js";
import { registerWitnessCommand } from "./witness.js";
import { registerSmsCommands } from "./sms.js";
import { registerFilesCommands } from "./files.js";
import { registerCheckFileCommand } from "./check-file.js";
import { registerDemoCommand } from "./demo.js";
import { registerReadinessReportCommand } from "./report-readiness.js";
import { registerReportCommands } from "./report.js";

/** The `sealtrail` program, and the exit code its last command set. */
export interface Program {
  readonly program: Command;
  /** 0 unless a command found a failure (1); read it after parsing. */
  readonly exitCode: () => number;
}

/**
 * Build the `sealtrail` program, writing to `io`; it does nothing until parsed.
 *
 * @example
 * ```ts
 * const { program } = createProgram();
 * const names = program.commands.map((c) => c.name());
 * ```
 */
export function createProgram(io: Io = defaultIo): Program {
  let code = 0;
  const setExitCode = (c: number) => {
    code = c;
  };
  const program = new Command()
    .name("sealtrail")
    .description("SealTrail: signed ISO 28000 records in an append-only, verifiable transparency log")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  registerServeCommands(program, io);
  registerDemoCommand(program, io);
  registerLogCommands(program, io);
  registerVerifyCommands(program, io, setExitCode);
  registerRedactCommand(program, { out: io.out, err: io.err, withContext: (loc, fn) => withContext(loc, fn), dataOption, dbOption, serverOption, parseIndex: uint("INDEX") });
  registerCustodyCommand(program, { out: io.out, err: io.err, withContext: (loc, fn) => withContext(loc, fn), dataOption, dbOption, serverOption, setExitCode });
  registerExportCommand(program, { out: io.out, err: io.err, withContext: (loc, fn) => withContext(loc, fn), dataOption, dbOption, usage: (m) => new UsageError(m) });
  registerExportFormatCommands(program, io);
  registerAdminCommands(program, io);
  registerWitnessCommand(program, io);
  registerSmsCommands(program, io);
  registerFilesCommands(program, io);
  registerCheckFileCommand(program, io, setExitCode);
  registerReportCommands(program, io);
  registerReadinessReportCommand(program, io);

  return { program, exitCode: () => code };
}
