/**
 * `sealtrail redact --vault V INDEX [--reason TEXT]`: erase a record's
 * payload and salt with a signed `sealtrail.redaction` record (docs/formats.md
 * §5b). Locally, on a data directory or database, the operator signs with its
 * held key; with `--server URL` the server signs with the caller
 * organisation's custodial key (POST /v1/vaults/{vault}/records/{index}/redact).
 */
import type { Command, Option } from "commander";
import { MAX_REDACTION_REASON, SealTrailError, createClient, toHex } from "@sealtrail/core";
import type { Context, DatabaseLocation } from "../main.js";
import type { CommandDeps } from "./command-deps.js";
import { operatorKey } from "../ledger/bootstrap.js";
import { redactCustodial } from "../ledger/custodial.js";

/** Printed after a redaction on PostgreSQL: what the operator runs so that the old row leaves the table file. */
export const POSTGRES_HINT =
  "note: PostgreSQL keeps the deleted payload row in the table file until it is rewritten: run `VACUUM FULL payloads;` at a quiet moment (it locks the table), then `CHECKPOINT;` (ADR 0009)\n";

/** What a redaction returns: the redaction record's index and leaf hash, and the index it erased. */
export interface RedactResult {
  readonly index: number;
  readonly leafHash: string;
  readonly redacts: number;
}

/** What the command borrows from the CLI (cli/program.ts). */
export interface RedactCommandDeps extends CommandDeps {
  readonly serverOption: () => Option;
  /** Parses the INDEX argument (a non-negative integer, else a usage error). */
  readonly parseIndex: (v: string) => bigint;
}

/**
 * Redact on a local data directory or database, as the operator.
 *
 * @example
 * ```ts
 * const r = await redactLocal(ctx, "default", 12n, "erasure request");
 * ```
 */
export async function redactLocal(ctx: Context, vault: string, index: bigint, reason?: string): Promise<RedactResult> {
  const { org } = await operatorKey(ctx.store);
  const r = await redactCustodial(ctx.store, ctx.ledger, vault, org, index, reason !== undefined ? { reason } : {});
  // A checkpoint covering the redaction before the command exits.
  await ctx.ledger.publish(vault);
  return { index: Number(r.index), leafHash: toHex(r.leafHash), redacts: Number(index) };
}

/**
 * Redact on a remote server, signed with the caller organisation's custodial key.
 *
 * @example
 * ```ts
 * const r = await redactRemote("https://sealtrail.example.org", process.env.SEALTRAIL_API_KEY, "default", 12n);
 * ```
 */
export async function redactRemote(server: string, apiKey: string | undefined, vault: string, index: bigint, reason?: string): Promise<RedactResult> {
  if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
  return createClient({ baseUrl: server, apiKey }).redact(vault, index, reason);
}

/**
 * Register `sealtrail redact`.
 *
 * @example
 * ```ts
 * registerRedactCommand(program, { out: io.out, err: io.err, withContext, dataOption, dbOption, serverOption, parseIndex: uint("INDEX") });
 * ```
 */
export function registerRedactCommand(program: Command, deps: RedactCommandDeps): void {
  program
    .command("redact")
    .description("erase a record's payload and salt with a signed redaction record; the entry and every proof stay valid")
    .addOption(deps.dataOption())
    .addOption(deps.dbOption())
    .requiredOption("--vault <name>", "vault")
    .option("--reason <text>", `why, in a few words (at most ${MAX_REDACTION_REASON} characters)`)
    .addOption(deps.serverOption())
    .argument("<index>", "log index of the record whose payload to erase", deps.parseIndex)
    .action(async (index: bigint, o: DatabaseLocation & { server?: string; vault: string; reason?: string }) => {
      if (o.reason !== undefined && (o.reason.length === 0 || o.reason.length > MAX_REDACTION_REASON)) {
        throw new SealTrailError("invalid", `--reason: 1 to ${MAX_REDACTION_REASON} characters`);
      }
      const r =
        o.server !== undefined && o.server !== ""
          ? await redactRemote(o.server, process.env.SEALTRAIL_API_KEY, o.vault, index, o.reason)
          : await deps.withContext(o, async (ctx) => {
              const done = await redactLocal(ctx, o.vault, index, o.reason);
              // MVCC keeps the deleted row in the table file until VACUUM FULL rewrites it (ADR 0009).
              if (ctx.store.engine === "postgres") deps.err(POSTGRES_HINT);
              return done;
            });
      deps.out(JSON.stringify(r) + "\n");
    });
}
