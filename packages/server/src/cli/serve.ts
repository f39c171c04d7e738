/**
 * `sealtrail init` and `sealtrail serve`: create a data directory or
 * database, and run the HTTP server on it with its publication settings
 * (witnesses and anchors, docs/formats.md §16).
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { describeLocation, engineOf, openContext } from "../main.js";
import { initializeWithAccess } from "../access/bootstrap.js";
import { buildDemo } from "../demo/build-demo.js";
import { createApp } from "../http/app.js";
import { serverTimeoutOptions } from "../http/connections.js";
import { parseWitnessArg, type WitnessEndpoint } from "../ledger/witness-client.js";
import { pemCertificates } from "../ledger/anchoring.js";
import { createEvmAnchorProvider, readEvmKey } from "../anchors/evm-anchor.js";
import { UsageError, type Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, port, uintOption } from "./options.js";
import { DEFAULT_FILE_LIMITS, redactUrl } from "../files/index.js";
import { MAX_ATTACHMENTS } from "@sealtrail/core";

/**
 * Register `sealtrail init` and `sealtrail serve`.
 *
 * @example
 * ```ts
 * registerServeCommands(program, io);
 * ```
 */
export function registerServeCommands(program: Command, io: Io): void {
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
    // How long a client may hold a connection (README, "HTTP API").
    .addOption(uintOption("--headers-timeout <ms>", "time to receive a request's headers", 10_000n))
    .addOption(uintOption("--request-timeout <ms>", "time to receive a whole request, headers and body (default 30000, or longer: the largest file at 1 MiB/s)"))
    .addOption(uintOption("--keep-alive-timeout <ms>", "time an idle keep-alive connection stays open", 5_000n))
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
    // Evidence files (README, "Evidence files").
    .addOption(new Option("--files <url>", "where evidence files live: s3://bucket/prefix?endpoint=...&region=... or file:///path (default: the data directory's files/)").env("SEALTRAIL_FILES"))
    .addOption(uintOption("--max-file-size <bytes>", "largest evidence file", BigInt(DEFAULT_FILE_LIMITS.maxBytes)))
    .addOption(uintOption("--max-attachments <n>", `most attachments per record (at most ${MAX_ATTACHMENTS})`, BigInt(DEFAULT_FILE_LIMITS.maxPerRecord)))
    .option("--media-types <list>", "media types an evidence file may have, comma-separated: type/subtype, type/* or */* (default: documents, images, spreadsheets, archives, recordings)")
    .option("--demo", "on a new data directory or database, build the demo vault first (sealtrail demo); an existing one is served as it is")
    .action(async (o: {
      data: string;
      db?: string;
      port: number;
      host: string;
      checkpointInterval: bigint;
      rateLimit: bigint;
      headersTimeout: bigint;
      requestTimeout?: bigint;
      keepAliveTimeout: bigint;
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
      files?: string;
      maxFileSize: bigint;
      maxAttachments: bigint;
      mediaTypes?: string;
      demo?: boolean;
    }) => {
      if ((o.evmRpc === undefined) !== (o.evmKey === undefined)) throw new UsageError("--evm-rpc and --evm-key go together");
      const fileLimits = fileLimitsOf(o);
      // A whole upload must fit in the request timeout: by default the largest file at 1 MiB/s (README, "Evidence files").
      const requestTimeout = o.requestTimeout !== undefined ? Number(o.requestTimeout) : Math.max(30_000, Math.ceil(fileLimits.maxBytes / 1024));
      const timeouts = { headersTimeoutMs: Number(o.headersTimeout), requestTimeoutMs: Math.min(requestTimeout, 2 ** 31 - 1), keepAliveTimeoutMs: Number(o.keepAliveTimeout) };
      // Checked before anything opens, so that bad timeouts leave no server half started.
      serverTimeoutOptions(timeouts);
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
        filesUrl: o.files,
        fileLimits,
      });
      if (o.demo === true && (await ctx.store.vaults()).length === 0) {
        const d = await buildDemo(ctx, { vault: "demo" });
        io.err(`built the demo vault "${d.vault}" in ${describeLocation(o)}: ${d.smsRecords} SMS records and ${d.custodyEvents} custody events of ${d.organisations.length} organisations\n`);
        if (d.apiKey !== null) io.err(`operator API key (shown once, keep it safe): ${d.apiKey}\n`);
      }
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
        files: ctx.files,
        fileLimits: ctx.fileLimits,
        ...timeouts,
      });
      const address = await app.listen({ port: o.port, host: o.host });
      io.err(`SealTrail listening on ${address} (${engineOf(o) === "sqlite" ? "data" : "database"} ${describeLocation(o)}; files ${o.files ? redactUrl(o.files) : "in the data directory"})\nverifier key of ${r.vault}: ${await ctx.ledger.verifierKey(r.vault)}\n`);
      await new Promise<void>((res) => {
        const stop = () => res();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await app.close();
      await ctx.close();
    });
}

const MEDIA_PATTERN = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126}|\*)|\*\/\*)$/;

// The limits on evidence files that serve's options set.
function fileLimitsOf(o: { maxFileSize: bigint; maxAttachments: bigint; mediaTypes?: string }): { maxBytes: number; maxPerRecord: number; mediaTypes: readonly string[] } {
  if (o.maxFileSize < 1n || o.maxFileSize > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError("--max-file-size: 1 byte or more");
  if (o.maxAttachments > BigInt(MAX_ATTACHMENTS)) throw new UsageError(`--max-attachments: at most ${MAX_ATTACHMENTS}`);
  const mediaTypes = o.mediaTypes === undefined ? DEFAULT_FILE_LIMITS.mediaTypes : o.mediaTypes.split(",").map((t) => t.trim());
  const bad = mediaTypes.find((t) => !MEDIA_PATTERN.test(t));
  if (bad !== undefined) throw new UsageError(`--media-types: "${bad}" is not type/subtype, type/* or */* (lowercase)`);
  return { maxBytes: Number(o.maxFileSize), maxPerRecord: Number(o.maxAttachments), mediaTypes };
}
