/**
 * `sealtrail sms`: records added, versioned, listed and shown on a data
 * directory and against a server (--server), and refusals that name the
 * field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";

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

describe("sealtrail sms, on a data directory", () => {
  const tmp = tempDir();
  const data = join(tmp.dir, "data");
  afterAll(() => tmp.cleanup());
  beforeAll(async () => {
    expect((await cli(["init", "--data", data])).code).toBe(0);
  });

  it("adopts the catalogue once, naming its version and digest", async () => {
    const first = await cli(["sms", "adopt", "--data", data]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^adopted catalogue iso28000-2022 1\.0\.0 [0-9a-f]{64}: record \d+$/m);
    expect((await cli(["sms", "adopt", "--data", data])).out).toMatch(/already/);
    const show = await cli(["sms", "catalogue", "show", "--data", data, "catalogue", "--json"]);
    expect((JSON.parse(show.out) as { payload: { version: string } }).payload.version).toBe("1.0.0");
  });

  it("lists the kinds", async () => {
    const r = await cli(["sms", "types"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^risk-acceptance\s+a risk owner's acceptance/m);
  });

  it("adds records from stdin, lists them with a filter, writes a new version and shows the history", async () => {
    const add = await cli(["sms", "control", "add", "--data", data, "-"], JSON.stringify([control("C-1"), control("C-2", "planned")]));
    expect(add.code, add.err).toBe(0);
    const written = JSON.parse(add.out) as { id: string; index: number }[];
    expect(written.map((w) => w.id)).toEqual(["C-1", "C-2"]);

    const list = await cli(["sms", "control", "list", "--data", data, "--where", "status=planned"]);
    expect(list.code).toBe(0);
    expect(list.out).toBe(`C-2  #${written[1]!.index}  planned  Seal register C-2\n`);

    const upd = await cli(["sms", "control", "update", "--data", data, "-"], JSON.stringify(control("C-2", "operating")));
    expect(upd.code, upd.err).toBe(0);
    expect(JSON.parse(upd.out)).toMatchObject([{ id: "C-2", supersedes: written[1]!.index }]);

    const show = await cli(["sms", "control", "show", "--data", data, "C-2", "--json"]);
    expect(show.code).toBe(0);
    const rec = JSON.parse(show.out) as { payload: { status: string }; versions: { index: number }[] };
    expect(rec.payload.status).toBe("operating");
    expect(rec.versions.map((v) => v.index)).toEqual([written[1]!.index, written[1]!.index + 1]);
  });

  it("prints the figures computed from the records, as text and as JSON", async () => {
    const readiness = await cli(["sms", "readiness", "--data", data, "--as-of", "2026-06-30"]);
    expect(readiness.code, readiness.err).toBe(0);
    expect(readiness.out).toMatch(/^readiness on 2026-06-30: \d+ of 15 items$/m);
    const gaps = await cli(["sms", "gaps", "--data", data, "--as-of", "2026-06-30", "--json"]);
    expect((JSON.parse(gaps.out) as { gaps: unknown[]; treeSize: number }).gaps).toHaveLength(14);
    const kpis = await cli(["sms", "kpis", "--data", data, "--period", "2026-Q2", "--json"]);
    expect(JSON.parse(kpis.out)).toMatchObject({ period: { from: "2026-04-01", to: "2026-06-30" }, catalogue: { id: "iso28000-2022" } });
    expect((await cli(["sms", "maturity", "--data", data, "--as-of", "2026-06-30"])).out).toMatch(/^domain\s+Cargo/m);
    expect((await cli(["sms", "due", "--data", data])).code).toBe(0);
    const summary = JSON.parse((await cli(["sms", "summary", "--data", data, "--json"])).out) as { records: Record<string, number> };
    expect(summary.records["sms.control"]).toBeGreaterThanOrEqual(2);
    expect((await cli(["sms", "kpis", "--data", data, "--period", "2026-Q9"])).code).toBe(1);
  });

  it("refuses a payload that breaks its schema, naming the field, and stores nothing", async () => {
    const r = await cli(["sms", "control", "add", "--data", data, "-"], JSON.stringify({ ...control("C-9"), domain: "space" }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/payload\/domain/);
    expect((await cli(["sms", "control", "show", "--data", data, "C-9"])).code).toBe(1);
    const big = await cli(["sms", "control", "add", "--data", data, "-"], '{"id":"C-10","n":9007199254740993}');
    expect(big.code).toBe(1);
    expect(big.err).toMatch(/send it as a string/);
  });
});

describe("sealtrail sms --server", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    process.env.SEALTRAIL_API_KEY = (await createApiKey(log.ctx.store, log.org, { name: "cli", vaults: "*", read: true, write: ["sms.*"], admin: false, expiresAt: null })).token;
  });
  afterAll(async () => {
    delete process.env.SEALTRAIL_API_KEY;
    await app.close();
    await log.close();
  });

  it("adds (signed by the server with the caller's custodial key), updates, lists and shows", async () => {
    const add = await cli(["sms", "control", "add", "--server", url, "-"], JSON.stringify(control("C-R")));
    expect(add.code, add.err).toBe(0);
    const first = (JSON.parse(add.out) as { index: number }[])[0]!;
    const upd = await cli(["sms", "control", "update", "--server", url, "-"], JSON.stringify(control("C-R", "suspended")));
    expect(upd.code, upd.err).toBe(0);
    expect(JSON.parse(upd.out)).toMatchObject([{ id: "C-R", supersedes: first.index }]);
    const list = await cli(["sms", "control", "list", "--server", url, "--json"]);
    expect((JSON.parse(list.out) as { records: { id: string; payload: { status: string } }[] }).records.map((r) => [r.id, r.payload.status])).toEqual([["C-R", "suspended"]]);
    const show = await cli(["sms", "control", "show", "--server", url, "C-R"]);
    expect(show.out).toMatch(/versions: #\d+ by operator/);
    const summary = await cli(["sms", "summary", "--server", url, "--json"]);
    expect(summary.code, summary.err).toBe(0);
    expect((JSON.parse(summary.out) as { records: Record<string, number> }).records["sms.control"]).toBe(1);
  });
});
