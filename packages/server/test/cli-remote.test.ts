/**
 * The CLI as a remote client: the same log commands against a server over
 * HTTP (--server, API key from SEALTRAIL_API_KEY), then an offline verify.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildKeyRecord, generateEd25519KeyPair, hashLeaf, toBase64, toHex } from "@sealtrail/core";
import { cli } from "./helpers/cli.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { createOrganisation } from "../src/access/orgs.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

describe("sealtrail CLI with --server", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let server: string;
  let token: string;
  const carrier = generateEd25519KeyPair();
  const tmp = tempDir();

  beforeAll(async () => {
    log = await tempLog({ checkpointIntervalMs: 100 });
    const { store, ledger } = log.ctx;
    ledger.start();
    app = await createApp({ ledger, store });
    server = await app.listen({ port: 0, host: "127.0.0.1" });
    await createOrganisation(store, { id: "carrier", name: "Rhine Carriers", country: "NL", roles: ["carrier"] });
    await changeMembership(store, ledger, "default", { action: "set", org: "carrier", read: true, write: ["custody.*"], admin: false });
    await createCustodialKey(store, ledger, "carrier", "default");
    const reg = buildKeyRecord({ vault: "default", author: "carrier", seed: carrier.seed, action: "register", publicKey: carrier.publicKey });
    await ledger.append("default", [{ entry: reg.signed }]);
    token = (await createApiKey(store, "carrier", { name: "cli", vaults: "*", read: true, write: ["custody.*"], admin: false, expiresAt: null })).token;
    writeFileSync(join(tmp.dir, "carrier.key"), toBase64(carrier.seed));
    process.env.SEALTRAIL_API_KEY = token;
  });
  afterAll(async () => {
    delete process.env.SEALTRAIL_API_KEY;
    await app.close();
    await log.close();
    tmp.cleanup();
  });

  it("appends (custodial and client-signed), reads, proves, and the proof verifies offline", async () => {
    const cust = await cli(["append", "--server", server, "--vault", "default", "--type", "custody.handoff", "-"], JSON.stringify({ container: "MSCU1234565" }));
    expect(cust.err).toBe("");
    expect(cust.code).toBe(0);
    const own = await cli(
      ["append", "--server", server, "--vault", "default", "--type", "custody.seal_check", "--key", join(tmp.dir, "carrier.key"), "--author", "carrier", "-"],
      JSON.stringify([{ seal: "ABC1" }, { seal: "ABC2" }]),
    );
    expect(own.code).toBe(0);
    const results = [...JSON.parse(cust.out), ...JSON.parse(own.out)] as { index: number; leafHash: string }[];
    expect(results).toHaveLength(3);

    const vkey = (await cli(["vkey", "--server", server, "--vault", "default"])).out.trim();
    expect(vkey).toBe(log.vkey);
    const cp = await cli(["checkpoint", "--server", server, "--vault", "default", "--json"]);
    expect(JSON.parse(cp.out).size).toBeGreaterThan(results.at(-1)!.index);
    for (const r of results) {
      const entry = await cli(["entry", "--server", server, "--vault", "default", "--index", String(r.index)]);
      expect(toHex(hashLeaf(entry.bytes))).toBe(r.leafHash);
      const proof = await cli(["proof", "--server", server, "--vault", "default", "--index", String(r.index)]);
      expect(proof.code).toBe(0);
      writeFileSync(join(tmp.dir, "p"), proof.out);
      writeFileSync(join(tmp.dir, "e"), entry.bytes);
      const ok = await cli(["verify", "--vkey", vkey, "--proof", join(tmp.dir, "p"), "--entry", join(tmp.dir, "e")]);
      expect(ok.code).toBe(0);
    }
  });

  it("reports the server's refusals with exit code 1", async () => {
    const r = await cli(["append", "--server", server, "--vault", "default", "--type", "test.risk", "-"], JSON.stringify({ a: 1 }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/forbidden/);
    const missing = await cli(["entry", "--server", server, "--vault", "nope", "--index", "0"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not_found/);
  });
});
