import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ASSESSMENT_METHODS,
  CATALOGUE,
  CLAUSES,
  CLAUSE_GROUPS,
  COMMON_GAPS,
  CONTROL_DOMAINS,
  CRITICALITY_FACTORS,
  EVIDENCE_CATEGORIES,
  FRAMEWORK_MAPPINGS,
  KPIS,
  MATERIALITY_TIERS,
  MATURITY_LEVELS,
  READINESS_ITEMS,
  SMS_ROLES,
  THREAT_LEVEL_POSTURES,
  catalogueDigest,
  digestOf,
} from "../../src/sms/catalogue/index.js";
import { SMS_TYPES, isSmsRecordType } from "../../src/sms/record-types.js";
import { DOMAIN_IDS, THREAT_LEVELS, TIERS, clauseId } from "../../src/sms/schemas/common.js";
import { roleRecord } from "../../src/sms/schemas/governance.js";
import { supplierAssessmentRecord, supplierRecord } from "../../src/sms/schemas/suppliers.js";
import * as core from "../../src/index.js";

// The digest of each released catalogue version. A change to the data must
// come with a new version (and a new line here): a vault that adopted 1.0.0
// names exactly the data below by this digest.
const RELEASED_DIGESTS: Record<string, string> = {
  "1.0.0": "614586f23a94dcf97458905b9658cfe17efc7cb6b9065f2bca6323f352ac18f5",
};

const CLAUSE_IDS = [
  "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
  "7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "8.4", "8.5", "9.1", "9.2", "9.3", "10.1", "10.2",
];
const GROUP_IDS = ["4", "5", "6", "7", "8", "9", "10"];
const CLAUSE_REFS = new Set<string>([...GROUP_IDS, ...CLAUSE_IDS]);
const CONTROL_IDS = new Set<string>(CONTROL_DOMAINS.flatMap((d) => d.controls.map((c) => c.id)));

/** Every string in a value, with its JSON path. */
function strings(v: unknown, path = "$"): [string, string][] {
  if (typeof v === "string") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => strings(x, `${path}.${k}`));
  return [];
}

/** Every `id` member anywhere in a value. */
function ids(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(ids);
  if (v !== null && typeof v === "object") {
    const own = "id" in v && typeof v.id === "string" ? [v.id] : [];
    return [...own, ...Object.values(v).flatMap(ids)];
  }
  return [];
}

const recordTypesIn = (text: string): string[] => [...text.matchAll(/\bsms\.[a-z]+(?:-[a-z]+)*/g)].map((m) => m[0]);
const controlIdsIn = (text: string): string[] =>
  [...text.matchAll(new RegExp(`\\b(?:${DOMAIN_IDS.join("|")})\\.[a-z]+(?:-[a-z]+)+`, "g"))].map((m) => m[0]).filter((id) => !id.includes(".objective"));
const dupes = (a: readonly string[]) => a.filter((x, i) => a.indexOf(x) !== i);

