/**
 * The catalogue as a CISO Assistant library: checked against the rules the
 * tool's own loader states (testdata/ciso-assistant/SOURCE.md names each file
 * and the commit they come from), by a checker that first accepts one of
 * the tool's own libraries and refuses each kind of breakage; then the
 * content (every clause a requirement, every example control a reference
 * control), the CLI and the HTTP route.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { FastifyInstance } from "fastify";
import { CATALOGUE, CLAUSES, CLAUSE_GROUPS, CONTROL_DOMAINS, SealTrailError } from "@sealtrail/core";
import { cisoAssistantLibrary, cisoAssistantYaml, libraryVersion } from "../src/export/ciso-assistant.js";
import { createApp } from "../src/http/app.js";
import { createApiKey } from "../src/access/api-keys.js";
import { cli } from "./helpers/cli.js";
import { tempDir, tempLog, type TempLog } from "./helpers/temp-log.js";

const PEER = join(import.meta.dirname, "../../../testdata/ciso-assistant/iso22301-2019.yaml");

// backend/core/models.py (commit f990d7b1b9a9f56e391acbc247c9076262a11412), URN_REGEX as match_urn applies it (Python re.match).
const URN_REGEX = /^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?:([0-9A-Za-z[\]()\-._:]+)$/;
// backend/library/utils.py, LibraryImporter.OBJECT_FIELDS.
const OBJECT_FIELDS = ["ttp_catalogs", "tactics", "techniques", "threats", "reference_controls", "metric_definitions", "risk_matrix", "risk_matrices", "framework", "frameworks", "requirement_mapping_set", "requirement_mapping_sets", "preset", "workflows"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
// The loader checks keys, not values: REQUIRED_FIELDS - set(data.keys()).
const missing = (o: Obj, fields: readonly string[]) => fields.filter((f) => !(f in o));

/**
 * The library-format rules of CISO Assistant's loader, each tagged with the
 * source it comes from (testdata/ciso-assistant/SOURCE.md). Returns the
 * problems found; an empty list is a library the loader accepts.
 */
