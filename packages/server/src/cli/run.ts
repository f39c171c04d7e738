/**
 * The `sealtrail` command line. Exit codes: 0 success (or valid), 1 failure
 * (or invalid / discrepancies found), 2 usage error.
 */
import { Command, CommanderError, Option } from "commander";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  SealTrailError,
  parseCheckpoint,
  parseNote,
  fromBase64,
  parseJson,
  toBase64,
  toHex,
  verifyTlogProof,
  parseVerifierKey,
} from "@sealtrail/core";
import { describeLocation, engineOf, migrateDatabase, openContext, type Context, type DatabaseLocation } from "../main.js";
import { initializeWithAccess } from "../access/bootstrap.js";
import { createApiKey, publicApiKey } from "../access/api-keys.js";
import { ORG_ROLES, createOrganisation } from "../access/orgs.js";
import { addVault } from "../ledger/bootstrap.js";
import { changeMembership, createCustodialKey } from "../ledger/custodial.js";
import { acknowledgement } from "../ledger/ledger.js";
import { createApp } from "../http/app.js";
import { auditVault, type AuditReport } from "../ledger/audit.js";
import { progressBar } from "./progress.js";
import { localLog, remoteLog, type LogAccess } from "./log-access.js";
import { createWitnessApp } from "../witness/app.js";
import { followedLog, readLogsFile } from "../witness/config.js";
import { openWitnessService } from "../witness/service.js";
import { readEvidence } from "../witness/state.js";
import { registerExportCommand, runBundleVerify } from "./bundle.js";
import { registerRedactCommand } from "./redact.js";
import { registerCustodyCommand } from "./custody.js";
import { parseWitnessArg, type WitnessEndpoint } from "../ledger/witness-client.js";
import { pemCertificates } from "../ledger/anchoring.js";
import { createEvmAnchorProvider, readEvmKey } from "../anchors/evm-anchor.js";

/** Raised for wrong command-line use: exit code 2. */
class UsageError extends Error {}

/** Where the CLI reads and writes (the process's own streams by default; tests capture them). */
export interface Io {
  out: (s: string) => void;
  outBytes: (b: Uint8Array) => void;
  err: (s: string) => void;
  stdin: () => Buffer;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  outBytes: (b) => process.stdout.write(b),
  err: (s) => process.stderr.write(s),
  stdin: () => readFileSync(0),
};

function uint(name: string) {
  return (v: string): bigint => {
    if (!/^(0|[1-9][0-9]{0,18})$/.test(v)) throw new UsageError(`${name} must be a non-negative integer, got "${v}"`);
    return BigInt(v);
  };
}

/**
 * A non-negative integer option, parsed to bigint. Its default is shown in
 * --help as digits: commander prints a default with JSON.stringify unless it
 * has a description, and JSON.stringify throws on a bigint.
 */
function uintOption(flags: string, description: string, dflt?: bigint): Option {
  const option = new Option(flags, description);
  option.argParser(uint(option.long ?? flags));
  return dflt === undefined ? option : option.default(dflt, dflt.toString());
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0-65535, got "${v}"`);
  return n;
}

/** A verifier key given as its text, or as a file holding it. */
function readVerifierKey(arg: string): string {
  const text = arg.trim();
  try {
    parseVerifierKey(text);
    return text;
  } catch {
    if (!existsSync(arg)) throw new UsageError(`--vkey: neither a verifier key nor a file: ${arg}`);
    return readFileSync(arg, "utf8").trim();
  }
}

const dataOption = () => new Option("--data <dir>", "data directory (SQLite)").default("./data");
const dbOption = () =>
  new Option("--db <url>", "PostgreSQL database URL (postgres://...) instead of SQLite in --data").env("DATABASE_URL");

async function withContext<T>(loc: DatabaseLocation, fn: (ctx: Context) => Promise<T>, opts: { mustExist?: boolean } = {}): Promise<T> {
  const where = engineOf(loc) === "sqlite" ? `--data ${loc.data}` : "--db URL";
  if ((opts.mustExist ?? true) && engineOf(loc) === "sqlite" && !existsSync(resolve(loc.data, "sealtrail.db"))) {
    throw new SealTrailError("not_found", `no SealTrail data in ${loc.data}: run \`sealtrail init ${where}\``);
  }
  const ctx = await openContext({ data: loc.data, db: loc.db, checkpointIntervalMs: 1000 });
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

