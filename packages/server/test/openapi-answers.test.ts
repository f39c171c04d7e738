/**
 * The OpenAPI document against the server's real answers: every operation
 * is called without a key, on a vault that does not exist, and on the real
 * vault (with `{}` as the body of a write), and each answer must be one the
 * document declares for that operation, with a body its schema accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";
import { servedDocument, type OpenApiDoc, type Operation, type Response } from "./helpers/openapi-doc.js";

const DOC_ID = "https://sealtrail.test/openapi.json";

describe("OpenAPI document and the answers the server gives", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let doc: OpenApiDoc;
  let auth: Record<string, string>;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store });
    doc = await servedDocument(app);
    const { token } = await createApiKey(log.ctx.store, log.org, { name: "probe", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null });
    auth = { authorization: `Bearer ${token}` };
    const ack = await app.inject({ method: "POST", url: "/v1/vaults/default/records", headers: auth, payload: log.submission({ title: "probe" }, { type: "test.probe" }) });
    expect(ack.statusCode, ack.body).toBe(201);
    await log.ctx.ledger.publish("default");
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  /** A concrete URL of a documented path: sample values for each parameter. */
  function urlOf(path: string, vault: string): string {
    const samples: Record<string, string> = { vault, index: "1", org: log.org, id: "urn:epc:id:sgtin:0614141.107346.2017", epc: "urn:epc:id:sgtin:0614141.107346.2017", level: "0", width: "1" };
    const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => samples[name] ?? "000");
    return url.endsWith("/proofs/inclusion") ? `${url}?index=1` : url.endsWith("/proofs/consistency") ? `${url}?from=1&to=2` : url;
  }

  it("declares every answer, and each body matches its schema", async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: DOC_ID, components: doc.components });
    const resolve = (r: Response): Response => (r.$ref === undefined ? r : doc.components.responses[r.$ref.split("/").at(-1)!]!);
    const validate = (schema: unknown, body: unknown): string | null => {
      const check = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)) as object);
      return check(body) ? null : ajv.errorsText(check.errors);
    };
    const seen = new Map<string, number>();
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops) as [string, Operation][]) {
        const write = method !== "get" && method !== "delete";
        for (const [headers, vault] of [[{}, "default"], [auth, "nope"], [auth, "default"]] as const) {
          const res = await app.inject({
            method: method.toUpperCase() as "GET",
            url: urlOf(path, vault),
            headers: { ...headers, ...(write ? { "content-type": "application/json" } : {}) },
            ...(write ? { payload: "{}" } : {}),
          });
          const where = `${method.toUpperCase()} ${urlOf(path, vault)} -> ${res.statusCode}`;
          const declared = op.responses[String(res.statusCode)];
          if (declared === undefined) {
            failures.push(`${where}: not declared (${res.body.slice(0, 200)})`);
            continue;
          }
          seen.set(String(res.statusCode), (seen.get(String(res.statusCode)) ?? 0) + 1);
          const content = resolve(declared).content;
          if (content === undefined) continue;
          const media = String(res.headers["content-type"] ?? "").split(";")[0]!;
          const schema = content[media]?.schema;
          if (schema === undefined) {
            failures.push(`${where}: ${media} is not among ${Object.keys(content).join(", ")}`);
            continue;
          }
          const body = media.endsWith("json") ? res.json() : res.body;
          const error = validate(schema, body);
          if (error !== null) failures.push(`${where}: ${error}`);
        }
      }
    }
    expect(failures, failures.join("\n")).toEqual([]);
    // The probes reach successes and problems of many kinds, not only 401s.
    for (const status of ["200", "400", "401", "404", "409", "422"]) expect(seen.get(status) ?? 0, status).toBeGreaterThan(0);
  });

  it("catches an answer its document does not declare, or a body its schema refuses", async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: DOC_ID, components: doc.components });
    const record = (await app.inject({ method: "GET", url: "/v1/vaults/default/records/1", headers: auth })).json() as Record<string, unknown>;
    const check = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/Record` });
    expect(check(record)).toBe(true);
    expect(check({ ...record, leafHash: "not hex" })).toBe(false);
    expect(check({ ...record, index: "1" })).toBe(false);
    // GET /v1/vaults declares no 403 and no 422: the server never answers it so.
    expect(Object.keys(doc.paths["/v1/vaults"]!.get!.responses)).not.toContain("403");
    expect(Object.keys(doc.paths["/v1/vaults"]!.get!.responses)).not.toContain("422");
  });
});
