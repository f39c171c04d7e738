/**
 * `sealtrail custody ID --vault V`: the chain of custody of a container,
 * SSCC, SGTIN or trailer (EPC URN or GS1 Digital Link), from a local data
 * directory or database, or from a server with `--server URL`; as text,
 * JSON or a PDF report. Exit code 1 when the chain has exceptions.
 */
import { writeFileSync } from "node:fs";
import type { Command, Option } from "commander";
import { SealTrailError, createClient, type SealTrailClient } from "@sealtrail/core";
import type { DatabaseLocation } from "../main.js";
import type { CommandDeps } from "./command-deps.js";
import { custodyOf, type VaultCustodyChain } from "../custody/custody-of.js";
import { custodyKpis, custodyReportPdf, custodyReportText } from "../report/custody-report.js";
import { openCustodyIncident } from "../custody/incident.js";
import { operatorKey } from "../ledger/bootstrap.js";

/** What the command borrows from the CLI (cli/program.ts). */
export interface CustodyCommandDeps extends CommandDeps {
  readonly serverOption: () => Option;
  /** Sets the process exit code (1: exceptions found). */
  readonly setExitCode: (code: number) => void;
}

/**
 * Register `sealtrail custody`.
 *
 * @example
 * ```ts
 * registerCustodyCommand(program, { out, err, withContext, dataOption, dbOption, serverOption, setExitCode });
 * ```
 */
export function registerCustodyCommand(program: Command, deps: CustodyCommandDeps): void {
  program
    .command("custody")
    .description("the chain of custody of an identifier: who held it, where, under which seals, and every exception; exit 1 when there are exceptions")
    .addOption(deps.dataOption())
    .addOption(deps.dbOption())
    .addOption(deps.serverOption())
    .option("--vault <name>", "vault", "default")
    .option("--max-gap-hours <h>", "longest allowed time between consecutive events (default 72)")
    .option("--json", "print the chain as JSON")
    .option("--pdf <file>", "also write the custody report as a PDF")
    .option("--open-incident", "open an sms.incident record for the chain's exceptions (locally signed by the operator; with --server by your organisation's custodial key)")
    .argument("<id>", "EPC URN (urn:epc:id:sscc:...) or GS1 Digital Link of the container, SSCC, SGTIN or trailer")
    .action(async (id: string, o: DatabaseLocation & { server?: string; vault: string; maxGapHours?: string; json?: boolean; pdf?: string; openIncident?: boolean }) => {
      let maxGapHours: number | undefined;
      if (o.maxGapHours !== undefined) {
        maxGapHours = Number(o.maxGapHours);
        if (!Number.isFinite(maxGapHours) || maxGapHours <= 0) throw new SealTrailError("invalid", "--max-gap-hours: a positive number");
      }
      const chain: VaultCustodyChain =
        o.server !== undefined && o.server !== ""
          ? await remoteClient(o.server).custody(o.vault, id, maxGapHours === undefined ? {} : { maxGapHours })
          : await deps.withContext(o, (ctx) => custodyOf(ctx.store, ctx.store, o.vault, id, maxGapHours === undefined ? {} : { maxGapMs: maxGapHours * 3600_000 }));
      if (chain.steps.length === 0) throw new SealTrailError("not_found", `no custody events of ${id} in vault ${o.vault}`);
      if (o.pdf !== undefined) {
        writeFileSync(o.pdf, custodyReportPdf(chain));
        deps.err(`custody report written to ${o.pdf}\n`);
      }
      if (o.json === true) deps.out(JSON.stringify({ ...chain, kpis: custodyKpis(chain) }, null, 2) + "\n");
      else deps.out(custodyReportText(chain) + "\n");
      if (o.openIncident === true && chain.exceptions.length > 0) {
        const index =
          o.server !== undefined && o.server !== ""
            ? (await remoteClient(o.server).openCustodyIncident(o.vault, id)).index
            : await deps.withContext(o, async (ctx) => {
                const r = await openCustodyIncident(ctx.store, ctx.ledger, chain, (await operatorKey(ctx.store)).org);
                await ctx.ledger.publish(o.vault);
                return r.index.toString();
              });
        deps.err(`incident opened: record ${index}\n`);
      }
      if (chain.exceptions.length > 0) deps.setExitCode(1);
    });
}

function remoteClient(server: string): SealTrailClient {
  const apiKey = process.env.SEALTRAIL_API_KEY;
  if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
  return createClient({ baseUrl: server, apiKey });
}