const serverOption = () =>
  new Option("--server <url>", "act on a remote SealTrail server (API key from SEALTRAIL_API_KEY)").env("SEALTRAIL_SERVER");

/** Run `fn` on the log of a remote server (--server) or of a local data directory or database. */
async function withLog<T>(o: DatabaseLocation & { server?: string }, fn: (log: LogAccess) => Promise<T>): Promise<T> {
  if (o.server !== undefined && o.server !== "") return fn(remoteLog(o.server, process.env.SEALTRAIL_API_KEY));
  return withContext(o, (ctx) => fn(localLog(ctx)));
}

/** The `sealtrail` program, and the exit code its last command set. */
export interface Program {
  readonly program: Command;
  /** 0 unless a command found a failure (1); read it after parsing. */
  readonly exitCode: () => number;
}

/**
 * Build the `sealtrail` program, writing to `io`; it does nothing until parsed.
 *
 * @example
 * ```ts
 * const { program } = createProgram();
 * const names = program.commands.map((c) => c.name());
 * ```
 */
export function createProgram(io: Io = defaultIo): Program {
  let code = 0;
  const program = new Command()
    .name("sealtrail")
    .description("SealTrail: signed ISO 28000 records in an append-only, verifiable transparency log")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("init")
    .description("create a data directory: operator organisation, its signing key, and the default vault")
    .addOption(dataOption())
    .addOption(dbOption())
    .option("--operator <id>", "operator organisation id", "operator")
    .option("--vault <name>", "name of the first vault", "default")
    .option("--json", "print JSON")
    .action(async (o: { data: string; db?: string; operator: string; vault: string; json?: boolean }) => {
      await withContext(
        o,
        async (ctx) => {
          const r = await initializeWithAccess(ctx.store, ctx.ledger, { operator: o.operator, vault: o.vault });
          const vkey = await ctx.ledger.verifierKey(r.vault);
          if (o.json) io.out(JSON.stringify({ ...r, vkey }) + "\n");
          else {
            io.out(r.created ? `initialised ${describeLocation(o)}\n` : `${describeLocation(o)} was already initialised\n`);
            io.out(`operator organisation: ${r.operator} (key ${r.keyId})\nvault: ${r.vault}\nverifier key: ${vkey}\n`);
            if (r.bootstrapToken !== null) io.out(`operator API key (shown once, keep it safe): ${r.bootstrapToken}\n`);
          }
        },
        { mustExist: false },
      );
    });

  program
    .command("serve")
    .description("run the HTTP server (initialises the data directory on first start)")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(new Option("--port <n>", "TCP port").default(8080).argParser(port))
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .addOption(uintOption("--checkpoint-interval <ms>", "checkpoint interval", 1000n))
    .addOption(uintOption("--rate-limit <n>", "requests per second per API key (burst: twice that); 0 for none", 200n))
    // Publication: witnesses and anchors (docs/formats.md §16).
    .option("--witness <vkey=url>", "a witness that must cosign checkpoints: its verifier key, =, its URL (repeatable)", (v: string, acc: WitnessEndpoint[] = []) => {
      try {
        return [...acc, parseWitnessArg(v)];
      } catch (e) {
        throw new UsageError(`--witness: ${(e as Error).message}`);
      }
    })
    .addOption(uintOption("--witness-threshold <k>", "witnesses that must cosign a checkpoint before it is published (default: all)"))
    .addOption(uintOption("--witness-timeout <ms>", "time limit of each request to a witness", 5000n))
    .addOption(uintOption("--max-unpublished <n>", "refuse appends (503) while more entries than this wait for a published checkpoint (default 100000 with witnesses)"))
    .option("--tsa <url>", "an RFC 3161 time-stamp authority that anchors published checkpoints (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--tsa-root <file>", "PEM certificate(s) of a CA the TSAs chain to (repeatable; needed with --tsa)", (v: string, acc: string[] = []) => [...acc, v])
    .addOption(uintOption("--anchor-every <n>", "anchor every Nth published checkpoint", 1n))
    .option("--evm-rpc <url>", "JSON-RPC URL of an EVM chain (Polygon or any other) that anchors published checkpoints")
    .option("--evm-key <file>", "file holding the hex secp256k1 key of the account that pays for anchors (needed with --evm-rpc)")
    .addOption(uintOption("--evm-chain-id <n>", "chain id the node must serve"))
    .addOption(uintOption("--evm-confirmations <n>", "blocks to wait for, the including one counted (the chain's finality depth)", 1n))
    .action(async (o: {
      data: string;
      db?: string;
      port: number;
      host: string;
      checkpointInterval: bigint;
      rateLimit: bigint;
      witness?: WitnessEndpoint[];
      witnessThreshold?: bigint;
      witnessTimeout: bigint;
      maxUnpublished?: bigint;
      tsa?: string[];
      tsaRoot?: string[];
      anchorEvery: bigint;
      evmRpc?: string;
      evmKey?: string;
      evmChainId?: bigint;
      evmConfirmations: bigint;
    }) => {
      if ((o.evmRpc === undefined) !== (o.evmKey === undefined)) throw new UsageError("--evm-rpc and --evm-key go together");
      const evm =
        o.evmRpc === undefined
          ? []
          : [
              createEvmAnchorProvider({
                rpcUrl: o.evmRpc,
                privateKey: readEvmKey(readFileSync(o.evmKey!, "utf8")),
                confirmations: Number(o.evmConfirmations),
                ...(o.evmChainId !== undefined ? { chainId: Number(o.evmChainId) } : {}),
              }),
            ];
      if ((o.tsa ?? []).length > 0 && (o.tsaRoot ?? []).length === 0) throw new UsageError("--tsa needs --tsa-root FILE: the CA certificate its tokens are checked against");
      const tsaRoots = (o.tsaRoot ?? []).flatMap((f) => pemCertificates(readFileSync(f, "utf8"), `--tsa-root ${f}`));
      const ctx = await openContext({
        data: o.data,
        db: o.db,
        checkpointIntervalMs: Number(o.checkpointInterval),
        witnesses: o.witness ?? [],
        ...(o.witnessThreshold !== undefined ? { witnessThreshold: Number(o.witnessThreshold) } : {}),
        witnessTimeoutMs: Number(o.witnessTimeout),
        ...(o.maxUnpublished !== undefined ? { maxUnpublished: Number(o.maxUnpublished) } : {}),
        tsa: o.tsa ?? [],
        tsaRoots,
        anchorEvery: Number(o.anchorEvery),
        ...(evm.length > 0 ? { anchors: evm } : {}),
      });
      const r = await initializeWithAccess(ctx.store, ctx.ledger, {});
      if (r.created) io.err(`initialised ${describeLocation(o)}: operator ${r.operator}, vault ${r.vault}\n`);
      if (r.bootstrapToken !== null) io.err(`operator API key (shown once, keep it safe): ${r.bootstrapToken}\n`);
      ctx.ledger.start();
      const perSecond = Number(o.rateLimit);
      const app = await createApp({
        ledger: ctx.ledger,
        store: ctx.store,
        logger: false,
        rateLimit: perSecond === 0 ? false : { perSecond, burst: 2 * perSecond },
      });
      const address = await app.listen({ port: o.port, host: o.host });
      io.err(`SealTrail listening on ${address} (${engineOf(o) === "sqlite" ? "data" : "database"} ${describeLocation(o)})\nverifier key of ${r.vault}: ${await ctx.ledger.verifierKey(r.vault)}\n`);
      await new Promise<void>((res) => {
        const stop = () => res();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await app.close();
      await ctx.close();
    });

  program
    .command("append")
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
        o: { data: string; db?: string; server?: string; vault: string; type: string; key?: string; author?: string; subject?: string[]; supersedes?: bigint },
      ) => {
        const text = file === "-" ? io.stdin() : readFileSync(file);
        const doc = parseJson(new Uint8Array(text.buffer, text.byteOffset, text.byteLength), file === "-" ? "stdin" : file);
        const payloads = Array.isArray(doc) ? doc : [doc];
        if (payloads.length === 0) throw new UsageError("nothing to append: the array is empty");
        if ((o.key === undefined) !== (o.author === undefined)) throw new UsageError("--key and --author go together");
        let key: { org: string; seed: Uint8Array } | undefined;
        if (o.key !== undefined) {
          const seed = fromBase64(readFileSync(o.key, "utf8").trim(), "--key");
          if (seed.length !== 32) throw new UsageError("--key must hold a base64 32-byte Ed25519 seed");
          key = { org: o.author!, seed };
        }
        const records = payloads.map((p, i) => {
          if (p === null || typeof p !== "object" || Array.isArray(p)) {
            throw new SealTrailError("invalid", `element ${i}: a record must be a JSON object`);
          }
          return p;
        });
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

  program
    .command("verify")
    .description("verify offline: an evidence bundle against a trust policy (verify BUNDLE --policy POLICY), or a tlog-proof of an entry with only the vault's verifier key")
    .argument("[bundle]", "evidence bundle file (docs/formats.md §14)")
    .option("--policy <file>", "verification policy of a bundle (docs/formats.md §15)")
    .option("--vkey <key>", "verifier key text, or a file holding it")
    .option("--proof <file>", "tlog-proof file")
    .option("--entry <file>", "raw entry file")
    .option("--json", "print JSON")
    .action(async (bundle: string | undefined, o: { policy?: string; vkey?: string; proof?: string; entry?: string; json?: boolean }) => {
      if (bundle !== undefined || o.policy !== undefined) {
        if (bundle === undefined || o.policy === undefined) throw new UsageError("verify: a bundle needs --policy POLICY, and --policy a bundle file");
        code = await runBundleVerify(bundle, o.policy, { json: o.json === true }, io);
        return;
      }
      if (o.vkey === undefined || o.proof === undefined || o.entry === undefined) throw new UsageError("verify: give BUNDLE --policy POLICY, or --vkey, --proof and --entry");
      const vkey = readVerifierKey(o.vkey);
      const proofText = readFileSync(o.proof);
      const entry = readFileSync(o.entry);
      try {
        const r = verifyTlogProof(new Uint8Array(proofText), new Uint8Array(entry), vkey);
        const res = { valid: true, origin: r.origin, index: Number(r.index), size: Number(r.size), root: toBase64(r.root), leafHash: toHex(r.leafHash) };
        io.out(o.json ? JSON.stringify(res) + "\n" : `valid: entry ${res.index} is in ${res.origin} at size ${res.size}\n`);
      } catch (e) {
        if (!(e instanceof SealTrailError)) throw e;
        io.out(o.json ? JSON.stringify({ valid: false, code: e.code, reason: e.message }) + "\n" : `INVALID: ${e.message}\n`);
        code = 1;
      }
    });

  program
    .command("audit")
    .description("re-read every stored entry, recompute the tree and every checkpoint, check every signature, and name each discrepancy")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .option("--vkey <key>", "check checkpoints against this verifier key (text or file) instead of the one in the database")
    .option("--json", "print JSON")
    .action(async (o: { data: string; db?: string; vault: string; vkey?: string; json?: boolean }) => {
      const vkey = o.vkey === undefined ? undefined : readVerifierKey(o.vkey);
      await withContext(o, async (ctx) => {
        const bar = progressBar(process.stderr, "audit");
        let report: AuditReport;
        try {
          report = await auditVault(ctx.store, o.vault, { onProgress: bar.update, ...(vkey !== undefined ? { vkey } : {}) });
        } finally {
          bar.done();
        }
        if (o.json) io.out(JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
        else {
          io.out(`vault ${o.vault}: ${report.entries} entries, ${report.checkpoints} checkpoints checked\n`);
          for (const p of report.problems) io.out(`${p.kind}: ${p.message}\n`);
          for (const r of report.redacted) {
            io.out(`redacted: entry ${r.index}, by ${r.author} in entry ${r.by} at ${r.time}${r.reason !== null ? ` (${r.reason})` : ""}\n`);
          }
          io.out(report.problems.length === 0 ? "OK: no discrepancy\n" : `${report.problems.length} discrepancies\n`);
        }
        if (report.problems.length > 0) code = 1;
      });
    });

  registerRedactCommand(program, { out: io.out, err: io.err, withContext: (loc, fn) => withContext(loc, fn), dataOption, dbOption, serverOption, parseIndex: uint("INDEX") });

  registerCustodyCommand(program, {
    out: io.out,
    err: io.err,
    withContext: (loc, fn) => withContext(loc, fn),
    dataOption,
    dbOption,
    serverOption,
    setExitCode: (c) => {
      code = c;
    },
  });

  registerExportCommand(program, { out: io.out, err: io.err, withContext: (loc, fn) => withContext(loc, fn), dataOption, dbOption, usage: (m) => new UsageError(m) });

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

  const witness = program
    .command("witness")
    .description("run a C2SP tlog-witness: cosign each checkpoint of the followed logs that is consistent with the last one (generates the witness key on first start)")
    .option("--data <dir>", "witness data directory", "./witness-data")
    .addOption(new Option("--port <n>", "TCP port").default(8081).argParser(port))
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--log <vkey>", "verifier key of a log to follow, its origin being the key name (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--logs <file>", 'JSON file of logs to follow: {"logs": [{"vkey": "...", "origin": "..."}]}')
    .option("--key <file>", "witness key file (default DIR/witness.key; generated if missing)")
    .option("--name <name>", "witness name when generating its key (default sealtrail/witness/<random>)")
    .action(async (o: { data: string; port: number; host: string; log: string[]; logs?: string; key?: string; name?: string }) => {
      const logs = [...o.log.map((v) => followedLog(readVerifierKey(v))), ...(o.logs !== undefined ? readLogsFile(o.logs) : [])];
      if (logs.length === 0) throw new UsageError("witness: give at least one --log VKEY or --logs FILE");
      const svc = openWitnessService({ dir: o.data, logs, keyFile: o.key, name: o.name });
      try {
        if (svc.keyCreated) io.err(`generated witness key in ${svc.keyFile}\n`);
        const app = await createWitnessApp({ witness: svc.witness });
        const address = await app.listen({ port: o.port, host: o.host });
        io.err(`witness ${svc.witness.name} listening on ${address} (data ${o.data})\n`);
        io.err(`following: ${svc.witness.logs().map((l) => l.origin).join(", ")}\n`);
        io.err(`witness verifier key: ${svc.witness.verifierKey}\n`);
        await new Promise<void>((res) => {
          const stop = () => res();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await app.close();
      } finally {
        svc.close();
      }
    });
  witness
    .command("evidence")
    .description("print the evidence a witness kept (split views, bad consistency proofs) as JSON; --data before or after")
    .action((_o: unknown, cmd: Command) => {
      const { data } = cmd.optsWithGlobals<{ data: string }>();
      io.out(JSON.stringify({ evidence: readEvidence(data) }, null, 2) + "\n");
    });

  return { program, exitCode: () => code };
}

/**
 * Run the CLI with `argv` (as process.argv) and return the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const { program, exitCode } = createProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return exitCode();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version") return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof SealTrailError) {
      io.err(`error (${e.code}): ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT" || err.code === "EACCES" || err.code === "EISDIR") {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}
