/**
 * The EPCIS 2.0 REST binding of a vault, at /v1/vaults/{vault}/epcis (its
 * EPCIS base URL): asynchronous document capture with capture jobs, single
 * event capture, the event query, events by ID and by EPC; and the chain of
 * custody of an identifier at /v1/vaults/{vault}/custody/{id}.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SealTrailError, parseIJson, parseJson, toHex, type JsonValue } from "@sealtrail/core";
import { requireUtf8Charset } from "./json-body.js";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, EntryRow, LogReader, Store } from "../store/types.js";
import { CUSTODY_EVENT_TYPE, eventSubject, identifierKey, type CaptureErrorBehaviour, type CaptureService } from "../custody/capture.js";
import { parseEpcisQuery } from "../custody/epcis-query.js";
import { custodyOf } from "../custody/custody-of.js";
import { INCIDENT_TYPE, openCustodyIncident } from "../custody/incident.js";
import { principal, requireVault } from "./auth.js";
import { isIndexText, parsePositiveDecimal } from "./params.js";

/** Versions this binding speaks (EPCIS 2.0 §12.3 version headers). */
export const EPCIS_VERSION = "2.0.0";
export const CBV_VERSION = "2.0.0";
/** Namespace of the pointer from an event to its record. */
export const LOG_NAMESPACE = "https://sealtrail.org/ns/log/v1#";
const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/** Largest EPCIS document a capture accepts (bytes). */
export const MAX_CAPTURE_BYTES = 512 * 1024 * 1024;
// Longest gap a custody query may allow: about 114 years, far beyond any chain, well inside a Date.
const MAX_GAP_HOURS = 1_000_000;
// A query scans at most this many records per page before answering with what it found.
const MAX_SCAN = 20_000;

function checkVersions(req: FastifyRequest): void {
  for (const [h, want] of [
    ["gs1-epcis-version", "2.0"],
    ["gs1-cbv-version", "2.0"],
  ] as const) {
    const v = req.headers[h];
    if (v === undefined) continue;
    if (typeof v !== "string" || !(v === want || v.startsWith(`${want}.`))) {
      throw new SealTrailError("malformed", `${h}: this server speaks ${want}.x, not ${String(v)}`);
    }
  }
}

function behaviourOf(req: FastifyRequest): CaptureErrorBehaviour {
  const v = req.headers["gs1-capture-error-behaviour"];
  if (v === undefined) return "rollback";
  const b = typeof v === "string" ? v.toLowerCase() : "";
  if (b !== "rollback" && b !== "proceed") throw new SealTrailError("malformed", 'GS1-Capture-Error-Behaviour: "rollback" or "proceed"');
  return b;
}

/** A stored event with its pointer to the record and log index that seal it. */
function eventOf(vault: string, row: EntryRow): Record<string, JsonValue> | null {
  if (row.payload === null) return null;
  const ev = parseJson(row.payload) as Record<string, JsonValue>;
  return { ...ev, "stlog:record": { vault, index: row.index.toString(), leafHash: toHex(row.leafHash) } };
}

function queryDocument(events: Record<string, JsonValue>[]): Record<string, JsonValue> {
  return {
    "@context": [EPCIS_CONTEXT, { stlog: LOG_NAMESPACE }],
    type: "EPCISQueryDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: { queryResults: { queryName: "SimpleEventQuery", resultsBody: { eventList: events } } },
  };
}

/** Custody events of a vault carrying an identifier, in index order. */
function eventsWithSubject(reader: LogReader, vault: string, subject: string, after?: bigint, limit = MAX_SCAN): Promise<EntryRow[]> {
  return reader.findEntries(vault, { type: CUSTODY_EVENT_TYPE, subject, limit, ...(after !== undefined ? { after } : {}) });
}

/**
 * Register the EPCIS and custody routes.
 *
 * @example
 * ```ts
 * await registerEpcisRoutes(app, ledger, store, capture);
 * ```
 */
