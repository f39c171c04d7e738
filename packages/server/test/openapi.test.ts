import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { entriesPath, tilePath } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { ROUTE_DOCS } from "../src/http/openapi.js";
import { createApiKey } from "../src/access/api-keys.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";
import { redoclyLint, servedDocument, type OpenApiDoc, type Operation } from "./helpers/openapi-doc.js";

/** A regular expression matching the concrete paths of a path template, each parameter by its schema's pattern. */
function templateRegExp(path: string, op: Operation): RegExp {
  const escaped = path.replace(/[.]/g, "\\.");
  return new RegExp(
    "^" +
      escaped.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const pattern = op.parameters?.find((p) => p.in === "path" && p.name === name)?.schema?.pattern;
        return pattern === undefined ? "[^/]+" : `(?:${pattern.replace(/^\^/, "").replace(/\$$/, "")})`;
      }) +
      "$",
  );
}

describe("OpenAPI 3.1", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store });
    doc = await servedDocument(app);
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  it("is served at /openapi.json without a key and describes every route", async () => {
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
      // The tile wildcard is described as the paths it serves (see the tile test).
      const paths = url!.endsWith("/tile/*") ? ["/v1/vaults/{vault}/tile/{level}/{n0}", "/v1/vaults/{vault}/tile/entries/{n0}"] : [url!.replace(/:([A-Za-z]+)/g, "{$1}")];
      for (const path of paths) expect(described.has(`${method} ${path}`), key).toBe(true);
    }
    const inclusion = doc.paths["/v1/vaults/{vault}/proofs/inclusion"]!.get!;
    expect(inclusion.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(["path:vault", "query:index", "query:size"]);
  });

  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const report = await redoclyLint(doc);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? "?"}: ${p.message}`);
    expect(problems, problems.join("\n")).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    // The same lint does see a problem when there is one.
    const broken = await redoclyLint({ ...doc, servers: undefined });
    expect(broken.problems.map((p) => p.ruleId)).toEqual(["no-empty-servers"]);
  });

  it("names every operation with a unique camelCase operationId and states its licence and server", () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]*$/.test(id)), ids.join(" ")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["appendRecords", "getRecord", "getInclusionProof", "getHashTile1", "getPartialEntryBundle6"]));
    expect(doc.info.license).toEqual({ name: "Apache-2.0", identifier: "Apache-2.0" });
    expect(doc.servers).toEqual([expect.objectContaining({ url: "/" })]);
  });

  it("gives each success answer its media type and each error the problem document of its codes", () => {
    const ok = (path: string, method = "get") => doc.paths[path]![method]!.responses;
    expect(Object.keys(ok("/v1/vaults/{vault}/checkpoint")["200"]!.content!)).toEqual(["text/plain"]);
    expect(Object.keys(ok("/v1/vaults/{vault}/vkey")["200"]!.content!)).toEqual(["text/plain"]);
    expect(Object.keys(ok("/v1/vaults/{vault}/proofs/inclusion")["200"]!.content!)).toEqual(["text/plain"]);
    expect(Object.keys(ok("/v1/vaults/{vault}/tile/entries/x{n1}/{n0}.p/{width}")["200"]!.content!)).toEqual(["application/octet-stream"]);
    const append = ok("/v1/vaults/{vault}/records", "post");
    expect(Object.keys(append).sort()).toEqual(["200", "201", "400", "401", "403", "404", "408", "409", "413", "414", "422", "429", "431", "500", "503"]);
    expect(append["422"]!.$ref).toBe("#/components/responses/invalid.bad_signature.unknown_key");
    const problem = doc.components.responses["invalid.bad_signature.unknown_key"]!;
    expect(problem.content!["application/problem+json"]!.schema).toEqual({
      allOf: [{ $ref: "#/components/schemas/ProblemDetails" }],
      properties: { status: { const: 422 }, code: { enum: ["invalid", "bad_signature", "unknown_key"] } },
    });
    expect(doc.components.schemas.ProblemDetails).toMatchObject({ required: ["type", "title", "status", "detail", "code"] });
    // Only /healthz answers without a key; every other operation declares 401.
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) expect("401" in op.responses, `${method} ${path}`).toBe(path !== "/healthz");
    }
  });

  it("describes the tile route as the paths C2SP tlog-tiles writes: each matches exactly one documented path", async () => {
    const tiles = Object.entries(doc.paths)
      .filter(([p]) => p.includes("/tile/"))
      .map(([p, ops]) => ({ path: p, re: templateRegExp(p, ops.get!) }));
    expect(tiles).toHaveLength(24);
    const written: string[] = [];
    for (const width of [256, 1, 255]) {
      for (const level of [0, 1, 3, 7, 63]) {
        const max = ((1n << 64n) - 1n) >> BigInt(8 * (level + 1));
        for (const index of [0n, 999n, 1000n, 1234067n, 999_999_999_999n, max]) if (index <= max) written.push(tilePath({ level, index, width }));
      }
      for (const index of [0n, 7n, 1000n, 123_456_789n, ((1n << 64n) - 1n) >> 8n]) written.push(entriesPath(index, width));
    }
    for (const path of written) {
      const url = `/v1/vaults/default/${path}`;
      expect(tiles.filter((t) => t.re.test(url)).map((t) => t.path), url).toHaveLength(1);
    }
    // And the server answers a documented shape with the tile's bytes.
    const { token } = await createApiKey(log.ctx.store, log.org, { name: "tiles", vaults: "*", read: true, write: [], admin: false, expiresAt: null });
    const size = Number((await log.ctx.ledger.reader.tree("default")).size);
    expect(size).toBeGreaterThan(0);
    const url = `/v1/vaults/default/${entriesPath(0n, size)}`;
    expect(tiles.filter((t) => t.re.test(url))).toHaveLength(1);
    const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    // A path no shape describes is one the server refuses too.
    expect(tiles.some((t) => t.re.test("/v1/vaults/default/tile/0/1234"))).toBe(false);
    expect((await app.inject({ method: "GET", url: "/v1/vaults/default/tile/0/1234", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(400);
  });

  it("validates inputs against the same schemas: a bad query is a 400 problem", async () => {
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
