/**
 * A server that a test stops and starts again over the same data directory
 * (and, on PostgreSQL, the same fresh database), each time with the options
 * it is testing: witnesses, TSAs, checkpoint intervals. First started once
 * without them, so the operator, the default vault and its log key exist.
 */
import type { FastifyInstance } from "fastify";
import { buildRecord, toBase64 } from "@sealtrail/core";
import { openContext, type Context } from "../../src/main.js";
import { initializeWithAccess } from "../../src/access/bootstrap.js";
import { operatorKey } from "../../src/ledger/bootstrap.js";
import { createApp } from "../../src/http/app.js";
import { freshDatabase } from "./postgres.js";
import { tempDir, type Engine } from "./temp-log.js";

/** What `open` takes beyond the data location: ledger, witness and TSA options. */
export type ReopenOptions = Omit<Parameters<typeof openContext>[0], "data" | "db">;

export interface ReopenableServer {
  /** The data directory (the server's, unless a test makes its own beside it). */
  readonly dir: string;
  /** Every line the ledger has logged since the server was made. */
  readonly logged: string[];
  /** The bootstrap API key of the operator. */
  readonly token: string;
  readonly op: { readonly org: string; readonly seed: Uint8Array };
  /** The default vault's log verifier key. */
  readonly logVkey: string;
  /** Stop the running server (if any) and start it with `extra`. */
  open(extra?: ReopenOptions): Promise<Context>;
  /** Stop the running server. */
  close(): Promise<void>;
  /** An authenticated request to the running server's API. */
  http(method: "GET" | "POST", url: string, payload?: object): Promise<Awaited<ReturnType<FastifyInstance["inject"]>>>;
  /** `n` custodial test.risk submissions by the operator. */
  records(n: number, tag: string): { entry: ReturnType<typeof buildRecord>["signed"]; payload: object; salt: string }[];
  /** Stop the server and remove its directory and database. */
  dispose(): Promise<void>;
}

/**
 * A reopenable server on `engine`, checkpointing every second unless told otherwise.
 *
 * @example
 * ```ts
 * const s = await reopenableServer("sealtrail-pub-", "sqlite");
 * const c = await s.open({ witnesses: [...] });
 * ```
 */
export async function reopenableServer(prefix: string, engine: Engine): Promise<ReopenableServer> {
  const dir = tempDir(prefix);
  const pg = engine === "postgres" ? await freshDatabase() : undefined;
  const logged: string[] = [];
  let ctx: Context | null = null;
  let app: FastifyInstance | null = null;

  const close = async (): Promise<void> => {
    await app?.close();
    app = null;
    await ctx?.close();
    ctx = null;
  };
  const open = async (extra: ReopenOptions = {}): Promise<Context> => {
    await close();
    ctx = await openContext({ data: dir.dir, db: pg?.url, checkpointIntervalMs: 1000, log: (m) => logged.push(m), ...extra });
    app = await createApp({ ledger: ctx.ledger, store: ctx.store, rateLimit: false });
    return ctx;
  };

  const first = await open();
  const token = (await initializeWithAccess(first.store, first.ledger, {})).bootstrapToken!;
  const logVkey = await first.ledger.verifierKey("default");
  const op = await operatorKey(first.store);
  await close();

  return {
    dir: dir.dir,
    logged,
    token,
    op,
    logVkey,
    open,
    close,
    http: async (method, url, payload) => {
      if (app === null) throw new Error("reopenableServer: not running");
      return await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload } : {}) });
    },
    records: (n, tag) =>
      Array.from({ length: n }, (_, i) => {
        const payload = { title: `${tag} ${i}`, n: Math.random() };
        const rec = buildRecord({ vault: "default", type: "test.risk", author: op.org, seed: op.seed, mode: "custodial", payload });
        return { entry: rec.signed, payload, salt: toBase64(rec.salt!) };
      }),
    async dispose() {
      await close();
      dir.cleanup();
      await pg?.drop();
    },
  };
}
