/**
 * The log's own commands, on a local data directory or database or on a
 * server with `--server URL`: append records, and print the checkpoint, the
 * verifier key, an entry, an inclusion proof or a consistency proof.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parseCheckpoint, parseNote, toBase64 } from "@sealtrail/core";
import type { Io } from "./io.js";
import { readOwnKey, readRecords } from "./input.js";
import { addAttachOptions, attachFiles, type AttachOptions } from "./attach.js";
import { withLog } from "./context.js";
import { dataOption, dbOption, serverOption, uint } from "./options.js";

/**
 * Register `sealtrail append`, `checkpoint`, `vkey`, `entry`, `proof` and `consistency`.
 *
 * @example
 * ```ts
 * registerLogCommands(program, io);
 * ```
 */
export function registerLogCommands(program: Command, io: Io): void {
  addAttachOptions(program.command("append"))
    .description("append signed records from a JSON file (an array appends one record per element); FILE - reads stdin")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--type <type>", "record type, a dotted name such as sms.risk")
    .addOption(serverOption())
    .option("--key <file>", "file holding the author's base64 Ed25519 seed (default: a key the server holds: the operator's locally, the caller's custodial key with --server)")
    .option("--author <org>", "author organisation of --key")
    .option("--subject <id>", "subject id of the records (repeat for several)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--supersedes <index>", "log index of the record this one replaces (same type)", uint("--supersedes"))
    .argument("<file>", "JSON file, or - for stdin")
    .action(
      async (
        file: string,
        o: AttachOptions & { data: string; db?: string; server?: string; vault: string; type: string; key?: string; author?: string; subject?: string[]; supersedes?: bigint },
      ) => {
        const key = readOwnKey(o);
        const records = await attachFiles(o, readRecords(io, file));
        const results = await withLog(o, (log) =>
          log.append({
            vault: o.vault,
            type: o.type,
            payloads: records,
            ...(key !== undefined ? { key } : {}),
            ...(o.subject !== undefined ? { subjects: o.subject } : {}),
            ...(o.supersedes !== undefined ? { supersedes: o.supersedes } : {}),
          }),
        );
        io.out(JSON.stringify(results, null, 2) + "\n");
      },
    );

  program
    .command("checkpoint")
    .description("print the vault's latest signed checkpoint")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .option("--json", "print JSON")
    .addOption(serverOption())
    .action(async (o: { data: string; db?: string; server?: string; vault: string; json?: boolean }) => {
      await withLog(o, async (log) => {
        const note = await log.checkpoint(o.vault);
        if (o.json) {
          const cp = parseCheckpoint(parseNote(note).text);
          io.out(JSON.stringify({ size: Number(cp.size), root: toBase64(cp.root), note }) + "\n");
        } else io.out(note);
      });
    });

  program
    .command("vkey")
    .description("print the vault's C2SP verifier key")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .addOption(serverOption())
    .action(async (o: { data: string; db?: string; server?: string; vault: string }) => {
      await withLog(o, async (log) => io.out((await log.verifierKey(o.vault)) + "\n"));
    });

  program
    .command("entry")
    .description("write the raw bytes of a log entry (the bytes whose RFC 6962 leaf hash is in the tree)")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--index <n>", "entry index", uint("--index"))
    .option("--out <file>", "write to a file instead of stdout")
    .addOption(serverOption())
    .action(async (o: { data: string; db?: string; server?: string; vault: string; index: bigint; out?: string }) => {
      await withLog(o, async (log) => {
        const entry = await log.entry(o.vault, o.index);
        if (o.out !== undefined) writeFileSync(o.out, entry);
        else io.outBytes(entry);
      });
    });

  program
    .command("proof")
    .description("print a C2SP tlog-proof of an entry's inclusion in a checkpoint")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--index <n>", "entry index", uint("--index"))
    .option("--size <m>", "tree size of a published checkpoint (default: the latest)", uint("--size"))
    .addOption(serverOption())
    .action(async (o: { data: string; db?: string; server?: string; vault: string; index: bigint; size?: bigint }) => {
      await withLog(o, async (log) => io.out(await log.proof(o.vault, o.index, o.size)));
    });

  program
    .command("consistency")
    .description("print a consistency proof between two tree sizes, one base64 hash a line")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--from <a>", "older tree size", uint("--from"))
    .requiredOption("--to <b>", "newer tree size", uint("--to"))
    .option("--json", "print JSON")
    .addOption(serverOption())
    .action(async (o: { data: string; db?: string; server?: string; vault: string; from: bigint; to: bigint; json?: boolean }) => {
      await withLog(o, async (log) => {
        const proof = await log.consistency(o.vault, o.from, o.to);
        if (o.json) io.out(JSON.stringify({ from: Number(o.from), to: Number(o.to), proof: proof.map(toBase64) }) + "\n");
        else io.out(proof.map((h) => toBase64(h) + "\n").join(""));
      });
    });
}
