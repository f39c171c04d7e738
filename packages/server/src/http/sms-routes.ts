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
import { SMS_RECORD_TYPES, SMS_TYPES, SealTrailError, WORKFLOWS, nextStatuses, parseJson, smsJsonSchema, toHex, type SmsRecordType, type Supersedes } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { acknowledgement } from "../ledger/ledger.js";
import { appendCustodial } from "../ledger/custodial.js";
import { recordHistory } from "../ledger/history.js";
import { redactionJson, redactionsOf } from "../ledger/redaction.js";
import type { AccessStore, AdminStore, EntryRow, Store } from "../store/types.js";
import { seriesName } from "../sms/record-rules.js";
import { principal, requireVault } from "./auth.js";
import { authorizeRecord, idempotencyOf } from "./log-routes.js";
import { parseIndex } from "./params.js";

/** The path segment of an SMS record type: `sms.risk-acceptance` is at .../sms/risk-acceptance. */
export const kindOf = (type: SmsRecordType): string => type.slice("sms.".length);

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
// A filtered list reads at most this many records per page before answering with what it found.
const MAX_SCAN = 20_000;
const RESERVED_QUERY = new Set(["limit", "cursor"]);

function encodeCursor(series: string): string {
  return Buffer.from(`s${series}`).toString("base64url");
}

function decodeCursor(cursor: string, type: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(`s${type} `) || text.length > 512) throw new SealTrailError("malformed", "cursor: not one this server gave", { detail: { parameter: "cursor" } });
  return text.slice(1);
}

/** A record as the SMS routes answer it: its id, latest log index, author and payload. */
function view(r: EntryRow, redacted: ReturnType<typeof redactionJson> | null) {
  const payload = r.payload === null ? null : (parseJson(r.payload) as Record<string, unknown>);
  return {
    id: payload === null ? null : (payload.id as string),
    index: Number(r.index),
    leafHash: toHex(r.leafHash),
    author: r.author,
    claimedTime: r.claimedTime,
    sequencedAt: r.sequencedAt,
    payload,
    redacted,
  };
}

