import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createApp } from "../src/http/app.js";
import { ROUTE_DOCS } from "../src/http/openapi.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";

describe("OpenAPI 3.1", () => {
  let log: TempLog;
  let app: FastifyInstance;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store });
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  it("is served at /openapi.json without a key and describes every route", async () => {
    const res = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { summary?: string; parameters?: { name: string; in: string }[] }>> };
    expect(doc.openapi).toBe("3.1.0");
    const described = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // Every operation has a summary: no route goes undocumented.
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        described.add(`${method.toUpperCase()} ${path}`);
      }
    }
    for (const key of Object.keys(ROUTE_DOCS)) {
      const [method, url] = key.split(" ");
      const path = url!.replace(/:([A-Za-z]+)/g, "{$1}").replace(/\/\*$/, "/{*}");
      expect(described.has(`${method} ${path}`) || described.has(`${method} ${url!.replace(/:([A-Za-z]+)/g, "{$1}")}`), key).toBe(true);
    }
    const inclusion = doc.paths["/v1/vaults/{vault}/proofs/inclusion"]!.get!;
    expect(inclusion.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(["path:vault", "query:index", "query:size"]);
  });

  it("validates inputs against the same schemas: a bad query is a 400 problem", async () => {
    const { createApiKey } = await import("../src/access/api-keys.js");
    const { token } = await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: [], admin: false, expiresAt: null });
    const res = await app.inject({ method: "GET", url: "/v1/vaults/default/proofs/inclusion?index=x", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("malformed");
  });

  it("serves the interactive docs page without a key", async () => {
    const res = await app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/swagger/i);
  });
});