export async function registerEpcisRoutes(
  app: FastifyInstance,
  ledger: Ledger,
  store: Store & AccessStore,
  capture: CaptureService,
  opts: { maxCaptureBytes?: number } = {},
): Promise<void> {
  const reader = ledger.reader;
  const base = "/v1/vaults/:vault/epcis";

  await app.register(async (scope) => {
    // Captures arrive as raw bytes: a document is scanned, not parsed whole.
    scope.removeContentTypeParser(["application/json"]);
    scope.addContentTypeParser(["application/json", "application/ld+json"], { parseAs: "buffer", bodyLimit: opts.maxCaptureBytes ?? MAX_CAPTURE_BYTES }, (req, body, done) => {
      try {
        requireUtf8Charset(req);
        done(null, body);
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    scope.addHook("onRequest", async (req, reply) => {
      reply.header("GS1-EPCIS-Version", EPCIS_VERSION).header("GS1-CBV-Version", CBV_VERSION);
      checkVersions(req);
    });

    const writer = async (req: FastifyRequest<{ Params: { vault: string } }>) => {
      const access = await requireVault(store, req, req.params.vault, "any");
      if (!access.canWrite(CUSTODY_EVENT_TYPE)) throw new SealTrailError("forbidden", `this API key may not write ${CUSTODY_EVENT_TYPE} records in this vault`);
      return principal(req);
    };
    const bodyBytes = (req: FastifyRequest): Uint8Array => {
      if (!Buffer.isBuffer(req.body)) throw new SealTrailError("malformed", "send the document as application/ld+json or application/json");
      return new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    };

    scope.post<{ Params: { vault: string } }>(`${base}/capture`, async (req, reply) => {
      const p = await writer(req);
      const job = capture.start(req.params.vault, p.org, bodyBytes(req), behaviourOf(req), p.key.id);
      return reply
        .status(202)
        .header("location", `/v1/vaults/${encodeURIComponent(req.params.vault)}/epcis/capture/${job.captureID}`)
        .send({ captureID: job.captureID });
    });

    scope.get<{ Params: { vault: string; id: string } }>(`${base}/capture/:id`, async (req) => {
      await requireVault(store, req, req.params.vault, "any");
      const job = capture.job(req.params.id);
      // A job is visible to its own organisation only, in its own vault.
      if (job === null || job.vault !== req.params.vault || job.org !== principal(req).org) {
        throw new SealTrailError("not_found", `no capture job ${req.params.id}`);
      }
      return job;
    });

    scope.post<{ Params: { vault: string } }>(`${base}/events`, async (req, reply) => {
      const p = await writer(req);
      const ev = parseIJson(bodyBytes(req), "event");
      if (ev === null || typeof ev !== "object" || Array.isArray(ev)) throw new SealTrailError("malformed", "event: must be a JSON object");
      const r = await capture.captureEvent(req.params.vault, p.org, ev, p.key.id);
      return reply
        .status(201)
        .header("location", `/v1/vaults/${encodeURIComponent(req.params.vault)}/epcis/events/${encodeURIComponent(r.eventID)}`)
        .send({ eventID: r.eventID, index: r.index.toString() });
    });

    const runQuery = async (req: FastifyRequest<{ Params: { vault: string } }>, reply: FastifyReply, params: Record<string, string | string[] | undefined>) => {
      const vault = req.params.vault;
      const q = parseEpcisQuery(params, identifierKey);
      let after: bigint | undefined;
      if (q.nextPageToken !== null) {
        if (!isIndexText(q.nextPageToken)) throw new SealTrailError("malformed", "nextPageToken: not a token this server gave", { detail: { parameter: "nextPageToken" } });
        after = BigInt(q.nextPageToken);
      }
      // Candidates in index order: by identifier through the subject index when the query names exact ones.
      const out: Record<string, JsonValue>[] = [];
      let scanned = 0;
      let last: bigint | undefined = after;
      let more = false;
      const subjects = q.identifiers === null ? [null] : [...new Set(q.identifiers.map(identifierKey))];
      outer: for (;;) {
        const batches = await Promise.all(
          subjects.map((s) => reader.findEntries(vault, { type: CUSTODY_EVENT_TYPE, limit: 500, ...(s !== null ? { subject: s } : {}), ...(last !== undefined ? { after: last } : {}) })),
        );
        const rows = [...new Map(batches.flat().map((r) => [r.index, r])).values()].sort((a, b) => (a.index < b.index ? -1 : 1)).slice(0, 500);
        if (rows.length === 0) break;
        for (const r of rows) {
          last = r.index;
          scanned++;
          const ev = eventOf(vault, r);
          if (ev !== null && q.matches(ev)) out.push(ev);
          if (out.length >= q.perPage || scanned >= MAX_SCAN) {
            more = true;
            break outer;
          }
        }
      }
      if (more && last !== undefined) {
        const url = new URL(req.url, "http://x");
        url.searchParams.set("nextPageToken", last.toString());
        reply.header("link", `<${url.pathname}${url.search}>; rel="next"`);
      }
      return reply.type("application/ld+json").send(queryDocument(out));
    };

    scope.get<{ Params: { vault: string }; Querystring: Record<string, string | string[]> }>(`${base}/events`, async (req, reply) => {
      await requireVault(store, req, req.params.vault, "read");
      return runQuery(req, reply, req.query);
    });

    scope.get<{ Params: { vault: string; epc: string }; Querystring: Record<string, string | string[]> }>(`${base}/epcs/:epc/events`, async (req, reply) => {
      await requireVault(store, req, req.params.vault, "read");
      return runQuery(req, reply, { ...req.query, MATCH_anyEPC: req.params.epc });
    });

    scope.get<{ Params: { vault: string; id: string } }>(`${base}/events/:id`, async (req, reply) => {
      const vault = req.params.vault;
      await requireVault(store, req, vault, "read");
      const rows = await eventsWithSubject(reader, vault, eventSubject(req.params.id), undefined, 10);
      const ev = rows.map((r) => eventOf(vault, r)).find((e) => e !== null && e.eventID === req.params.id);
      if (ev === undefined || ev === null) throw new SealTrailError("not_found", `no event ${req.params.id}`);
      return reply.type("application/ld+json").send(ev);
    });
  });

  app.get<{ Params: { vault: string; id: string }; Querystring: { maxGapHours?: string } }>("/v1/vaults/:vault/custody/:id", async (req) => {
    const vault = req.params.vault;
    await requireVault(store, req, vault, "read");
    const h = req.query.maxGapHours;
    const maxGapMs = h === undefined ? undefined : parsePositiveDecimal(h, "maxGapHours", MAX_GAP_HOURS) * 3600_000;
    return custodyOf(reader, store, vault, req.params.id, maxGapMs === undefined ? {} : { maxGapMs });
  });

  app.post<{ Params: { vault: string; id: string } }>("/v1/vaults/:vault/custody/:id/incident", async (req, reply) => {
    const vault = req.params.vault;
    const access = await requireVault(store, req, vault, "any");
    if (!access.read || !access.canWrite(INCIDENT_TYPE)) throw new SealTrailError("forbidden", `opening an incident needs read access and permission to write ${INCIDENT_TYPE}`);
    const p = principal(req);
    const chain = await custodyOf(reader, store, vault, req.params.id);
    const r = await openCustodyIncident(store, ledger, chain, p.org, { submittedBy: p.key.id });
    return reply.status(201).send({ index: r.index.toString(), leafHash: toHex(r.leafHash), exceptions: chain.exceptions.length });
  });
}