function checkCisoAssistantLibrary(text: string): string[] {
  const problems: string[] = [];
  // models.py store_library_content: yaml.safe_load (PyYAML, YAML 1.1) must give a mapping.
  const lib: unknown = parse(text, { version: "1.1" });
  if (!isObj(lib)) return ["models.py: the YAML content must be a dictionary"];
  // models.py StoredLibrary.REQUIRED_FIELDS and utils.py LibraryImporter.REQUIRED_FIELDS.
  for (const f of missing(lib, ["urn", "name", "version", "objects", "ref_id", "locale"])) problems.push(`models.py/utils.py: library field ${f} missing`);
  if (typeof lib.urn !== "string" || !URN_REGEX.test(lib.urn.toLowerCase())) problems.push(`models.py: library URN ${String(lib.urn)} is badly formatted`);
  // models.py: version = int(library_data["version"]).
  if (!Number.isInteger(typeof lib.version === "string" ? Number(lib.version) : lib.version)) problems.push(`models.py: version ${String(lib.version)} is not an integer`);
  const objects = lib.objects;
  if (!isObj(objects)) return [...problems, "utils.py: objects is not a mapping"];
  // utils.py LibraryImporter.init.
  if (!OBJECT_FIELDS.some((f) => f in objects)) problems.push("utils.py: objects holds none of the object fields");
  if ("framework" in objects && "frameworks" in objects) problems.push("utils.py: a library can't have both 'framework' and 'frameworks'");
  const controlUrns = new Set<string>();
  const controls = objects.reference_controls;
  if (controls !== undefined) {
    if (!Array.isArray(controls)) problems.push("utils.py: reference_controls is not a list");
    else
      for (const [i, c] of (controls as unknown[]).entries()) {
        // utils.py ReferenceControlImporter.REQUIRED_FIELDS.
        if (!isObj(c)) { problems.push(`utils.py: reference control ${i + 1} is not a mapping`); continue; }
        for (const f of missing(c, ["ref_id", "urn"])) problems.push(`utils.py: reference control ${i + 1} has no ${f}`);
        if (typeof c.urn === "string") {
          const urn = c.urn.toLowerCase();
          if (!URN_REGEX.test(urn)) problems.push(`models.py: reference control URN ${c.urn} is badly formatted`);
          if (controlUrns.has(urn)) problems.push(`utils.py: reference control URN ${c.urn} twice`);
          controlUrns.add(urn);
        }
      }
  }
  const frameworks = "framework" in objects ? [objects.framework] : Array.isArray(objects.frameworks) ? (objects.frameworks as unknown[]) : [];
  for (const fw of frameworks) {
    if (!isObj(fw)) { problems.push("utils.py: a framework is not a mapping"); continue; }
    // utils.py FrameworkImporter.REQUIRED_FIELDS and init: at least one node.
    for (const f of missing(fw, ["ref_id", "urn"])) problems.push(`utils.py: framework has no ${f}`);
    const nodes = fw.requirement_nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) { problems.push("utils.py: no object has been detected among the framework's object fields"); continue; }
    const fwUrn = typeof fw.urn === "string" ? fw.urn.toLowerCase() : "";
    if (!URN_REGEX.test(fwUrn)) problems.push(`models.py: framework URN ${String(fw.urn)} is badly formatted`);
    // framework_editor.py node_base_urn.
    const base = fwUrn.includes(":framework:") ? fwUrn.replace(":framework:", ":req_node:") : `${fwUrn}:req_node`;
    const depths = new Map<string, number>();
    for (const [i, n] of (nodes as unknown[]).entries()) {
      const at = `node ${i + 1}`;
      if (!isObj(n)) { problems.push(`utils.py: ${at} is not a mapping`); continue; }
      // utils.py RequirementNodeImporter.REQUIRED_FIELDS.
      if (typeof n.urn !== "string") { problems.push(`utils.py: ${at} has no urn`); continue; }
      const urn = n.urn.toLowerCase();
      if (!URN_REGEX.test(urn)) problems.push(`models.py: ${at} URN ${n.urn} is badly formatted`);
      if (!urn.startsWith(`${base}:`)) problems.push(`framework_editor.py: ${at} URN ${n.urn} is not under ${base}`);
      // utils.py: nodes are updated by (framework, URN), so one URN is one node.
      if (depths.has(urn)) problems.push(`utils.py: ${at} URN ${n.urn} twice`);
      // framework_editor.py: a parent precedes its children; depth = parent's + 1, 1 without a parent.
      let depth = 1;
      if (n.parent_urn !== undefined && n.parent_urn !== null) {
        const parent = String(n.parent_urn).toLowerCase();
        if (!depths.has(parent)) problems.push(`framework_editor.py: ${at} (${n.urn}) references unknown or later parent ${String(n.parent_urn)}`);
        else depth = depths.get(parent)! + 1;
      }
      if (n.depth !== undefined && n.depth !== depth) problems.push(`framework_editor.py: ${at} (${n.urn}) has depth ${String(n.depth)}, its place in the tree gives ${depth}`);
      depths.set(urn, depth);
      if (n.assessable !== undefined && typeof n.assessable !== "boolean") problems.push(`utils.py: ${at} assessable is not a boolean`);
      // utils.py import_requirement_node: reference controls are looked up by URN (ReferenceControl.objects.get).
      for (const rc of Array.isArray(n.reference_controls) ? (n.reference_controls as unknown[]) : []) {
        if (!controlUrns.has(String(rc).toLowerCase())) problems.push(`utils.py: ${at} names reference control ${String(rc)}, which the library does not hold`);
      }
    }
  }
  return problems;
}

describe("the checker of CISO Assistant's library format", () => {
  const peer = readFileSync(PEER, "utf8");

  it("accepts the tool's own ISO 22301 library", () => {
    expect(checkCisoAssistantLibrary(peer)).toEqual([]);
    const lib = parse(peer, { version: "1.1" }) as { objects: { framework: { requirement_nodes: unknown[] } } };
    expect(lib.objects.framework.requirement_nodes.length).toBeGreaterThan(20);
  });

  it("refuses each breakage of the loader's rules", () => {
    const ours = cisoAssistantLibrary();
    const broken = (edit: (l: ReturnType<typeof cisoAssistantLibrary> & Record<string, unknown>) => void): string[] => {
      const copy = structuredClone(ours) as ReturnType<typeof cisoAssistantLibrary> & Record<string, unknown>;
      edit(copy);
      return checkCisoAssistantLibrary(JSON.stringify(copy));
    };
    const nodes = (l: ReturnType<typeof cisoAssistantLibrary>) => l.objects.framework.requirement_nodes as Record<string, unknown>[];
    expect(broken(() => {})).toEqual([]);
    expect(broken((l) => delete (l as Record<string, unknown>).locale).join()).toMatch(/locale missing/);
    expect(broken((l) => (l.urn = "sealtrail:iso28000")).join()).toMatch(/badly formatted/);
    expect(broken((l) => ((l as Record<string, unknown>).version = "1.0.0")).join()).toMatch(/not an integer/);
    expect(broken((l) => (nodes(l)[3]!.urn = nodes(l)[2]!.urn)).join()).toMatch(/twice/);
    expect(broken((l) => (nodes(l)[1]!.parent_urn = "urn:sealtrail:risk:req_node:iso28000-2022:99")).join()).toMatch(/unknown or later parent/);
    expect(broken((l) => nodes(l).reverse()).join()).toMatch(/unknown or later parent/);
    expect(broken((l) => (nodes(l)[1]!.depth = 3)).join()).toMatch(/has depth 3/);
    expect(broken((l) => (nodes(l)[1]!.urn = "urn:sealtrail:risk:req_node:other:4.1")).join()).toMatch(/is not under/);
    expect(broken((l) => delete nodes(l)[1]!.urn).join()).toMatch(/has no urn/);
    expect(broken((l) => (l.objects.reference_controls = l.objects.reference_controls.slice(1))).join()).toMatch(/does not hold/);
    expect(broken((l) => ((l.objects as Record<string, unknown>).frameworks = [])).join()).toMatch(/both 'framework' and 'frameworks'/);
    expect(checkCisoAssistantLibrary("- a list\n")).toEqual(["models.py: the YAML content must be a dictionary"]);
  });
});

