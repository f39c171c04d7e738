/**
 * A shipment's chain of custody across five organisations, each capturing
 * its own EPCIS events, exported as one custody evidence bundle and verified
 * offline with `sealtrail verify BUNDLE --policy POLICY`, trusting only the
 * policy: the chain, who held the container, and every exception, from
 * proven records only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_NAMESPACE, bundleCustodyChain, epcUrnToDigitalLink, parseVerificationPolicy, verifyBundle, type EvidenceBundle } from "@sealtrail/core";
import { createOrganisation } from "../src/access/orgs.js";
import { changeMembership, createCustodialKey } from "../src/ledger/custodial.js";
import { createCaptureService, type CaptureService } from "../src/custody/capture.js";
import { createEpcisValidator } from "../src/custody/epcis-validate.js";
import { cli } from "./helpers/cli.js";
import { tempLog, type TempLog } from "./helpers/temp-log.js";

const UNIT = "urn:epc:id:sscc:0614141.7777777772";
const ORGS = ["maker", "carrier-a", "terminal", "carrier-b", "warehouse"] as const;
const PGLN: Record<string, string> = Object.fromEntries(ORGS.map((o, i) => [o, `urn:epc:id:pgln:061415${i}.00001`]));
const CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }];
const at = (h: number) => new Date(Date.UTC(2026, 5, 1, 6) + h * 3600_000).toISOString();
const ev = (h: number, f: object) => ({ type: "ObjectEvent", action: "OBSERVE", epcList: [UNIT], eventTime: at(h), eventTimeZoneOffset: "+00:00", ...f });
const party = (list: "sourceList" | "destinationList", org: string) => ({ [list]: [{ type: "possessing_party", [list === "sourceList" ? "source" : "destination"]: PGLN[org] }] });
const seal = (action: string) => ({
  "st:sealNumber": "H555",
  "st:issuer": PGLN.maker,
  "st:classification": "H",
  "st:action": action,
  "st:condition": "intact",
  ...(action === "checked" ? { "st:check": { "st:view": "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" } } : {}),
});

describe("a five-party chain of custody, verified offline", () => {
  let log: TempLog;
  let capture: CaptureService;
  let bundleFile = "";
  let policyFile = "";

  async function captureAs(org: string, events: object[]): Promise<void> {
    const doc = { "@context": CONTEXT, type: "EPCISDocument", schemaVersion: "2.0", creationDate: at(0), epcisBody: { eventList: events } };
    const job = capture.start("default", org, new TextEncoder().encode(JSON.stringify(doc)), "rollback");
    await capture.idle();
    expect(job.success, JSON.stringify(job.errors)).toBe(true);
  }

  beforeAll(async () => {
    log = await tempLog();
    const { store, ledger } = log.ctx;
    for (const org of [...ORGS, "rogue"]) {
      await createOrganisation(store, { id: org, name: org, country: "NL", roles: ["carrier"] });
      await createCustodialKey(store, ledger, org, "default");
    }
    for (const org of ORGS) await changeMembership(store, ledger, "default", { action: "set", org, read: true, write: ["custody.*"], admin: false });
    capture = createCaptureService({ ledger, store, validator: createEpcisValidator(), threads: 1 });
    // Each party records its own part of the journey; custody passes maker -> carrier-a -> terminal -> carrier-b -> warehouse.
    await captureAs("maker", [ev(0, { bizStep: "loading", disposition: "container_closed", "st:seals": [seal("applied")] }), ev(1, { bizStep: "shipping", disposition: "in_transit", ...party("sourceList", "maker"), ...party("destinationList", "carrier-a") })]);
    const legs: [string, string, number][] = [
      ["carrier-a", "terminal", 4],
      ["terminal", "carrier-b", 10],
      ["carrier-b", "warehouse", 20],
    ];
    let from = "maker";
    for (const [holder, next, h] of legs) {
      await captureAs(holder, [
        ev(h, { bizStep: "receiving", disposition: "in_progress", ...party("sourceList", from), ...party("destinationList", holder), "st:seals": [seal("checked")] }),
        ev(h + 1, { bizStep: "shipping", disposition: "in_transit", ...party("sourceList", holder), ...party("destinationList", next) }),
      ]);
      from = holder;
    }
    await captureAs("warehouse", [ev(30, { bizStep: "receiving", disposition: "in_progress", ...party("sourceList", "carrier-b"), ...party("destinationList", "warehouse"), "st:seals": [seal("checked")] })]);
    // An organisation that never became a member gets an event in (as if through a hole in the server): the chain names it.
    await captureAs("rogue", [ev(31, { bizStep: "inspecting", disposition: "conformant" })]);
    await ledger.publish("default");

    bundleFile = join(log.dir, "custody.bundle.json");
    policyFile = join(log.dir, "policy.json");
    const r = await cli(["export", "--data", log.dir, "--vault", "default", "--custody", UNIT, "--out", bundleFile]);
    expect(r.code, r.err).toBe(0);
    writeFileSync(policyFile, JSON.stringify({ vkey: log.vkey }));
  });
  afterAll(async () => {
    await capture.close();
    await log.close();
  });

  it("exports every custody event of the container, by URN or Digital Link, marked as a custody bundle", async () => {
    const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as EvidenceBundle;
    expect(bundle.custody).toEqual({ identifier: UNIT });
    const events = bundle.records.filter((r) => r.payload !== undefined && r.payload.includes(UNIT));
    expect(events).toHaveLength(10);
    const dl = join(log.dir, "dl.bundle.json");
    expect((await cli(["export", "--data", log.dir, "--vault", "default", "--custody", epcUrnToDigitalLink(UNIT), "--out", dl])).code).toBe(0);
    expect((JSON.parse(readFileSync(dl, "utf8")) as EvidenceBundle).manifest.indices).toEqual(bundle.manifest.indices);
  });

  it("verifies offline, and shows the chain across the five parties with the non-member's event named", async () => {
    const r = await cli(["verify", bundleFile, "--policy", policyFile, "--json"]);
    expect(r.code, r.out.slice(0, 2000)).toBe(0);
    const report = JSON.parse(r.out) as { ok: boolean; custody: { steps: { author: string; holder: string | null; seals: string[] }[]; exceptions: { kind: string; indices: number[] }[] } };
    expect(report.ok).toBe(true);
    const chain = report.custody;
    expect(chain.steps).toHaveLength(10);
    expect([...new Set(chain.steps.map((s) => s.author))]).toEqual([...ORGS, "rogue"]);
    expect(chain.steps.at(-2)!.holder).toBe(PGLN.warehouse);
    expect(chain.steps.every((s) => s.seals.includes("H555"))).toBe(true);
    expect(chain.exceptions.map((x) => x.kind)).toEqual(["not_a_member"]);
    const text = await cli(["verify", bundleFile, "--policy", policyFile]);
    expect(text.out).toMatch(/chain of custody of urn:epc:id:sscc:0614141\.7777777772: 10 events from verified records, 1 exception/);
    expect(text.out).toMatch(/custody exception not_a_member: .* rogue/);
  });

  it("with the operator named in the policy, the non-member's event fails its write rights and leaves the chain", async () => {
    const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as EvidenceBundle;
    // The exporter bundles every membership record, all of them the operator's.
    const named = join(log.dir, "policy-operator.json");
    writeFileSync(named, JSON.stringify({ vkey: log.vkey, operator: "operator" }));
    const r = await cli(["verify", bundleFile, "--policy", named, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { records: { index: number; author: string | null; failures: { code: string }[] }[]; custody: { steps: { author: string }[]; exceptions: unknown[] }; warnings: string[] };
    const failing = report.records.filter((x) => x.failures.length > 0);
    expect(failing.map((x) => [x.author, x.failures.map((f) => f.code)])).toEqual([["rogue", ["write_unauthorised"]]]);
    expect(report.custody.steps).toHaveLength(9);
    expect([...new Set(report.custody.steps.map((s) => s.author))]).toEqual(ORGS);
    expect(report.custody.exceptions).toEqual([]);
    // Without the operator, the same bundle verifies, with a warning that write rights went unchecked.
    const plain = await verifyBundle(bundle, parseVerificationPolicy({ vkey: log.vkey }));
    expect(plain.ok).toBe(true);
    expect(plain.warnings.some((w) => w.includes("policy.operator"))).toBe(true);
    const text = await cli(["verify", bundleFile, "--policy", named]);
    expect(text.out).toMatch(/write_unauthorised: entry \d+: rogue could not write custody\.event records at this index/);
  });

  it("leaves a tampered event out of the chain and fails the verification, naming the change", async () => {
    const bundle = JSON.parse(readFileSync(bundleFile, "utf8")) as Omit<EvidenceBundle, "records"> & { records: { index: number; entry: string; payload?: string; salt?: string }[] };
    // The terminal's receipt now claims the seal was found broken by someone else.
    const victim = bundle.records.find((r) => r.payload?.includes(`"eventTime":"${at(10)}"`))!;
    victim.payload = victim.payload!.replace('"in_progress"', '"non_conformant"');
    const file = join(log.dir, "tampered.bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const r = await cli(["verify", file, "--policy", policyFile, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { records: { index: number; failures: { code: string }[] }[]; custody: { steps: unknown[] } };
    expect(report.records.find((x) => x.index === victim.index)!.failures.map((f) => f.code)).toEqual(["payload_changed"]);
    expect(report.custody.steps).toHaveLength(9);
    // The same, straight through core, as a browser would.
    const core = await verifyBundle(bundle, parseVerificationPolicy({ vkey: log.vkey }));
    expect(bundleCustodyChain(bundle, core)!.steps).toHaveLength(9);
  });
});
