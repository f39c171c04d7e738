/**
 * Anchoring published checkpoints (formats §16) with openssl's `ts` as a
 * real RFC 3161 TSA (helpers/openssl-tsa.ts): anchors are stored beside the
 * checkpoints, verify with verifyAnchor over the stored note bytes, never
 * hold up appends or publication, are retried against the newest
 * checkpoint, and come every Nth checkpoint.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseNote, sha256, toHex, utf8, verifyCosignatures } from "@sealtrail/core";
import { openContext, type Context } from "../src/main.js";
import type { PublicationStatus } from "../src/ledger/ledger.js";
import { pemCertificates } from "../src/ledger/anchoring.js";
import { verifyAnchor } from "../src/anchors/rfc3161-anchor.js";
import { createWitnessApp } from "../src/witness/app.js";
import { followedLog } from "../src/witness/config.js";
import { openWitnessService } from "../src/witness/service.js";
import { makeTestPki, opensslVerifyToken, startOpensslTsa, type OpensslTsa, type TestPki } from "./helpers/openssl-tsa.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { reopenableServer, type ReopenOptions, type ReopenableServer } from "./helpers/reopen-server.js";
import { readFileSync } from "node:fs";

/**
 * The real TSA behind a switch: "up" forwards each query to it, "down"
 * answers 503, "hang" never answers (a TSA that is slow beyond any limit).
 */
interface TsaSwitch {
  readonly url: string;
  mode: "up" | "down" | "hang";
  /** Requests left without an answer so far. */
  hanging(): number;
  close(): Promise<void>;
}

