/** Opening the store or the log a command acts on, and closing it after. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SealTrailError } from "@sealtrail/core";
import { describeLocation, engineOf, openContext, type Context, type DatabaseLocation } from "../main.js";
import { localLog, remoteLog, type LogAccess } from "./log-access.js";

/**
 * Run `fn` on the data directory or database of `loc`, then close it. Unless
 * `mustExist` is false, a location that was never initialised is refused.
 *
 * @example
 * ```ts
 * await withContext({ data: "./data" }, async (ctx) => ctx.store.vaults());
 * ```
 */
export async function withContext<T>(loc: DatabaseLocation, fn: (ctx: Context) => Promise<T>, opts: { mustExist?: boolean } = {}): Promise<T> {
  const where = engineOf(loc) === "sqlite" ? `--data ${loc.data}` : "--db URL";
  if ((opts.mustExist ?? true) && engineOf(loc) === "sqlite" && !existsSync(resolve(loc.data, "sealtrail.db"))) {
    throw new SealTrailError("not_found", `no SealTrail data in ${loc.data}: run \`sealtrail init ${where}\``);
  }
  // The file store of evidence files: the data directory's, unless SEALTRAIL_FILES names another (as `serve --files` does).
  const ctx = await openContext({ data: loc.data, db: loc.db, checkpointIntervalMs: 1000, filesUrl: process.env.SEALTRAIL_FILES });
  if ((opts.mustExist ?? true) && engineOf(loc) === "postgres" && (await ctx.store.vaults()).length === 0) {
    await ctx.close();
    throw new SealTrailError("not_found", `no SealTrail data in ${describeLocation(loc)}: run \`sealtrail init ${where}\``);
  }
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * Run `fn` on the log of a remote server (--server) or of a local data directory or database.
 *
 * @example
 * ```ts
 * await withLog(o, async (log) => io.out(await log.checkpoint(o.vault)));
 * ```
 */
export async function withLog<T>(o: DatabaseLocation & { server?: string }, fn: (log: LogAccess) => Promise<T>): Promise<T> {
  if (o.server !== undefined && o.server !== "") return fn(remoteLog(o.server, process.env.SEALTRAIL_API_KEY));
  return withContext(o, (ctx) => fn(localLog(ctx)));
}
