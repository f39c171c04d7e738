/**
 * `sealtrail sms`: the ISO 28000 SMS records from the command line, on a
 * data directory or database, or against a server with --server.
 *
 *   sealtrail sms types
 *   sealtrail sms <kind> add FILE|-      (an object, or an array of them)
 *   sealtrail sms <kind> update FILE|-   (a new version of the record with that id)
 *   sealtrail sms <kind> list [--where field=value]... [--limit N] [--cursor C]
 *   sealtrail sms <kind> show ID
 */
import type { Command } from "commander";
import { CATALOGUE, SMS_RECORD_TYPES, SMS_TYPES, WORKFLOWS, catalogueDigest, type SmsRecordType } from "@sealtrail/core";
import { operatorKey } from "../ledger/bootstrap.js";
import { adoptCatalogue } from "../sms/catalogue.js";
import { smsKind } from "../sms/record-rules.js";
import { registerSmsFigureCommands } from "./sms-figures.js";
import { UsageError, type Io } from "./io.js";
import { readOwnKey, readRecords } from "./input.js";
import { addAttachOptions, attachFiles, type AttachOptions } from "./attach.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption } from "./options.js";
import { localSms, remoteSms, type SmsAccess } from "./sms-access.js";

interface Location {
  data: string;
  db?: string;
  server?: string;
  vault: string;
  json?: boolean;
}

async function withSms<T>(o: Location, fn: (sms: SmsAccess) => Promise<T>): Promise<T> {
  if (o.server !== undefined && o.server !== "") return fn(remoteSms(o.server, process.env.SEALTRAIL_API_KEY));
  return withContext(o, (ctx) => fn(localSms(ctx)));
}

function located(c: Command): Command {
  return c
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .option("--vault <name>", "vault", "default")
    .option("--json", "print JSON");
}

// One line a record: id, index, status (if any), and its title or name.
function line(r: { id: string | null; index: number; payload: Record<string, unknown> | null }): string {
  const p = r.payload ?? {};
  const label = p.title ?? p.name ?? p.what ?? p.topic ?? "";
  return [r.id ?? "(redacted)", `#${r.index}`, typeof p.status === "string" ? p.status : "", String(label)].filter((x) => x !== "").join("  ");
}

/**
 * Register `sealtrail sms`.
 *
 * @example
 * ```ts
 * registerSmsCommands(program, io);
 * ```
 */
export function registerSmsCommands(program: Command, io: Io): void {
  const sms = program
    .command("sms")
    .description("the ISO 28000 SMS records: each type's records added, versioned, listed and shown (sealtrail sms types lists the kinds)");

  sms
    .command("types")
    .description("list the SMS record types, their kinds and workflows")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }) => {
      const rows = SMS_TYPES.map((t) => ({ type: t, kind: smsKind(t), description: SMS_RECORD_TYPES[t], workflow: WORKFLOWS[t]?.next ?? null }));
      if (o.json) io.out(JSON.stringify(rows, null, 2) + "\n");
      else io.out(rows.map((r) => `${r.kind.padEnd(20)} ${r.description}\n`).join(""));
    });

  sms
    .command("adopt")
    .description("record this build's ISO 28000 catalogue (its version and SHA-256) in the vault, so reports name what they were judged against")
    .addOption(dataOption())
    .addOption(dbOption())
    .option("--vault <name>", "vault", "default")
    .action(async (o: Location) => {
      const r = await withContext(o, async (ctx) => {
        const { org } = await operatorKey(ctx.store);
        const written = await adoptCatalogue(ctx.store, ctx.ledger, o.vault, org);
        await ctx.ledger.publish(o.vault);
        return written;
      });
      io.out(r === null ? `the vault has adopted catalogue ${CATALOGUE.id} ${CATALOGUE.version} already\n` : `adopted catalogue ${CATALOGUE.id} ${CATALOGUE.version} ${catalogueDigest()}: record ${r.index}\n`);
    });

  registerSmsFigureCommands(sms, io);

  for (const type of SMS_TYPES) {
    const kind = smsKind(type);
    const k = sms.command(kind).description(`${type}: ${SMS_RECORD_TYPES[type]}`);
    const writer = (update: boolean) =>
      addAttachOptions(located(k.command(update ? "update" : "add")))
        .description(update ? `write a new version of ${type} records (each superseding the latest version of its id)` : `add ${type} records`)
        .argument("<file>", "JSON file (an object, or an array of objects), or - for stdin")
        .option("--key <file>", "sign here with this base64 Ed25519 seed (default: the operator's held key locally, your custodial key with --server)")
        .option("--author <org>", "author organisation of --key")
        .action(async (file: string, o: Location & AttachOptions & { key?: string; author?: string }) => {
          const key = readOwnKey(o);
          const payloads = await attachFiles(o, readRecords(io, file));
          const written = await withSms(o, async (s) => {
            const out = [];
            for (const p of payloads) out.push(await s.write(o.vault, type as SmsRecordType, p, { update, ...(key !== undefined ? { key } : {}) }));
            return out;
          });
          io.out(JSON.stringify(written, null, 2) + "\n");
        });
    writer(false);
    writer(true);

    located(k.command("list"))
      .description(`list the latest version of every ${type} record`)
      .option("--where <field=value>", "only records whose top-level field has this value (repeat for several)", (v: string, acc: string[] = []) => [...acc, v])
      .option("--limit <n>", "records at most", "100")
      .option("--cursor <c>", "the cursor a previous list printed")
      .action(async (o: Location & { where?: string[]; limit: string; cursor?: string }) => {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be 1-1000, got "${o.limit}"`);
        const filters = (o.where ?? []).map((w): [string, string] => {
          const eq = w.indexOf("=");
          if (eq < 1) throw new UsageError(`--where takes field=value, got "${w}"`);
          return [w.slice(0, eq), w.slice(eq + 1)];
        });
        const page = await withSms(o, (s) => s.list(o.vault, type as SmsRecordType, { filters, limit, ...(o.cursor !== undefined ? { cursor: o.cursor } : {}) }));
        if (o.json) io.out(JSON.stringify(page, null, 2) + "\n");
        else {
          io.out((page.records as Parameters<typeof line>[0][]).map((r) => line(r) + "\n").join(""));
          if (page.nextCursor !== null) io.err(`more: --cursor ${page.nextCursor}\n`);
        }
      });

    located(k.command("show"))
      .description(`show one ${type} record: its latest version, its history and the workflow steps it may take`)
      .argument("<id>", "record id")
      .action(async (id: string, o: Location) => {
        const r = (await withSms(o, (s) => s.show(o.vault, type as SmsRecordType, id))) as Parameters<typeof line>[0] & {
          versions: { index: number; author: string; sequencedAt: string }[];
          nextStatuses: string[] | null;
        };
        if (o.json) {
          io.out(JSON.stringify(r, null, 2) + "\n");
          return;
        }
        io.out(line(r) + "\n" + JSON.stringify(r.payload, null, 2) + "\n");
        io.out(`versions: ${r.versions.map((v) => `#${v.index} by ${v.author} at ${v.sequencedAt}`).join(", ")}\n`);
        if (r.nextStatuses !== null) io.out(`next status: ${r.nextStatuses.join(", ") || "(final)"}\n`);
      });
  }
}
