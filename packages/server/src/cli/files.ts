/**
 * `sealtrail files put|get|erase|sweep`: evidence files by hand. `put` and
 * `get` move one file in or out of a vault; `erase` signs a `file.erasure`
 * record (locally the operator, with --server the caller organisation's
 * custodial key), after which the bytes are gone and every record naming
 * the file keeps its digest; `sweep` removes uploads that no record names
 * once they are older than --older-than (an administrator's job, on the
 * data directory or database itself).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { ERROR_CODES, SealTrailError, createClient, fileAddress, hashStream, parseFileAddress, toHex, type ErrorCode } from "@sealtrail/core";
import type { DatabaseLocation } from "../main.js";
import { operatorKey } from "../ledger/bootstrap.js";
import { receiveFile } from "../files/receive.js";
import { sweepFiles } from "../files/sweep.js";
import { MAX_ERASURE_REASON, eraseFileCustodial } from "../files/erasure.js";
import { mediaTypeOf } from "./attach.js";
import { withContext } from "./context.js";
import { UsageError, type Io } from "./io.js";
import { dataOption, dbOption, serverOption } from "./options.js";

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as `90s`, `30m`, `24h` or `7d`, in milliseconds.
 *
 * @example
 * ```ts
 * parseDuration("24h") // 86400000
 * ```
 */