// A filter matches a top-level field by its text: `status=open`, `domain=cargo`,
// `owner=Ann` (an object field matches on any of its string members).
function matches(payload: Record<string, unknown> | null, filters: [string, string][]): boolean {
  if (filters.length === 0) return true;
  if (payload === null) return false;
  return filters.every(([k, v]) => {
    const x = payload[k];
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return String(x) === v;
    if (Array.isArray(x)) return x.some((e) => String(e) === v);
    if (x !== null && typeof x === "object") return Object.values(x).some((e) => String(e) === v);
    return false;
  });
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
        path: `/v1/vaults/${req.params.vault}/sms/${kindOf(type)}`,
        description: SMS_RECORD_TYPES[type],
        workflow: WORKFLOWS[type] === undefined ? null : { initial: WORKFLOWS[type]!.initial, next: WORKFLOWS[type]!.next },
      })),
    };
  });

  // The payload is checked by the ledger against core's schema (the same
  // check everywhere, naming each field): Fastify only describes it.
  const describeOnly = { validatorCompiler: () => () => true };

  for (const type of SMS_TYPES) {
    const base = `/v1/vaults/:vault/sms/${kindOf(type)}`;
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
        .header("location", `/v1/vaults/${encodeURIComponent(req.params.vault)}/sms/${kindOf(type)}/${encodeURIComponent(id)}`)
        .send({ id, ...acknowledgement(r) });
    });

    app.put<{ Params: { vault: string; id: string }; Body: unknown }>(`${base}/:id`, { schema: { body: smsJsonSchema(type) }, ...describeOnly }, async (req, reply) => {
      await requireVault(store, req, req.params.vault, "any");
      const head = await reader.seriesHead(req.params.vault, seriesName(type, req.params.id));
      if (head === null) throw new SealTrailError("not_found", `no ${type} record with id ${req.params.id}`);
      // If-Match names the version the caller edited: a newer one means its edit is stale.
      const ifMatch = req.headers["if-match"];
      if (ifMatch !== undefined) {
        const expected = parseIndex(String(ifMatch).replace(/^"|"$/g, ""), "If-Match");
        if (expected !== head) throw new SealTrailError("conflict", `${type} ${req.params.id} is at index ${head} now, not ${expected}: read it again`, { detail: { latest: Number(head) } });
      }
      const body = payloadOf(req.body);
      if (body.id !== req.params.id) throw new SealTrailError("invalid", `/id: a new version keeps the record id ${req.params.id}`, { detail: { problems: [{ pointer: "/id", message: "must equal the id in the path" }] } });
      const [row] = await reader.entries(req.params.vault, head, head + 1n);
      const r = await write(req, { index: Number(head), leafHash: toHex(row!.leafHash) });
      if (r.replayed === true) reply.header("idempotent-replayed", "true");
      return reply.status(201).send({ id: req.params.id, supersedes: Number(head), ...acknowledgement(r) });
    });

    app.get<{ Params: { vault: string }; Querystring: Record<string, string | string[] | undefined> }>(base, async (req) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      const q = req.query;
      const limitText = q.limit;
      if (Array.isArray(limitText)) throw new SealTrailError("malformed", "limit: give it once", { detail: { parameter: "limit" } });
      const limit = limitText === undefined ? DEFAULT_PAGE : Number(parseIndex(limitText, "limit"));
      if (limit < 1 || limit > MAX_PAGE) throw new SealTrailError("invalid", `limit: 1 to ${MAX_PAGE}`, { detail: { parameter: "limit" } });
      const filters: [string, string][] = [];
      for (const [k, v] of Object.entries(q)) {
        if (RESERVED_QUERY.has(k) || v === undefined) continue;
        if (Array.isArray(v)) throw new SealTrailError("malformed", `${k}: give it once`, { detail: { parameter: k } });
        filters.push([k, v]);
      }
      let after = typeof q.cursor === "string" ? decodeCursor(q.cursor, type) : undefined;
      const out: EntryRow[] = [];
      let scanned = 0;
      let more = true;
      while (out.length < limit && more && scanned < MAX_SCAN) {
        const want = Math.min(1000, limit * 4);
        const batch = await reader.latestVersions(vault, { prefix: `${type} `, ...(after !== undefined ? { after } : {}), limit: want });
        more = batch.length === want;
        for (const r of batch) {
          scanned++;
          after = r.series;
          if (matches(r.payload === null ? null : (parseJson(r.payload) as Record<string, unknown>), filters)) out.push(r);
          if (out.length === limit) break;
        }
      }
      const redactions = await redactionsOf(reader, vault, out);
      const records = out.map((r) => view(r, (redactions.get(r.index) ?? null) === null ? null : redactionJson(redactions.get(r.index)!)));
      // More may follow unless the scan reached the end of the type's records.
      return { records, nextCursor: !more && out.length < limit ? null : after === undefined ? null : encodeCursor(after) };
    });

    app.get<{ Params: { vault: string; id: string } }>(`${base}/:id`, async (req) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      const head = await reader.seriesHead(vault, seriesName(type, req.params.id));
      if (head === null) throw new SealTrailError("not_found", `no ${type} record with id ${req.params.id}`);
      const versions = await recordHistory(reader, vault, head);
      const latest = versions.at(-1)!;
      const current = latest.row.payload === null ? null : (parseJson(latest.row.payload) as Record<string, unknown>);
      return {
        ...view(latest.row, latest.redacted === null ? null : redactionJson(latest.redacted)),
        // The workflow steps this record may take next (null: the type has none).
        nextStatuses: nextStatuses(type, current === null ? null : String(current.status)),
        versions: versions.map((v) => ({ ...view(v.row, v.redacted === null ? null : redactionJson(v.redacted)), supersedes: v.supersedes === null ? null : Number(v.supersedes) })),
      };
    });
  }
}
