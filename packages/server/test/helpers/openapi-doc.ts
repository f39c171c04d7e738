/**
 * Test helpers for the OpenAPI document: the document an app serves, a
 * `fetch` that goes through `app.inject` (no port), and the real Redocly
 * CLI's lint of a document.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { tempDir } from "./temp-log.js";

/** The parts of an OpenAPI 3.1 document the tests read. */
export interface OpenApiDoc {
  openapi: string;
  info: { license?: { name: string; identifier?: string; url?: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, Response> };
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string; pattern?: string };
}

export interface Response {
  description: string;
  content?: Record<string, { schema?: unknown }>;
  $ref?: string;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, Response>;
}

/** The document `app` serves at /openapi.json. */
export async function servedDocument(app: FastifyInstance): Promise<OpenApiDoc> {
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
  return res.json() as OpenApiDoc;
}

/** A WHATWG `fetch` answered by `app.inject`, for clients that take one. */
export function injectFetch(app: FastifyInstance): (req: Request) => Promise<globalThis.Response> {
  return async (req) => {
    const url = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.from(await req.arrayBuffer());
    const res = await app.inject({
      method: req.method as "GET",
      url: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
      ...(body !== undefined && body.length > 0 ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
    const noBody = res.statusCode === 204 || res.statusCode === 304;
    return new Response(noBody ? null : res.rawPayload, { status: res.statusCode, headers });
  };
}

/** One problem Redocly reports. */
export interface LintProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { pointer: string }[];
}

/** Redocly's report on a document. */
export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

const require = createRequire(import.meta.url);

/**
 * Lint `doc` with the real Redocly CLI and its `recommended` rules, offline:
 * no telemetry, no update check, run in an empty directory so that no
 * redocly.yaml but the rules named here applies.
 */
export async function redoclyLint(doc: unknown): Promise<LintReport> {
  const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
  const { dir, cleanup } = tempDir("sealtrail-openapi-");
  try {
    writeFileSync(join(dir, "openapi.json"), JSON.stringify(doc, null, 2));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [cli, "lint", "--extends=recommended", "--format=json", "openapi.json"],
        {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true", NO_COLOR: "1" },
          maxBuffer: 64 * 1024 * 1024,
        },
        // Exit status 1 means problems were found: the JSON report says which.
        (err, out, stderr) => (out.trim().startsWith("{") ? resolve(out) : reject(new Error(`redocly lint failed: ${err?.message ?? ""}\n${stderr}`))),
      );
    });
    return JSON.parse(stdout) as LintReport;
  } finally {
    cleanup();
  }
}