export function parseDuration(v: string): number {
  const m = /^([0-9]{1,9})([smhd])$/.exec(v);
  if (m === null) throw new UsageError(`--older-than must be a number and a unit (s, m, h or d), such as 24h; got "${v}"`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function address(v: string): string {
  try {
    return parseFileAddress(v);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function apiKey(): string {
  const k = process.env.SEALTRAIL_API_KEY;
  if (k === undefined || k === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
  return k;
}

const remote = (o: { server?: string }): o is { server: string } => o.server !== undefined && o.server !== "";

type Where = DatabaseLocation & { server?: string; vault: string };

/**
 * Register `sealtrail files` and its commands.
 *
 * @example
 * ```ts
 * registerFilesCommands(program, io);
 * ```
 */
export function registerFilesCommands(program: Command, io: Io): void {
  const files = program.command("files").description("evidence files: put, get, erase and sweep the files records attach");

  files
    .command("put")
    .description("store a file in a vault under its SHA-256 (a record then names it in its attachments)")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .requiredOption("--vault <name>", "vault")
    .option("--type <media-type>", "its media type (default: detected from its bytes)")
    .argument("<file>", "the file")
    .action(async (path: string, o: Where & { type?: string }) => {
      const st = await stat(path).catch(() => null);
      if (st === null || !st.isFile()) throw new UsageError(`no such file: ${path}`);
      const mediaType = o.type ?? (await mediaTypeOf(path));
      let out: { file: string; length: number; mediaType: string; created: boolean };
      if (remote(o)) {
        const r = await createClient({ baseUrl: o.server, apiKey: apiKey() }).files.put(o.vault, () => createReadStream(path), { mediaType });
        out = { file: fileAddress(r.sha256), length: r.length, mediaType, created: r.created };
      } else {
        const { sha256, length } = await hashStream(createReadStream(path));
        out = await withContext(o, async (ctx) => {
          const r = await receiveFile(
            { store: ctx.store, files: ctx.files, limits: ctx.fileLimits },
            { vault: o.vault, sha256, length, mediaType, uploadedBy: null, body: createReadStream(path) },
          );
          return { file: fileAddress(sha256), length, mediaType, created: r.created };
        });
      }
      io.out(JSON.stringify(out) + "\n");
    });

  files
    .command("get")
    .description("write a file of a vault (one a record names) to -o FILE, or to standard output")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .requiredOption("--vault <name>", "vault")
    .option("-o, --output <file>", "where to write it")
    .argument("<address>", "sha256:<hex>")
    .action(async (addr: string, o: Where & { output?: string }) => {
      const sha256 = address(addr);
      const sink = async (body: AsyncIterable<Uint8Array>): Promise<void> => {
        if (o.output !== undefined) await pipeline(body, createWriteStream(o.output));
        else for await (const chunk of body) io.outBytes(chunk);
      };
      if (remote(o)) {
        await sink((await createClient({ baseUrl: o.server, apiKey: apiKey() }).files.get(o.vault, sha256)).body);
        return;
      }
      await withContext(o, async (ctx) => {
        const row = await ctx.store.file(o.vault, sha256);
        const [named] = row === null ? [] : await ctx.store.fileRecords(o.vault, sha256, { limit: 1 });
        if (row === null || row.state !== "stored" || named === undefined) throw new SealTrailError("not_found", `no file sha256:${sha256} that a record of vault ${o.vault} names`);
        if (row.erasedBy !== null) throw new SealTrailError("gone", `sha256:${sha256} was erased by record ${row.erasedBy}`);
        await sink(await ctx.files.get(o.vault, sha256));
      });
    });

  files
    .command("erase")
    .description("erase a file's bytes with a signed file.erasure record; every record naming it keeps its digest (verifiers report it redacted)")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .requiredOption("--vault <name>", "vault")
    .option("--reason <text>", `why, in a few words (at most ${MAX_ERASURE_REASON} characters)`)
    .argument("<address>", "sha256:<hex>")
    .action(async (addr: string, o: Where & { reason?: string }) => {
      const sha256 = address(addr);
      if (o.reason !== undefined && (o.reason.length === 0 || o.reason.length > MAX_ERASURE_REASON)) {
        throw new UsageError(`--reason: 1 to ${MAX_ERASURE_REASON} characters`);
      }
      let out: unknown;
      if (remote(o)) {
        const res = await fetch(`${o.server.replace(/\/+$/, "")}/v1/vaults/${encodeURIComponent(o.vault)}/files/${fileAddress(sha256)}/erase`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey()}`, "content-type": "application/json" },
          body: JSON.stringify(o.reason !== undefined ? { reason: o.reason } : {}),
        });
        const body = (await res.json()) as { detail?: string; code?: string };
        if (!res.ok) {
          const code = (ERROR_CODES as readonly string[]).includes(body.code ?? "") ? (body.code as ErrorCode) : "internal";
          throw new SealTrailError(code, body.detail ?? `HTTP ${res.status}`);
        }
        out = body;
      } else {
        out = await withContext(o, async (ctx) => {
          const { org } = await operatorKey(ctx.store);
          const r = await eraseFileCustodial(ctx.store, ctx.ledger, o.vault, org, sha256, o.reason !== undefined ? { reason: o.reason } : {});
          await ctx.ledger.publish(o.vault);
          return { index: Number(r.index), leafHash: toHex(r.leafHash), erases: fileAddress(sha256) };
        });
      }
      io.out(JSON.stringify(out) + "\n");
    });

  files
    .command("sweep")
    .description("remove uploads that no record names, older than --older-than; never a file a record names")
    .addOption(dataOption())
    .addOption(dbOption())
    .option("--vault <name>", "only this vault (default: every vault)")
    .option("--older-than <duration>", "age of an upload no record names before it is removed (s, m, h or d)", "24h")
    .option("--dry-run", "list what would be removed; remove nothing")
    .option("--json", "print JSON")
    .action(async (o: DatabaseLocation & { vault?: string; olderThan: string; dryRun?: boolean; json?: boolean }) => {
      const olderThanMs = parseDuration(o.olderThan);
      const reports = await withContext(o, (ctx) =>
        sweepFiles({ store: ctx.store, files: ctx.files }, { olderThanMs, ...(o.dryRun === true ? { dryRun: true } : {}), ...(o.vault !== undefined ? { vault: o.vault } : {}) }),
      );
      if (o.json === true) {
        io.out(JSON.stringify({ dryRun: o.dryRun === true, vaults: reports }) + "\n");
        return;
      }
      const verb = o.dryRun === true ? "would remove" : "removed";
      for (const r of reports) {
        const bytes = r.unreferenced.reduce((n, f) => n + f.length, 0);
        io.out(`${r.vault}: ${verb} ${r.unreferenced.length} upload(s) no record names (${bytes} bytes), ${r.orphans.length} orphaned and ${r.erased.length} erased file(s) left in the file store\n`);
        for (const f of r.unreferenced) io.out(`  sha256:${f.sha256} ${f.length} bytes, last uploaded ${f.touchedAt}\n`);
      }
    });
}
