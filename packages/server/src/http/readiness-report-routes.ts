/**
 * The certification-readiness report over HTTP:
 * GET /v1/vaults/{vault}/sms/reports/readiness?format=pdf|html&asOf=YYYY-MM-DD,
 * the same document `sealtrail report readiness` writes, computed from the
 * vault's records at its current tree size, with the file's name in
 * Content-Disposition (RFC 6266).
 */
import type { FastifyInstance } from "fastify";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { sharedSmsStates } from "../sms/state.js";
import { READINESS_MEDIA_TYPES, readinessFileName, readinessReport, readinessRequest } from "../report/readiness/index.js";
import { requireVault } from "./auth.js";
import { contentDisposition } from "./content-disposition.js";

/**
 * Register the readiness report route.
 *
 * @example
 * ```ts
 * await registerReadinessReportRoutes(app, ledger, store);
 * ```
 */
export async function registerReadinessReportRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const states = sharedSmsStates(ledger.reader);
  app.get<{ Params: { vault: string }; Querystring: Record<string, string | undefined> }>("/v1/vaults/:vault/sms/reports/readiness", async (req, reply) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const r = readinessRequest(req.query.format, req.query.asOf, new Date().toISOString().slice(0, 10));
    const body = await readinessReport(ledger.reader, vault, await states.of(vault), r.asOf, r.format);
    return reply.type(READINESS_MEDIA_TYPES[r.format]).header("content-disposition", contentDisposition(readinessFileName(vault, r.asOf, r.format))).send(body);
  });
}
