/**
 * HTTP composition: Fastify with the log routes and RFC 9457 errors. Tests
 * call it in-process with `app.inject`, no port.
 */
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { SealTrailError } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import { sendProblem, toSealTrailError } from "./problem.js";
import { onClientError, serverTimeoutOptions, type ConnectionTimeouts } from "./connections.js";
import { registerLogRoutes } from "./log-routes.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { registerAnchorRoutes } from "./anchor-routes.js";
import { registerRedactionRoutes } from "./redaction-routes.js";
import { registerSmsRoutes } from "./sms-routes.js";
import { registerSmsFigureRoutes } from "./sms-figures-routes.js";
import { registerReadinessReportRoutes } from "./readiness-report-routes.js";
import { registerExportRoutes } from "./export-routes.js";
import { registerRegistersRoutes } from "./registers-routes.js";
import { registerEpcisRoutes } from "./epcis-routes.js";
import { registerFileRoutes } from "./file-routes.js";
import type { FileLimits, FileStore } from "../files/index.js";
import { createCaptureService, type CaptureService } from "../custody/capture.js";
import { createEpcisValidator } from "../custody/epcis-validate.js";
import { registerAuth } from "./auth.js";
import { registerJsonBody } from "./json-body.js";
import { registerOpenApi } from "./openapi.js";
import { DEFAULT_RATE_LIMIT, type RateLimit } from "./rate-limit.js";
import type { AccessStore, Store } from "../store/types.js";

/** Options of {@link createApp}; the timeouts bound how long a client may hold a connection. */
export interface AppOptions extends ConnectionTimeouts {
  readonly ledger: Ledger;
  /** Organisations, API keys and memberships: every route but /healthz needs a key. */
  readonly store: Store & AccessStore;
  /** Largest request body in bytes (default 16 MiB). */
  readonly bodyLimit?: number;
  readonly logger?: boolean;
  /** Requests per second and burst per API key (default 200/s, burst 400); false for none. */
  readonly rateLimit?: RateLimit | false;
  /** EPCIS capture (default: one of this app's own, over `ledger` and `store`). */
  readonly capture?: CaptureService;
  /** Largest EPCIS document a capture accepts, in bytes (default 512 MiB). */
  readonly maxCaptureBytes?: number;
  /** The bytes of evidence files (none: the file routes answer `unavailable`). */
  readonly files?: FileStore;
  /** Limits on evidence files (default DEFAULT_FILE_LIMITS). */
  readonly fileLimits?: FileLimits;
}

/** Version of the HTTP API, as /openapi.json states it. */
export const API_VERSION = "0.1.0";

export { PROBLEM_TYPE_BASE, toSealTrailError } from "./problem.js";

/**
 * Build the Fastify app.
 *
 * @example
 * ```ts
 * const app = await createApp({ ledger });
 * const res = await app.inject({ method: "GET", url: "/v1/vaults/default/checkpoint" });
 * ```
 */
export async function createApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    // Record indices are uint64: keep them as strings on the wire.
    routerOptions: { maxParamLength: 512 },
    // Schemas check requests, never change them: no unknown field silently
    // dropped, no string turned into a number, no default filled in.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
    ...serverTimeoutOptions(opts),
    // Errors raised before routing (a bad percent-encoding, a path parameter
    // over maxParamLength) and by Node's parser are problem documents too.
    frameworkErrors: (err, req, reply) => sendProblem(reply, toSealTrailError(err), req.url),
    clientErrorHandler: onClientError,
  });

  app.setErrorHandler((err: FastifyError | SealTrailError, req, reply) => {
    const e = toSealTrailError(err);
    if (e.code === "internal") req.log.error(err);
    sendProblem(reply, e, req.url);
  });
  app.setNotFoundHandler((req, reply) => {
    sendProblem(reply, new SealTrailError("not_found", `no route ${req.method} ${req.url.split("?")[0]}`), req.url);
  });

  registerJsonBody(app);
  await registerOpenApi(app, API_VERSION);
  registerAuth(app, opts.store, opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  app.get("/healthz", async () => ({ ok: true }));
  await registerLogRoutes(app, opts.ledger, opts.store);
  await registerAdminRoutes(app, opts.ledger, opts.store);
  await registerAnchorRoutes(app, opts.ledger, opts.store);
  await registerRedactionRoutes(app, opts.ledger, opts.store);
  await registerSmsRoutes(app, opts.ledger, opts.store);
  await registerSmsFigureRoutes(app, opts.ledger, opts.store);
  await registerReadinessReportRoutes(app, opts.ledger, opts.store);
  await registerExportRoutes(app, opts.ledger, opts.store);
  await registerRegistersRoutes(app, opts.ledger, opts.store);
  await registerFileRoutes(app, opts.ledger, opts.store, { files: opts.files, limits: opts.fileLimits });
  const capture = opts.capture ?? createCaptureService({ ledger: opts.ledger, store: opts.store, validator: createEpcisValidator() });
  await registerEpcisRoutes(app, opts.ledger, opts.store, capture, opts.maxCaptureBytes !== undefined ? { maxCaptureBytes: opts.maxCaptureBytes } : {});
  // Captures still running finish before the app closes.
  app.addHook("onClose", async () => (opts.capture === undefined ? capture.close() : capture.idle()));
  return app;
}
