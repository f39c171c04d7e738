/**
 * The SMS registers over HTTP: GET /v1/vaults/{vault}/sms/registers with
 * format=xlsx (every register, one sheet each, after a sheet saying the tree
 * size, root and catalogue they were computed at) or format=csv with
 * register=NAME (one register, RFC 4180). The body is streamed as it is
 * written, with the file's name in Content-Disposition (RFC 6266).
 */
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { SealTrailError } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { sharedSmsStates } from "../sms/state.js";
import { REGISTER_MEDIA_TYPES, registersFileName, registersRequest, writeRegisters } from "../report/registers/index.js";
import { requireVault } from "./auth.js";
import { contentDisposition } from "./content-disposition.js";

const DAY = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/**
 * Register the registers route.
 *
 * @example
 * ```ts
 * await registerRegistersRoutes(app, ledger, store);
 * ```
 */
export async function registerRegistersRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const states = sharedSmsStates(ledger.reader);
  app.get<{ Params: { vault: string }; Querystring: Record<string, string | undefined> }>("/v1/vaults/:vault/sms/registers", async (req, reply) => {
    await requireVault(store, req, req.params.vault, "read");
    const r = registersRequest(req.query.format, req.query.register);
    const asOf = req.query.asOf ?? new Date().toISOString().slice(0, 10);
    // A real calendar day: 2026-02-30 is refused, not read as March 2nd.
    if (!DAY.test(asOf) || new Date(`${asOf}T00:00:00Z`).toISOString().slice(0, 10) !== asOf) {
      throw new SealTrailError("invalid", "asOf: a date, YYYY-MM-DD", { detail: { parameter: "asOf" } });
    }
    const state = await states.of(req.params.vault);
    const body = new PassThrough();
    // A failure halfway through the body can no longer change the status: the stream is cut, and the client sees a truncated file.
    writeRegisters(body, { vault: req.params.vault, state, asOf }, r).catch((e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))));
    return reply
      .type(REGISTER_MEDIA_TYPES[r.format])
      .header("content-disposition", contentDisposition(registersFileName(req.params.vault, asOf, r.format, r.register)))
      .send(body);
  });
}