describe("catalogue: structure", () => {
  it("names itself and its version", () => {
    expect(CATALOGUE.id).toBe("iso28000-2022");
    expect(CATALOGUE.version).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
  });

  it("has every auditable clause exactly once, in order, and the groups 4 to 10", () => {
    expect(CLAUSES.map((c) => c.id)).toEqual(CLAUSE_IDS);
    expect(CLAUSE_GROUPS.map((g) => g.id)).toEqual(GROUP_IDS);
  });

  it("has the expected number of each part", () => {
    expect(CATALOGUE.domains).toHaveLength(8);
    expect(CATALOGUE.kpis).toHaveLength(12);
    expect(CATALOGUE.readiness).toHaveLength(15);
    expect(CATALOGUE.gaps).toHaveLength(14);
    expect(CATALOGUE.maturityLevels).toHaveLength(5);
    expect(CATALOGUE.tiers).toHaveLength(4);
    expect(CATALOGUE.threatLevels).toHaveLength(4);
    expect(CATALOGUE.roles).toHaveLength(10);
    expect(CATALOGUE.evidence).toHaveLength(13);
  });

  it("uses every id once, across the whole catalogue", () => {
    const all = ids(CATALOGUE);
    expect(all.length).toBeGreaterThan(200);
    expect(dupes(all)).toEqual([]);
    expect(dupes(CLAUSES.map((c) => c.key))).toEqual([]);
  });

  it("places each clause under an existing parent in its own group", () => {
    for (const c of CLAUSES) {
      expect(c.id.split(".")[0], c.id).toBe(c.group);
      expect(CLAUSE_REFS.has(c.parent), c.id).toBe(true);
      expect(c.id.startsWith(`${c.parent}.`), c.id).toBe(true);
      expect(c.checks.length, c.id).toBeGreaterThan(0);
      expect(c.evidence.length, c.id).toBeGreaterThan(0);
      expect(c.key, c.id).toMatch(/^[a-z]+\.[a-z-]+$/);
    }
  });

  it("refers only to clauses that exist, and only by ids the record schemas accept", () => {
    const refs = [
      ...CONTROL_DOMAINS.flatMap((d) => d.clauses),
      ...SMS_ROLES.flatMap((r) => [...r.clauses, ...Object.keys(r.raci)]),
      ...FRAMEWORK_MAPPINGS.flatMap((m) => m.links.flatMap((l) => l.clauses)),
      ...KPIS.flatMap((k) => k.clauses),
      ...READINESS_ITEMS.flatMap((r) => r.clauses),
      ...COMMON_GAPS.flatMap((g) => g.clauses),
      ...EVIDENCE_CATEGORIES.flatMap((e) => e.clauses),
    ];
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => !CLAUSE_REFS.has(r))).toEqual([]);
    for (const r of CLAUSE_REFS) expect(clauseId.safeParse(r).success, r).toBe(true);
  });

  it("refers only to record types of SMS_RECORD_TYPES, in lists and in definition texts", () => {
    const listed = [
      ...CLAUSES.flatMap((c) => c.evidence),
      ...KPIS.flatMap((k) => k.feeds),
      ...READINESS_ITEMS.flatMap((r) => r.evidence),
      ...COMMON_GAPS.flatMap((g) => g.records),
      ...EVIDENCE_CATEGORIES.flatMap((e) => e.records),
    ];
    const named = strings(CATALOGUE).flatMap(([, s]) => recordTypesIn(s));
    expect(named.length).toBeGreaterThan(50);
    expect([...listed, ...named].filter((t) => !isSmsRecordType(t))).toEqual([]);
    // Every record type serves as evidence of some clause.
    const evidence = new Set<string>(CLAUSES.flatMap((c) => c.evidence));
    expect(SMS_TYPES.filter((t) => !evidence.has(t))).toEqual([]);
  });

  it("lists as inputs exactly the record types each computable definition names", () => {
    for (const k of KPIS) expect([...new Set(recordTypesIn(`${k.definition} ${k.companion ?? ""}`))].sort(), k.id).toEqual([...k.feeds].sort());
    for (const g of COMMON_GAPS) expect([...new Set(recordTypesIn(g.detect))].sort(), g.id).toEqual([...g.records].sort());
    for (const r of READINESS_ITEMS) expect([...new Set(recordTypesIn(r.criterion))].sort(), r.id).toEqual([...r.evidence].sort());
  });

  it("names only example controls that exist", () => {
    const named = strings(CATALOGUE).flatMap(([, s]) => controlIdsIn(s));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((id) => !CONTROL_IDS.has(id))).toEqual([]);
  });
});

