/**
 * Evidence files over HTTP, on both engines with the directory file store:
 * upload (idempotent; wrong digest, wrong and truncated bodies, oversized,
 * disallowed and contradicted media types refused, nothing kept), records
 * naming files (a file the vault does not hold, or another vault holds, is
 * refused naming the attachment), download (range, stored type, a hostile
 * name quoted) and who may download (a reader of a record naming the file;
 * not a non-member; not anyone for a file no record names).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { buildKeyRecord, buildRecord, generateEd25519KeyPair, toBase64, type Attachment } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { addVault, initialize } from "../src/ledger/bootstrap.js";
import { changeMembership } from "../src/ledger/custodial.js";
import { createOrganisation } from "../src/access/orgs.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createApp } from "../src/http/app.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";
import { openSocket, rawRequest } from "./helpers/raw-http.js";

const VAULT = "default";
const OTHER = "other";
const MAX_BYTES = 64 * 1024;

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const text = (s: string) => new TextEncoder().encode(s);

for (const engine of ENGINES) {
  describe(`evidence files over HTTP: ${engine}`, () => {
    let ctx: Context;
    let app: FastifyInstance;
    let port: number;
    let cleanup: () => Promise<void>;
    const carrier = generateEd25519KeyPair();
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      const tmp = tempDir();
      const db = engine === "postgres" ? await freshDatabase() : undefined;
      ctx = await openContext({ data: tmp.dir, db: db?.url, checkpointIntervalMs: 100, fileLimits: { maxBytes: MAX_BYTES, maxPerRecord: 3 } });
      await initialize(ctx.store, ctx.ledger);
      const { store, ledger } = ctx;
      await addVault(store, ledger, OTHER);
      app = await createApp({ ledger, store, rateLimit: false, files: ctx.files, fileLimits: ctx.fileLimits });
      const address = await app.listen({ port: 0, host: "127.0.0.1" });
      port = Number(new URL(address).port);
      cleanup = async () => {
        await app.close();
        await ctx.close();
        tmp.cleanup();
        await db?.drop();
      };
      await createOrganisation(store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
      await createOrganisation(store, { id: "auditor", name: "Audit Co", country: "DE", roles: [] });
      await createOrganisation(store, { id: "stranger", name: "Not A Member", country: "FR", roles: [] });
      for (const v of [VAULT, OTHER]) {
        const reg = buildKeyRecord({ vault: v, author: "carrier", seed: carrier.seed, action: "register", publicKey: carrier.publicKey });
        await ledger.append(v, [{ entry: reg.signed }]);
        await changeMembership(store, ledger, v, { action: "set", org: "carrier", read: true, write: ["doc.*"], admin: false });
      }
      await changeMembership(store, ledger, VAULT, { action: "set", org: "auditor", read: true, write: [], admin: false });
      const key = async (org: string, write: string[]) => (await createApiKey(store, org, { name: "t", vaults: "*", read: true, write, admin: false, expiresAt: null })).token;
      tokens.carrier = await key("carrier", ["doc.*"]);
      tokens.auditor = await key("auditor", []);
      tokens.stranger = await key("stranger", ["*"]);
      tokens.operator = (await createApiKey(store, "operator", { name: "op", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
    });
    afterAll(async () => cleanup());

    const put = (who: string, bytes: Uint8Array, type: string, opts: { vault?: string; address?: string; headers?: Record<string, string> } = {}) =>
      app.inject({
        method: "PUT",
        url: `/v1/vaults/${opts.vault ?? VAULT}/files/${opts.address ?? `sha256:${sha(bytes)}`}`,
        headers: { authorization: `Bearer ${tokens[who]}`, "content-type": type, ...opts.headers },
        payload: Buffer.from(bytes),
      });
    const get = (who: string, url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[who]}`, ...headers } });
    const held = async (vault: string, bytes: Uint8Array) => ({ row: await ctx.store.file(vault, sha(bytes)), bytes: await ctx.files.stat(vault, sha(bytes)) });

    /** A record of the carrier naming `attachments`, appended over HTTP. */
    async function record(attachments: Attachment[], vault = VAULT) {
      const payload = { title: "Seal check", attachments };
      const rec = buildRecord({ vault, type: "doc.evidence", author: "carrier", seed: carrier.seed, payload });
      return app.inject({
        method: "POST",
        url: `/v1/vaults/${vault}/records`,
        headers: { authorization: `Bearer ${tokens.carrier}` },
        payload: { entry: rec.signed, payload, salt: toBase64(rec.salt!) },
      });
    }
    const descriptor = (bytes: Uint8Array, mediaType: string, name: string): Attachment => ({ sha256: sha(bytes), length: bytes.length, mediaType, name });

    it("uploads a file once: 201, then 200 for the same bytes, with its address and Location", async () => {
      const first = await put("carrier", PDF, "application/pdf");
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({ file: `sha256:${sha(PDF)}`, length: PDF.length, mediaType: "application/pdf", created: true });
      expect(first.headers.location).toBe(`/v1/vaults/${VAULT}/files/sha256:${sha(PDF)}`);
      const again = await put("carrier", PDF, "application/pdf");
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ created: false });
      expect((await held(VAULT, PDF)).row).toMatchObject({ state: "stored", length: PDF.length, mediaType: "application/pdf" });
      // The same bytes under another media type would make records disagree about them.
      const other = await put("carrier", PDF, "text/plain");
      expect([other.statusCode, other.json().code]).toEqual([422, "invalid"]);
    });

    it("refuses a wrong digest, a short body, an oversized file and bad media types, each naming its cause, and keeps nothing", async () => {
      const bytes = text("seal 1234 intact\n");
      const wrong = await put("carrier", bytes, "text/plain", { address: `sha256:${"0".repeat(64)}` });
      expect([wrong.statusCode, wrong.json().errors?.reason]).toEqual([422, "digest"]);
      expect(await held(VAULT, text("x"))).toEqual({ row: null, bytes: null });
      expect(await ctx.store.file(VAULT, "0".repeat(64))).toBeNull();

      // The whole file's digest and length, a body one byte short.
      const whole = text("seal 5678 intact\n");
      const short = await put("carrier", whole.subarray(0, whole.length - 1), "text/plain", {
        address: `sha256:${sha(whole)}`,
        headers: { "content-length": String(whole.length) },
      });
      expect([short.statusCode, short.json().errors?.reason]).toEqual([422, "length"]);
      expect(await held(VAULT, whole)).toEqual({ row: null, bytes: null });

      const big = new Uint8Array(MAX_BYTES + 1).fill(0x41);
      const over = await put("carrier", big, "text/plain");
      expect([over.statusCode, over.json().code, over.json().errors?.field]).toEqual([413, "too_large", "length"]);
      expect(await held(VAULT, big)).toEqual({ row: null, bytes: null });

      const exe = await put("carrier", text("MZ not allowed"), "application/x-msdownload");
      expect([exe.statusCode, exe.json().errors?.reason]).toEqual([422, "media_type"]);
      const lying = await put("carrier", PNG, "application/pdf");
      expect([lying.statusCode, lying.json().errors]).toEqual([422, expect.objectContaining({ reason: "media_type_mismatch", detected: "image/png" })]);
      expect(await held(VAULT, PNG)).toEqual({ row: null, bytes: null });
      const params = await put("carrier", PDF, "application/pdf; charset=binary");
      expect([params.statusCode, params.json().errors?.reason]).toEqual([422, "media_type"]);
      const bad = await put("carrier", PDF, "application/pdf", { address: "sha256:ABC" });
      expect([bad.statusCode, bad.json().code]).toEqual([400, "malformed"]);
      // Writing needs write access in the vault; a non-member learns nothing of it.
      expect((await put("auditor", PNG, "image/png")).statusCode).toBe(403);
      expect((await put("stranger", PNG, "image/png")).statusCode).toBe(404);
    });

    it("refuses an oversized upload from its headers, before its body, and closes the connection", async () => {
      const r = await rawRequest(
        port,
        `PUT /v1/vaults/${VAULT}/files/sha256:${"1".repeat(64)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.carrier}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${10 * MAX_BYTES}\r\n\r\n`,
      );
      expect([r.status, JSON.parse(r.body).code, r.headers.connection]).toEqual([413, "too_large", "close"]);
    });

    it("keeps nothing of an upload whose client goes away mid-body", async () => {
      const bytes = new Uint8Array(32 * 1024).fill(0x42);
      const s = await openSocket(port);
      const closed = new Promise((r) => s.once("close", r));
      s.write(
        `PUT /v1/vaults/${VAULT}/files/sha256:${sha(bytes)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tokens.carrier}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${bytes.length}\r\n\r\n`,
      );
      s.write(Buffer.from(bytes.subarray(0, 10_000)));
      await new Promise((r) => setTimeout(r, 100));
      s.destroy();
      await closed;
      // The server notices the abort on its side: wait until the claim is gone.
      for (let i = 0; i < 100 && (await ctx.store.file(VAULT, sha(bytes))) !== null; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await held(VAULT, bytes)).toEqual({ row: null, bytes: null });
    });

    it("appends a record only when the vault holds each file it names, with that length and type, naming the attachment", async () => {
      const photo = PNG;
      expect((await put("carrier", photo, "image/png")).statusCode).toBe(201);
      const missing = text("never uploaded\n");
      const r1 = await record([descriptor(photo, "image/png", "seal.png"), descriptor(missing, "text/plain", "note.txt")]);
      expect(r1.statusCode).toBe(422);
      expect(r1.json().errors.problems).toEqual([{ pointer: "/payload/attachments/1", message: expect.stringContaining(`sha256:${sha(missing)}`) }]);
      const r2 = await record([{ ...descriptor(photo, "image/png", "seal.png"), length: photo.length + 1 }]);
      expect(r2.json().errors.problems).toEqual([{ pointer: "/payload/attachments/0/length", message: expect.any(String) }]);
      const r3 = await record([descriptor(photo, "image/jpeg", "seal.jpg")]);
      expect(r3.json().errors.problems).toEqual([{ pointer: "/payload/attachments/0/mediaType", message: expect.any(String) }]);
      const r4 = await record([{ ...descriptor(photo, "image/png", "a/b.png") }]);
      expect(r4.json().errors.problems).toEqual([{ pointer: "/payload/attachments/0/name", message: expect.any(String) }]);
      const four = [PDF, photo, text("a\n"), text("b\n")].map((b, i) => descriptor(b, "text/plain", `f${i}`));
      const r5 = await record(four);
      expect(r5.json().errors.problems).toEqual([{ pointer: "/payload/attachments", message: expect.stringContaining("at most 3") }]);
      // Another vault's file: held there, not here.
      const foreign = text("held by the other vault\n");
      expect((await put("carrier", foreign, "text/plain", { vault: OTHER })).statusCode).toBe(201);
      const r6 = await record([descriptor(foreign, "text/plain", "foreign.txt")]);
      expect(r6.statusCode).toBe(422);
      expect(r6.json().errors.problems[0].pointer).toBe("/payload/attachments/0");
      const ok = await record([descriptor(photo, "image/png", "seal.png")]);
      expect(ok.statusCode).toBe(201);
    });

    it("serves a named file to a reader: its type, a hostile name quoted, one range, 416 outside it", async () => {
      const bytes = text("container MSCU1234565: seal 998877 checked intact at gate 4\n");
      expect((await put("carrier", bytes, "text/plain")).statusCode).toBe(201);
      const url = `/v1/vaults/${VAULT}/files/sha256:${sha(bytes)}`;
      // Uploaded but named by no record: nobody downloads it, and nothing says it exists.
      const unnamed = await get("operator", url);
      expect([unnamed.statusCode, unnamed.json().code]).toEqual([404, "not_found"]);
      expect((await get("auditor", `${url}/records`)).json()).toEqual({ file: `sha256:${sha(bytes)}`, records: [] });
      const hostile = 'gate "4"; filename=evil.exe ünï\u00a0%41.txt';
      const r = await record([descriptor(bytes, "text/plain", hostile)]);
      expect(r.statusCode).toBe(201);
      const index = r.json().results[0].index as number;

      const whole = await get("auditor", url);
      expect(whole.statusCode).toBe(200);
      expect(whole.body).toBe(new TextDecoder().decode(bytes));
      expect(whole.headers["content-type"]).toBe("text/plain");
      expect(whole.headers["content-length"]).toBe(String(bytes.length));
      expect(whole.headers.etag).toBe(`"sha256:${sha(bytes)}"`);
      expect(whole.headers["x-content-type-options"]).toBe("nosniff");
      expect(whole.headers["content-disposition"]).toBe(
        `attachment; filename="gate _4_; filename=evil.exe _n___41.txt"; filename*=UTF-8''gate%20%224%22%3B%20filename%3Devil.exe%20%C3%BCn%C3%AF%C2%A0%2541.txt`,
      );
      const head = await app.inject({ method: "HEAD", url, headers: { authorization: `Bearer ${tokens.auditor}` } });
      expect([head.statusCode, head.body, head.headers["content-length"], head.headers.etag]).toEqual([200, "", String(bytes.length), `"sha256:${sha(bytes)}"`]);
      const part = await get("auditor", url, { range: "bytes=10-20" });
      expect([part.statusCode, part.body, part.headers["content-range"]]).toEqual([206, new TextDecoder().decode(bytes.subarray(10, 21)), `bytes 10-20/${bytes.length}`]);
      const tail = await get("auditor", url, { range: "bytes=-7" });
      expect([tail.statusCode, tail.body]).toEqual([206, "gate 4\n"]);
      const outside = await get("auditor", url, { range: `bytes=${bytes.length}-` });
      expect([outside.statusCode, outside.json().code, outside.headers["content-range"]]).toEqual([416, "range_not_satisfiable", `bytes */${bytes.length}`]);
      // Several ranges are ignored (RFC 9110 §14.2): the whole file.
      expect((await get("auditor", url, { range: "bytes=0-1,5-6" })).statusCode).toBe(200);

      const list = (await get("auditor", `${url}/records`)).json();
      expect(list).toMatchObject({ file: `sha256:${sha(bytes)}`, length: bytes.length, mediaType: "text/plain", erased: null });
      expect(list.records).toEqual([
        expect.objectContaining({ index, type: "doc.evidence", author: "carrier", attachment: descriptor(bytes, "text/plain", hostile) }),
      ]);
      // A key of an organisation that is not a member: as if the vault did not exist.
      expect((await get("stranger", url)).statusCode).toBe(404);
      expect((await get("stranger", `${url}/records`)).statusCode).toBe(404);
    });
  });
}
