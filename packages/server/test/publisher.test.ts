/**
 * Publication with witnesses (formats §16): the ledger collects cosignatures
 * from real witness services (packages/server/src/witness/, C2SP
 * tlog-witness add-checkpoint) listening on 127.0.0.1 ports, and publishes a
 * checkpoint only when k of n cosigned; a witness that is down delays
 * publication and never appends; pushback is explicit.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkWitnessPolicy,
  fromBase64,
  openCheckpoint,
  parseNote,
  randomBytes,
  signCheckpoint,
  signerFromKey,
  formatSignerKey,
  formatVerifierKey,
  generateWitnessKey,
  toBase64,
  verifyCosignatures,
} from "@sealtrail/core";
import { createWitnessApp } from "../src/witness/app.js";
import { followedLog } from "../src/witness/config.js";
import { openWitnessService, type WitnessService } from "../src/witness/service.js";
import { parseWitnessArg } from "../src/ledger/witness-client.js";
import type { Context } from "../src/main.js";
import type { PublicationStatus } from "../src/ledger/ledger.js";
import { ENGINES, tempDir } from "./helpers/temp-log.js";
import { reopenableServer, type ReopenOptions, type ReopenableServer } from "./helpers/reopen-server.js";
import { cli } from "./helpers/cli.js";

/** A real witness service on a 127.0.0.1 port that can go down and come back on the same port. */
interface TestWitness {
  readonly name: string;
  readonly vkey: string;
  readonly url: string;
  readonly svc: WitnessService;
  up(): Promise<void>;
  down(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startWitness(name: string, logVkey: string, opts: { up?: boolean } = {}): Promise<TestWitness> {
  const dir = tempDir("sealtrail-pubw-");
  const svc = openWitnessService({ dir: dir.dir, logs: [followedLog(logVkey)], name });
  const port = await freePort();
  let app: FastifyInstance | null = null;
  const w: TestWitness = {
    name,
    vkey: svc.witness.verifierKey,
    url: `http://127.0.0.1:${port}`,
    svc,
    async up() {
      if (app !== null) return;
      app = await createWitnessApp({ witness: svc.witness });
      await app.listen({ port, host: "127.0.0.1" });
    },
    async down() {
      const a = app;
      app = null;
      await a?.close();
    },
    async close() {
      await w.down();
      svc.close();
      dir.cleanup();
    },
  };
  if (opts.up !== false) await w.up();
  return w;
}

/**
 * A witness that cosigns for real but answers with a corrupted signature
 * (one bit of the Ed25519 signature flipped), as a broken or lying witness
 * would: its line must not count.
 */
async function startForgingWitness(name: string, logVkey: string): Promise<TestWitness & { server: Server }> {
  const dir = tempDir("sealtrail-pubw-bad-");
  const svc = openWitnessService({ dir: dir.dir, logs: [followedLog(logVkey)], name });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const line = svc.witness.addCheckpoint(new Uint8Array(Buffer.concat(chunks)));
        const [, who, b64] = /^— (\S+) (\S+)\n$/.exec(line)!;
        const raw = fromBase64(b64!);
        raw[raw.length - 1]! ^= 0x01;
        res.writeHead(200, { "content-type": "text/plain" }).end(`— ${who} ${toBase64(raw)}\n`);
      } catch (e) {
        // The protocol's 409 (C2SP tlog-witness), so that the log can catch this witness up like any other.
        const size = (e as { code?: string; detail?: { size?: string } }).code === "conflict" ? (e as { detail?: { size?: string } }).detail?.size : undefined;
        if (size !== undefined) res.writeHead(409, { "content-type": "text/x.tlog.size" }).end(`${size}\n`);
        else res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    vkey: svc.witness.verifierKey,
    url: `http://127.0.0.1:${port}`,
    svc,
    server,
    up: async () => {},
    down: async () => {},
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      svc.close();
      dir.cleanup();
    },
  };
}

