/**
 * `sealtrail report <kind>`: documents made from a vault's records.
 * `report registers` writes the SMS registers (statement of applicable
 * controls, risk register, supplier register, incident log, corrective-action
 * log) as one XLSX workbook or one register as CSV, computed here from a
 * data directory or database, or downloaded from a server with --server.
 */
import { createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Option, type Command } from "commander";
import { SealTrailError, problemError } from "@sealtrail/core";
import { UsageError, type Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption } from "./options.js";
import { createSmsStates } from "../sms/state.js";
import { REGISTER_FORMATS, REGISTER_NAMES, registersRequest, writeRegisters, type RegistersRequest } from "../report/registers/index.js";

interface RegistersOptions {
  format: string;
  register?: string;
  data: string;
  db?: string;
  server?: string;
  vault: string;
  out?: string;
  asOf?: string;
}

// Where the file goes: --out, or standard output (a CSV piped on; an XLSX is refused on a terminal).
function sink(io: Io, out: string | undefined): Writable {
  if (out !== undefined) return createWriteStream(out);
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      io.outBytes(chunk);
      done();
    },
  });
}

// The registers from a server: GET /v1/vaults/{vault}/sms/registers, the body streamed to the sink.
async function download(server: string, o: RegistersOptions, req: RegistersRequest, to: () => Writable): Promise<void> {
  const q = new URLSearchParams({ format: req.format, ...(req.register !== undefined ? { register: req.register } : {}), ...(o.asOf !== undefined ? { asOf: o.asOf } : {}) });
  const res = await fetch(`${server.replace(/\/+$/, "")}/v1/vaults/${encodeURIComponent(o.vault)}/sms/registers?${q}`, {
    headers: { authorization: `Bearer ${process.env.SEALTRAIL_API_KEY ?? ""}` },
  });
  if (!res.ok || res.body === null) {
    throw problemError(res.status, await res.text());
  }
  // The file is created only once the server has answered with it: a refusal leaves no empty file behind.
  await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>), to());
}

/**
 * Register `sealtrail report` and its subcommands.
 *
 * @example
 * ```ts
 * registerReportCommands(program, io);
 * ```
 */
export function registerReportCommands(program: Command, io: Io): void {
  const report = program.command("report").description("documents made from a vault's records");
  report
    .command("registers")
    .description("the SMS registers (applicable controls, risks, suppliers, incidents, corrective actions) as an XLSX workbook, or one register as CSV")
    .addOption(new Option("--format <f>", "xlsx (every register, one sheet each) or csv (one register)").choices(REGISTER_FORMATS).default("xlsx"))
    .addOption(new Option("--register <name>", "one register (required for csv)").choices(REGISTER_NAMES))
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .option("--vault <name>", "vault", "default")
    .option("--as-of <date>", "the day the registers are read as of, YYYY-MM-DD (default: today): acceptances expired by then count as none")
    .option("--out <file>", "write here (default: standard output, CSV only)")
    .action(async (o: RegistersOptions) => {
      let req: RegistersRequest;
      try {
        req = registersRequest(o.format, o.register);
      } catch (e) {
        throw new UsageError(e instanceof SealTrailError ? `--${e.message}` : String(e));
      }
      if (o.asOf !== undefined && !/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/.test(o.asOf)) throw new UsageError(`--as-of must be YYYY-MM-DD, got "${o.asOf}"`);
      if (req.format === "xlsx" && o.out === undefined) throw new UsageError("--out FILE: an XLSX workbook is written to a file");
      const asOf = o.asOf ?? new Date().toISOString().slice(0, 10);
      if (o.server !== undefined && o.server !== "") {
        await download(o.server, { ...o, asOf }, req, () => sink(io, o.out));
      } else {
        await withContext(o, async (ctx) => {
          if ((await ctx.store.vault(o.vault)) === null) throw new SealTrailError("not_found", `no vault ${o.vault}`);
          const state = await createSmsStates(ctx.store).of(o.vault);
          await writeRegisters(sink(io, o.out), { vault: o.vault, state, asOf }, req);
        });
      }
      if (o.out !== undefined) io.out(`wrote ${o.out}\n`);
    });
}