describe("the catalogue as a CISO Assistant library", () => {
  const text = cisoAssistantYaml();
  const lib = parse(text, { version: "1.1" }) as ReturnType<typeof cisoAssistantLibrary>;

  it("passes the loader's rules", () => {
    expect(checkCisoAssistantLibrary(text)).toEqual([]);
    expect(lib.urn).toBe("urn:sealtrail:risk:library:iso28000-2022");
    expect(lib.version).toBe(libraryVersion(CATALOGUE.version));
    expect(lib.locale).toBe("en");
  });

  it("has the clause groups, then each clause as an assessable requirement under its parent", () => {
    const nodes = lib.objects.framework.requirement_nodes as { ref_id: string; assessable: boolean; depth: number; parent_urn?: string; reference_controls?: string[]; typical_evidence?: string }[];
    expect(nodes.length).toBe(CLAUSE_GROUPS.length + CLAUSES.length);
    expect(nodes.filter((n) => !n.assessable).map((n) => n.ref_id)).toEqual(CLAUSE_GROUPS.map((g) => g.id));
    expect(nodes.filter((n) => n.assessable).map((n) => n.ref_id).sort()).toEqual(CLAUSES.map((c) => c.id).sort());
    const c613 = nodes.find((n) => n.ref_id === "6.1.3")!;
    expect(c613.depth).toBe(3);
    expect(c613.parent_urn).toBe("urn:sealtrail:risk:req_node:iso28000-2022:6.1");
    expect(c613.typical_evidence).toMatch(/sms\.risk-acceptance/);
    // Ref ids such as 4.1 stay strings (quoted), as the tool's own files hold them.
    expect(text).toMatch(/ref_id: "4\.1"/);
    const controls = lib.objects.reference_controls;
    expect(controls.length).toBe(CONTROL_DOMAINS.reduce((n, d) => n + d.controls.length, 0));
    const c84 = nodes.find((n) => n.ref_id === "8.4")!;
    expect(c84.reference_controls).toContain("urn:sealtrail:risk:reference_control:iso28000-2022:physical.perimeter");
  });

  it("maps catalogue versions to increasing integers", () => {
    expect(libraryVersion("1.0.0")).toBe(10000);
    expect(libraryVersion("1.2.3")).toBeLessThan(libraryVersion("1.3.0"));
    expect(libraryVersion("1.99.99")).toBeLessThan(libraryVersion("2.0.0"));
    expect(() => libraryVersion("1.0")).toThrow(SealTrailError);
    expect(() => libraryVersion("1.100.0")).toThrow(/each part below 100/);
  });

  it("is what `sealtrail export ciso-assistant` writes", async () => {
    const r = await cli(["export", "ciso-assistant"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(text);
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, "iso28000.yaml");
      const w = await cli(["export", "ciso-assistant", "--out", file]);
      expect(w.code).toBe(0);
      expect(readFileSync(file, "utf8")).toBe(text);
      expect(w.err).toMatch(/wrote the CISO Assistant library/);
    } finally {
      cleanup();
    }
  });
});

describe("GET /v1/sms/catalogue/ciso-assistant", () => {
  let log: TempLog;
  let app: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    log = await tempLog();
    app = await createApp({ ledger: log.ctx.ledger, store: log.ctx.store, rateLimit: false });
    token = (await createApiKey(log.ctx.store, log.org, { name: "t", vaults: "*", read: true, write: [], admin: false, expiresAt: null })).token;
  });
  afterAll(async () => {
    await app.close();
    await log.close();
  });

  it("answers the library as YAML to any API key, and nothing without one", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/sms/catalogue/ciso-assistant", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/yaml; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="iso28000-2022.ciso-assistant.yaml"');
    expect(res.body).toBe(cisoAssistantYaml());
    const anon = await app.inject({ method: "GET", url: "/v1/sms/catalogue/ciso-assistant" });
    expect(anon.statusCode).toBe(401);
  });
});
