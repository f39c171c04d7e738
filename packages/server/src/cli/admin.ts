/**
 * Administration of a local data directory or database: organisations, API
 * keys, vault memberships, vaults, custodial keys and schema migrations.
 */
import type { Command } from "commander";
import { SealTrailError } from "@sealtrail/core";
import { describeLocation, engineOf, migrateDatabase } from "../main.js";
import { createApiKey, publicApiKey } from "../access/api-keys.js";
import { ORG_ROLES, createOrganisation } from "../access/orgs.js";
import { addVault } from "../ledger/bootstrap.js";
import { changeMembership, createCustodialKey } from "../ledger/custodial.js";
import { acknowledgement } from "../ledger/ledger.js";
import type { Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption } from "./options.js";

/**
 * Register `sealtrail org`, `apikey`, `member`, `vault`, `custodial-key` and `migrate`.
 *
 * @example
 * ```ts
 * registerAdminCommands(program, io);
 * ```
 */
export function registerAdminCommands(program: Command, io: Io): void {
  const collect = (v: string, acc: string[] = []) => [...acc, v];

  const org = program.command("org").description("organisations of the supply chain (local data directory or database)");
  org
    .command("create")
    .description("create an organisation")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--id <id>", "organisation id")
    .requiredOption("--name <name>", "legal name")
    .option("--country <cc>", "ISO 3166-1 alpha-2 country code")
    .option("--role <role>", `a role (repeat): ${ORG_ROLES.join(", ")}`, collect)
    .action(async (o: { data: string; db?: string; id: string; name: string; country?: string; role?: string[] }) => {
      await withContext(o, async (ctx) => {
        const row = await createOrganisation(ctx.store, { id: o.id, name: o.name, country: o.country ?? null, roles: o.role ?? [] });
        io.out(JSON.stringify(row) + "\n");
      });
    });

  const apikey = program.command("apikey").description("API keys (local data directory or database)");
  apikey
    .command("create")
    .description("create an API key; its token is printed once and never stored")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--org <id>", "organisation the key acts for")
    .option("--name <name>", "what the key is for", "cli")
    .option("--vault <name>", "a vault it may act on (repeat; default: every vault its organisation belongs to)", collect)
    .option("--write <pattern>", "record types it may write (repeat): a type, a prefix such as custody.*, or *", collect)
    .option("--no-read", "may not read")
    .option("--admin", "may administer its organisation")
    .option("--expires <time>", "RFC 3339 time after which it is refused")
    .action(
      async (o: { data: string; db?: string; org: string; name: string; vault?: string[]; write?: string[]; read: boolean; admin?: boolean; expires?: string }) => {
        await withContext(o, async (ctx) => {
          const { token, key } = await createApiKey(ctx.store, o.org, {
            name: o.name,
            vaults: o.vault ?? "*",
            read: o.read,
            write: o.write ?? [],
            admin: o.admin === true,
            expiresAt: o.expires ?? null,
          });
          io.out(JSON.stringify({ token, key: publicApiKey(key) }, null, 2) + "\n");
        });
      },
    );
  apikey
    .command("revoke")
    .description("revoke an API key")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--id <id>", "API key id (the 16 hex digits after stk_)")
    .action(async (o: { data: string; db?: string; id: string }) => {
      await withContext(o, async (ctx) => {
        if (!(await ctx.store.revokeApiKey(o.id, new Date().toISOString()))) throw new SealTrailError("not_found", `no active API key ${o.id}`);
        io.out(`revoked ${o.id}\n`);
      });
    });

  const member = program.command("member").description("vault memberships, recorded in the vault's log (local data directory or database)");
  member
    .command("set")
    .description("set what an organisation may do in a vault")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--org <id>", "member organisation")
    .option("--write <pattern>", "record types it may write (repeat)", collect)
    .option("--no-read", "may not read the vault")
    .option("--admin", "administers the vault")
    .action(async (o: { data: string; db?: string; vault: string; org: string; write?: string[]; read: boolean; admin?: boolean }) => {
      await withContext(o, async (ctx) => {
        const r = await changeMembership(ctx.store, ctx.ledger, o.vault, { action: "set", org: o.org, read: o.read, write: o.write ?? [], admin: o.admin === true });
        await ctx.ledger.publish(o.vault);
        io.out(JSON.stringify(acknowledgement(r)) + "\n");
      });
    });
  member
    .command("remove")
    .description("end an organisation's membership of a vault")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .requiredOption("--org <id>", "member organisation")
    .action(async (o: { data: string; db?: string; vault: string; org: string }) => {
      await withContext(o, async (ctx) => {
        if ((await ctx.store.member(o.vault, o.org)) === null) throw new SealTrailError("not_found", `${o.org} is not a member of ${o.vault}`);
        const r = await changeMembership(ctx.store, ctx.ledger, o.vault, { action: "remove", org: o.org });
        await ctx.ledger.publish(o.vault);
        io.out(JSON.stringify(acknowledgement(r)) + "\n");
      });
    });

  program
    .command("vault")
    .description("create a vault with its own log key (local data directory or database)")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--name <name>", "vault name")
    .option("--origin <origin>", "checkpoint origin line (default: sealtrail/<instance>/<name>)")
    .action(async (o: { data: string; db?: string; name: string; origin?: string }) => {
      await withContext(o, async (ctx) => {
        const v = await addVault(ctx.store, ctx.ledger, o.name, o.origin);
        io.out(JSON.stringify({ ...v, vkey: await ctx.ledger.verifierKey(v.name) }) + "\n");
      });
    });

  program
    .command("custodial-key")
    .description("generate a signing key that the server holds for an organisation, registered in a vault")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--org <id>", "organisation")
    .requiredOption("--vault <name>", "vault to register it in")
    .action(async (o: { data: string; db?: string; org: string; vault: string }) => {
      await withContext(o, async (ctx) => {
        const r = await createCustodialKey(ctx.store, ctx.ledger, o.org, o.vault);
        await ctx.ledger.publish(o.vault);
        io.out(JSON.stringify({ keyId: r.keyId, index: Number(r.index) }) + "\n");
      });
    });

  program
    .command("migrate")
    .description("apply pending database migrations (SQLite in --data, or PostgreSQL with --db) and print those applied")
    .addOption(dataOption())
    .addOption(dbOption())
    .action(async (o: { data: string; db?: string }) => {
      const applied = await migrateDatabase({ data: o.data, db: o.db });
      const where = `${engineOf(o)} ${describeLocation(o)}`;
      if (applied.length === 0) io.out(`${where}: database schema is up to date\n`);
      else io.out(`${where}: applied ${applied.join(", ")}\n`);
    });
}
