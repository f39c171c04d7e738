/**
 * The SMS figures over HTTP: GET /v1/vaults/{vault}/sms/{figure} for the
 * summary, readiness, gaps, KPIs, maturity and due items of a vault,
 * computed by core from the vault's records (sms/figures.ts), each naming
 * the catalogue and the tree size it was computed at and, figure by figure,
 * the records behind it; and GET /v1/vaults/{vault}/sms/check, the
 * projection those figures come from checked against the log.
 */
import type { FastifyInstance } from "fastify";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { sharedSmsStates } from "../sms/state.js";
import { SMS_FIGURES, smsFigure } from "../sms/figures.js";
import { requireVault } from "./auth.js";

/**
 * Register the SMS figure routes.
 *
 * @example
 * ```ts
 * await registerSmsFigureRoutes(app, ledger, store);
 * ```
 */
export async function registerSmsFigureRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const states = sharedSmsStates(ledger.reader);
  for (const name of SMS_FIGURES) {
    app.get<{ Params: { vault: string }; Querystring: Record<string, string | undefined> }>(`/v1/vaults/:vault/sms/${name}`, async (req) => {
      await requireVault(store, req, req.params.vault, "read");
      const today = new Date().toISOString().slice(0, 10);
      return smsFigure(await states.of(req.params.vault), name, req.query, today);
    });
  }
  // The projection the figures come from, checked against the state rebuilt from the log (vault administrators).
  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/sms/check", async (req) => {
    await requireVault(store, req, req.params.vault, "admin");
    const c = await states.check(req.params.vault);
    return { vault: c.vault, treeSize: Number(c.size), differences: c.count, examples: c.differences };
  });
}
