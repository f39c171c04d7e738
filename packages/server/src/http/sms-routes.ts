/**
 * The SMS records over HTTP, one set of typed routes per record type under
 * /v1/vaults/{vault}/sms/{kind} (kind: the type without `sms.`): create a
 * record, send a new version, list the latest versions with filters, and
 * read one record with its history and the workflow steps it may take.
 * Records are signed with the caller's custodial key; a partner who signs
 * its own records sends them through POST .../records, under the same
 * rules (the ledger applies them, sms/record-rules.ts).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SMS_RECORD_TYPES, SMS_TYPES, SealTrailError, WORKFLOWS, smsJsonSchema, type Supersedes } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { acknowledgement } from "../ledger/ledger.js";
import { appendCustodial } from "../ledger/custodial.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { latestRecords, latestVersionOf, smsRecord } from "../sms/queries.js";
import { smsKind } from "../sms/record-rules.js";
import { principal, requireVault } from "./auth.js";
import { authorizeRecord, idempotencyOf } from "./log-routes.js";
import { parseIndex, parseIntegerIn } from "./params.js";


const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const RESERVED_QUERY = new Set(["limit", "cursor"]);

function encodeCursor(series: string): string {
  return Buffer.from(`s${series}`).toString("base64url");
}

function decodeCursor(cursor: string, type: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(`s${type} `) || text.length > 512) throw new SealTrailError("malformed", "cursor: not one this server gave", { detail: { parameter: "cursor" } });
  return text.slice(1);
}

function payloadOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new SealTrailError("malformed", "request body: the record's payload, a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Register the SMS routes.
 *
 * @example
 * ```ts
 * await registerSmsRoutes(app, ledger, store);
 * ```
 */
export async function registerSmsRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const reader = ledger.reader;

  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/sms/types", async (req) => {
    await requireVault(store, req, req.params.vault, "read");
    return {
      types: SMS_TYPES.map((type) => ({
        type,
        path: `/v1/vaults/${req.params.vault}/sms/${smsKind(type)}`,
        description: SMS_RECORD_TYPES[type],
        workflow: WORKFLOWS[type] === undefined ? null : { initial: WORKFLOWS[type]!.initial, next: WORKFLOWS[type]!.next },
      })),
    };
  });

  // The payload is checked by the ledger against core's schema (the same
  // check everywhere, naming each field): Fastify only describes it.
  const describeOnly = { validatorCompiler: () => () => true };

  for (const type of SMS_TYPES) {
    const base = `/v1/vaults/:vault/sms/${smsKind(type)}`;
    const write = async (req: FastifyRequest<{ Params: { vault: string } }>, supersedes?: Supersedes) => {
      const access = await requireVault(store, req, req.params.vault, "any");
      const p = principal(req);
      if (!access.canWrite(type)) throw new SealTrailError("forbidden", `this API key may not write ${type} records in this vault`);
      const idem = idempotencyOf(req, p, `sms/${type}`);
      return appendCustodial(store, ledger, req.params.vault, p.org, { type, payload: payloadOf(req.body), ...(supersedes !== undefined ? { supersedes } : {}) }, {
        authorize: (env) => authorizeRecord(p, access, env),
        ...(idem !== undefined ? { idempotency: idem } : {}),
        submittedBy: p.key.id,
      });
    };

    app.post<{ Params: { vault: string }; Body: unknown }>(base, { schema: { body: smsJsonSchema(type) }, ...describeOnly }, async (req, reply) => {
      const r = await write(req);
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      const id = (req.body as { id: string }).id;
      return reply
        .status(201)
        .header("location", `/v1/vaults/${encodeURIComponent(req.params.vault)}/sms/${smsKind(type)}/${encodeURIComponent(id)}`)
        .send({ id, ...acknowledgement(r) });
    });

    app.put<{ Params: { vault: string; id: string }; Body: unknown }>(`${base}/:id`, { schema: { body: smsJsonSchema(type) }, ...describeOnly }, async (req, reply) => {
      await requireVault(store, req, req.params.vault, "any");
      const latest = await latestVersionOf(reader, req.params.vault, type, req.params.id);
      const head = latest.index;
      // If-Match names the version the caller edited: a newer one means its edit is stale.
      const ifMatch = req.headers["if-match"];
      if (ifMatch !== undefined) {
        const expected = parseIndex(String(ifMatch).replace(/^"|"$/g, ""), "If-Match");
        if (expected !== head) throw new SealTrailError("conflict", `${type} ${req.params.id} is at index ${head} now, not ${expected}: read it again`, { detail: { latest: Number(head) } });
      }
      const body = payloadOf(req.body);
      if (body.id !== req.params.id) throw new SealTrailError("invalid", `/id: a new version keeps the record id ${req.params.id}`, { detail: { problems: [{ pointer: "/id", message: "must equal the id in the path" }] } });
      const r = await write(req, { index: Number(head), leafHash: latest.leafHash });
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      return reply.status(201).send({ id: req.params.id, supersedes: Number(head), ...acknowledgement(r) });
    });

    app.get<{ Params: { vault: string }; Querystring: Record<string, string | string[] | undefined> }>(base, async (req) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      const q = req.query;
      const limit = q.limit === undefined ? DEFAULT_PAGE : parseIntegerIn(q.limit, "limit", 1, MAX_PAGE);
      const filters: [string, string][] = [];
      for (const [k, v] of Object.entries(q)) {
        if (RESERVED_QUERY.has(k) || v === undefined) continue;
        if (Array.isArray(v)) throw new SealTrailError("malformed", `${k}: give it once`, { detail: { parameter: k } });
        filters.push([k, v]);
      }
      const after = typeof q.cursor === "string" ? decodeCursor(q.cursor, type) : undefined;
      const page = await latestRecords(reader, vault, type, { filters, limit, ...(after !== undefined ? { after } : {}) });
      return { records: page.records, nextCursor: page.next === null ? null : encodeCursor(page.next) };
    });

    app.get<{ Params: { vault: string; id: string } }>(`${base}/:id`, async (req) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      return smsRecord(reader, vault, type, req.params.id);
    });
  }
}
