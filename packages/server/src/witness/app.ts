/**
 * HTTP face of a witness: C2SP tlog-witness `add-checkpoint`, plus read-only
 * routes for its state and evidence. A Fastify app of its own, apart from the
 * log API (a witness is run by another party than the log).
 *
 * | method and path        | answer |
 * |---|---|
 * | `POST /add-checkpoint` | 200 cosignature line(s); errors below |
 * | `GET /logs`            | the witness key and each followed log's latest cosigned checkpoint (JSON) |
 * | `GET /evidence`        | split views and bad proofs seen (JSON) |
 * | `GET /healthz`         | liveness |
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { SealTrailError, type ErrorCode } from "@sealtrail/core";
import { MAX_ADD_CHECKPOINT_BODY, TLOG_SIZE_CONTENT_TYPE, type Witness } from "./witness.js";

/**
 * Status of each error code in the witness protocol: C2SP tlog-witness fixes
 * 400, 403, 404, 409 and 422, so this table differs from the log API's
 * (a signature by no trusted key is 403 here, not 422).
 */
export const WITNESS_STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  malformed: 400,
  invalid: 400,
  bad_signature: 403,
  unknown_key: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  inconsistent: 409,
  gone: 410,
  range_not_satisfiable: 416,
  bad_proof: 422,
  too_large: 413,
  unauthorized: 401,
  rate_limited: 429,
  request_timeout: 408,
  uri_too_long: 414,
  headers_too_large: 431,
  unavailable: 503,
  internal: 500,
};

/** Problem type URI base (RFC 9457 §3.1.1), shared with the log API's problems. */
const PROBLEM_TYPE_BASE = "https://sealtrail.dev/problems/";

/** Options of {@link createWitnessApp}. */
export interface WitnessAppOptions {
  readonly witness: Witness;
  readonly logger?: boolean;
}

/**
 * Build the witness's Fastify app.
 *
 * @example
 * ```ts
 * const app = await createWitnessApp({ witness });
 * const res = await app.inject({ method: "POST", url: "/add-checkpoint", payload: "old 0\n\n" + note });
 * ```
 */
export async function createWitnessApp(opts: WitnessAppOptions): Promise<FastifyInstance> {
  const { witness } = opts;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: MAX_ADD_CHECKPOINT_BODY });

  // The body is text in the spec's own format, whatever Content-Type a client sends.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError | SealTrailError, req, reply) => {
    const e = toWitnessError(err);
    if (e.code === "internal") req.log.error(err);
    sendProblem(reply, e, req.url);
  });
  app.setNotFoundHandler((req, reply) => {
    sendProblem(reply, new SealTrailError("not_found", `no route ${req.method} ${req.url.split("?")[0]}`), req.url);
  });

  app.post("/add-checkpoint", async (req, reply) => {
    const body = req.body instanceof Uint8Array ? req.body : new Uint8Array(0);
    try {
      const lines = witness.addCheckpoint(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
      return reply.status(200).type("text/plain; charset=utf-8").send(lines);
    } catch (e) {
      if (e instanceof SealTrailError && e.code === "conflict" && typeof e.detail?.size === "string") {
        // C2SP tlog-witness: the latest cosigned size in decimal and a newline, as text/x.tlog.size.
        return reply.status(409).type(TLOG_SIZE_CONTENT_TYPE).send(`${e.detail.size}\n`);
      }
      throw e;
    }
  });
  app.get("/logs", async () => ({ name: witness.name, vkey: witness.verifierKey, logs: witness.logs() }));
  app.get("/evidence", async () => ({ evidence: witness.evidence() }));
  app.get("/healthz", async () => ({ ok: true }));
  return app;
}

function sendProblem(reply: FastifyReply, e: SealTrailError, instance: string): void {
  const status = WITNESS_STATUS_OF[e.code];
  void reply
    .status(status)
    .type("application/problem+json")
    .send({
      type: PROBLEM_TYPE_BASE + e.code,
      title: e.code === "inconsistent" ? "Split view" : e.code.replace(/_/g, " "),
      status,
      detail: e.message,
      instance: instance.split("?")[0],
      code: e.code,
    });
}

function toWitnessError(err: unknown): SealTrailError {
  if (err instanceof SealTrailError) return err;
  const fe = err as Partial<FastifyError>;
  if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") return new SealTrailError("too_large", `request body is larger than ${MAX_ADD_CHECKPOINT_BODY} bytes`);
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new SealTrailError("malformed", fe.message ?? "bad request");
  }
  return new SealTrailError("internal", "internal error", { cause: err });
}
