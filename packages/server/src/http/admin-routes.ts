/**
 * Organisations, API keys, vaults, members and custodial signing.
 */
import type { FastifyInstance } from "fastify";
import { SealTrailError, type MemberChange } from "@sealtrail/core";
import { createApiKey, publicApiKey, type ApiKeyScope } from "../access/api-keys.js";
import { createOrganisation } from "../access/orgs.js";
import { isOrgAdmin, isServerAdmin, vaultAccess } from "../access/permissions.js";
import { addVault } from "../ledger/bootstrap.js";
import { appendCustodial, changeMembership, createCustodialKey } from "../ledger/custodial.js";
import { acknowledgement, type Ledger } from "../ledger/ledger.js";
import { auditVault } from "../ledger/audit.js";
import type { AccessStore, Store } from "../store/types.js";
import { principal, requireVault } from "./auth.js";
import { authorizeRecord, idempotencyOf } from "./log-routes.js";

const forbidden = (what: string) => new SealTrailError("forbidden", what);

/**
 * Register the administration routes.
 *
 * @example
 * ```ts
 * await registerAdminRoutes(app, ledger, store);
 * ```
 */
export async function registerAdminRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore): Promise<void> {
  // Organisations ---------------------------------------------------------
  app.get("/v1/orgs", async (req) => {
    const p = principal(req);
    const orgs = isServerAdmin(p) ? await store.orgs() : [await store.org(p.org)].filter((o) => o !== null);
    return { orgs };
  });

  app.post<{ Body: { id: string; name: string; country?: string; roles?: string[] } }>(
    "/v1/orgs",
    {
      schema: {
        body: {
          type: "object",
          required: ["id", "name"],
          additionalProperties: false,
          properties: {
            id: { type: "string" },
            name: { type: "string" },
            country: { type: "string" },
            roles: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
    async (req, reply) => {
      if (!isServerAdmin(principal(req))) throw forbidden("only the operator's admin keys create organisations");
      return reply.status(201).send(await createOrganisation(store, req.body));
    },
  );

  app.get<{ Params: { org: string } }>("/v1/orgs/:org", async (req) => {
    const p = principal(req);
    if (!isServerAdmin(p) && p.org !== req.params.org) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
    const o = await store.org(req.params.org);
    if (o === null) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
    return o;
  });

  // API keys --------------------------------------------------------------
  app.post<{ Params: { org: string }; Body: Partial<ApiKeyScope> }>(
    "/v1/orgs/:org/api-keys",
    {
      schema: {
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            vaults: { anyOf: [{ type: "string", const: "*" }, { type: "array", items: { type: "string" } }] },
            read: { type: "boolean" },
            write: { type: "array", items: { type: "string" } },
            admin: { type: "boolean" },
            expiresAt: { type: ["string", "null"] },
          },
        },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      if (!isOrgAdmin(p, req.params.org)) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
      const b = req.body;
      const { token, key } = await createApiKey(store, req.params.org, {
        name: b.name ?? "",
        vaults: b.vaults ?? "*",
        read: b.read ?? true,
        write: b.write ?? [],
        admin: b.admin ?? false,
        expiresAt: b.expiresAt ?? null,
      });
      // The token is shown this once; only its hash is kept.
      return reply.status(201).send({ token, key: publicApiKey(key) });
    },
  );

  app.get<{ Params: { org: string } }>("/v1/orgs/:org/api-keys", async (req) => {
    if (!isOrgAdmin(principal(req), req.params.org)) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
    return { keys: (await store.apiKeys(req.params.org)).map(publicApiKey) };
  });

  app.delete<{ Params: { org: string; id: string } }>("/v1/orgs/:org/api-keys/:id", async (req, reply) => {
    if (!isOrgAdmin(principal(req), req.params.org)) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
    const key = await store.apiKey(req.params.id);
    if (key === null || key.org !== req.params.org) throw new SealTrailError("not_found", `no API key ${req.params.id}`);
    await store.revokeApiKey(key.id, new Date().toISOString());
    return reply.status(204).send();
  });

  // Signing keys held by the server (custodial mode) ---------------------
  app.post<{ Params: { org: string }; Body: { vault: string } }>(
    "/v1/orgs/:org/custodial-keys",
    { schema: { body: { type: "object", required: ["vault"], additionalProperties: false, properties: { vault: { type: "string" } } } } },
    async (req, reply) => {
      const p = principal(req);
      if (!isOrgAdmin(p, req.params.org)) throw new SealTrailError("not_found", `no organisation "${req.params.org}"`);
      // The organisation must be able to act in the vault it registers a key in.
      const orgPrincipal = { ...p, org: req.params.org, isOperator: p.isOperator && p.org === req.params.org };
      if (!isServerAdmin(p) && (await vaultAccess(store, orgPrincipal, req.body.vault)) === null) {
        throw new SealTrailError("not_found", `no vault named "${req.body.vault}"`);
      }
      const r = await createCustodialKey(store, ledger, req.params.org, req.body.vault);
      return reply.status(201).send({ keyId: r.keyId, index: Number(r.index) });
    },
  );

  // Vaults ----------------------------------------------------------------
  app.get("/v1/vaults", async (req) => {
    const p = principal(req);
    const out = [];
    for (const v of await store.vaults()) {
      const a = await vaultAccess(store, p, v.name);
      if (a !== null) out.push({ name: v.name, origin: v.origin, read: a.read, admin: a.admin });
    }
    return { vaults: out };
  });

  app.post<{ Body: { name: string; origin?: string } }>(
    "/v1/vaults",
    {
      schema: {
        body: { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string" }, origin: { type: "string" } } },
      },
    },
    async (req, reply) => {
      if (!isServerAdmin(principal(req))) throw forbidden("only the operator's admin keys create vaults");
      const v = await addVault(store, ledger, req.body.name, req.body.origin);
      return reply.status(201).send({ ...v, vkey: await ledger.verifierKey(v.name) });
    },
  );

  // Members ---------------------------------------------------------------
  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/members", async (req) => {
    await requireVault(store, req, req.params.vault, "read");
    const members = await store.members(req.params.vault);
    return { members: members.map((m) => ({ ...m, sinceIndex: Number(m.sinceIndex) })) };
  });

  app.put<{ Params: { vault: string; org: string }; Body: { read?: boolean; write?: string[]; admin?: boolean } }>(
    "/v1/vaults/:vault/members/:org",
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: { read: { type: "boolean" }, write: { type: "array", items: { type: "string" } }, admin: { type: "boolean" } },
        },
      },
    },
    async (req) => {
      await requireVault(store, req, req.params.vault, "admin");
      if (!isServerAdmin(principal(req))) throw forbidden("only the operator's admin keys change memberships");
      const change: MemberChange = {
        action: "set",
        org: req.params.org,
        read: req.body.read ?? true,
        write: req.body.write ?? [],
        admin: req.body.admin ?? false,
      };
      const r = await changeMembership(store, ledger, req.params.vault, change);
      return acknowledgement(r);
    },
  );

  app.delete<{ Params: { vault: string; org: string } }>("/v1/vaults/:vault/members/:org", async (req) => {
    await requireVault(store, req, req.params.vault, "admin");
    if (!isServerAdmin(principal(req))) throw forbidden("only the operator's admin keys change memberships");
    if ((await store.member(req.params.vault, req.params.org)) === null) throw new SealTrailError("not_found", `${req.params.org} is not a member`);
    const r = await changeMembership(store, ledger, req.params.vault, { action: "remove", org: req.params.org });
    return acknowledgement(r);
  });

  // Audit -----------------------------------------------------------------
  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/audit", async (req) => {
    await requireVault(store, req, req.params.vault, "admin");
    const report = await auditVault(store, req.params.vault);
    return {
      ...report,
      problems: report.problems.map((p) => ({
        ...p,
        ...(p.index !== undefined ? { index: Number(p.index) } : {}),
        ...(p.size !== undefined ? { size: Number(p.size) } : {}),
      })),
      redacted: report.redacted.map((r) => ({ ...r, index: Number(r.index), by: Number(r.by) })),
    };
  });

  // Custodial records -----------------------------------------------------
  app.post<{ Params: { vault: string }; Body: { type: string; payload?: Record<string, unknown>; subjects?: string[] } }>(
    "/v1/vaults/:vault/records/custodial",
    {
      schema: {
        body: {
          type: "object",
          required: ["type"],
          additionalProperties: false,
          properties: {
            type: { type: "string" },
            payload: { type: "object" },
            subjects: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
    async (req, reply) => {
      const access = await requireVault(store, req, req.params.vault, "any");
      const p = principal(req);
      // Refuse before looking for a held key: a caller may not learn whether one exists.
      if (!access.canWrite(req.body.type)) throw forbidden(`this API key may not write ${req.body.type} records in this vault`);
      const idem = idempotencyOf(req, p, "custodial");
      const r = await appendCustodial(store, ledger, req.params.vault, p.org, req.body, {
        authorize: (env) => authorizeRecord(p, access, env),
        ...(idem !== undefined ? { idempotency: idem } : {}),
        submittedBy: p.key.id,
      });
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      return reply.status(201).send({ results: [acknowledgement(r)] });
    },
  );
}
