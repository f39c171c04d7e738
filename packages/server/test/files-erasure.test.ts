/**
 * Erasure of evidence files, on both engines: a `file.erasure` record by an
 * organisation that named the file (custodial route, or signed by the
 * client through POST records) or by an administrator; refused for anyone
 * else and for a file the vault does not hold. Once it is committed the
 * bytes are gone, the download answers 410 "redacted", the records naming
 * the file keep its digest, no new record may name it, and the bytes cannot
 * be uploaded again. `sealtrail files erase` does the same locally.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { buildKeyRecord, buildRecord, generateEd25519KeyPair, toBase64, type Attachment } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { initialize } from "../src/ledger/bootstrap.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { createOrganisation } from "../src/access/orgs.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createApp } from "../src/http/app.js";
import { cli } from "./helpers/cli.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

const VAULT = "default";
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

for (const engine of ENGINES) {
  describe(`evidence file erasure: ${engine}`, () => {
    let ctx: Context;
    let dir: string;
    let pgUrl: string | undefined;
    let app: FastifyInstance;
    let cleanup: () => Promise<void>;
    const carrier = generateEd25519KeyPair();
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      const tmp = tempDir();
      dir = tmp.dir;
      const db = engine === "postgres" ? await freshDatabase() : undefined;
      pgUrl = db?.url;
      ctx = await openContext({ data: dir, db: pgUrl, checkpointIntervalMs: 100 });
      await initialize(ctx.store, ctx.ledger);
      const { store, ledger } = ctx;
      app = await createApp({ ledger, store, rateLimit: false, files: ctx.files, fileLimits: ctx.fileLimits });
      cleanup = async () => {
        await app.close();
        await ctx.close();
        tmp.cleanup();
        await db?.drop();
      };
      await createOrganisation(store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
      await createOrganisation(store, { id: "terminal", name: "Delta Terminal", country: "NL", roles: ["port_terminal"] });
      const reg = buildKeyRecord({ vault: VAULT, author: "carrier", seed: carrier.seed, action: "register", publicKey: carrier.publicKey });
      await ledger.append(VAULT, [{ entry: reg.signed }]);
      await createCustodialKey(store, ledger, "carrier", VAULT);
      await createCustodialKey(store, ledger, "terminal", VAULT);
      for (const org of ["carrier", "terminal"]) {
        await changeMembership(store, ledger, VAULT, { action: "set", org, read: true, write: ["doc.*", "file.erasure"], admin: false });
        tokens[org] = (await createApiKey(store, org, { name: "t", vaults: "*", read: true, write: ["doc.*", "file.erasure"], admin: false, expiresAt: null })).token;
      }
      tokens.operator = (await createApiKey(store, "operator", { name: "op", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
    });
    afterAll(async () => cleanup());

    const call = (who: string, method: "GET" | "POST" | "PUT", url: string, extra: { payload?: object | Buffer; headers?: Record<string, string> } = {}) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}`, ...extra.headers }, ...(extra.payload !== undefined ? { payload: extra.payload } : {}) });
    const upload = (who: string, bytes: Uint8Array) =>
      call(who, "PUT", `/v1/vaults/${VAULT}/files/sha256:${sha(bytes)}`, { payload: Buffer.from(bytes), headers: { "content-type": "text/plain" } });
    const descriptor = (bytes: Uint8Array, name: string): Attachment => ({ sha256: sha(bytes), length: bytes.length, mediaType: "text/plain", name });

    /** A record signed by the carrier (its own key), appended over HTTP. */
    async function signed(type: string, payload: Record<string, unknown>) {
      const rec = buildRecord({ vault: VAULT, type, author: "carrier", seed: carrier.seed, payload });
      return call("carrier", "POST", `/v1/vaults/${VAULT}/records`, { payload: { entry: rec.signed, payload, salt: toBase64(rec.salt!) } });
    }
    async function named(bytes: Uint8Array): Promise<number> {
      expect((await upload("carrier", bytes)).statusCode).toBeLessThan(300);
      const r = await signed("doc.evidence", { title: "driver statement", attachments: [descriptor(bytes, "statement.txt")] });
      expect(r.statusCode).toBe(201);
      return r.json().results[0].index as number;
    }

    it("erases by the custodial route for the organisation that named the file: bytes gone, 410 redacted, digests kept", async () => {
      const bytes = text("driver J. Jansen, licence NL-123456\n");
      const index = await named(bytes);
      const url = `/v1/vaults/${VAULT}/files/sha256:${sha(bytes)}`;
      expect((await call("terminal", "GET", url)).statusCode).toBe(200);

      // The terminal named no record with it and administers nothing: refused, nothing erased.
      const refused = await call("terminal", "POST", `${url}/erase`, { payload: { reason: "not mine" } });
      expect([refused.statusCode, refused.json().code]).toEqual([409, "conflict"]);
      expect(refused.json().detail).toContain("terminal may not erase");
      expect(await ctx.files.stat(VAULT, sha(bytes))).not.toBeNull();

      const res = await call("carrier", "POST", `${url}/erase`, { payload: { reason: "personal data" } });
      expect(res.statusCode).toBe(201);
      const erasure = res.json() as { index: number; erases: string };
      expect(erasure.erases).toBe(`sha256:${sha(bytes)}`);
      expect(await ctx.files.stat(VAULT, sha(bytes))).toBeNull();
      expect(await ctx.store.file(VAULT, sha(bytes))).toMatchObject({ erasedBy: BigInt(erasure.index) });

      const gone = await call("terminal", "GET", url);
      expect([gone.statusCode, gone.json().code, gone.json().errors]).toEqual([410, "gone", { reason: "redacted", erasedBy: erasure.index }]);
      const list = (await call("terminal", "GET", `${url}/records`)).json();
      expect(list.erased).toEqual({ by: erasure.index, at: expect.any(String) });
      expect(list.records).toEqual([expect.objectContaining({ index, attachment: descriptor(bytes, "statement.txt") })]);
      // The erasure record is in the log, signed as the carrier (custodially).
      const rec = (await call("terminal", "GET", `/v1/vaults/${VAULT}/records/${erasure.index}`)).json();
      expect(rec.entry.env).toMatchObject({ type: "file.erasure", author: "carrier", mode: "custodial" });
      expect(rec.payload).toEqual({ file: `sha256:${sha(bytes)}`, reason: "personal data" });

      // No record may name it again, its bytes cannot come back, and it is erased once.
      const again = await signed("doc.evidence", { title: "again", attachments: [descriptor(bytes, "statement.txt")] });
      expect([again.statusCode, again.json().errors.problems[0].pointer]).toEqual([422, "/payload/attachments/0"]);
      const reupload = await upload("carrier", bytes);
      expect([reupload.statusCode, reupload.json().code]).toEqual([410, "gone"]);
      expect(await ctx.files.stat(VAULT, sha(bytes))).toBeNull();
      const twice = await call("carrier", "POST", `${url}/erase`, { payload: {} });
      expect([twice.statusCode, twice.json().errors.problems[0].pointer]).toEqual([422, "/payload/file"]);
    });

    it("takes an erasure the client signed itself, and one by the operator of a file it never named; refuses an unknown file", async () => {
      const mine = text("seal photo notes, carrier side\n");
      await named(mine);
      const r = await signed("file.erasure", { file: `sha256:${sha(mine)}`, reason: "withdrawn" });
      expect(r.statusCode).toBe(201);
      expect(await ctx.files.stat(VAULT, sha(mine))).toBeNull();

      const theirs = text("terminal gate log\n");
      await named(theirs);
      const byOperator = await call("operator", "POST", `/v1/vaults/${VAULT}/files/sha256:${sha(theirs)}/erase`, { payload: {} });
      expect(byOperator.statusCode).toBe(201);
      expect(await ctx.files.stat(VAULT, sha(theirs))).toBeNull();

      const unknown = await signed("file.erasure", { file: `sha256:${"e".repeat(64)}` });
      expect([unknown.statusCode, unknown.json().errors.problems[0].pointer]).toEqual([422, "/payload/file"]);
      const malformed = await signed("file.erasure", { file: "sha256:XYZ", extra: 1 });
      expect(malformed.statusCode).toBe(422);
      expect(malformed.json().errors.problems.map((p: { pointer: string }) => p.pointer).sort()).toEqual(["/payload/extra", "/payload/file"]);
    });

    it("sealtrail files put, get and erase on the data directory or database", async () => {
      // The data directory holds the file store with either engine.
      const loc = engine === "postgres" ? ["--data", dir, "--db", pgUrl!] : ["--data", dir];
      const bytes = text("incident report 2026-11, page 1\n");
      const file = `${dir}/report.txt`;
      await import("node:fs/promises").then((fs) => fs.writeFile(file, bytes));
      const put = await cli(["files", "put", ...loc, "--vault", VAULT, file]);
      expect(put.code, put.err).toBe(0);
      expect(JSON.parse(put.out)).toEqual({ file: `sha256:${sha(bytes)}`, length: bytes.length, mediaType: "text/plain", created: true });
      expect(await ctx.files.stat(VAULT, sha(bytes))).toEqual({ length: bytes.length });
      // Not named by any record yet: nothing to get.
      const early = await cli(["files", "get", ...loc, "--vault", VAULT, `sha256:${sha(bytes)}`]);
      expect(early.code).not.toBe(0);
      expect((await signed("doc.evidence", { title: "report", attachments: [descriptor(bytes, "report.txt")] })).statusCode).toBe(201);
      const got = await cli(["files", "get", ...loc, "--vault", VAULT, `sha256:${sha(bytes)}`]);
      expect([got.code, Buffer.from(got.bytes).toString()]).toEqual([0, new TextDecoder().decode(bytes)]);
      const erased = await cli(["files", "erase", ...loc, "--vault", VAULT, "--reason", "test", `sha256:${sha(bytes)}`]);
      expect(erased.code, erased.err).toBe(0);
      expect(JSON.parse(erased.out)).toMatchObject({ erases: `sha256:${sha(bytes)}` });
      expect(await ctx.files.stat(VAULT, sha(bytes))).toBeNull();
      expect((await cli(["files", "get", ...loc, "--vault", VAULT, `sha256:${sha(bytes)}`])).code).not.toBe(0);
    });
  });
}
