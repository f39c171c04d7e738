/**
 * Redaction over HTTP and from the CLI, on both engines: the custodial route
 * (POST /v1/vaults/{vault}/records/{index}/redact), a client-signed redaction
 * through POST records, what reads return for a redacted record, and
 * `sealtrail redact` on a local database and with --server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildKeyRecord, buildRecord, buildRedactionRecord, generateEd25519KeyPair, toBase64, toHex, verifyTlogProof } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import { initialize } from "../src/ledger/bootstrap.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { createOrganisation } from "../src/access/orgs.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createApp } from "../src/http/app.js";
import { POSTGRES_HINT } from "../src/cli/redact.js";
import { cli } from "./helpers/cli.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { freshDatabase } from "./helpers/postgres.js";

const VAULT = "default";

for (const engine of ENGINES) {
  describe(`redaction over HTTP and the CLI: ${engine}`, () => {
    let ctx: Context;
    let dir: string;
    let pgUrl: string | undefined;
    let app: FastifyInstance;
    let server: string;
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
      ledger.start();
      app = await createApp({ ledger, store, rateLimit: false });
      server = await app.listen({ port: 0, host: "127.0.0.1" });
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
      await changeMembership(store, ledger, VAULT, { action: "set", org: "carrier", read: true, write: ["custody.*", "sealtrail.redaction"], admin: false });
      await changeMembership(store, ledger, VAULT, { action: "set", org: "terminal", read: true, write: ["custody.*", "sealtrail.redaction"], admin: false });
      const key = async (org: string, write: string[]) =>
        (await createApiKey(store, org, { name: "t", vaults: "*", read: true, write, admin: false, expiresAt: null })).token;
      tokens.operator = (await createApiKey(store, "operator", { name: "op", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
      tokens.carrier = await key("carrier", ["custody.*", "sealtrail.redaction"]);
      tokens.carrierNoRedact = await key("carrier", ["custody.*"]);
      tokens.terminal = await key("terminal", ["custody.*", "sealtrail.redaction"]);
    });
    afterAll(async () => cleanup());

    const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload !== undefined ? { payload } : {}) });

    /** A carrier record, signed by the carrier, appended over HTTP. */
    async function carrierRecord(driver: string): Promise<{ index: number; leafHash: string }> {
      const payload = { container: "MSCU1234565", driver };
      const rec = buildRecord({ vault: VAULT, type: "custody.handoff", author: "carrier", seed: carrier.seed, payload, subjects: ["MSCU1234565"] });
      const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/records`, { entry: rec.signed, payload, salt: toBase64(rec.salt!) });
      expect(res.statusCode).toBe(201);
      return (res.json() as { results: { index: number; leafHash: string }[] }).results[0]!;
    }

    it("the custodial route redacts for the author and the operator; reads show payload and salt null, and who redacted when and why", async () => {
      const a = await carrierRecord("Jan Jansen");
      const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/records/${a.index}/redact`, { reason: "erasure request" });
      expect(res.statusCode).toBe(201);
      const r = res.json() as { index: number; leafHash: string; redacts: number };
      expect(r.redacts).toBe(a.index);

      const rec = await call("terminal", "GET", `/v1/vaults/${VAULT}/records/${a.index}`);
      expect(rec.statusCode).toBe(200);
      const body = rec.json();
      expect(body).toMatchObject({ index: a.index, leafHash: a.leafHash, payload: null, salt: null });
      expect(body.redacted).toEqual({ by: r.index, author: "carrier", time: expect.stringMatching(/^\d{4}-/), reason: "erasure request" });
      expect(rec.body).not.toContain("Jan Jansen");
      // The redaction record itself: custodial, by the carrier.
      const red = (await call("terminal", "GET", `/v1/vaults/${VAULT}/records/${r.index}`)).json();
      expect(red.entry.env).toMatchObject({ type: "sealtrail.redaction", author: "carrier", mode: "custodial", redacts: { index: a.index, leafHash: a.leafHash } });
      expect(red.redacted).toBeNull();
      expect(body.redacted.time).toBe(red.entry.env.time);

      // List and versions show it too.
      const list = (await call("terminal", "GET", `/v1/vaults/${VAULT}/records?subject=MSCU1234565`)).json() as { records: { index: number; payload: unknown; redacted: unknown }[] };
      expect(list.records.find((x) => x.index === a.index)).toMatchObject({ payload: null, redacted: { by: r.index, author: "carrier" } });
      const versions = (await call("terminal", "GET", `/v1/vaults/${VAULT}/records/${a.index}/versions`)).json() as { versions: { redacted: unknown }[] };
      expect(versions.versions[0]!.redacted).toMatchObject({ by: r.index });

      // The operator redacts another of the carrier's records.
      const b = await carrierRecord("Piet Pietersen");
      const byOp = await call("operator", "POST", `/v1/vaults/${VAULT}/records/${b.index}/redact`, {});
      expect(byOp.statusCode).toBe(201);
      const after = (await call("carrier", "GET", `/v1/vaults/${VAULT}/records/${b.index}`)).json();
      expect(after.redacted).toMatchObject({ by: (byOp.json() as { index: number }).index, author: "operator", reason: null });

      // The audit over HTTP lists both redactions and finds nothing wrong.
      await ctx.ledger.publish(VAULT);
      const audit = (await call("operator", "GET", `/v1/vaults/${VAULT}/audit`)).json() as { problems: unknown[]; redacted: { index: number; by: number; author: string }[] };
      expect(audit.problems).toEqual([]);
      expect(audit.redacted).toEqual([
        { index: a.index, by: r.index, author: "carrier", time: body.redacted.time, reason: "erasure request" },
        expect.objectContaining({ index: b.index, author: "operator", reason: null }),
      ]);

      // Proofs still verify for the redacted entry.
      await ctx.ledger.publish(VAULT);
      const proof = await call("terminal", "GET", `/v1/vaults/${VAULT}/proofs/inclusion?index=${a.index}`);
      const vkey = (await call("terminal", "GET", `/v1/vaults/${VAULT}/vkey`)).body.trim();
      expect(verifyTlogProof(proof.body, Buffer.from(body.entryBase64, "base64"), vkey).index).toBe(BigInt(a.index));
    });

    it("refuses over HTTP: no permission 403, a third party 409, twice 409, a key record 409, no such record 404, a bad reason 400", async () => {
      const a = await carrierRecord("Kees de Vries");
      const url = `/v1/vaults/${VAULT}/records/${a.index}/redact`;
      const expectProblem = async (who: string, u: string, body: object, status: number, detail: RegExp) => {
        const res = await call(who, "POST", u, body);
        expect(res.statusCode, res.body).toBe(status);
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
        expect(res.json().detail).toMatch(detail);
      };
      await expectProblem("carrierNoRedact", url, {}, 403, /may not write sealtrail\.redaction records/);
      await expectProblem("terminal", url, {}, 409, /terminal may not redact record \d+: only its author \(carrier\)/);
      await expectProblem("carrier", `/v1/vaults/${VAULT}/records/0/redact`, {}, 409, /never redacted/);
      await expectProblem("carrier", `/v1/vaults/${VAULT}/records/999999/redact`, {}, 404, /no record at index 999999/);
      await expectProblem("carrier", url, { reason: "x".repeat(257) }, 400, /reason/);
      expect((await call("carrier", "GET", `/v1/vaults/${VAULT}/records/${a.index}`)).json().payload).toEqual({ container: "MSCU1234565", driver: "Kees de Vries" });
      expect((await call("carrier", "POST", url, {})).statusCode).toBe(201);
      await expectProblem("carrier", url, {}, 409, /already redacted by record/);
    });

    it("a retried custodial redaction with the same Idempotency-Key gets the first answer", async () => {
      const a = await carrierRecord("Sanne de Boer");
      const send = () =>
        app.inject({
          method: "POST",
          url: `/v1/vaults/${VAULT}/records/${a.index}/redact`,
          headers: { authorization: `Bearer ${tokens.carrier}`, "idempotency-key": `redact-${a.index}` },
          payload: { reason: "erasure request" },
        });
      const first = await send();
      const again = await send();
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      expect(again.json()).toEqual(first.json());
    });

    it("a member appends a redaction it signed itself through POST records, if its key may write sealtrail.redaction", async () => {
      const a = await carrierRecord("Mia Bakker");
      const rec = buildRedactionRecord({ vault: VAULT, author: "carrier", seed: carrier.seed, redacts: { index: a.index, leafHash: a.leafHash } });
      const refused = await call("carrierNoRedact", "POST", `/v1/vaults/${VAULT}/records`, { entry: rec.signed });
      expect(refused.statusCode).toBe(403);
      const res = await call("carrier", "POST", `/v1/vaults/${VAULT}/records`, { entry: rec.signed });
      expect(res.statusCode).toBe(201);
      const idx = (res.json() as { results: { index: number }[] }).results[0]!.index;
      const got = (await call("carrier", "GET", `/v1/vaults/${VAULT}/records/${a.index}`)).json();
      expect(got).toMatchObject({ payload: null, salt: null, redacted: { by: idx, author: "carrier", reason: null } });
      // The client-side envelope is author-signed, not custodial.
      expect((await call("carrier", "GET", `/v1/vaults/${VAULT}/records/${idx}`)).json().entry.env.mode).toBe("author");
    });

    it("sealtrail redact on the local database (operator), then audit reports it as redacted and passes", async () => {
      const a = await carrierRecord("Lotte Smit");
      const where = engine === "postgres" ? ["--db", pgUrl!] : ["--data", dir];
      const run = await cli(["redact", ...where, "--vault", VAULT, String(a.index), "--reason", "retention period over"]);
      // On PostgreSQL the operator is told what to run so that the old row leaves the table file.
      expect(run.err).toBe(engine === "postgres" ? POSTGRES_HINT : "");
      expect(run.code).toBe(0);
      const out = JSON.parse(run.out) as { index: number; leafHash: string; redacts: number };
      expect(out.redacts).toBe(a.index);
      const [row] = await ctx.store.entries(VAULT, BigInt(a.index), BigInt(a.index) + 1n);
      expect(row).toMatchObject({ payload: null, salt: null, redactedBy: BigInt(out.index) });
      const [red] = await ctx.store.entries(VAULT, BigInt(out.index), BigInt(out.index) + 1n);
      expect(toHex(red!.leafHash)).toBe(out.leafHash);

      const again = await cli(["redact", ...where, "--vault", VAULT, String(a.index)]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/error \(conflict\): record \d+ was already redacted by record/);
      const usage = await cli(["redact", ...where, "--vault", VAULT, "-3"]);
      expect(usage.code).toBe(2);

      await ctx.ledger.publish(VAULT);
      const audit = await cli(["audit", ...where, "--vault", VAULT]);
      expect(audit.out).toContain(`redacted: entry ${a.index}, by operator in entry ${out.index}`);
      expect(audit.out).toContain("(retention period over)");
      expect(audit.out).toContain("OK: no discrepancy");
      expect(audit.code).toBe(0);
      const json = JSON.parse((await cli(["audit", ...where, "--vault", VAULT, "--json"])).out) as { redacted: { index: number; by: number }[] };
      expect(json.redacted).toContainEqual(expect.objectContaining({ index: a.index, by: out.index }));
    });

    it("sealtrail redact --server signs with the caller's custodial key", async () => {
      const a = await carrierRecord("Daan Visser");
      process.env.SEALTRAIL_API_KEY = tokens.carrier;
      try {
        const run = await cli(["redact", "--server", server, "--vault", VAULT, String(a.index), "--reason", "erasure request"]);
        expect(run.err).toBe("");
        expect(run.code).toBe(0);
        const out = JSON.parse(run.out) as { index: number; redacts: number };
        const got = (await call("terminal", "GET", `/v1/vaults/${VAULT}/records/${a.index}`)).json();
        expect(got.redacted).toMatchObject({ by: out.index, author: "carrier", reason: "erasure request" });
        const refused = await cli(["redact", "--server", server, "--vault", VAULT, "0"]);
        expect(refused.code).toBe(1);
        expect(refused.err).toMatch(/error \(conflict\): .*never redacted/);
        process.env.SEALTRAIL_API_KEY = tokens.carrierNoRedact;
        const forbidden = await cli(["redact", "--server", server, "--vault", VAULT, String(a.index)]);
        expect(forbidden.err).toMatch(/error \(forbidden\)/);
      } finally {
        delete process.env.SEALTRAIL_API_KEY;
      }
    });
  });
}
