/**
 * SMS computations over a large vault: N SMS records (default 1,000,000) of
 * a logistics operator's SMS, generated deterministically (mulberry32, the
 * tests' seeded PRNG) with payloads that pass their schemas: scope and
 * sites, context issues, interested parties, the legal register, documents
 * with versions, roles and competences, risks with controls and
 * acceptances, objectives, suppliers by tier with assessments, threat
 * levels and security plans, exercises, audit programmes, audits and
 * findings, management reviews, nonconformities with a version per step of
 * their workflow, improvements, and incidents, the bulk of the records.
 *
 * Timed in one process: smsState with `checked: true` (records checked at
 * append, as the server's are) and with the full schema check (an auditor's
 * recomputation), then readiness, KPIs (a month with its six-month trend),
 * gaps and maturity on D, each alone and their total on a state just built
 * (its lookups built by the first of them); then a projection built from
 * the N records and fed appended batches (sms-projection.js), with the four
 * figures after each. Each figure is printed beside
 * yardsticks measured in the same run: JSON.parse of the same payloads and a
 * plain Map insertion of N keys.
 */
import { computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, smsState, validateSmsPayload, catalogueDigest } from "@sealtrail/core";
import { mulberry32 } from "../packages/server/test/fixtures/prng.mjs";
import { benchSmsProjection } from "./sms-projection.js";
import { log, now } from "./util.js";

/** The evaluation day: the last day of a month, so maturity's trend includes its month. */
export const SMS_D = "2026-06-30";
export const KPI_PERIOD = { from: "2026-06-01", to: SMS_D };
// Records appended to the projection per timed batch.
const APPEND = 1000;

const DOMAINS = ["physical", "personnel", "information", "cargo", "transport", "partner", "procedural", "incident"];
const CATALOGUE_CONTROLS = [
  ["physical", "physical.access-control"],
  ["personnel", "personnel.visitor-log"],
  ["personnel", "personnel.insider-threat-programme"],
  ["information", "information.isms-interface"],
  ["cargo", "cargo.seal-register"],
  ["cargo", "cargo.conveyance-inspection"],
  ["cargo", "cargo.tracking"],
  ["transport", "transport.route-risk-assessment"],
  ["partner", "partner.contract-annex"],
  ["procedural", "procedural.manifest-verification"],
  ["incident", "incident.register"],
];
const CATEGORIES = ["theft", "tampering", "unauthorised-access", "cyber", "smuggling", "fraud", "custody", "loss", "other"];
const SEVERITIES = ["low", "low", "medium", "medium", "high", "critical"];
const ROLES = ["top-management", "security-manager", "risk-owner", "site-security-officer", "logistics-manager", "procurement", "information-security", "hr", "internal-audit", "staff"];
const TIER_METHODS = { 1: "direct-audit", 2: "questionnaire-and-targeted-audit", 3: "questionnaire" };
const REVIEW_INPUTS = ["previous-actions", "context-changes", "interested-parties", "performance", "objectives", "audit-results", "nonconformities", "risk-changes", "resources", "improvement-opportunities"];
const GROUP_CLAUSES = [["4", "5", "6", "7"], ["8", "9", "10"]];
const FINDING_CLAUSES = ["4.1", "5.2", "6.1.2", "6.1.3", "7.2", "7.3", "7.5", "8.1", "8.2", "8.4", "9.1", "9.2", "10.2"];

const DAY_MS = 86_400_000;
const START = Date.UTC(2023, 6, 1); // incidents over the three years before D
const SPAN = Date.UTC(2026, 6, 1) - START;
const pad = (n, w = 6) => String(n).padStart(w, "0");
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * N SMS records as smsState takes them, with their log indices in order.
 * @param {number} n
 * @param {number} [seed]
 */
