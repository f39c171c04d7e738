/**
 * A record is signed exactly as it was sent, or refused with a problem that
 * names the field and the rule (I-JSON, RFC 7493); and a signed entry sent
 * twice is one record. Over HTTP, on both engines: the custodial route (the
 * server signs), the client-signed route, and EPCIS event capture.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildRecord, toBase64 } from "@sealtrail/core";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { ENGINES, tempLog, type TempLog } from "./helpers/temp-log.js";

const VAULT = "default";
const enc = new TextEncoder();

/** A body from text and raw bytes, so that invalid UTF-8 reaches the server as sent. */
function body(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(enc.encode(p)) : Buffer.from(p))));
}

interface Problem {
  code: string;
  detail: string;
  errors?: { pointer?: string; rule?: string };
}

for (const engine of ENGINES) {
  describe(`signed as sent or refused (${engine})`, () => {
    let log: TempLog;
    let app: FastifyInstance;
    let token: string;

    beforeAll(async () => {
      log = await tempLog({ engine });
      app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
      token = (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: ["*"], admin: true, expiresAt: null })).token;
    });
    afterAll(async () => {
      await app.close();
      await log.close();
    });

    const post = (url: string, payload: Buffer | string | object, contentType = "application/json") =>
      app.inject({
        method: "POST",
        url: `/v1/vaults/${VAULT}${url}`,
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        payload: typeof payload === "object" && !Buffer.isBuffer(payload) ? JSON.stringify(payload) : payload,
      });
    const size = async () => (await log.ctx.ledger.reader.tree(VAULT)).size;

    /** Sends `raw`, expects a refusal with `status`, and checks that nothing was stored. */
    async function refused(url: string, raw: Buffer | string, status: number, contentType?: string): Promise<Problem> {
      const before = await size();
      const res = await post(url, raw, contentType);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(await size()).toBe(before);
      return res.json() as Problem;
    }

    describe("custodial appends (the server signs for the caller)", () => {
      it("invalid UTF-8 inside a string is refused, never stored as U+FFFD", async () => {
        const p = await refused("/records/custodial", body('{"type":"test.risk","payload":{"title":"a', [0xff, 0xfe, 0xc3], 'b"}}'), 400);
        expect(p.code).toBe("malformed");
        expect(p.detail).toMatch(/not valid UTF-8/);
      });

      it("an integer beyond 2^53 is refused, naming the field, instead of being rounded", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"count":9007199254740993}}', 422);
        expect(p.code).toBe("invalid");
        expect(p.errors?.pointer).toBe("/payload/count");
        expect(p.errors?.rule).toMatch(/I-JSON/);
        expect(p.detail).toMatch(/send it as a string/);
      });

      it("a 30-digit integer is refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"id":123456789012345678901234567890}}', 422);
        expect(p.errors?.pointer).toBe("/payload/id");
      });

      it("a decimal with more precision than a double holds is refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"ratio":1.0000000000000000000000001}}', 422);
        expect(p.errors?.pointer).toBe("/payload/ratio");
      });

      it("a UTF-8 byte-order mark is refused", async () => {
        const p = await refused("/records/custodial", body([0xef, 0xbb, 0xbf], '{"type":"test.risk","payload":{"title":"x"}}'), 400);
        expect(p.detail).toMatch(/byte-order mark/);
      });

      it("a charset other than UTF-8 is refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"title":"x"}}', 400, "application/json; charset=latin1");
        expect(p.detail).toMatch(/charset=latin1/);
      });

      it("duplicate member names are refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"title":"a","title":"b"}}', 422);
        expect(p.errors?.pointer).toBe("/payload/title");
        expect(p.detail).toMatch(/duplicate member name/);
      });

      it("an escaped lone surrogate is refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"title":"\\ud800"}}', 422);
        expect(p.errors?.pointer).toBe("/payload/title");
      });

      it("a __proto__ member is refused", async () => {
        const p = await refused("/records/custodial", '{"type":"test.risk","payload":{"__proto__":{"admin":true}}}', 422);
        expect(p.errors?.pointer).toBe("/payload/__proto__");
      });

      it("what I-JSON allows is signed as sent: charset utf-8, exact numbers in any spelling, non-ASCII text", async () => {
        const text = '{"type":"test.risk","payload":{"title":"Zoll \u00fcberpr\u00fcft \u{1f6a2}","count":9007199254740992,"ratio":1.50,"big":1e21,"small":-0.000001}}';
        const res = await post("/records/custodial", text, "application/json; charset=UTF-8");
        expect(res.statusCode, res.body).toBe(201);
        const { index } = (res.json() as { results: { index: number }[] }).results[0]!;
        const rec = (await app.inject({ method: "GET", url: `/v1/vaults/${VAULT}/records/${index}`, headers: { authorization: `Bearer ${token}` } })).json() as {
          payload: Record<string, unknown>;
        };
        expect(rec.payload).toEqual(JSON.parse(text).payload);
      });
    });

    describe("request schemas check, never change", () => {
      it("an unknown member of a record is refused, not dropped", async () => {
        const sub = log.submission({ title: "Dropped field?" });
        const p = await refused("/records", JSON.stringify({ ...sub, note: "not a member of a record" }), 400);
        expect(p.code).toBe("malformed");
        expect(p.detail).toMatch(/additional properties/);
      });

      it("a custodial type sent as a number is refused, not turned into a string", async () => {
        const p = await refused("/records/custodial", '{"type":42,"payload":{"title":"x"}}', 400);
        expect(p.code).toBe("malformed");
      });
    });

    describe("client-signed appends", () => {
      it("a payload number that would change is refused before any signature check, naming the record's field", async () => {
        const raw = '{"records":[{"entry":{"env":{},"sig":""},"payload":{"n":18446744073709551617},"salt":"AA=="}]}';
        const p = await refused("/records", raw, 422);
        expect(p.errors?.pointer).toBe("/records/0/payload/n");
      });
    });

    describe("EPCIS capture", () => {
      const event = (quantity: string) =>
        `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","action":"OBSERVE",` +
        `"eventTime":"2026-05-01T08:00:00.000Z","eventTimeZoneOffset":"+00:00","epcList":[],` +
        `"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":${quantity},"uom":"KGM"}]}`;

      it("an event is signed as sent, or refused naming the field when a double would change a number", async () => {
        expect((await post("/epcis/events", event("200.5"), "application/ld+json")).statusCode).toBe(201);
        const p = await refused("/epcis/events", event("200.00000000000000000001"), 422, "application/ld+json");
        expect(p.errors?.pointer).toBe("/quantityList/0/quantity");
        await refused("/epcis/events", event("1").replace('"OBSERVE"', '"OBSERVE","action":"ADD"'), 422, "application/ld+json");
        await refused("/epcis/events", event("1"), 400, "application/ld+json; charset=iso-8859-1");
      });
    });

    describe("replays", () => {
      it("the same signed entry posted twice is one record: the second answer names its index, marked existing (200)", async () => {
        const sub = log.submission({ title: "Seal tampering at gate 4" });
        const first = await post("/records", sub);
        expect(first.statusCode).toBe(201);
        const a = (first.json() as { results: { index: number; leafHash: string; existing?: boolean }[] }).results[0]!;
        expect(a.existing).toBeUndefined();
        const before = await size();
        const again = await post("/records", sub);
        expect(again.statusCode).toBe(200);
        expect((again.json() as { results: unknown[] }).results).toEqual([{ index: a.index, leafHash: a.leafHash, existing: true }]);
        expect(await size()).toBe(before);
      });

      it("copies in one batch, and concurrent requests, append one leaf", async () => {
        const sub = log.submission({ title: "Unescorted visitor" });
        const before = await size();
        const res = await post("/records", { records: [sub, sub, sub] });
        expect(res.statusCode).toBe(201);
        const results = (res.json() as { results: { index: number; existing?: boolean }[] }).results;
        expect(new Set(results.map((r) => r.index)).size).toBe(1);
        expect(results.map((r) => r.existing === true)).toEqual([false, true, true]);
        expect(await size()).toBe(before + 1n);

        const other = log.submission({ title: "Broken fence" });
        const answers: LightMyRequestResponse[] = await Promise.all([post("/records", other), post("/records", other), post("/records", other)]);
        const indices = answers.map((r) => (r.json() as { results: { index: number }[] }).results[0]!.index);
        expect(new Set(indices).size).toBe(1);
        expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(1);
        expect(await size()).toBe(before + 2n);
      });

      it("a record signed afresh, with a new salt, is a new record", async () => {
        const payload = { title: "Same words" };
        const rec = (time: Date) => buildRecord({ vault: VAULT, type: "test.risk", author: log.org, seed: log.seed, payload, mode: "custodial", time });
        const t = new Date();
        const one = rec(t);
        const two = rec(t);
        const send = (r: typeof one) => post("/records", { entry: r.signed, payload, salt: toBase64(r.salt!) });
        const a = (await send(one)).json() as { results: { index: number }[] };
        const b = await send(two);
        expect(b.statusCode).toBe(201);
        expect((b.json() as { results: { index: number }[] }).results[0]!.index).toBe(a.results[0]!.index + 1);
      });
    });
  });
}
