/**
 * `--attach FILE` on `append` and `sms <kind> add|update`: each file hashed
 * here, its media type detected from its bytes, its bytes put into the vault
 * (uploaded with --server, received into the data directory otherwise) and
 * its descriptor signed inside the record's payload.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { createClient, fromBase64, toBase64, type Attachment } from "@sealtrail/core";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";

// A 1x1 PNG, and a PDF whose header file-type recognises.
const PNG = fromBase64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n1 0 obj <<>> endobj\n% ${text}\ntrailer <<>>\n%%EOF\n`);
const CSV = Buffer.from("seal,container\nABC1,MSCU1234565\n");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const control = (id: string, status = "operating") => ({
  id,
  title: `Seal register ${id}`,
  domain: "cargo",
  description: "Seal numbers logged at loading and checked at every handoff.",
  owner: { name: "Gate supervisor" },
  applicable: true,
  justification: "Seal tampering is a top risk of the terminal.",
  status,
  implementation: [],
});

describe("--attach with --server", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let url: string;
  const tmp = tempDir();
  const f = (name: string) => join(tmp.dir, name);

  beforeAll(async () => {
    log = await tempLog({ checkpointIntervalMs: 100 });
    log.ctx.ledger.start();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, files: log.ctx.files, rateLimit: false });
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    process.env.SEALTRAIL_API_KEY = (await createApiKey(log.ctx.store, log.org, { name: "cli", vaults: "*", read: true, write: ["*"], admin: false, expiresAt: null })).token;
    writeFileSync(f("policy.pdf"), pdf("security policy v3"));
    writeFileSync(f("seal photo.png"), PNG);
    writeFileSync(f("register.csv"), CSV);
    writeFileSync(f("operator.key"), toBase64(log.seed));
    writeFileSync(f("tool.bin"), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]));
  });
  afterAll(async () => {
    delete process.env.SEALTRAIL_API_KEY;
    await app.close();
    await log.close();
    tmp.cleanup();
  });

  const payloadOf = async (index: number) => (await createClient({ baseUrl: url, apiKey: process.env.SEALTRAIL_API_KEY! }).record("default", index)).payload as { attachments?: Attachment[] };

  it("append uploads each file and signs its descriptor (digest, length, detected media type, name, dates) in every record", async () => {
    const r = await cli(
      ["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach", f("policy.pdf"), "--attach", f("seal photo.png"), "--attach", f("register.csv"), "--attach-expires", "2027-06-30", "-"],
      JSON.stringify([{ title: "gate audit" }, { title: "seal check", attachments: [] }]),
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const written = JSON.parse(r.out) as { index: number }[];
    expect(written).toHaveLength(2);
    for (const w of written) {
      const p = await payloadOf(w.index);
      expect(p.attachments).toEqual([
        { sha256: sha(pdf("security policy v3")), length: pdf("security policy v3").length, mediaType: "application/pdf", name: "policy.pdf", expires: "2027-06-30" },
        { sha256: sha(PNG), length: PNG.length, mediaType: "image/png", name: "seal photo.png", expires: "2027-06-30" },
        { sha256: sha(CSV), length: CSV.length, mediaType: "text/csv", name: "register.csv", expires: "2027-06-30" },
      ]);
    }
    // The bytes are in the vault, served with the stored media type and name.
    const client = createClient({ baseUrl: url, apiKey: process.env.SEALTRAIL_API_KEY! });
    const got = await client.files.get("default", sha(PNG));
    const parts: Uint8Array[] = [];
    for await (const c of got.body) parts.push(c);
    expect(Buffer.concat(parts).equals(Buffer.from(PNG))).toBe(true);
    expect(got.mediaType).toBe("image/png");
  });

  it("sms add and update attach files, signed with the author's own key; each version keeps its own file", async () => {
    writeFileSync(f("register v1.pdf"), pdf("register v1"));
    writeFileSync(f("register v2.pdf"), pdf("register v2"));
    const own = ["--key", f("operator.key"), "--author", log.org];
    const add = await cli(["sms", "control", "add", "--server", url, ...own, "--attach", f("register v1.pdf"), "--attach-effective", "2026-01-01", "-"], JSON.stringify(control("C-A")));
    expect(add.code, add.err).toBe(0);
    const upd = await cli(["sms", "control", "update", "--server", url, ...own, "--attach", f("register v2.pdf"), "--attach-effective", "2026-07-01", "-"], JSON.stringify(control("C-A")));
    expect(upd.code, upd.err).toBe(0);
    const show = JSON.parse((await cli(["sms", "control", "show", "--server", url, "C-A", "--json"])).out) as { versions: { index: number }[] };
    const files = await Promise.all(show.versions.map(async (v) => (await payloadOf(v.index)).attachments!.map((a) => [a.name, a.effective, a.sha256])));
    expect(files).toEqual([[["register v1.pdf", "2026-01-01", sha(pdf("register v1"))]], [["register v2.pdf", "2026-07-01", sha(pdf("register v2"))]]]);
  });

  it("refuses, before anything is signed: a missing file, a name with a control character, dates without a file, a payload whose attachments is not a list", async () => {
    const missing = await cli(["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach", f("nope.pdf"), "-"], "{}");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file: .*nope\.pdf/);
    writeFileSync(f("bad\u0007name.pdf"), pdf("bell"));
    const bad = await cli(["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach", f("bad\u0007name.pdf"), "-"], "{}");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/name: a file name: no control characters/);
    const dates = await cli(["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach-expires", "2027-01-01", "-"], "{}");
    expect(dates.code).toBe(2);
    const notList = await cli(["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach", f("policy.pdf"), "-"], JSON.stringify({ attachments: {} }));
    expect(notList.code).toBe(1);
    expect(notList.err).toMatch(/\/attachments must be an array/);
  });

  it("reports the server's refusal of a media type it does not allow, and appends nothing", async () => {
    const before = await log.ctx.store.tree("default");
    const r = await cli(["append", "--server", url, "--vault", "default", "--type", "test.evidence", "--attach", f("tool.bin"), "-"], "{}");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/application\/x-elf is not allowed/);
    expect((await log.ctx.store.tree("default")).size).toBe(before.size);
  });
});

describe("--attach on a data directory", () => {
  const tmp = tempDir();
  const data = join(tmp.dir, "data");
  const f = (name: string) => join(tmp.dir, "in", name);
  beforeAll(async () => {
    expect((await cli(["init", "--data", data])).code).toBe(0);
    mkdirSync(join(tmp.dir, "in"));
    writeFileSync(f("policy.pdf"), pdf("local policy"));
  });
  afterAll(() => tmp.cleanup());

  it("receives the file into the data directory's store and names it in the record", async () => {
    const r = await cli(["sms", "control", "add", "--data", data, "--attach", f("policy.pdf"), "-"], JSON.stringify(control("C-L")));
    expect(r.code, r.err).toBe(0);
    const show = JSON.parse((await cli(["sms", "control", "show", "--data", data, "C-L", "--json"])).out) as { payload: { attachments: Attachment[] } };
    expect(show.payload.attachments).toEqual([{ sha256: sha(pdf("local policy")), length: pdf("local policy").length, mediaType: "application/pdf", name: "policy.pdf" }]);
    const again = await cli(["append", "--data", data, "--vault", "default", "--type", "test.evidence", "--attach", f("policy.pdf"), "-"], "{}");
    expect(again.code, again.err).toBe(0);
  });
});