export function generateSmsRecords(n, seed = 28000) {
  const rnd = mulberry32(seed);
  const int = (k) => Math.floor(rnd() * k);
  const pick = (a) => a[int(a.length)];
  const records = [];
  const latest = new Map();
  // Each payload as a store gives it back: parsed from its JSON text, sharing nothing with another.
  const add = (type, p) => {
    const index = records.length;
    const key = `${type}\u0000${p.id}`;
    const payload = JSON.parse(JSON.stringify(p));
    records.push({ index, leafHash: index.toString(16).padStart(64, "0"), type, author: "northgate", time: new Date(START + (index % 1000) * 1000).toISOString(), supersedes: latest.get(key) ?? null, payload });
    latest.set(key, index);
  };
  const count = (share, min = 1) => Math.max(min, Math.round(n * share));
  const people = Array.from({ length: count(1 / 400, 8) }, (_, k) => ({ name: `Person ${pad(k, 5)}`, org: k % 10 === 9 ? "partner" : "northgate" }));
  const owner = () => pick(people);
  const boss = people[0];
  const dayIn = (fromMs, toMs) => day(fromMs + int(Math.max(1, (toMs - fromMs) / DAY_MS)) * DAY_MS);
  const recent = () => dayIn(Date.UTC(2025, 8, 1), Date.UTC(2026, 5, 30));

  add("sms.catalogue", { id: "catalogue", catalogue: "iso28000-2022", version: "1.0.0", digest: catalogueDigest(), adoptedAt: "2023-06-01T09:00:00.000Z" });
  const sites = Array.from({ length: count(1 / 50_000, 2) }, (_, k) => ({ id: `SITE-${pad(k, 3)}`, name: `Site ${k}`, country: pick(["NL", "DE", "BE", "PL", "FR"]), kind: pick(["warehouse", "distribution-centre"]) }));
  const nSup = count(1 / 500, 4);
  const supName = (k) => `Supplier ${pad(k)}`;
  add("sms.scope", {
    id: "SC-1",
    title: "Northgate Logistics SMS scope",
    statement: "Warehousing and distribution of high-value goods.",
    sites,
    entities: ["Northgate Logistics B.V."],
    modes: ["road", "sea"],
    segments: ["warehousing", "distribution"],
    // A scope lists at most 1,000 interfaces: the first tier-1 and tier-2 suppliers.
    interfaces: Array.from({ length: Math.min(1000, Math.ceil((nSup * 2) / 3)) }, (_, j) => ({ party: supName(Math.floor(j / 2) * 3 + (j % 2)), activity: "carriage", control: "Contract security annex" })),
    dependencies: [{ on: "Port terminals", description: "Container release" }],
    exclusions: [{ what: "Head office canteen", justification: "No access to goods", revalidate: "2026-12-31" }],
    approvedBy: boss,
    approvedAt: "2023-06-15",
  });
  for (let k = 0; k < count(1 / 5000); k++) add("sms.context-issue", { id: `CI-${pad(k)}`, title: `Issue ${k}`, kind: pick(["external", "internal"]), category: "threat", description: "An issue.", reviewed: recent() });
  for (let k = 0; k < count(1 / 5000); k++) add("sms.interested-party", { id: `IP-${pad(k)}`, name: `Party ${k}`, kind: "authority", requirements: ["AEO security criteria"], reviewed: recent() });
  for (let k = 0; k < count(1 / 2000); k++) add("sms.legal-requirement", { id: `LR-${pad(k)}`, title: `Requirement ${k}`, kind: "regulation", source: "Union Customs Code", obligation: "Keep the criteria met", owner: owner(), reviewed: recent() });

  // Roles: the four the readiness items need, then others; each holder vetted, trained and briefed.
  const nRoles = count(1 / 1000, 4);
  const roles = [];
  for (let k = 0; k < nRoles; k++) {
    const holder = people[k % people.length];
    const role = { id: `ROLE-${pad(k)}`, role: k < 4 ? ROLES[[0, 1, 2, 8][k]] : pick(ROLES), holder, appointedAt: dayIn(Date.UTC(2023, 0, 1), Date.UTC(2026, 0, 1)), appointedBy: boss, raci: { 4: "R" } };
    roles.push(role);
    add("sms.role", role);
  }
  for (const [k, r] of roles.entries()) {
    const p = r.holder;
    add("sms.competence", { id: `VET-${pad(k)}`, person: p, kind: "vetting", topic: "Screening", completed: day(Date.parse(r.appointedAt) - 20 * DAY_MS), result: "passed" });
    add("sms.competence", { id: `TRN-${pad(k)}`, person: p, kind: "training", topic: "SMS foundations", completed: r.appointedAt, result: "passed" });
    add("sms.competence", { id: `AWR-${pad(k)}`, person: p, kind: "awareness", topic: "Policy briefing", completed: recent(), result: rnd() < 0.05 ? "failed" : "passed", role: r.id });
  }

  // Documents, each through a few versions (draft, approved, revised).
  const nDocs = count(1 / 1000, 4);
  const docKinds = ["policy", "methodology", "procedure", "manual"];
  for (let k = 0; k < nDocs; k++) {
    const kind = k < 4 ? docKinds[k] : pick(["procedure", "procedure", "manual", "record"]);
    const clauses = kind === "policy" ? ["5.2"] : kind === "methodology" ? ["6.1.2"] : k < 4 ? ["7.5"] : [pick(FINDING_CLAUSES)];
    const base = { id: `DOC-${pad(k)}`, title: kind === "policy" ? "Supply Chain Security Policy" : `Document ${k}`, kind, version: "1.0", status: "draft", owner: owner(), reviewDue: "2026-12-31", retention: "7 years", distribution: ["all staff"], clauses };
    add("sms.document", base);
    add("sms.document", { ...base, status: "approved", approvedBy: boss, approvedAt: "2024-01-20" });
    if (k % 3 === 0) add("sms.document", { ...base, version: "1.1", status: "approved", approvedBy: boss, approvedAt: "2025-01-20" });
  }
  for (let k = 0; k < count(1 / 2000, 2); k++) add("sms.communication", { id: `COM-${pad(k)}`, what: k === 0 ? "Briefing on the Supply Chain Security Policy" : `Message ${k}`, audience: ["all staff"], when: "yearly", how: "briefing", by: owner(), external: k % 2 === 1 });

  // Controls, risks naming them, acceptances of the risks' residuals.
  const nControls = count(1 / 500, CATALOGUE_CONTROLS.length);
  for (let k = 0; k < nControls; k++) {
    const [domain, cc] = k < CATALOGUE_CONTROLS.length ? CATALOGUE_CONTROLS[k] : [pick(DOMAINS), undefined];
    add("sms.control", { id: `C-${pad(k)}`, title: `Control ${k}`, domain, ...(cc === undefined ? {} : { catalogueControl: cc }), description: "Operated at every site.", owner: owner(), applicable: rnd() < 0.97, justification: "Selected in risk treatment.", status: rnd() < 0.95 ? "operating" : "implementing", implementation: [{ date: recent(), description: "Operating check recorded", evidence: ["check sheet"] }] });
  }
  const nRisks = count(1 / 100, sites.length);
  for (let k = 0; k < nRisks; k++) {
    const residual = { likelihood: 1 + int(3), consequence: 1 + int(4) };
    const site = k < sites.length ? sites[k].id : pick(sites).id;
    add("sms.risk", {
      id: `R-${pad(k)}`,
      title: `Risk ${k}`,
      subject: { kind: "node", name: `Node ${k}`, site },
      threat: "Organised cargo crime",
      vulnerability: "Night handovers",
      domains: k < DOMAINS.length ? [DOMAINS[k]] : [pick(DOMAINS), pick(DOMAINS)].filter((d, i, a) => a.indexOf(d) === i),
      inherent: { likelihood: 4, consequence: 4 },
      treatment: "reduce",
      controls: Array.from({ length: 1 + int(3) }, () => `C-${pad(int(nControls))}`).filter((c, i, a) => a.indexOf(c) === i).concat(k < nControls ? [`C-${pad(k)}`] : []).filter((c, i, a) => a.indexOf(c) === i),
      residual,
      owner: owner(),
      assessed: "2025-02-01",
      reviewDue: "2026-12-01",
      status: "treated",
    });
    add("sms.risk-acceptance", { id: `A-${pad(k)}`, risk: `R-${pad(k)}`, residual, acceptedBy: owner(), justification: "Within appetite", accepted: "2025-03-01", expires: rnd() < 0.9 ? "2027-03-01" : "2026-03-01" });
  }
  for (let k = 0; k < count(1 / 5000); k++) {
    const kpi = pick(["incidents", "cargo-loss-value", "supplier-assurance-on-schedule", "incident-response-time"]);
    add("sms.objective", { id: `OBJ-${pad(k)}`, title: `Objective ${k}`, kpi, target: { comparison: "<=", value: 100, unit: kpi === "cargo-loss-value" ? "EUR" : "count" }, owner: owner(), due: "2026-12-31", plan: "Patrols", status: pick(["on-track", "at-risk", "achieved"]) });
  }

  // Suppliers by tier, with assessments by their tier's method.
  for (let k = 0; k < nSup; k++) {
    const tier = k % 10 === 9 ? "excluded" : String((k % 3) + 1);
    add("sms.supplier", { id: `SUP-${pad(k)}`, name: supName(k), kind: pick(["carrier", "forwarder", "warehouse"]), country: "NL", tier, rationale: "By criticality", criticality: { valueAtRisk: 1 + int(5), threatExposure: 1 + int(5), disruption: 1 + int(5), regulatory: 1 + int(5) }, contractClauses: rnd() < 0.95, onboarded: "2023-01-01", status: rnd() < 0.95 ? "active" : "suspended" });
    if (tier === "excluded") continue;
    for (let a = 0; a < 1 + int(2); a++) {
      const due = recent();
      add("sms.supplier-assessment", { id: `SA-${pad(k)}-${a}`, supplier: `SUP-${pad(k)}`, method: TIER_METHODS[tier], assessed: dayIn(Date.UTC(2024, 6, 1), Date.UTC(2026, 5, 1)), assessor: owner(), score: 50 + int(50), result: "approved", findings: [], remediation: rnd() < 0.3 ? [{ id: `RA-${pad(k)}-${a}`, description: "Lock seal stock", owner: owner(), due, ...(rnd() < 0.8 ? { done: due } : {}) }] : [] });
    }
  }

  // Threat levels, plans per condition, exercises of the plans.
  const plans = ["normal", "elevated-threat", "incident"].map((condition, k) => ({ id: `SP-${k}`, level: ["normal", "elevated", "high"][k], condition }));
  for (const p of plans) add("sms.security-plan", { id: p.id, title: `Security plan ${p.condition}`, level: p.level, condition: p.condition, sites: sites.slice(0, 3).map((s) => s.id), measures: ["Measures"], owner: owner(), reviewDue: "2026-10-01" });
  for (let k = 0; k < count(1 / 10_000); k++) add("sms.threat-level", { id: `TL-${pad(k)}`, area: { kind: "all", name: "All sites" }, level: pick(["normal", "elevated"]), since: `${recent()}T00:00:00.000Z`, source: "National advisory", uplifts: [] });
  for (let k = 0; k < count(1 / 5000, 3); k++) {
    const p = plans[k % 3];
    add("sms.exercise", { id: `EX-${pad(k)}`, title: `Exercise ${k}`, kind: "drill", held: recent(), level: p.level, plan: p.id, sites: [sites[0].id], participants: ["night shift"], objectives: ["Practise the plan"], issues: rnd() < 0.5 ? [{ id: `EXI-${pad(k)}`, description: "Radio dead spot", ...(rnd() < 0.7 ? { closed: recent() } : {}) }] : [], lead: owner() });
  }

  // Audit programmes and audits, each through its workflow; findings; nonconformities through theirs.
  const nYears = 3;
  let nc = 0;
  const ncFor = (source, link, raised) => {
    const id = `NC-${pad(nc++)}`;
    const act = { id: `CA-${id}`, description: "Corrective step", owner: owner(), due: day(Date.parse(raised) + 30 * DAY_MS) };
    const base = { id, title: `Nonconformity ${id}`, source, ...link, description: "Found.", raised, status: "open", actions: [], owner: owner() };
    add("sms.nonconformity", base);
    const rc = { ...base, status: "root-cause", correction: "Corrected on the spot", rootCause: { method: "5-whys", cause: "Checklist step missing" } };
    add("sms.nonconformity", rc);
    const ac = { ...rc, status: "actions", actions: [act] };
    add("sms.nonconformity", ac);
    if (raised >= "2026-04-01") return id;
    const done = { ...act, done: act.due };
    add("sms.nonconformity", { ...ac, status: "verification", actions: [done] });
    add("sms.nonconformity", { ...ac, status: "closed", actions: [done], effectiveness: { verifiedBy: boss, verified: done.due, effective: true, note: "No recurrence" }, closed: done.due });
    return id;
  };
  const auditsPerYear = Math.max(2, Math.round(count(1 / 20_000)));
  for (let y = 0; y < nYears; y++) {
    const from = `${2023 + y}-07-01`;
    const planned = [];
    for (let k = 0; k < auditsPerYear; k++) planned.push({ audit: `AUD-${y}-${pad(k, 3)}`, clauses: GROUP_CLAUSES[k % 2], sites: [sites[k % sites.length].id], month: `${2023 + y + (k % 2)}-${k % 2 === 0 ? "10" : "02"}` });
    add("sms.audit-programme", { id: `AP-${y}`, title: `Programme ${2023 + y}`, period: { from, to: `${2024 + y}-06-30` }, planned, owner: owner() });
    for (const pl of planned) {
      const reported = `${pl.month}-20`;
      if (reported > SMS_D) continue;
      const a = { id: pl.audit, title: `Audit ${pl.audit}`, kind: "internal", programme: `AP-${y}`, status: "planned", clauses: pl.clauses, sites: pl.sites, lead: owner(), independent: true, planned: `${pl.month}-10` };
      add("sms.audit", a);
      add("sms.audit", { ...a, status: "fieldwork", fieldwork: { from: `${pl.month}-10`, to: `${pl.month}-12` } });
      add("sms.audit", { ...a, status: "reported", fieldwork: { from: `${pl.month}-10`, to: `${pl.month}-12` }, reported });
      for (let f = 0; f < 5; f++) {
        const grade = pick(["conformity", "conformity", "ofi", "minor-nc", "major-nc"]);
        const fid = `F-${pl.audit}-${f}`;
        const ncId = grade === "minor-nc" || grade === "major-nc" ? ncFor("audit", { finding: fid }, `${pl.month}-21`) : undefined;
        add("sms.finding", { id: fid, audit: pl.audit, clause: pick(FINDING_CLAUSES), grade, statement: `Finding ${f}`, evidence: [], ...(ncId === undefined ? {} : { nonconformity: ncId }) });
      }
    }
    const held = `${2024 + y}-01-30`;
    add("sms.management-review", { id: `MR-${y}`, held, chair: boss, attendees: [boss.name], inputs: Object.fromEntries(REVIEW_INPUTS.map((i) => [i, "Reviewed"])), decisions: ["Fund seal verification"], actions: [{ id: `MRA-${y}`, description: "Fund", owner: boss, due: `${2024 + y}-06-30`, done: `${2024 + y}-06-01` }], nextReview: `${2025 + y}-01-30` });
  }
  for (let k = 0; k < count(1 / 10_000); k++) add("sms.improvement", { id: `IMP-${pad(k)}`, title: `Improvement ${k}`, description: "Better lighting", source: "exercise", owner: owner(), status: pick(["done", "done", "in-progress"]), due: "2026-12-31" });

  // Incidents: the rest, over the three years before D; a few raise a nonconformity.
  for (let k = 0; records.length < n; k++) {
    const detectedMs = START + Math.floor(rnd() * SPAN);
    const category = pick(CATEGORIES);
    const closed = detectedMs < Date.parse(SMS_D) - 30 * DAY_MS;
    const p = {
      id: `INC-${pad(k, 7)}`,
      title: `Incident ${k}`,
      category,
      severity: pick(SEVERITIES),
      status: closed ? "closed" : pick(["open", "investigating", "contained"]),
      source: pick(["manual", "monitoring", "partner-report"]),
      ...(rnd() < 0.6 ? { node: { name: `Node ${k % 100}`, ...(rnd() < 0.5 ? { site: pick(sites).id } : { supplier: `SUP-${pad(int(nSup))}` }) } } : {}),
      ...(rnd() < 0.5 ? { occurred: new Date(detectedMs - int(48) * 3_600_000).toISOString() } : {}),
      detected: new Date(detectedMs).toISOString(),
      ...(rnd() < 0.9 ? { responded: new Date(detectedMs + int(600) * 60_000).toISOString() } : {}),
      ...(closed ? { closed: new Date(detectedMs + 10 * DAY_MS).toISOString() } : {}),
      ...(category === "theft" || category === "loss" ? { loss: { amount: `${1 + int(50_000)}.${pad(int(100), 2)}`, currency: rnd() < 0.8 ? "EUR" : "USD" } } : {}),
      ...(rnd() < 0.3 ? { valueAtRisk: { amount: `${1000 + int(100_000)}.00`, currency: "EUR" } } : {}),
      ...(rnd() < 0.4 ? { risks: [`R-${pad(int(nRisks))}`] } : {}),
    };
    add("sms.incident", p);
    if (records.length < n - 10 && rnd() < 0.0005) ncFor("incident", { incident: p.id }, day(detectedMs + DAY_MS));
  }
  return records.slice(0, n);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = () => globalThis.gc?.();
function timed(runs, f) {
  const ms = [];
  let out;
  for (let r = 0; r < runs; r++) {
    gc();
    const t = now();
    out = f();
    ms.push(now() - t);
  }
  return { ms: median(ms), out };
}

/**
 * @param {{ records?: number, runs?: number }} opts
 */
export async function benchSms(opts = {}) {
  const n = opts.records ?? 1_000_000;
  const runs = opts.runs ?? 3;
  const batch = Math.min(APPEND, Math.max(1, Math.floor(n / 100)));
  log(`sms: generating ${n.toLocaleString("en-US")} SMS records and ${runs} appended batches of ${batch.toLocaleString("en-US")}`);
  const all = generateSmsRecords(n + runs * batch);
  const records = all.slice(0, n);
  const types = {};
  for (const r of records) types[r.type] = (types[r.type] ?? 0) + 1;

  // A sample spread over the log (every type's first record among them), checked against its schema.
  const sample = new Set(Object.keys(types).map((t) => records.findIndex((r) => r.type === t)));
  for (let i = 0; i < 2000; i++) sample.add(Math.floor((i * n) / 2000));
  for (const i of sample) {
    const r = records[i];
    const problems = validateSmsPayload(r.type, r.payload);
    if (problems.length > 0) throw new Error(`sms bench: generated ${r.type} ${r.payload.id} breaks its schema: ${JSON.stringify(problems)}`);
  }

  // Yardsticks, same process, same N.
  log("sms: yardsticks (JSON.parse of the payloads, Map insertion of N keys)");
  let texts = records.map((r) => JSON.stringify(r.payload));
  const parse = timed(runs, () => {
    let k = 0;
    for (const t of texts) k += JSON.parse(t) === null ? 0 : 1;
    return k;
  });
  texts = null;
  let keys = records.map((r) => `${r.type}\u0000${r.payload.id}\u0000${r.index}`);
  const map = timed(runs, () => {
    const m = new Map();
    for (let i = 0; i < keys.length; i++) m.set(keys[i], i);
    return m.size;
  });
  keys = null;

  // Each state is dropped once timed: only one is alive at a time, as in a server.
  log("sms: smsState, checked at append and full check");
  const checked = timed(runs, () => smsState(records, { checked: true }).invalid.length);
  const full = timed(1, () => smsState(records).invalid.length);
  if (full.out > 0) throw new Error(`sms bench: ${full.out} generated records set aside by the schema check`);

  // The total on a state just built: the first computation builds the state's lookups.
  log("sms: readiness + KPIs + gaps + maturity on a fresh state, then each alone");
  const totals = [];
  let fresh;
  for (let r = 0; r < runs; r++) {
    fresh = undefined;
    gc();
    fresh = smsState(records, { checked: true });
    gc();
    const t = now();
    computeReadiness(fresh, SMS_D);
    computeKpis(fresh, KPI_PERIOD);
    detectGaps(fresh, SMS_D);
    computeMaturity(fresh, SMS_D);
    totals.push(now() - t);
  }
  const each = {
    readiness: timed(runs, () => computeReadiness(fresh, SMS_D)),
    kpis: timed(runs, () => computeKpis(fresh, KPI_PERIOD)),
    gaps: timed(runs, () => detectGaps(fresh, SMS_D)),
    maturity: timed(runs, () => computeMaturity(fresh, SMS_D)),
    due: timed(runs, () => dueItems(fresh, SMS_D)),
  };
  const readiness = each.readiness.out;
  const maturity = each.maturity.out;
  const incidents = fresh.records["sms.incident"].length;
  fresh = undefined;

  const projection = benchSmsProjection(all, n, runs, batch);
  return {
    records: n,
    types,
    incidents,
    ceiling: { jsonParseMs: parse.ms, jsonParseRate: (n * 1000) / parse.ms, mapInsertMs: map.ms, mapInsertRate: (n * 1000) / map.ms },
    state: { checkedMs: checked.ms, checkedRate: (n * 1000) / checked.ms, fullMs: full.ms, fullRate: (n * 1000) / full.ms },
    totalMs: median(totals),
    totals,
    ms: Object.fromEntries(Object.entries(each).map(([k, v]) => [k, v.ms])),
    projection,
    figures: { readinessPassed: readiness.passed, gapsDetected: each.gaps.out.detected, maturityLevels: maturity.groups.map((g) => `${g.group}:${g.level}`).join(" "), incidentsInMonth: each.kpis.out.kpis.find((k) => k.id === "incidents").value },
    goalMs: 1000,
  };
}

/** Rows of the closing table. */
export function smsRows(r, { fmtMs, fmtRate }) {
  const n = r.records.toLocaleString("en-US");
  const x = (ms, base) => `${(ms / base).toFixed(1)} x`;
  return [
    ["sms", `smsState of ${n} SMS records, checked at append ({ checked: true })`, `${fmtRate(r.state.checkedRate)} rec/s (${fmtMs(r.state.checkedMs)})`, `${fmtRate(r.ceiling.jsonParseRate)} JSON.parse/s of the same payloads`, `${x(r.state.checkedMs, r.ceiling.jsonParseMs)} the parse time`],
    ["sms", `smsState of ${n} SMS records, full schema check`, `${fmtRate(r.state.fullRate)} rec/s (${fmtMs(r.state.fullMs)})`, `${fmtRate(r.ceiling.jsonParseRate)} JSON.parse/s of the same payloads`, `${x(r.state.fullMs, r.ceiling.jsonParseMs)} the parse time`],
    ["sms", `readiness + KPIs + gaps + maturity on D, fresh state (${r.incidents.toLocaleString("en-US")} incidents; lookups built by the first)`, fmtMs(r.totalMs), `${fmtMs(r.ceiling.mapInsertMs)} Map insertion of ${n} keys`, `${x(r.totalMs, r.ceiling.mapInsertMs)}; goal <= 1 s: ${r.totalMs <= r.goalMs ? "met" : "not met"}`],
    ...["readiness", "kpis", "gaps", "maturity", "due"].map((k) => ["sms", `${k} alone, lookups and trend figures built (median of runs)`, fmtMs(r.ms[k]), `${fmtMs(r.ceiling.mapInsertMs)} Map insertion of ${n} keys`, x(r.ms[k], r.ceiling.mapInsertMs)]),
    ["sms", `projection built from ${n} records, every payload checked (once, at first use)`, fmtMs(r.projection.buildMs), `${fmtMs(r.state.fullMs)} smsState with the full check`, x(r.projection.buildMs, r.state.fullMs)],
    ["sms", `projection: ${r.projection.batch.toLocaleString("en-US")} records appended, each checked (median of runs)`, fmtMs(r.projection.addMs), `${fmtMs(r.ceiling.mapInsertMs)} Map insertion of ${n} keys`, x(r.projection.addMs, r.ceiling.mapInsertMs)],
    ...["readiness", "kpis", "gaps", "maturity"].map((k) => ["sms", `projection: ${k} on the state after the append`, fmtMs(r.projection.ms[k]), `${fmtMs(r.ceiling.mapInsertMs)} Map insertion of ${n} keys`, x(r.projection.ms[k], r.ceiling.mapInsertMs)]),
    ["sms", "projection: append + readiness + KPIs + gaps + maturity (the goal's figure)", fmtMs(r.projection.totalMs), `${fmtMs(r.totalMs)} the four on a state rebuilt from the records`, `${x(r.projection.totalMs, r.totalMs)}; goal <= 1 s: ${r.projection.totalMs <= r.goalMs ? "met" : "not met"}`],
  ];
}
