/**
 * The exports over HTTP: GET /v1/vaults/{vault}/sms/exports/oscal gives a
 * vault's readiness assessment as OSCAL assessment results (readers of the
 * vault only), and GET /v1/sms/catalogue/ciso-assistant the catalogue as a
 * CISO Assistant library (any API key: the catalogue is the same for all).
 */
import type { FastifyInstance } from "fastify";
import { CATALOGUE } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { sharedSmsStates } from "../sms/state.js";
import { oscalExportOf } from "../export/vault-exports.js";
import { cisoAssistantYaml } from "../export/ciso-assistant.js";
import { principal, requireVault } from "./auth.js";

/**
 * Register the export routes.
 *
 * @example
 * ```ts
 * await registerExportRoutes(app, ledger, store);
 * ```
 */
export async function registerExportRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const sources = { vault: (name: string) => store.vault(name), states: sharedSmsStates(ledger.reader) };
  app.get<{ Params: { vault: string }; Querystring: { asOf?: string } }>("/v1/vaults/:vault/sms/exports/oscal", async (req) => {
    await requireVault(store, req, req.params.vault, "read");
    const today = new Date().toISOString().slice(0, 10);
    return oscalExportOf(sources, req.params.vault, req.query.asOf, today);
  });
  // The text depends only on this build's catalogue: made once.
  let yaml: string | undefined;
  app.get("/v1/sms/catalogue/ciso-assistant", async (req, reply) => {
    principal(req);
    yaml ??= cisoAssistantYaml();
    return reply.type("application/yaml; charset=utf-8").header("content-disposition", `attachment; filename="${CATALOGUE.id}.ciso-assistant.yaml"`).send(yaml);
  });
}
