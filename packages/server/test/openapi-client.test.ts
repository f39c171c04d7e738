/**
 * A typed client generated from the served OpenAPI document: openapi-typescript
 * writes its types, a small program makes typed calls through openapi-fetch,
 * the TypeScript compiler checks it (and refuses a wrong parameter name), and
 * the program then runs against the app, in process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FastifyInstance } from "fastify";
import ts from "typescript";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import createClient from "openapi-fetch";
import { fromBase64, hashLeaf, toHex, verifyTlogProof } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";
import { injectFetch, servedDocument } from "./helpers/openapi-doc.js";

// The program a client author would write: every path, parameter and body is checked against the generated types.
const CLIENT = `
import type { Client } from "openapi-fetch";
import type { paths } from "./api.js";

export interface Submission { entry: Record<string, unknown>; payload: Record<string, unknown>; salt: string }

export async function run(client: Client<paths>, submission: Submission, publish: () => Promise<void>) {
  const vault = "default";
  const appended = await client.POST("/v1/vaults/{vault}/records", {
    params: { path: { vault }, header: { "Idempotency-Key": "typed-client-1" } },
    body: submission,
  });
  if (appended.data === undefined) throw new Error("append: " + appended.response.status);
  const ack = appended.data.results[0];
  if (ack === undefined) throw new Error("append: no acknowledgement");
  const index: number = ack.index;

  const record = await client.GET("/v1/vaults/{vault}/records/{index}", { params: { path: { vault, index: String(index) } } });
  if (record.data === undefined) throw new Error("read: " + record.response.status);
  const leafHash: string = record.data.leafHash;
  const entryBase64: string = record.data.entryBase64;
  const payload: Record<string, unknown> | null = record.data.payload;

  await publish();
  const proof = await client.GET("/v1/vaults/{vault}/proofs/inclusion", {
    params: { path: { vault }, query: { index: String(index) } },
    parseAs: "text",
  });
  if (proof.data === undefined) throw new Error("proof: " + proof.response.status);
  const proofText: string = proof.data;

  const missing = await client.GET("/v1/vaults/{vault}/records/{index}", { params: { path: { vault: "nope", index: "0" } } });
  type Code = NonNullable<typeof missing.error>["code"];
  // The problems of a read name its own codes, not every code of the API.
  const isCode: "not_found" extends Code ? true : false = true;
  const notSignature: "bad_signature" extends Code ? false : true = true;
  const code: Code | undefined = missing.error?.code;
  return { index, leafHash, entryBase64, payload, proof: proofText, missing: { status: missing.response.status, code }, checks: isCode && notSignature };
}
`;

// The same read with a parameter the operation does not have.
const WRONG = `
import type { Client } from "openapi-fetch";
import type { paths } from "./api.js";

export async function read(client: Client<paths>) {
  return client.GET("/v1/vaults/{vault}/records/{index}", { params: { path: { vaultName: "default", index: "0" } } });
}
`;

const require = createRequire(import.meta.url);

function diagnosticsOf(dir: string, file: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
  };
  const program = ts.createProgram([join(dir, file)], options);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("a typed client generated from the OpenAPI document", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store });
    ({ dir, cleanup } = tempDir("sealtrail-client-"));
    const ast = await openapiTS((await servedDocument(app)) as unknown as OpenAPI3, { emptyObjectsUnknown: true });
    writeFileSync(join(dir, "api.ts"), astToString(ast));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    // The program resolves openapi-fetch's types from this repository's packages.
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(dirname(require.resolve("openapi-fetch/package.json")), join(dir, "node_modules", "openapi-fetch"), "dir");
    symlinkSync(dirname(require.resolve("openapi-typescript-helpers/package.json", { paths: [dirname(require.resolve("openapi-fetch"))] })), join(dir, "node_modules", "openapi-typescript-helpers"), "dir");
    writeFileSync(join(dir, "client.ts"), CLIENT);
    writeFileSync(join(dir, "wrong.ts"), WRONG);
  });
  afterAll(async () => {
    await app.close();
    await log.close();
    cleanup();
  });

  it("type-checks a program that appends a record, reads it and gets its inclusion proof", () => {
    const diagnostics = diagnosticsOf(dir, "client.ts");
    expect(diagnostics, diagnostics.join("\n")).toEqual([]);
  });

  it("refuses a call with a parameter name the operation does not have", () => {
    const diagnostics = diagnosticsOf(dir, "wrong.ts");
    expect(diagnostics.some((d) => d.includes("wrong.ts") && d.includes("vaultName")), diagnostics.join("\n")).toBe(true);
  });

  it("runs the program against the server", async () => {
    const { token } = await createApiKey(log.ctx.store, log.org, { name: "client", vaults: "*", read: true, write: ["*"], admin: false, expiresAt: null });
    const client = createClient({ baseUrl: "http://sealtrail.test", fetch: injectFetch(app), headers: { authorization: `Bearer ${token}` } });
    const js = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, "client.mjs"), js);
    const program = (await import(pathToFileURL(join(dir, "client.mjs")).href)) as {
      run(client: unknown, submission: unknown, publish: () => Promise<void>): Promise<Record<string, unknown> & { index: number; leafHash: string; entryBase64: string; proof: string }>;
    };
    const submission = JSON.parse(JSON.stringify(log.submission({ title: "typed client" }, { type: "test.client" }))) as unknown;
    const out = await program.run(client, submission, async () => void (await log.ctx.ledger.publish("default")));
    expect(out.leafHash).toBe(toHex(hashLeaf(fromBase64(out.entryBase64))));
    expect(out.payload).toEqual({ title: "typed client" });
    expect(verifyTlogProof(out.proof, fromBase64(out.entryBase64), log.vkey).index).toBe(BigInt(out.index));
    expect(out.missing).toEqual({ status: 404, code: "not_found" });
    expect(out.checks).toBe(true);
  });
});
