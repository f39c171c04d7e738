/**
 * `sealtrail check-file` and `client.files.checkFile`: which records of a
 * vault name exactly these bytes, every link verified by core on the
 * caller's side; one changed byte answers "not in this vault".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { createClient, generateSignerKey, hashBytes, type FileCheck } from "@sealtrail/core";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createOrganisation } from "../src/access/orgs.js";
import { changeMembership } from "../src/ledger/custodial.js";

const POLICY = Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\n% security policy v3\ntrailer <<>>\n%%EOF\n");

describe("check-file against a server", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let url: string;
  let token: string;
  let outsider: string;
  const tmp = tempDir();
  const f = (name: string) => join(tmp.dir, name);
  const written: number[] = [];

  beforeAll(async () => {
    log = await tempLog({ checkpointIntervalMs: 100 });
    log.ctx.ledger.start();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, files: log.ctx.files, rateLimit: false });
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    token = (await createApiKey(log.ctx.store, log.org, { name: "cli", vaults: "*", read: true, write: ["*"], admin: false, expiresAt: null })).token;
    // An organisation of the same server that may read nothing in the vault.
    await createOrganisation(log.ctx.store, { id: "outsider", name: "Outsider", country: "NL", roles: ["carrier"] });
    await changeMembership(log.ctx.store, log.ctx.ledger, "default", { action: "set", org: "outsider", read: false, write: [], admin: false });
    outsider = (await createApiKey(log.ctx.store, "outsider", { name: "o", vaults: "*", read: true, write: [], admin: false, expiresAt: null })).token;
    process.env.SEALTRAIL_API_KEY = token;
    writeFileSync(f("policy.pdf"), POLICY);
    const changed = Buffer.from(POLICY);
    changed[20]! ^= 0x01;
    writeFileSync(f("policy-changed.pdf"), changed);
    for (const title of ["policy approved", "policy reviewed"]) {
      const r = await cli(["append", "--server", url, "--vault", "default", "--type", "test.document", "--attach", f("policy.pdf"), "-"], JSON.stringify({ title }));
      expect(r.code, r.err).toBe(0);
      written.push((JSON.parse(r.out) as { index: number }[])[0]!.index);
    }
  });
  afterAll(async () => {
    delete process.env.SEALTRAIL_API_KEY;
    await app.close();
    await log.close();
    tmp.cleanup();
  });

  it("names every record of the vault that names the bytes, each verified: signer, key, checkpoint", async () => {
    const r = await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const check = JSON.parse(r.out) as FileCheck;
    expect(check.found).toBe(true);
    expect(check.sha256).toBe(hashBytes(POLICY).sha256);
    expect(check.records.map((x) => [x.index, x.verified, x.author, x.type, x.attachment?.name])).toEqual(written.map((i) => [i, true, log.org, "test.document", "policy.pdf"]));
    for (const x of check.records) expect(x.checkpoint!.size).toBeGreaterThan(x.index);
    const text = await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default"]);
    expect(text.out).toMatch(new RegExp(`#${written[0]} test\\.document: "policy\\.pdf" \\(application/pdf\\)`));
    expect(text.out).toMatch(/verified: in checkpoint \S+ of size \d+/);
    expect(text.out).toMatch(new RegExp(`signed by ${log.org} with key [0-9a-f]{32} \\(custodial\\)`));
  });

  it("one changed byte answers not in this vault, exit 1", async () => {
    const r = await cli(["check-file", f("policy-changed.pdf"), "--server", url, "--vault", "default"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not in this vault/);
    const json = JSON.parse((await cli(["check-file", f("policy-changed.pdf"), "--server", url, "--vault", "default", "--json"])).out) as FileCheck;
    expect(json).toMatchObject({ found: false, records: [] });
  });

  it("a checkpoint key the caller pins that is not the log's fails every record, exit 1", async () => {
    const other = generateSignerKey("example.com/another-log").verifierKey;
    const r = await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default", "--vkey", other, "--json"]);
    expect(r.code).toBe(1);
    const check = JSON.parse(r.out) as FileCheck;
    expect(check.found).toBe(false);
    expect(check.records.every((x) => !x.verified && x.problem !== undefined)).toBe(true);
    expect((await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default", "--vkey", log.vkey])).code).toBe(0);
  });

  it("the client checks a Blob and bytes alike, and a caller who may read no record learns nothing", async () => {
    const client = createClient({ baseUrl: url, apiKey: token });
    const blob = await client.files.checkFile("default", new Blob([POLICY]));
    expect(blob.records.map((x) => x.index)).toEqual(written);
    expect((await client.files.checkFile("default", new Uint8Array(POLICY))).found).toBe(true);
    const stranger = createClient({ baseUrl: url, apiKey: outsider });
    await expect(stranger.files.checkFile("default", new Blob([POLICY]))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("the client uploads a Blob, and the upload is idempotent", async () => {
    const client = createClient({ baseUrl: url, apiKey: token });
    const bytes = Buffer.from("seal,container\nXYZ9,MSCU7654321\n");
    const first = await client.files.put("default", new Blob([bytes]), { mediaType: "text/csv" });
    expect(first).toEqual({ ...hashBytes(bytes), created: true });
    expect((await client.files.put("default", bytes, { mediaType: "text/csv" })).created).toBe(false);
    // Uploaded, but named by no record: not in this vault.
    expect((await client.files.checkFile("default", new Blob([bytes]))).found).toBe(false);
  });

  // Last: it redacts one of the records.
  it("reports a redacted record naming the file without failing, as long as another verifies", async () => {
    const client = createClient({ baseUrl: url, apiKey: token });
    await client.redact("default", written[1]!, "erasure request");
    const r = await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`#${written[1]} test\\.document[^\\n]*\\n[^\\n]*\\n    redacted: `));
    const json = JSON.parse((await cli(["check-file", f("policy.pdf"), "--server", url, "--vault", "default", "--json"])).out) as FileCheck;
    expect(json.records.map((x) => [x.index, x.verified, x.redacted ?? false])).toEqual([[written[0], true, false], [written[1], false, true]]);
  });
});

describe("check-file on a data directory", () => {
  const tmp = tempDir();
  const data = join(tmp.dir, "data");
  const f = (name: string) => join(tmp.dir, name);
  beforeAll(async () => {
    expect((await cli(["init", "--data", data])).code).toBe(0);
    writeFileSync(f("policy.pdf"), POLICY);
    writeFileSync(f("other.pdf"), Buffer.concat([POLICY, Buffer.from("\n")]));
  });
  afterAll(() => tmp.cleanup());

  it("finds and verifies the records naming the file; another file is not in this vault", async () => {
    const add = await cli(["append", "--data", data, "--vault", "default", "--type", "test.document", "--attach", f("policy.pdf"), "-"], JSON.stringify({ title: "local" }));
    expect(add.code, add.err).toBe(0);
    const index = (JSON.parse(add.out) as { index: number }[])[0]!.index;
    const r = await cli(["check-file", f("policy.pdf"), "--data", data, "--vault", "default", "--json"]);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as FileCheck).records.map((x) => [x.index, x.verified])).toEqual([[index, true]]);
    const other = await cli(["check-file", f("other.pdf"), "--data", data, "--vault", "default"]);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/not in this vault/);
  });
});