for (const engine of ENGINES) {
  describe(`publication with witnesses: ${engine}`, () => {
    let server: ReopenableServer;
    let logged: string[];
    let logVkey: string;
    const witnesses: TestWitness[] = [];
    const open = (extra?: ReopenOptions): Promise<Context> => server.open(extra);
    const close = (): Promise<void> => server.close();
    const records = (n: number, tag: string) => server.records(n, tag);
    const endpoints = (ws: TestWitness[]) => ws.map((w) => ({ vkey: w.vkey, url: w.url }));
    const witness = async (name: string, opts: { up?: boolean } = {}) => {
      const w = await startWitness(name, logVkey, opts);
      witnesses.push(w);
      return w;
    };
    const http = (method: "GET" | "POST", url: string, payload?: object) => server.http(method, url, payload);
    const status = async () => (await http("GET", "/v1/vaults/default/witnesses")).json() as PublicationStatus;

    beforeEach(async () => {
      // First started without witnesses: the vault and its log key exist from here on.
      server = await reopenableServer("sealtrail-pub-", engine);
      ({ logged, logVkey } = server);
    });
    afterEach(async () => {
      await close();
      for (const w of witnesses.splice(0)) await w.close();
      await server.dispose();
    });

    it("2 of 3: publishes with one witness down; the note carries the log signature, then the cosignatures in configured order", async () => {
      const [w1, w2, w3] = [await witness("witness.test/w1"), await witness("witness.test/w2"), await witness("witness.test/w3", { up: false })];
      const c = await open({ witnesses: endpoints([w1!, w2!, w3!]), witnessThreshold: 2, witnessTimeoutMs: 2000 });
      await c.ledger.append("default", records(3, "a"));
      const cp = await c.ledger.publish("default");
      expect(cp).not.toBeNull();
      const stored = (await c.store.latestCheckpoint("default"))!;
      expect(stored.size).toBe(cp!.size);
      expect(stored.note).toBe(cp!.note);
      const sigs = parseNote(stored.note).signatures.map((s) => s.name);
      expect(sigs).toEqual([parseNote(stored.note).signatures[0]!.name, "witness.test/w1", "witness.test/w2"]);
      expect(openCheckpoint(stored.note, logVkey).size).toBe(stored.size);
      const policy = { witnesses: [w1!.vkey, w2!.vkey, w3!.vkey], threshold: 2 };
      expect(checkWitnessPolicy(stored.note, logVkey, policy).cosignatures.map((x) => x.name)).toEqual(["witness.test/w1", "witness.test/w2"]);
      expect(() => checkWitnessPolicy(stored.note, logVkey, { ...policy, threshold: 3 })).toThrow();

      const s = await status();
      expect(s).toMatchObject({ vault: "default", treeSize: stored.size.toString(), publishedSize: stored.size.toString(), unpublished: "0", threshold: 2 });
      expect(s.lastRound).toMatchObject({ size: stored.size.toString(), cosignatures: 2, threshold: 2, published: true });
      expect(s.witnesses.map((w) => w.last?.outcome)).toEqual(["cosigned", "cosigned", "unreachable"]);
      expect(s.witnesses[2]!.last!.error).toMatch(/ECONNREFUSED/);
      expect(s.witnesses[0]!.lastCosigned?.size).toBe(stored.size.toString());
      // Each witness that cosigned keeps that checkpoint as its latest.
      expect(w1!.svc.witness.logs()[0]!.latest?.size).toBe(stored.size.toString());
      expect(w3!.svc.witness.logs()[0]!.latest).toBeNull();

      // The next checkpoint goes to the witnesses with a consistency proof from the size they cosigned.
      await c.ledger.append("default", records(5, "b"));
      const next = (await c.ledger.publish("default"))!;
      expect(next.size).toBe(stored.size + 5n);
      expect(verifyCosignatures(next.note, [w1!.vkey, w2!.vkey]).length).toBe(2);
      // A published note is final: the earlier one is unchanged.
      expect((await c.store.checkpointAt("default", stored.size))!.note).toBe(stored.note);
    });

    it("2 of 2 with one down: nothing is published, appends are acknowledged, proofs answer 503, status shows why; published once the witness is back", async () => {
      const [w1, w2] = [await witness("witness.test/w1"), await witness("witness.test/w2", { up: false })];
      const c = await open({ witnesses: endpoints([w1!, w2!]), witnessTimeoutMs: 2000 });
      const before = (await c.store.latestCheckpoint("default"))!;
      const appended = await c.ledger.append("default", records(4, "a"));
      expect(appended.map((r) => r.index)).toEqual([1n, 2n, 3n, 4n]);
      expect(await c.ledger.publish("default")).toBeNull();
      expect((await c.store.latestCheckpoint("default"))!.note).toBe(before.note);
      // Appends go on while publication waits.
      const res = await http("POST", "/v1/vaults/default/records", records(1, "http")[0]!);
      expect(res.statusCode).toBe(201);

      const proof = await http("GET", "/v1/vaults/default/proofs/inclusion?index=3");
      expect(proof.statusCode).toBe(503);
      expect(proof.headers["retry-after"]).toBe("1");
      expect(proof.json()).toMatchObject({ code: "unavailable", detail: expect.stringMatching(/not yet covered by a published checkpoint/) });

      let s = await status();
      expect(s).toMatchObject({ treeSize: "6", publishedSize: before.size.toString(), unpublished: String(6n - before.size), threshold: 2 });
      expect(s.lastRound).toMatchObject({ cosignatures: 1, threshold: 2, published: false });
      expect(s.witnesses[1]!.last).toMatchObject({ outcome: "unreachable", status: null });
      expect(logged.some((m) => m.includes("witness.test/w2") && m.includes("unreachable"))).toBe(true);

      await w2!.up();
      const cp = (await c.ledger.publish("default"))!;
      expect(cp.size).toBe(6n);
      expect(checkWitnessPolicy(cp.note, logVkey, { witnesses: [w1!.vkey, w2!.vkey], threshold: 2 }).checkpoint.size).toBe(6n);
      s = await status();
      expect(s).toMatchObject({ publishedSize: "6", unpublished: "0" });
      expect(s.witnesses.map((w) => w.last?.outcome)).toEqual(["cosigned", "cosigned"]);
      expect((await http("GET", "/v1/vaults/default/proofs/inclusion?index=3")).statusCode).toBe(200);
    });

    it("a witness that fell behind answers 409 text/x.tlog.size and is caught up with a consistency proof, across a restart", async () => {
      const [w1, w2, w3] = [await witness("witness.test/w1"), await witness("witness.test/w2"), await witness("witness.test/w3")];
      const opts = { witnesses: endpoints([w1!, w2!, w3!]), witnessThreshold: 2, witnessTimeoutMs: 2000 };
      let c = await open(opts);
      await c.ledger.append("default", records(2, "a"));
      const first = (await c.ledger.publish("default"))!;
      expect(w3!.svc.witness.logs()[0]!.latest?.size).toBe(first.size.toString());
      await w3!.down();
      for (const tag of ["b", "c"]) {
        await c.ledger.append("default", records(3, tag));
        expect(await c.ledger.publish("default")).not.toBeNull();
      }
      // Restart: the new process knows only the latest published size, which w3 never cosigned.
      const calls: { url: string; status: number; body: string }[] = [];
      const recording: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        calls.push({ url: String(input), status: res.status, body: String(init?.body ?? "") });
        return res;
      };
      c = await open({ ...opts, fetch: recording });
      await w3!.up();
      await c.ledger.append("default", records(2, "d"));
      const cp = (await c.ledger.publish("default"))!;
      const toW3 = calls.filter((x) => x.url.startsWith(w3!.url));
      expect(toW3.map((x) => x.status)).toEqual([409, 200]);
      // The retry starts from the size w3 named, with a consistency proof from it.
      expect(toW3[1]!.body.startsWith(`old ${first.size}\n`)).toBe(true);
      const proofLines = toW3[1]!.body.split("\n\n")[0]!.split("\n").slice(1);
      expect(proofLines.length).toBeGreaterThan(0);
      expect(verifyCosignatures(cp.note, [w1!.vkey, w2!.vkey, w3!.vkey]).map((x) => x.name)).toEqual([
        "witness.test/w1",
        "witness.test/w2",
        "witness.test/w3",
      ]);
      expect(w3!.svc.witness.logs()[0]!.latest?.size).toBe(cp.size.toString());
      expect((await status()).witnesses[2]).toMatchObject({ cosignedSize: cp.size.toString(), last: { outcome: "cosigned" } });
    });

    it("a witness answering with a bad cosignature is not counted, and its line is not stored", async () => {
      const w1 = await witness("witness.test/w1");
      const bad = await startForgingWitness("witness.test/liar", logVkey);
      witnesses.push(bad);
      let c = await open({ witnesses: endpoints([w1, bad]), witnessTimeoutMs: 2000 });
      await c.ledger.append("default", records(2, "a"));
      expect(await c.ledger.publish("default")).toBeNull();
      let s = await status();
      expect(s.witnesses[1]!.last).toMatchObject({ outcome: "bad_cosignature", status: 200 });
      expect(s.lastRound).toMatchObject({ cosignatures: 1, published: false });
      // The forging witness did cosign in its own state: the log simply does not believe the line it got.
      expect(bad.svc.witness.logs()[0]!.latest).not.toBeNull();

      c = await open({ witnesses: endpoints([w1, bad]), witnessThreshold: 1, witnessTimeoutMs: 2000 });
      const cp = (await c.ledger.publish("default"))!;
      expect(parseNote(cp.note).signatures.map((x) => x.name).slice(1)).toEqual(["witness.test/w1"]);
      expect(verifyCosignatures(cp.note, [w1.vkey, bad.vkey]).map((x) => x.name)).toEqual(["witness.test/w1"]);
      s = await status();
      expect(s.witnesses[1]!.last!.outcome).toBe("bad_cosignature");
    });

    it("refuses appends with 503 and Retry-After once the unpublished backlog passes the limit, and recovers when a checkpoint is published", async () => {
      const w1 = await witness("witness.test/w1", { up: false });
      const c = await open({ witnesses: endpoints([w1]), witnessTimeoutMs: 1000, maxUnpublished: 5 });
      const published = (await c.store.latestCheckpoint("default"))!.size;
      const room = 5 - Number((await c.store.tree("default")).size - published);
      await c.ledger.append("default", records(room, "fill"));
      const refused = await http("POST", "/v1/vaults/default/records", records(1, "over")[0]!);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(refused.json()).toMatchObject({ code: "unavailable", detail: expect.stringMatching(/wait for a published checkpoint \(at most 5\)/) });
      expect((await c.store.tree("default")).size).toBe(published + 5n);
      expect(await c.ledger.publish("default")).toBeNull();
      expect((await status()).unpublished).toBe("5");

      await w1.up();
      expect((await c.ledger.publish("default"))?.size).toBe(published + 5n);
      const ok = await http("POST", "/v1/vaults/default/records", records(1, "after")[0]!);
      expect(ok.statusCode).toBe(201);
    });

    it("logs a split view (409 inconsistent) loudly with the witness's problem body, and does not publish", async () => {
      const w1 = await witness("witness.test/w1");
      const c = await open({ witnesses: endpoints([w1]), witnessTimeoutMs: 2000 });
      // Someone holding the log key shows w1 another history of the same size first.
      const vault = (await c.store.vault("default"))!;
      const signer = signerFromKey(formatSignerKey(vault.origin, vault.logSeed));
      await c.ledger.append("default", records(3, "a"));
      const size = (await c.store.tree("default")).size;
      const forged = signCheckpoint({ origin: vault.origin, size, root: randomBytes(32) }, signer);
      w1.svc.witness.addCheckpoint(`old 0\n\n${forged}`);
      expect(await c.ledger.publish("default")).toBeNull();
      const alert = logged.find((m) => m.startsWith("WITNESS ALERT"));
      expect(alert).toMatch(/refused checkpoint \d+ with 409/);
      expect(alert).toMatch(/inconsistent/);
      expect(w1.svc.witness.evidence().map((e) => e.kind)).toEqual(["split-view"]);
      expect((await status()).witnesses[0]!.last).toMatchObject({ outcome: "refused", status: 409 });
    });

    it("a witness that never answers costs a round its time limit; appends are acknowledged meanwhile", async () => {
      const w1 = await witness("witness.test/w1");
      // Accepts connections and reads requests, answers nothing.
      const silent = createServer(() => {});
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      try {
        const c = await open({ witnesses: [...endpoints([w1]), { vkey: generateWitnessKey("witness.test/slow").verifierKey, url: silentUrl }], witnessTimeoutMs: 600 });
        await c.ledger.append("default", records(2, "a"));
        const t = Date.now();
        const round = c.ledger.publish("default");
        // While the round waits on the silent witness, appends go through.
        const during = await c.ledger.append("default", records(3, "b"));
        expect(during).toHaveLength(3);
        expect(Date.now() - t).toBeLessThan(600);
        expect(await round).toBeNull();
        expect(Date.now() - t).toBeGreaterThanOrEqual(550);
        const s = await status();
        expect(s.witnesses[1]!.last).toMatchObject({ outcome: "unreachable", error: "no answer within 600 ms" });
        expect(s.witnesses[0]!.last!.outcome).toBe("cosigned");
      } finally {
        silent.closeAllConnections();
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });

    it("the running server's interval publishes on its own once a missing witness is back", async () => {
      const [w1, w2] = [await witness("witness.test/w1"), await witness("witness.test/w2", { up: false })];
      const c = await open({ witnesses: endpoints([w1!, w2!]), witnessTimeoutMs: 500, checkpointIntervalMs: 100 });
      const before = (await c.store.latestCheckpoint("default"))!.size;
      c.ledger.start();
      await c.ledger.append("default", records(3, "a"));
      await new Promise((r) => setTimeout(r, 700));
      expect((await c.store.latestCheckpoint("default"))!.size).toBe(before);
      await w2!.up();
      const until = Date.now() + 10_000;
      while ((await c.store.latestCheckpoint("default"))!.size === before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const cp = (await c.store.latestCheckpoint("default"))!;
      expect(cp.size).toBe(before + 3n);
      expect(checkWitnessPolicy(cp.note, logVkey, { witnesses: [w1!.vkey, w2!.vkey], threshold: 2 }).cosignatures).toHaveLength(2);
    });

    it("without witnesses, publishes the log-signed checkpoint alone, as before", async () => {
      const c = await open();
      await c.ledger.append("default", records(2, "a"));
      const cp = (await c.ledger.publish("default"))!;
      expect(parseNote(cp.note).signatures).toHaveLength(1);
      expect((await status())).toMatchObject({ threshold: 0, witnesses: [], maxUnpublished: null, unpublished: "0" });
    });
  });
}

describe("witness configuration", () => {
  it("sealtrail serve refuses bad publication flags before listening", async () => {
    const t = tempDir();
    try {
      const { verifierKey } = generateWitnessKey("witness.test/w1");
      let r = await cli(["serve", "--data", t.dir, "--tsa", "http://127.0.0.1:1/tsa"]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--tsa needs --tsa-root/);
      r = await cli(["serve", "--data", t.dir, "--witness", "not-a-witness"]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--witness: witness "not-a-witness": expected <verifier key>=<http\(s\) URL>/);
      r = await cli(["serve", "--data", t.dir, "--witness", `${verifierKey}=http://127.0.0.1:1`, "--witness-threshold", "2"]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/witness threshold must be 0 to 1/);
    } finally {
      t.cleanup();
    }
  });

  it("parses --witness <vkey>=<url> and refuses anything else", () => {
    const { verifierKey } = generateWitnessKey("witness.test/w1");
    expect(parseWitnessArg(`${verifierKey}=https://w1.example/prefix`)).toEqual({ vkey: verifierKey, url: "https://w1.example/prefix" });
    expect(() => parseWitnessArg(verifierKey)).toThrow(/expected <verifier key>=<http\(s\) URL>/);
    expect(() => parseWitnessArg(`${verifierKey}=ftp://w1.example/`)).toThrow(/expected/);
    // A log key (type 0x01) is not a witness key.
    const logKey = formatVerifierKey("log.test/v", randomBytes(32));
    expect(() => parseWitnessArg(`${logKey}=http://127.0.0.1:1`)).toThrow(/type 0x04/);
  });
});
