/**
 * `sealtrail witness`: run a C2SP tlog-witness over the followed logs, and
 * `sealtrail witness evidence`: print what it kept of their misbehaviour.
 */
import { Option, type Command } from "commander";
import { createWitnessApp } from "../witness/app.js";
import { followedLog, readLogsFile } from "../witness/config.js";
import { openWitnessService } from "../witness/service.js";
import { readEvidence } from "../witness/state.js";
import { UsageError, type Io } from "./io.js";
import { port, readVerifierKey } from "./options.js";

/**
 * Register `sealtrail witness` and its `evidence` subcommand.
 *
 * @example
 * ```ts
 * registerWitnessCommand(program, io);
 * ```
 */
export function registerWitnessCommand(program: Command, io: Io): void {
  const witness = program
    .command("witness")
    .description("run a C2SP tlog-witness: cosign each checkpoint of the followed logs that is consistent with the last one (generates the witness key on first start)")
    .option("--data <dir>", "witness data directory", "./witness-data")
    .addOption(new Option("--port <n>", "TCP port").default(8081).argParser(port))
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--log <vkey>", "verifier key of a log to follow, its origin being the key name (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--logs <file>", 'JSON file of logs to follow: {"logs": [{"vkey": "...", "origin": "..."}]}')
    .option("--key <file>", "witness key file (default DIR/witness.key; generated if missing)")
    .option("--name <name>", "witness name when generating its key (default sealtrail/witness/<random>)")
    .action(async (o: { data: string; port: number; host: string; log: string[]; logs?: string; key?: string; name?: string }) => {
      const logs = [...o.log.map((v) => followedLog(readVerifierKey(v))), ...(o.logs !== undefined ? readLogsFile(o.logs) : [])];
      if (logs.length === 0) throw new UsageError("witness: give at least one --log VKEY or --logs FILE");
      const svc = openWitnessService({ dir: o.data, logs, keyFile: o.key, name: o.name });
      try {
        if (svc.keyCreated) io.err(`generated witness key in ${svc.keyFile}\n`);
        const app = await createWitnessApp({ witness: svc.witness });
        const address = await app.listen({ port: o.port, host: o.host });
        io.err(`witness ${svc.witness.name} listening on ${address} (data ${o.data})\n`);
        io.err(`following: ${svc.witness.logs().map((l) => l.origin).join(", ")}\n`);
        io.err(`witness verifier key: ${svc.witness.verifierKey}\n`);
        await new Promise<void>((res) => {
          const stop = () => res();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await app.close();
      } finally {
        svc.close();
      }
    });
  witness
    .command("evidence")
    .description("print the evidence a witness kept (split views, bad consistency proofs) as JSON; --data before or after")
    // Also an option of its own: with positional options (cli/exports.ts), words after `evidence` are its options.
    .option("--data <dir>", "the witness's data directory (as for `sealtrail witness`)")
    .action((_o: unknown, cmd: Command) => {
      // Its own --data (after `evidence`) first, then the witness command's (before it, or its default).
      const data = cmd.opts<{ data?: string }>().data ?? cmd.optsWithGlobals<{ data: string }>().data;
      io.out(JSON.stringify({ evidence: readEvidence(data) }, null, 2) + "\n");
    });
}