describe("catalogue: domains, tiers, roles and levels", () => {
  it("has the eight domains of the record schemas, each with objectives and controls under its own prefix", () => {
    expect(CONTROL_DOMAINS.map((d) => d.id)).toEqual([...DOMAIN_IDS]);
    for (const d of CONTROL_DOMAINS) {
      expect(d.objectives.length, d.id).toBeGreaterThanOrEqual(3);
      expect(d.objectives.length, d.id).toBeLessThanOrEqual(6);
      expect(d.controls.length, d.id).toBeGreaterThanOrEqual(5);
      expect(d.controls.length, d.id).toBeLessThanOrEqual(10);
      expect(d.clauses.length, d.id).toBeGreaterThan(0);
      for (const c of d.controls) expect(c.id, d.id).toMatch(new RegExp(`^${d.id}\\.[a-z0-9]+(-[a-z0-9]+)*$`));
      for (const o of d.objectives) expect(o.id, d.id).toMatch(new RegExp(`^${d.id}\\.objective\\.[a-z0-9-]+$`));
    }
  });

  it("has the tiers, threat levels, methods and factors that supplier records use", () => {
    expect(MATERIALITY_TIERS.map((t) => t.id)).toEqual([...TIERS]);
    expect(THREAT_LEVEL_POSTURES.map((l) => l.id)).toEqual([...THREAT_LEVELS]);
    expect(THREAT_LEVEL_POSTURES.map((l) => l.rank)).toEqual([0, 1, 2, 3]);
    expect(ASSESSMENT_METHODS.map((m) => m.id).sort()).toEqual([...supplierAssessmentRecord.shape.method.options].sort());
    expect(CRITICALITY_FACTORS.map((f) => f.id).sort()).toEqual(Object.keys(supplierRecord.shape.criticality.shape).sort());
    for (const f of CRITICALITY_FACTORS) expect(f.scale, f.id).toHaveLength(5);
  });

  it("asks more, and more often, of more critical tiers; exclusions need a reason and a yearly re-validation", () => {
    const [t1, t2, t3, excluded] = MATERIALITY_TIERS;
    expect(t1.assurance.intervalDays).toBe(365);
    expect(t1.assurance.intervalDays).toBeLessThan(t2.assurance.intervalDays);
    expect(t2.assurance.intervalDays).toBeLessThan(t3.assurance.intervalDays);
    expect(t1.assurance.continuousMonitoring).toBe(true);
    // A method good enough for a tier is good enough for every less critical tier.
    for (const m of t1.assurance.methods) expect(t2.assurance.methods).toContain(m);
    for (const m of t2.assurance.methods) expect(t3.assurance.methods).toContain(m);
    expect(excluded.justificationRequired).toBe(true);
    expect(excluded.assurance.methods).toEqual([]);
    expect(excluded.assurance.intervalDays).toBe(365);
  });

  it("has the ten roles of the role records, with exactly one accountable role per clause group", () => {
    expect(SMS_ROLES.map((r) => r.id).sort()).toEqual([...roleRecord.shape.role.options].sort());
    for (const r of SMS_ROLES) {
      expect(Object.keys(r.raci).sort(), r.id).toEqual([...GROUP_IDS].sort());
      expect(r.responsibilities.length, r.id).toBeGreaterThan(0);
    }
    for (const g of GROUP_IDS) {
      const raci = SMS_ROLES.map((r) => r.raci[g as keyof typeof r.raci]);
      expect(raci.filter((x) => x === "A"), g).toHaveLength(1);
      expect(raci.filter((x) => x === "R").length, g).toBeGreaterThan(0);
    }
  });

  it("has maturity levels 1 to 5 in order", () => {
    expect(MATURITY_LEVELS.map((m) => m.level)).toEqual([1, 2, 3, 4, 5]);
    expect(MATURITY_LEVELS.map((m) => m.id)).toEqual(["initial", "developing", "defined", "managed", "optimising"]);
  });

  it("maps to each named framework", () => {
    expect(FRAMEWORK_MAPPINGS.map((m) => m.id)).toEqual(["iso22301", "iso27001", "iso31000", "iso9001", "iso14001", "iso45001", "ctpat", "wco-safe", "isps", "nist-sp-800-161"]);
    for (const m of FRAMEWORK_MAPPINGS) for (const l of m.links) expect(l.clauses.length + l.domains.length, m.id).toBeGreaterThan(0);
  });
});

