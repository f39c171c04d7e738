/**
 * `sealtrail report readiness`: the certification-readiness report as PDF
 * or HTML, computed here from a data directory or database, or downloaded
 * from a server with --server (GET /v1/vaults/{vault}/sms/reports/readiness).
 * It joins the `report` command whether or not that command was registered
 * before it.
 */
import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { SealTrailError, problemError } from "@sealtrail/core";
import { UsageError, type Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption } from "./options.js";
import { createSmsStates } from "../sms/state.js";
import { READINESS_FORMATS, readinessReport, readinessRequest } from "../report/readiness/index.js";

interface ReadinessOptions {
  format: string;
  data: string;
  db?: string;
  server?: string;
  vault: string;
  asOf?: string;
  out?: string;
}

// The report from a server; a refusal is read as the problem document (RFC 9457) it is.
async function download(server: string, vault: string, format: string, asOf: string): Promise<Uint8Array> {
  const q = new URLSearchParams({ format, asOf });
  const res = await fetch(`${server.replace(/\/+$/, "")}/v1/vaults/${encodeURIComponent(vault)}/sms/reports/readiness?${q}`, {
    headers: { authorization: `Bearer ${process.env.SEALTRAIL_API_KEY ?? ""}` },
  });
  if (!res.ok) {
    throw problemError(res.status, await res.text());
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Add `readiness` to the program's `report` command, creating that command
 * when it is not there yet.
 *
 * @example
 * ```ts
 * registerReadinessReportCommand(program, io);
 * ```
 */
export function registerReadinessReportCommand(program: Command, io: Io): void {
  const report = program.commands.find((c) => c.name() === "report") ?? program.command("report").description("documents made from a vault's records");
  report
    .command("readiness")
    .description("the certification-readiness report (summary, clause by clause, maturity, KPIs with trends, readiness items, gaps, due items) as PDF or HTML")
    .addOption(new Option("--format <f>", "pdf or html (one self-contained file)").choices(READINESS_FORMATS).default("pdf"))
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .option("--vault <name>", "vault", "default")
    .option("--as-of <date>", "the evaluation day, YYYY-MM-DD (default: today)")
    .option("--out <file>", "write here (default: standard output)")
    .action(async (o: ReadinessOptions) => {
      let req: ReturnType<typeof readinessRequest>;
      try {
        req = readinessRequest(o.format, o.asOf, new Date().toISOString().slice(0, 10));
      } catch (e) {
        throw new UsageError(e instanceof SealTrailError ? `--${e.message.replace(/^asOf/, "as-of")}` : String(e));
      }
      const bytes =
        o.server !== undefined && o.server !== ""
          ? await download(o.server, o.vault, req.format, req.asOf)
          : await withContext(o, async (ctx) => {
              if ((await ctx.store.vault(o.vault)) === null) throw new SealTrailError("not_found", `no vault ${o.vault}`);
              return readinessReport(ctx.ledger.reader, o.vault, await createSmsStates(ctx.store).of(o.vault), req.asOf, req.format);
            });
      if (o.out === undefined) io.outBytes(bytes);
      else {
        await writeFile(o.out, bytes);
        io.out(`wrote ${o.out}\n`);
      }
    });
}
