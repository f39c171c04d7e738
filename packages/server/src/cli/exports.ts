/**
 * `sealtrail export oscal` and `sealtrail export ciso-assistant`: a vault's
 * readiness assessment as OSCAL assessment results, and the catalogue as a
 * CISO Assistant library, added as subcommands of `sealtrail export` (the
 * evidence bundle command of bundle.ts) without changing it.
 *
 * Commander runs the parent's own action when no subcommand name comes
 * first, so `sealtrail export --vault V --query ...` works as before. Two
 * settings make the subcommands work beside it:
 * - positional options on the program and on `export`: the words after
 *   `export oscal` are the subcommand's options, not the bundle's (otherwise
 *   the parent would take --vault and --out for itself);
 * - the bundle's --vault checked before the bundle's action only: commander
 *   checks every ancestor's mandatory options before a subcommand runs, and
 *   `export ciso-assistant` has no vault. The same error, with the same code
 *   and exit code, is raised when the bundle command lacks it.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { SealTrailError, problemError } from "@sealtrail/core";
import type { Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption } from "./options.js";
import { createSmsStates } from "../sms/state.js";
import { oscalExportOf } from "../export/vault-exports.js";
import { cisoAssistantYaml } from "../export/ciso-assistant.js";

async function oscalFromServer(server: string, vault: string, asOf: string | undefined): Promise<unknown> {
  const url = `${server.replace(/\/+$/, "")}/v1/vaults/${encodeURIComponent(vault)}/sms/exports/oscal${asOf !== undefined ? `?asOf=${encodeURIComponent(asOf)}` : ""}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${process.env.SEALTRAIL_API_KEY ?? ""}` } });
  const text = await res.text();
  if (!res.ok) throw problemError(res.status, text);
  return JSON.parse(text) as unknown;
}

function emit(io: Io, text: string, out: string | undefined, what: string): void {
  if (out === undefined) return io.out(text);
  writeFileSync(out, text);
  io.err(`wrote ${what} to ${out}\n`);
}

/**
 * Add `oscal` and `ciso-assistant` under the program's `export` command
 * (register it first).
 *
 * @example
 * ```ts
 * registerExportCommand(program, deps);
 * registerExportFormatCommands(program, io);
 * ```
 */
export function registerExportFormatCommands(program: Command, io: Io): void {
  const exp = program.commands.find((c) => c.name() === "export");
  if (exp === undefined) throw new SealTrailError("internal", "register the export command before its formats");
  program.enablePositionalOptions();
  exp.enablePositionalOptions();
  const vault = exp.options.find((o) => o.long === "--vault");
  if (vault?.mandatory === true) {
    vault.mandatory = false;
    exp.hook("preAction", (_cmd, action) => {
      if (action === exp && exp.getOptionValue("vault") === undefined) exp.error(`error: required option '${vault.flags}' not specified`, { code: "commander.missingMandatoryOptionValue" });
    });
  }

  exp
    .command("oscal")
    .description("write the vault's readiness assessment on a day as an OSCAL 1.0.6 assessment-results document (JSON): a finding per readiness item and per clause, evidence cited by log index, a risk per detected gap")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .requiredOption("--vault <name>", "vault")
    .option("--as-of <date>", "the evaluation day, YYYY-MM-DD (default: today)")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (o: { data: string; db?: string; server?: string; vault: string; asOf?: string; out?: string }) => {
      const today = new Date().toISOString().slice(0, 10);
      const doc =
        o.server !== undefined && o.server !== ""
          ? await oscalFromServer(o.server, o.vault, o.asOf)
          : await withContext(o, async (ctx) => oscalExportOf({ vault: (n) => ctx.store.vault(n), states: createSmsStates(ctx.store) }, o.vault, o.asOf, today));
      emit(io, JSON.stringify(doc, null, 2) + "\n", o.out, `the OSCAL assessment results of ${o.vault}`);
    });

  exp
    .command("ciso-assistant")
    .description("write the ISO 28000 catalogue as a CISO Assistant framework library (YAML) to load into that tool")
    .option("--out <file>", "write to a file instead of stdout")
    .action((o: { out?: string }) => {
      emit(io, cisoAssistantYaml(), o.out, "the CISO Assistant library");
    });
}