describe("catalogue: digest", () => {
  it("is 64 hex digits, the same from digestOf and stable across calls", () => {
    expect(catalogueDigest()).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(CATALOGUE)).toBe(catalogueDigest());
    expect(catalogueDigest()).toBe(catalogueDigest());
  });

  it("matches the digest released for this version", () => {
    expect(RELEASED_DIGESTS[CATALOGUE.version]).toBe(catalogueDigest());
  });

  it("changes with any change of the data, not with the order of members", () => {
    const copy = structuredClone(CATALOGUE) as unknown as { kpis: { unit: string }[]; gaps: { detect: string }[] };
    expect(digestOf(copy)).toBe(catalogueDigest());
    copy.kpis[0]!.unit = "percent";
    expect(digestOf(copy)).not.toBe(catalogueDigest());
    const other = structuredClone(CATALOGUE) as unknown as { gaps: { detect: string }[] };
    other.gaps[13]!.detect += " ";
    expect(digestOf(other)).not.toBe(catalogueDigest());
    const reordered = Object.fromEntries(Object.entries(CATALOGUE).reverse());
    expect(digestOf(reordered)).toBe(catalogueDigest());
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(CATALOGUE)).toBe(true);
    expect(Object.isFrozen(CATALOGUE.domains[3]!.controls[0])).toBe(true);
    expect(() => {
      (CATALOGUE.kpis as unknown as unknown[]).push({ id: "extra" });
    }).toThrow(TypeError);
    expect(CATALOGUE.kpis).toHaveLength(12);
  });

  it("is exported from the package entry point", () => {
    expect(core.CATALOGUE).toBe(CATALOGUE);
    expect(core.catalogueDigest()).toBe(catalogueDigest());
    expect(core.SMS_RECORD_TYPES).toBeDefined();
  });
});

// Copyright guard: the catalogue's texts are this project's own. The ISO
// 28000 assessment guide it was built from is not part of the repository; when
// it sits next to it, no run of 8 consecutive words of the guide may appear in
// any catalogue string. Titles are short factual names and stay below that.
const ROOT = join(import.meta.dirname, "../../../..");
const GUIDE = ["../shared/seeds/iso28000-assessment-guide.txt", "../../shared/seeds/iso28000-assessment-guide.txt"].map((p) => join(ROOT, p)).find((p) => existsSync(p));
const RUN = 8;

function words(text: string): string[] {
  // The guide's tables run cells together ("outcomesContext"): split there too.
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function runs(ws: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= ws.length; i++) out.push(ws.slice(i, i + n).join(" "));
  return out;
}

describe("catalogue: own words", () => {
  it("finds a copied run of words when one is there", () => {
    const source = new Set(runs(words("Alpha beta gamma delta epsilon zeta eta theta iota."), RUN));
    expect(runs(words("x alpha Beta gamma, delta epsilon zeta eta theta y"), RUN).some((r) => source.has(r))).toBe(true);
    expect(runs(words("alpha beta gamma delta epsilon zeta eta iota"), RUN).some((r) => source.has(r))).toBe(false);
  });

  it.skipIf(GUIDE === undefined)(`has no run of ${RUN} words from the assessment guide (skipped when the guide is absent)`, () => {
    const guide = new Set(runs(words(readFileSync(GUIDE!, "utf8")), RUN));
    expect(guide.size).toBeGreaterThan(1000);
    const copied = strings(CATALOGUE).flatMap(([path, s]) => runs(words(s), RUN).filter((r) => guide.has(r)).map((r) => `${path}: ${r}`));
    expect(copied).toEqual([]);
  });
});
