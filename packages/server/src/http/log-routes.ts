/**
 * The log's routes: C2SP tlog-tiles reads under /v1/vaults/{vault}/, record
 * appends and reads, and proofs.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  KEY_RECORD_TYPE,
  MEMBER_RECORD_TYPE,
  SealTrailError,
  TILE_WIDTH,
  canonicalize,
  encodeEntryBundle,
  sha256,
  utf8,
  isTypePattern,
  parseEntry,
  parseJson,
  parseTilePath,
  toBase64,
  toHex,
  type Envelope,
} from "@sealtrail/core";
import { acknowledgement, type Idempotency, type Ledger } from "../ledger/ledger.js";
import type { Principal, VaultAccess } from "../access/permissions.js";
import type { AccessStore, AdminStore, EntryRow } from "../store/types.js";
import { recordHistory } from "../ledger/history.js";
import { redactionJson, redactionsOf, type RedactionInfo } from "../ledger/redaction.js";
import { principal, requireVault } from "./auth.js";
import type { RecordSubmission } from "../ledger/submission.js";
import { tileKey } from "../store/types.js";
import { isIndexText, parseIndex, parseIntegerIn } from "./params.js";

/**
 * May this principal append this record? Records are written only as the
 * caller's own organisation; key records need an admin key; membership
 * records only come from the members routes.
 *
 * @example
 * ```ts
 * ledger.append(vault, subs, { authorize: (env) => authorizeRecord(p, access, env) });
 * ```
 */
export function authorizeRecord(p: Principal, access: VaultAccess, env: Envelope): void {
  if (env.author !== p.org) throw new SealTrailError("forbidden", `records are written as your organisation (${p.org}), not as ${env.author}`);
  if (env.type === MEMBER_RECORD_TYPE) throw new SealTrailError("forbidden", "membership changes go through /v1/vaults/{vault}/members");
  if (env.type === KEY_RECORD_TYPE) {
    if (!p.key.admin) throw new SealTrailError("forbidden", "registering or revoking signing keys needs an admin API key");
    return;
  }
  if (!access.canWrite(env.type)) throw new SealTrailError("forbidden", `this API key may not write ${env.type} records in this vault`);
}

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The idempotency key of an append request (`Idempotency-Key` header), scoped
 * to the API key that sends it and bound to a hash of the request: a retry
 * of the same request gets the same answer and appends nothing more.
 *
 * @example
 * ```ts
 * const idem = idempotencyOf(req, principal(req), "records");
 * ```
 */
export function idempotencyOf(req: FastifyRequest, p: Principal, route: string): Idempotency | undefined {
  const h = req.headers["idempotency-key"];
  if (h === undefined) return undefined;
  if (typeof h !== "string" || !IDEMPOTENCY_KEY_PATTERN.test(h)) {
    throw new SealTrailError("malformed", "Idempotency-Key: 1 to 255 visible ASCII characters");
  }
  return { scope: p.key.id, key: h, requestHash: sha256(utf8(`${route}\n${req.url.split("?")[0]}\n${canonicalize(req.body ?? null)}`)) };
}

// One record as a client sends it (the ledger checks the envelope itself,
// field by field, with errors that name the record and the field).
const RECORD_SCHEMA = {
  type: "object",
  required: ["entry"],
  additionalProperties: false,
  properties: {
    entry: { type: "object", description: "the signed envelope {env, sig} (docs/formats.md §2)" },
    payload: { type: "object", description: "the payload the envelope commits to" },
    salt: { type: "string", description: "base64 of the 32-byte commitment salt" },
  },
} as const;

/** Body of an append: one record, or {records: [...]} (at most 4,096). */
const APPEND_BODY = {
  oneOf: [
    RECORD_SCHEMA,
    {
      type: "object",
      required: ["records"],
      additionalProperties: false,
      properties: { records: { type: "array", minItems: 1, maxItems: 4096, items: RECORD_SCHEMA } },
    },
  ],
} as const;

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

// Cursors are opaque to clients: the index of the last record returned.
function encodeCursor(index: bigint): string {
  return Buffer.from(`i${index}`).toString("base64url");
}

function decodeCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // An index past MAX_INDEX was never given: refused here, before index + 1 could overflow a store's int64.
  if (!text.startsWith("i") || !isIndexText(text.slice(1))) {
    throw new SealTrailError("malformed", "cursor: not one this server gave", { detail: { parameter: "cursor" } });
  }
  return BigInt(text.slice(1));
}

function recordSummary(r: EntryRow, redacted: RedactionInfo | null) {
  const env = parseEntry(r.entry).env;
  return {
    index: Number(r.index),
    leafHash: toHex(r.leafHash),
    type: r.type,
    author: r.author,
    mode: env.mode,
    claimedTime: r.claimedTime,
    sequencedAt: r.sequencedAt,
    submittedBy: r.submittedBy,
    subjects: env.subjects ?? [],
    payload: r.payload === null ? null : parseJson(r.payload),
    // Redaction (formats.md §5b): the payload is gone; who erased it, when and why.
    redacted: redacted === null ? null : redactionJson(redacted),
  };
}

// Tiles need an API key, so they are private: a shared cache that ignored the
// Authorization header would hand them to anyone.
const IMMUTABLE = "private, max-age=31536000, immutable";
const FRESH = "no-cache";

/**
 * Register the log routes.
 *
 * @example
 * ```ts
 * await registerLogRoutes(app, ledger);
 * ```
 */