async function tsaSwitch(tsa: OpensslTsa): Promise<TsaSwitch> {
  const hanging: ServerResponse[] = [];
  const sw = { mode: "up" as TsaSwitch["mode"] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (sw.mode === "hang") {
        hanging.push(res);
        return;
      }
      if (sw.mode === "down") {
        res.writeHead(503, { "content-type": "text/plain" }).end("down for maintenance\n");
        return;
      }
      void fetch(tsa.url, { method: "POST", headers: { "content-type": "application/timestamp-query" }, body: Buffer.concat(chunks) }).then(
        async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/octet-stream" }).end(body);
        },
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(sw, {
    url: `http://127.0.0.1:${port}/tsa`,
    hanging: () => hanging.length,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let pki: TestPki;
let tsa: OpensslTsa;
let roots: Uint8Array[];

beforeAll(async () => {
  pki = await makeTestPki();
  tsa = await startOpensslTsa({ pki });
  // As `serve --tsa-root FILE` reads it: the root's PEM file.
  roots = pemCertificates(readFileSync(pki.root.certPath, "utf8"));
  expect(toHex(roots[0]!)).toBe(toHex(pki.root.der));
});
afterAll(async () => {
  await tsa?.close();
  pki?.cleanup();
});

for (const engine of ENGINES) {
  describe(`anchoring published checkpoints: ${engine}`, () => {
    let server: ReopenableServer;
    let logged: string[];
    let sw: TsaSwitch;
    const cleanups: (() => Promise<void> | void)[] = [];
    const open = (extra?: ReopenOptions): Promise<Context> => server.open(extra);
    const close = (): Promise<void> => server.close();
    const records = (n: number, tag: string) => server.records(n, tag);
    async function grow(c: Context, tag: string) {
      await c.ledger.append("default", records(1, tag));
      // A started ledger may have published it on its own interval already (then publish has nothing to do).
      const published = await c.ledger.publish("default");
      if (published !== null) return published;
      const latest = (await c.store.latestCheckpoint("default"))!;
      expect(latest.size).toBe((await c.store.tree("default")).size);
      return latest;
    }
    const http = (url: string) => server.http("GET", url);

    beforeEach(async () => {
      server = await reopenableServer("sealtrail-anchor-", engine);
      ({ logged } = server);
      sw = await tsaSwitch(tsa);
    });
    afterEach(async () => {
      await close();
      for (const f of cleanups.splice(0).reverse()) await f();
      await sw.close();
      await server.dispose();
    });

    it("anchors each published checkpoint, cosignatures included, with tokens that verify over the stored note (ours and openssl's), served by GET /anchors", async () => {
      // A witness, so that the published note carries a cosignature: the anchor stamps those exact bytes.
      const wdir = tempDir("sealtrail-anchor-w-");
      const c0 = await open();
      const svc = openWitnessService({ dir: wdir.dir, logs: [followedLog(await c0.ledger.verifierKey("default"))], name: "witness.test/a1" });
      const wapp = await createWitnessApp({ witness: svc.witness });
      const waddr = await wapp.listen({ port: 0, host: "127.0.0.1" });
      cleanups.push(async () => {
        await wapp.close();
        svc.close();
        wdir.cleanup();
      });
      const c = await open({ witnesses: [{ vkey: svc.witness.verifierKey, url: waddr }], tsa: [sw.url], tsaRoots: roots });
      const cps = [await grow(c, "a")];
      await c.ledger.anchorRound("default");
      cps.push(await grow(c, "b"));
      for (const cp of cps) expect(verifyCosignatures(cp.note, [svc.witness.verifierKey])).toHaveLength(1);
      const rows = await waitFor("two anchors", async () => {
        const r = await c.store.anchors("default");
        return r.length >= 2 && r;
      });
      expect(rows.map((r) => [r.checkpointSize, r.type])).toEqual(cps.map((cp) => [cp.size, "rfc3161"]));
      for (const r of rows) {
        const stored = (await c.store.checkpointAt("default", r.checkpointSize))!;
        expect(parseNote(stored.note).signatures).toHaveLength(2);
        const record = JSON.parse(r.record) as { checkpointHash: string; token: string };
        expect(record.checkpointHash).toBe(toHex(sha256(utf8(stored.note))));
        const v = await verifyAnchor(record, stored.note, { roots });
        expect(v.checkpointSize).toBe(r.checkpointSize);
        expect(v.genTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
        // The same bytes without the cosignature are another message.
        const bare = stored.note.split("\n— ").slice(0, 2).join("\n— ") + "\n";
        await expect(verifyAnchor(record, bare, { roots })).rejects.toMatchObject({ code: "invalid" });
        const o = await opensslVerifyToken(Buffer.from(record.token, "base64"), utf8(stored.note), pki.root.certPath);
        expect(o.ok, o.output).toBe(true);
      }

      const all = await http("/v1/vaults/default/anchors");
      expect(all.statusCode).toBe(200);
      const body = all.json() as { anchors: { checkpointSize: number; type: string; createdAt: string; record: { token: string } }[] };
      expect(body.anchors.map((a) => a.checkpointSize)).toEqual(cps.map((cp) => Number(cp.size)));
      expect(body.anchors[0]!.record).toEqual(JSON.parse(rows[0]!.record));
      const one = (await http(`/v1/vaults/default/anchors?size=${cps[1]!.size}`)).json() as typeof body;
      expect(one.anchors.map((a) => a.checkpointSize)).toEqual([Number(cps[1]!.size)]);
      expect((await http("/v1/vaults/default/anchors?size=999")).json()).toEqual({ anchors: [] });
      expect((await http("/v1/vaults/default/anchors?size=-1")).statusCode).toBe(400);
      const status = (await http("/v1/vaults/default/witnesses")).json() as PublicationStatus;
      expect(status.anchors).toEqual([
        expect.objectContaining({ type: "rfc3161", name: sw.url, anchoredSize: cps[1]!.size.toString(), pending: 0, last: expect.objectContaining({ ok: true }) }),
      ]);
    });

    it("a TSA that is down or hangs delays neither appends nor publication; the newest checkpoint not yet anchored is anchored once it is back", async () => {
      const c = await open({ tsa: [sw.url], tsaRoots: roots, tsaTimeoutMs: 1500 });
      sw.mode = "hang";
      const first = await grow(c, "a");
      await waitFor("the anchor request to hang", async () => sw.hanging() > 0);
      // The TSA holds a request: appends and publication go on regardless.
      let t = Date.now();
      const second = await grow(c, "b");
      expect(Date.now() - t).toBeLessThan(1000);
      expect(await c.store.anchors("default")).toEqual([]);
      expect(second.size).toBe(first.size + 1n);
      sw.mode = "down";
      await c.ledger.anchorRound("default");
      expect(await c.store.anchors("default")).toEqual([]);
      let status = await c.ledger.publication("default");
      expect(status.anchors[0]!.last).toMatchObject({ ok: false, error: expect.stringMatching(/503|no answer|abort|timeout/i) });
      expect(logged.some((m) => m.includes("retried next round"))).toBe(true);
      t = Date.now();
      const third = await grow(c, "c");
      expect(Date.now() - t).toBeLessThan(1000);

      sw.mode = "up";
      await c.ledger.anchorRound("default");
      const rows = await c.store.anchors("default");
      // One anchor, over the newest published checkpoint: it covers every entry of the earlier ones.
      expect(rows.map((r) => r.checkpointSize)).toEqual([third.size]);
      await verifyAnchor(JSON.parse(rows[0]!.record), (await c.store.checkpointAt("default", third.size))!.note, { roots });
      status = await c.ledger.publication("default");
      expect(status.anchors[0]).toMatchObject({ anchoredSize: third.size.toString(), pending: 0, last: { ok: true } });
    });

    it("the running server's interval retries a failed anchor on its own", async () => {
      const c = await open({ tsa: [sw.url], tsaRoots: roots, checkpointIntervalMs: 100 });
      sw.mode = "down";
      c.ledger.start();
      const cp = await grow(c, "a");
      await waitFor("a failed attempt", async () => (await c.ledger.publication("default")).anchors[0]!.last?.ok === false);
      expect(await c.store.anchors("default")).toEqual([]);
      sw.mode = "up";
      const rows = await waitFor("the anchor", async () => {
        const r = await c.store.anchors("default");
        return r.length > 0 && r;
      });
      expect(rows.map((r) => r.checkpointSize)).toEqual([cp.size]);
    });

    it("anchors every Nth published checkpoint, counting on across a restart", async () => {
      const opts = { tsa: [sw.url], tsaRoots: roots, anchorEvery: 3 };
      let c = await open(opts);
      // The checkpoint published when the vault was made counts as the first.
      // A round after each, so that each round sees "its" checkpoint as the newest.
      for (const tag of ["a", "b", "c", "d"]) {
        await grow(c, tag);
        await c.ledger.anchorRound("default");
      }
      await close();
      c = await open(opts);
      for (const tag of ["e", "f", "g"]) {
        await grow(c, tag);
        await c.ledger.anchorRound("default");
      }
      const cps = await c.store.checkpoints("default");
      expect(cps).toHaveLength(8);
      const rows = await c.store.anchors("default");
      expect(rows.map((r) => r.checkpointSize)).toEqual([cps[2]!.size, cps[5]!.size]);
      expect((await c.ledger.publication("default")).anchors[0]).toMatchObject({ anchoredSize: cps[5]!.size.toString(), pending: 2 });
      for (const r of rows) await verifyAnchor(JSON.parse(r.record), (await c.store.checkpointAt("default", r.checkpointSize))!.note, { roots });
    });

    it("never stores a token that does not chain to the configured root", async () => {
      const other = await makeTestPki({ rootName: "Some Other Root" });
      cleanups.push(() => other.cleanup());
      const c = await open({ tsa: [sw.url], tsaRoots: [other.root.der] });
      await grow(c, "a");
      await c.ledger.anchorRound("default");
      expect(await c.store.anchors("default")).toEqual([]);
      const status = await c.ledger.publication("default");
      expect(status.anchors[0]!.last).toMatchObject({ ok: false });
      expect(status.anchors[0]!.last!.error).toMatch(/chain|root|certificate/i);
    });
  });
}

describe("anchoring configuration", () => {
  it("refuses a TSA without a trust root, and a PEM file without a certificate", async () => {
    const t = tempDir();
    try {
      await expect(openContext({ data: t.dir, tsa: ["http://127.0.0.1:1/tsa"] })).rejects.toThrow(/trust root/);
      expect(() => pemCertificates("no certificate here", "root.pem")).toThrow(/root.pem: no -----BEGIN CERTIFICATE-----/);
    } finally {
      t.cleanup();
    }
  });
});
