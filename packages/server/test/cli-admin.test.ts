/**
 * The administration commands on a local data directory: organisations,
 * vaults, memberships, custodial keys and API keys, then the API key used
 * against the HTTP API to show the grants took effect.
 */
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { cli } from "./helpers/cli.js";
import { openContext } from "../src/main.js";
import { createApp } from "../src/http/app.js";
import { tempDir } from "./helpers/temp-log.js";

describe("sealtrail admin commands", () => {
  const tmp = tempDir();
  const data = join(tmp.dir, "data");
  afterAll(() => tmp.cleanup());

  it("set up a partner end to end, and the grants hold over HTTP", async () => {
    const init = await cli(["init", "--data", data, "--json"]);
    expect(JSON.parse(init.out).bootstrapToken).toMatch(/^stk_/);
    expect((await cli(["org", "create", "--data", data, "--id", "carrier", "--name", "Rhine Carriers", "--country", "NL", "--role", "carrier"])).code).toBe(0);
    const vault = await cli(["vault", "--data", data, "--name", "port"]);
    expect(JSON.parse(vault.out)).toMatchObject({ name: "port" });
    expect((await cli(["member", "set", "--data", data, "--vault", "port", "--org", "carrier", "--write", "custody.*"])).code).toBe(0);
    expect((await cli(["custodial-key", "--data", data, "--org", "carrier", "--vault", "port"])).code).toBe(0);
    const key = await cli(["apikey", "create", "--data", data, "--org", "carrier", "--name", "trucks", "--write", "custody.*"]);
    const { token, key: shown } = JSON.parse(key.out) as { token: string; key: { id: string; secretHash?: unknown } };
    expect(shown.secretHash).toBeUndefined();

    const ctx = await openContext({ data });
    const app = await createApp({ ledger: ctx.ledger, store: ctx.store });
    try {
      const headers = { authorization: `Bearer ${token}` };
      const ok = await app.inject({ method: "POST", url: "/v1/vaults/port/records/custodial", headers, payload: { type: "custody.handoff", payload: { c: 1 } } });
      expect(ok.statusCode).toBe(201);
      expect((await app.inject({ method: "GET", url: "/v1/vaults/default/checkpoint", headers })).statusCode).toBe(404);
      const members = await app.inject({ method: "GET", url: "/v1/vaults/port/members", headers });
      expect(members.json().members).toMatchObject([{ org: "carrier", read: true, write: ["custody.*"], admin: false }]);
    } finally {
      await app.close();
      await ctx.close();
    }

    expect((await cli(["member", "remove", "--data", data, "--vault", "port", "--org", "carrier"])).code).toBe(0);
    expect((await cli(["apikey", "revoke", "--data", data, "--id", shown.id])).code).toBe(0);
    expect((await cli(["apikey", "revoke", "--data", data, "--id", shown.id])).code).toBe(1);
    expect((await cli(["audit", "--data", data, "--vault", "port"])).code).toBe(0);
  });

  it("names bad input", async () => {
    const bad = await cli(["org", "create", "--data", data, "--id", "x", "--name", "X", "--role", "pirate"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/role "pirate"/);
    expect((await cli(["member", "set", "--data", data, "--vault", "port", "--org", "nobody"])).code).toBe(1);
    expect((await cli(["apikey", "create", "--data", data, "--org", "carrier", "--write", "Bad Pattern"])).code).toBe(1);
  });
});
