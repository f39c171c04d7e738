/**
 * Publication routes (docs/formats.md §16): the anchors stored for a vault's
 * published checkpoints, and the publication status (backlog, each
 * witness's last answer, anchoring). Readable by whoever may read the vault.
 */
import type { FastifyInstance } from "fastify";
import { parseJson } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore } from "../store/types.js";
import { requireVault } from "./auth.js";
import { parseIndex } from "./params.js";

/**
 * Register `GET /v1/vaults/:vault/anchors` and `GET /v1/vaults/:vault/witnesses`.
 *
 * @example
 * ```ts
 * await registerAnchorRoutes(app, ledger, store);
 * ```
 */
export async function registerAnchorRoutes(app: FastifyInstance, ledger: Ledger, store: AccessStore & AdminStore): Promise<void> {
  app.get<{ Params: { vault: string }; Querystring: { size?: string } }>("/v1/vaults/:vault/anchors", async (req, reply) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const size = req.query.size === undefined ? undefined : parseIndex(req.query.size, "size");
    const rows = await ledger.reader.anchors(vault, size === undefined ? {} : { checkpointSize: size });
    return reply.header("cache-control", "no-cache").send({
      anchors: rows.map((a) => ({
        checkpointSize: Number(a.checkpointSize),
        type: a.type,
        createdAt: a.createdAt,
        record: parseJson(a.record),
      })),
    });
  });

  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/witnesses", async (req, reply) => {
    await requireVault(store, req, req.params.vault, "read");
    return reply.header("cache-control", "no-cache").send(await ledger.publication(req.params.vault));
  });
}