export async function registerLogRoutes(app: FastifyInstance, ledger: Ledger, store: AccessStore & AdminStore): Promise<void> {
  const reader = ledger.reader;

  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/checkpoint", async (req, reply) => {
    await requireVault(store, req, req.params.vault, "read");
    const cp = await reader.latestCheckpoint(req.params.vault);
    if (cp === null) throw new SealTrailError("not_found", "no checkpoint published yet");
    return reply.header("cache-control", FRESH).type("text/plain; charset=utf-8").send(cp.note);
  });

  app.get<{ Params: { vault: string } }>("/v1/vaults/:vault/vkey", async (req, reply) => {
    await requireVault(store, req, req.params.vault, "read");
    return reply.type("text/plain; charset=utf-8").send((await ledger.verifierKey(req.params.vault)) + "\n");
  });

  app.get<{ Params: { vault: string; "*": string } }>("/v1/vaults/:vault/tile/*", async (req, reply) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const t = parseTilePath("tile/" + req.params["*"]);
    const tree = await reader.tree(vault);
    if (t.kind === "entries") {
      const from = t.index * BigInt(TILE_WIDTH);
      const to = from + BigInt(t.width);
      if (to > tree.size) throw new SealTrailError("not_found", "entry bundle beyond the tree");
      const rows = await reader.entries(vault, from, to);
      if (rows.length !== t.width) throw new SealTrailError("internal", "entries missing from the store");
      return reply
        .header("cache-control", t.width === TILE_WIDTH ? IMMUTABLE : FRESH)
        .type("application/octet-stream")
        .send(Buffer.from(encodeEntryBundle(rows.map((r) => r.entry))));
    }
    const tiles = await reader.readTiles(vault, [{ level: t.level, index: t.index }]);
    const hashes = tiles.get(tileKey(t.level, t.index));
    if (hashes === undefined || hashes.length < t.width * 32) throw new SealTrailError("not_found", "tile beyond the tree");
    return reply
      .header("cache-control", t.width === TILE_WIDTH ? IMMUTABLE : FRESH)
      .type("application/octet-stream")
      .send(Buffer.from(hashes.subarray(0, t.width * 32)));
  });

  app.post<{ Params: { vault: string }; Body: unknown }>(
    "/v1/vaults/:vault/records",
    { schema: { body: APPEND_BODY } },
    async (req, reply) => {
      const access = await requireVault(store, req, req.params.vault, "any");
      const p = principal(req);
      const body = req.body as { records?: unknown };
      let subs: RecordSubmission[];
      if (Array.isArray(body.records)) subs = body.records as RecordSubmission[];
      else if (body.records !== undefined) throw new SealTrailError("malformed", "records: must be an array");
      else subs = [body as RecordSubmission];
      if (subs.length === 0) throw new SealTrailError("invalid", "records: empty");
      const idem = idempotencyOf(req, p, "records");
      const results = await ledger.append(req.params.vault, subs, {
        authorize: (env) => authorizeRecord(p, access, env),
        ...(idem !== undefined ? { idempotency: idem } : {}),
        submittedBy: p.key.id,
      });
      if (results.some((r) => r.replayed === true)) reply.header("idempotent-replayed", "true");
      // 200 when nothing new was appended: every record was in the log already.
      return reply.status(results.every((r) => r.existing === true) ? 200 : 201).send({
        results: results.map(acknowledgement),
      });
    },
  );

  app.get<{ Params: { vault: string }; Querystring: { type?: string; author?: string; subject?: string; limit?: string; cursor?: string } }>(
    "/v1/vaults/:vault/records",
    async (req) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      const q = req.query;
      const limit = q.limit === undefined ? DEFAULT_PAGE : parseIntegerIn(q.limit, "limit", 1, MAX_PAGE);
      let typeFilter: { type?: string; typePrefix?: string } = {};
      if (q.type !== undefined) {
        if (!isTypePattern(q.type)) throw new SealTrailError("malformed", "type: a record type or a pattern such as custody.*");
        if (q.type === "*") typeFilter = {};
        else if (q.type.endsWith(".*")) typeFilter = { typePrefix: q.type.slice(0, -1) };
        else typeFilter = { type: q.type };
      }
      const rows = await reader.findEntries(vault, {
        ...typeFilter,
        ...(q.author !== undefined ? { author: q.author } : {}),
        ...(q.subject !== undefined ? { subject: q.subject } : {}),
        ...(q.cursor !== undefined ? { after: decodeCursor(q.cursor) } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const redactions = await redactionsOf(reader, vault, page);
      return {
        records: page.map((r) => recordSummary(r, redactions.get(r.index) ?? null)),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.index) : null,
      };
    },
  );

  app.get<{ Params: { vault: string; index: string } }>("/v1/vaults/:vault/records/:index/versions", async (req) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const versions = await recordHistory(reader, vault, parseIndex(req.params.index, "index"));
    return {
      versions: versions.map((v) => ({ ...recordSummary(v.row, v.redacted), supersedes: v.supersedes === null ? null : Number(v.supersedes) })),
    };
  });

  app.get<{ Params: { vault: string; index: string } }>("/v1/vaults/:vault/records/:index", async (req) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const index = parseIndex(req.params.index, "index");
    const [row] = await reader.entries(vault, index, index + 1n);
    if (row === undefined) throw new SealTrailError("not_found", `no record at index ${index}`);
    const redacted = (await redactionsOf(reader, vault, [row])).get(row.index) ?? null;
    return {
      index: Number(row.index),
      leafHash: toHex(row.leafHash),
      entry: parseJson(row.entry),
      entryBase64: toBase64(row.entry),
      payload: row.payload === null ? null : parseJson(row.payload),
      salt: row.salt === null ? null : toBase64(row.salt),
      sequencedAt: row.sequencedAt,
      submittedBy: row.submittedBy,
      redacted: redacted === null ? null : redactionJson(redacted),
    };
  });

  app.get<{ Params: { vault: string }; Querystring: { index?: string; size?: string } }>(
    "/v1/vaults/:vault/proofs/inclusion",
    async (req, reply) => {
      await requireVault(store, req, req.params.vault, "read");
      const index = parseIndex(req.query.index, "index");
      const size = req.query.size === undefined ? undefined : parseIndex(req.query.size, "size");
      const text = await ledger.tlogProof(req.params.vault, index, size);
      return reply.type("text/plain; charset=utf-8").send(text);
    },
  );

  app.get<{ Params: { vault: string }; Querystring: { from?: string; to?: string } }>(
    "/v1/vaults/:vault/proofs/consistency",
    async (req, reply) => {
      await requireVault(store, req, req.params.vault, "read");
      const from = parseIndex(req.query.from, "from");
      const to = parseIndex(req.query.to, "to");
      const proof = await ledger.consistencyProof(req.params.vault, from, to);
      return reply.type("text/plain; charset=utf-8").send(proof.map((h) => toBase64(h) + "\n").join(""));
    },
  );
}
