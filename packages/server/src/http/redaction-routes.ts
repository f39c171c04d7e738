/**
 * Custodial redaction (docs/formats.md §5b): the server signs a
 * `sealtrail.redaction` record with the caller organisation's held key, for
 * partners without software and for the operator. A client that signs on
 * its side appends the same record through POST /v1/vaults/{vault}/records.
 */
import type { FastifyInstance } from "fastify";
import { MAX_REDACTION_REASON, REDACTION_RECORD_TYPE, SealTrailError } from "@sealtrail/core";
import { acknowledgement, type Ledger } from "../ledger/ledger.js";
import type { AccessStore, Store } from "../store/types.js";
import { redactCustodial } from "../ledger/custodial.js";
import { principal, requireVault } from "./auth.js";
import { oneRecordError } from "./problem.js";
import { authorizeRecord, idempotencyOf } from "./log-routes.js";
import { parseIndex } from "./params.js";

/**
 * Register `POST /v1/vaults/:vault/records/:index/redact`.
 *
 * @example
 * ```ts
 * await registerRedactionRoutes(app, ledger, store);
 * ```
 */
export async function registerRedactionRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore): Promise<void> {
  app.post<{ Params: { vault: string; index: string }; Body: { reason?: string } | undefined }>(
    "/v1/vaults/:vault/records/:index/redact",
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: { reason: { type: "string", minLength: 1, maxLength: MAX_REDACTION_REASON, description: "why, in a few words" } },
        },
      },
    },
    async (req, reply) => {
      const vault = req.params.vault;
      const access = await requireVault(store, req, vault, "any");
      const p = principal(req);
      // Refuse before looking for the record or a held key: a caller may not learn whether either exists.
      if (!access.canWrite(REDACTION_RECORD_TYPE)) throw new SealTrailError("forbidden", `this API key may not write ${REDACTION_RECORD_TYPE} records in this vault`);
      const index = parseIndex(req.params.index, "index");
      const idem = idempotencyOf(req, p, "redact");
      const reason = req.body?.reason;
      const r = await redactCustodial(store, ledger, vault, p.org, index, reason !== undefined ? { reason } : {}, {
        authorize: (env) => authorizeRecord(p, access, env),
        ...(idem !== undefined ? { idempotency: idem } : {}),
        submittedBy: p.key.id,
      }).catch(oneRecordError);
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      return reply.status(201).send({ ...acknowledgement(r), redacts: Number(index) });
    },
  );
}
