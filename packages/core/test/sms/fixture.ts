/**
 * A small but complete SMS of a logistics operator, Northgate Logistics
 * (org "northgate"): a warehouse in Rotterdam and a distribution centre in
 * Duisburg, a tier-1 carrier, a tier-2 forwarder, a tier-3 IT provider and
 * an excluded canteen service, with risks, controls, plans, audits, a
 * management review, nonconformities and incidents. On the evaluation day
 * D = 2026-03-31 it passes every readiness item and shows no common gap;
 * each test changes one thing and checks what that changes.
 *
 * Records are built with {@link FixtureLog}: each gets the next log index and
 * a leaf hash of its own, and a record whose (type, id) was seen before
 * supersedes that record's latest version, as the server appends versions.
 */
import { catalogueDigest } from "../../src/sms/catalogue/index.js";
import type { SmsRecordInput } from "../../src/sms/compute/records.js";

export const D = "2026-03-31";

type P = Record<string, unknown>;

/** Options of one appended record. */
export interface AddOptions {
  readonly author?: string;
  readonly time?: string;
  /** Override the automatic supersedes link (null: a first version). */
  readonly supersedes?: number | null;
}

/** A log of SMS records under construction. */
export class FixtureLog {
  readonly records: SmsRecordInput[] = [];
  private readonly latest = new Map<string, number>();

  /** Append a record; returns its log index. */
  add(type: string, payload: unknown, o: AddOptions = {}): number {
    const index = this.records.length;
    const id = payload !== null && typeof payload === "object" ? (payload as P).id : undefined;
    const key = `${type}|${String(id)}`;
    const auto = typeof id === "string" ? (this.latest.get(key) ?? null) : null;
    const supersedes = o.supersedes !== undefined ? o.supersedes : auto;
    this.records.push({
      index: BigInt(index),
      leafHash: index.toString(16).padStart(64, "0"),
      type,
      author: o.author ?? "northgate",
      time: o.time ?? `2026-01-01T00:00:${String(index % 60).padStart(2, "0")}.000Z`,
      supersedes,
      payload,
    });
    if (typeof id === "string") this.latest.set(key, index);
    return index;
  }

  /** A redacted later version of record `id` of `type`. */
  redact(type: string, id: string): number {
    const index = this.records.length;
    const prev = this.latest.get(`${type}|${id}`) ?? null;
    this.records.push({ index, leafHash: index.toString(16).padStart(64, "0"), type, author: "northgate", time: "2026-01-02T00:00:00.000Z", supersedes: prev, payload: null });
    this.latest.set(`${type}|${id}`, index);
    return index;
  }

  /** The record at `index` given again at a new index: the same leaf (a replay). */
  replay(index: number): number {
    const r = this.records[index]!;
    const at = this.records.length;
    this.records.push({ ...r, index: at });
    return at;
  }

  /** The latest payload of (type, id), for a test to change and add again. */
  payload(type: string, id: string): P {
    const i = this.latest.get(`${type}|${id}`);
    if (i === undefined) throw new Error(`no ${type} ${id}`);
    return structuredClone(this.records[i]!.payload) as P;
  }

  /** Add a new version of (type, id) with fields changed (a field set to undefined is removed). */
  change(type: string, id: string, fields: P): number {
    const p = { ...this.payload(type, id), ...fields };
    for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
    return this.add(type, p);
  }
}

export const EVA = { name: "Eva Jansen", org: "northgate", role: "Managing director" };
export const ANA = { name: "Ana Ruiz", org: "northgate", role: "Security manager" };
export const TOM = { name: "Tom Berg", org: "northgate", role: "Operations director" };
export const LEA = { name: "Lea Vogel", org: "northgate", role: "Internal auditor" };

const SEC_CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: "https://sealtrail.org/ns/security/v1#" }];

/** A custody event with one seal check at `time`: failed (seal tampered) or passed. */
export function sealCheckEvent(n: number, time: string, failed: boolean): P {
  return {
    "@context": SEC_CONTEXT,
    type: "ObjectEvent",
    eventID: `ni:///sha-256;${n.toString(16).padStart(64, "a")}?ver=CBV2.0`,
    eventTime: time,
    eventTimeZoneOffset: "+00:00",
    action: "OBSERVE",
    epcList: ["urn:epc:id:sscc:0614141.1234567890"],
    bizStep: "inspecting",
    ...(failed ? { disposition: "non_conformant" } : {}),
    "st:seals": [
      {
        "st:sealNumber": "NG123456",
        "st:issuer": "Northgate",
        "st:classification": "H",
        "st:action": "checked",
        "st:condition": failed ? "tampered" : "intact",
        "st:check": { "st:view": failed ? "fail" : "pass", "st:verify": "pass", "st:tug": "pass", "st:twist": "pass" },
      },
    ],
  };
}

const control = (id: string, domain: string, catalogueControl: string, title: string): P => ({
  id,
  title,
  domain,
  catalogueControl,
  description: `${title}, operated at both sites.`,
  owner: ANA,
  applicable: true,
  justification: "Selected in risk treatment.",
  status: "operating",
  implementation: [{ date: "2026-01-15", description: "Quarterly operating check recorded", evidence: ["check sheet"] }],
});

const risk = (id: string, title: string, subject: P, domains: string[], controls: string[], residual: P): P => ({
  id,
  title,
  subject,
  threat: "Organised cargo crime active in the region",
  vulnerability: "Handovers at night with reduced staff",
  domains,
  inherent: { likelihood: 4, consequence: 4 },
  treatment: "reduce",
  controls,
  residual,
  owner: TOM,
  assessed: "2025-02-01",
  reviewDue: "2026-08-01",
  status: "treated",
});

const role = (id: string, r: string, holder: P): P => ({ id, role: r, holder, appointedAt: "2025-01-05", appointedBy: EVA, raci: { "4": "R" } });

const person = (who: P, key: string): P[] => [
  { id: `VET-${key}`, person: who, kind: "vetting", topic: "Pre-appointment screening", completed: "2024-12-15", result: "passed" },
  { id: `TRN-${key}`, person: who, kind: "training", topic: "SMS foundations", completed: "2025-02-01", result: "passed" },
  { id: `AWR-${key}`, person: who, kind: "awareness", topic: "Security policy briefing", completed: "2025-10-01", result: "passed" },
];

const doc = (id: string, kind: string, title: string, clauses: string[]): P => ({
  id,
  title,
  kind,
  version: "1.0",
  status: "approved",
  owner: ANA,
  approvedBy: EVA,
  approvedAt: "2025-01-20",
  reviewDue: "2026-12-31",
  retention: "7 years",
  distribution: ["all staff"],
  clauses,
});

const action = (id: string, due: string, done?: string, owner: P = ANA): P => ({ id, description: `Corrective step ${id}`, owner, due, ...(done === undefined ? {} : { done }) });

/** Indices of records the tests refer to. */
export interface Northgate {
  readonly log: FixtureLog;
  readonly custodyFailed: number;
  readonly custodyPassed: number;
}

/** The complete Northgate SMS (see the file comment). */
export function northgate(): Northgate {
  const log = new FixtureLog();
  const a = (type: string, p: P): number => log.add(type, p);
  // Custody events first, so that the incident can name their log indices.
  const custodyFailed = log.add("custody.event", sealCheckEvent(1, "2026-03-18T09:55:00.000Z", true));
  const custodyPassed = log.add("custody.event", sealCheckEvent(2, "2026-03-12T14:00:00.000Z", false));
  log.add("ledger.note", { text: "not an SMS record" });

  a("sms.catalogue", { id: "catalogue", catalogue: "iso28000-2022", version: "1.0.0", digest: catalogueDigest(), adoptedAt: "2025-01-10T09:00:00.000Z" });
  a("sms.scope", {
    id: "SC-1",
    title: "Northgate Logistics SMS scope",
    statement: "Warehousing and regional distribution of high-value consumer electronics.",
    sites: [
      { id: "WH-ROT", name: "Rotterdam warehouse", country: "NL", kind: "warehouse" },
      { id: "DC-DUI", name: "Duisburg distribution centre", country: "DE", kind: "distribution-centre" },
    ],
    entities: ["Northgate Logistics B.V."],
    modes: ["road", "sea"],
    segments: ["port drayage", "warehousing", "regional distribution"],
    interfaces: [
      { party: "Baltic Haulage", activity: "line haul Rotterdam-Duisburg", control: "Contract security annex and seal checks at handover" },
      { party: "Maas Forwarding", activity: "customs forwarding", control: "Questionnaire and targeted audit" },
    ],
    dependencies: [{ on: "Port of Rotterdam terminals", description: "Container release and gate-in slots" }],
    exclusions: [{ what: "Head office canteen", justification: "No access to goods or shipment data", revalidate: "2026-12-31" }],
    approvedBy: EVA,
    approvedAt: "2025-01-15",
  });
  a("sms.context-issue", { id: "CI-1", title: "Cargo theft on A15 corridor", kind: "external", category: "threat", description: "Rising thefts from parked trailers.", reviewed: "2025-11-01" });
  a("sms.interested-party", { id: "IP-1", name: "Customs authority", kind: "authority", requirements: ["AEO security criteria"], reviewed: "2025-11-01" });
  a("sms.legal-requirement", { id: "LR-1", title: "AEO authorisation", kind: "regulation", source: "Union Customs Code", obligation: "Keep AEO security criteria met", owner: ANA, reviewed: "2025-11-01" });

  for (const [id, r, h] of [["ROLE-TM", "top-management", EVA], ["ROLE-SM", "security-manager", ANA], ["ROLE-RO", "risk-owner", TOM], ["ROLE-IA", "internal-audit", LEA]] as const) a("sms.role", role(id, r, h));
  for (const [who, key] of [[EVA, "EVA"], [ANA, "ANA"], [TOM, "TOM"], [LEA, "LEA"]] as const) for (const c of person(who, key)) a("sms.competence", c);

  a("sms.document", doc("DOC-POL", "policy", "Supply Chain Security Policy", ["5.2"]));
  a("sms.document", doc("DOC-METH", "methodology", "Security Risk Assessment Method", ["6.1.2"]));
  a("sms.document", doc("DOC-PROC", "procedure", "Document Control Procedure", ["7.5"]));
  a("sms.document", doc("DOC-MAN", "manual", "SMS Manual", ["4.4", "8.1", "8.2"]));
  a("sms.communication", { id: "COM-1", what: "Staff briefing on the Supply Chain Security Policy", audience: ["all staff"], when: "at induction and yearly", how: "briefing", by: ANA, external: false });
  a("sms.communication", { id: "COM-2", what: "Security requirements to carriers", audience: ["carriers"], when: "at contract", how: "contract annex", by: ANA, external: true });

  a("sms.control", control("C-PHY", "physical", "physical.access-control", "Role-based entry"));
  a("sms.control", control("C-VIS", "personnel", "personnel.visitor-log", "Visitor log and escort"));
  a("sms.control", control("C-INS", "personnel", "personnel.insider-threat-programme", "Insider threat programme"));
  a("sms.control", control("C-ISMS", "information", "information.isms-interface", "ISMS interface"));
  a("sms.control", control("C-SEAL", "cargo", "cargo.seal-register", "Seal register"));
  a("sms.control", control("C-INSP", "cargo", "cargo.conveyance-inspection", "Conveyance inspection"));
  a("sms.control", control("C-TRK", "cargo", "cargo.tracking", "Tracking and telematics"));
  a("sms.control", control("C-ROUTE", "transport", "transport.route-risk-assessment", "Route risk assessment"));
  a("sms.control", control("C-PART", "partner", "partner.contract-annex", "Contract security annex"));
  a("sms.control", control("C-PROC", "procedural", "procedural.manifest-verification", "Manifest verification"));
  a("sms.control", control("C-INC", "incident", "incident.register", "Incident register"));

  a("sms.risk", risk("R-001", "Theft of high-value cargo at Rotterdam", { kind: "node", name: "Rotterdam yard", site: "WH-ROT" }, ["physical", "cargo"], ["C-PHY", "C-SEAL", "C-INSP"], { likelihood: 2, consequence: 3 }));
  a("sms.risk", risk("R-002", "Manipulation of shipment data", { kind: "asset", name: "Warehouse management system", site: "DC-DUI" }, ["information", "procedural"], ["C-ISMS", "C-PROC"], { likelihood: 2, consequence: 2 }));
  a("sms.risk", risk("R-003", "Insider collusion at Duisburg", { kind: "node", name: "Duisburg docks", site: "DC-DUI" }, ["personnel", "incident"], ["C-VIS", "C-INS", "C-INC"], { likelihood: 1, consequence: 4 }));
  a("sms.risk", risk("R-004", "Hijacking on line haul", { kind: "flow", name: "Rotterdam-Duisburg line haul", supplier: "SUP-BALTIC" }, ["transport", "partner", "cargo"], ["C-ROUTE", "C-PART", "C-TRK"], { likelihood: 2, consequence: 4 }));
  for (const [id, r, residual] of [["A-001", "R-001", [2, 3]], ["A-002", "R-002", [2, 2]], ["A-003", "R-003", [1, 4]], ["A-004", "R-004", [2, 4]]] as const) {
    a("sms.risk-acceptance", { id, risk: r, residual: { likelihood: residual[0], consequence: residual[1] }, acceptedBy: TOM, justification: "Residual within appetite", accepted: "2025-03-01", expires: "2026-12-31" });
  }

  a("sms.objective", { id: "OBJ-1", title: "At most two incidents a month", kpi: "incidents", target: { comparison: "<=", value: 2, unit: "count" }, owner: ANA, due: "2026-12-31", plan: "Patrols and seal checks", status: "on-track" });
  a("sms.objective", { id: "OBJ-2", title: "Cargo losses under EUR 50,000 a quarter", kpi: "cargo-loss-value", target: { comparison: "<=", value: 50000, unit: "EUR" }, owner: TOM, due: "2026-03-15", plan: "Yard lighting and escorts", status: "achieved" });

  a("sms.supplier", { id: "SUP-BALTIC", name: "Baltic Haulage", kind: "carrier", country: "PL", tier: "1", rationale: "Carries every high-value load", criticality: { valueAtRisk: 5, threatExposure: 4, disruption: 4, regulatory: 3 }, contractClauses: true, onboarded: "2024-06-01", status: "active" });
  a("sms.supplier", { id: "SUP-MAAS", name: "Maas Forwarding", kind: "forwarder", country: "NL", tier: "2", rationale: "Customs filings for all imports", criticality: { valueAtRisk: 2, threatExposure: 2, disruption: 4, regulatory: 4 }, contractClauses: true, onboarded: "2024-03-01", status: "active" });
  a("sms.supplier", { id: "SUP-CLOUD", name: "CloudTrack", kind: "it-provider", country: "IE", tier: "3", rationale: "Replaceable tracking portal", criticality: { valueAtRisk: 1, threatExposure: 2, disruption: 2, regulatory: 1 }, contractClauses: false, onboarded: "2024-04-01", status: "active" });
  a("sms.supplier", { id: "SUP-CANTEEN", name: "Canteen Services", kind: "other", country: "NL", tier: "excluded", rationale: "Outside the scope: no access to goods", criticality: { valueAtRisk: 1, threatExposure: 1, disruption: 1, regulatory: 1 }, contractClauses: false, onboarded: "2023-01-01", status: "active" });
  a("sms.supplier-assessment", { id: "SA-1", supplier: "SUP-BALTIC", method: "direct-audit", assessed: "2025-09-10", assessor: ANA, score: 82, result: "approved", findings: [{ description: "Seal stock not locked at one depot", severity: "medium" }], remediation: [action("RA-1", "2025-12-01", "2025-11-20")] });
  a("sms.supplier-assessment", { id: "SA-2", supplier: "SUP-MAAS", method: "questionnaire-and-targeted-audit", assessed: "2024-11-05", assessor: ANA, score: 77, result: "approved", findings: [], remediation: [] });
  a("sms.supplier-assessment", { id: "SA-3", supplier: "SUP-CLOUD", method: "questionnaire", assessed: "2024-05-01", assessor: LEA, score: 70, result: "approved", findings: [], remediation: [] });

  const plan = (id: string, level: string, condition: string): P => ({ id, title: `Security plan ${condition}`, level, condition, sites: ["WH-ROT", "DC-DUI"], measures: ["Measures for this condition"], owner: ANA, reviewDue: "2026-10-01" });
  a("sms.security-plan", plan("SP-N", "normal", "normal"));
  a("sms.security-plan", plan("SP-E", "elevated", "elevated-threat"));
  a("sms.security-plan", plan("SP-I", "high", "incident"));
  a("sms.threat-level", { id: "TL-1", area: { kind: "all", name: "All sites" }, level: "normal", since: "2025-01-01T00:00:00.000Z", source: "National advisory", uplifts: [] });
  const exercise = (id: string, plan: string, held: string, level: string, issues: P[]): P => ({ id, title: `Exercise of ${plan}`, kind: "drill", held, level, plan, sites: ["WH-ROT"], participants: ["night shift"], objectives: ["Practise the plan"], issues, lead: ANA });
  a("sms.exercise", exercise("EX-1", "SP-N", "2025-10-10", "normal", [{ id: "EXI-1", description: "Radio dead spot at dock 4", closed: "2025-11-01" }]));
  a("sms.exercise", exercise("EX-2", "SP-E", "2026-02-12", "elevated", [{ id: "EXI-2", description: "Gate log not escalated" }]));
  a("sms.exercise", exercise("EX-3", "SP-I", "2025-06-20", "high", []));

  a("sms.audit-programme", {
    id: "AP-2025",
    title: "Internal audit programme 2025-26",
    period: { from: "2025-04-01", to: "2026-03-31" },
    planned: [
      { audit: "AUD-1", clauses: ["4", "5", "6", "7"], sites: ["WH-ROT"], month: "2025-09" },
      { audit: "AUD-2", clauses: ["8", "9", "10"], sites: ["DC-DUI"], month: "2026-01" },
    ],
    owner: LEA,
  });
  const audit = (id: string, title: string, clauses: string[], sites: string[], reported: string): P => ({
    id,
    title,
    kind: "internal",
    programme: "AP-2025",
    status: "reported",
    clauses,
    sites,
    lead: LEA,
    independent: true,
    planned: fieldworkDay(reported),
    fieldwork: { from: fieldworkDay(reported), to: fieldworkDay(reported) },
    reported,
  });
  a("sms.audit", audit("AUD-1", "Clauses 4 to 7", ["4", "5", "6", "7"], ["WH-ROT"], "2025-09-20"));
  a("sms.audit", audit("AUD-2", "Clauses 8 to 10", ["8", "9", "10"], ["DC-DUI"], "2026-01-25"));
  a("sms.audit", audit("AUD-3", "Pre-assessment", ["4", "5", "6", "7", "8", "9", "10"], ["WH-ROT", "DC-DUI"], "2026-02-20"));
  a("sms.finding", { id: "F-1", audit: "AUD-3", clause: "8.4", grade: "minor-nc", statement: "Seal numbers not compared at two handovers", evidence: [{ type: "sms.control", id: "C-SEAL" }], nonconformity: "NC-1" });
  a("sms.finding", { id: "F-2", audit: "AUD-3", clause: "9.1", grade: "ofi", statement: "Trend charts could show seasonality", evidence: [] });
  a("sms.finding", { id: "F-3", audit: "AUD-3", clause: "7.3", grade: "conformity", statement: "Staff explained the policy", evidence: [] });
  a("sms.finding", { id: "F-4", audit: "AUD-3", clause: "6.1.3", grade: "major-nc", statement: "One residual risk accepted by the wrong person", evidence: [], nonconformity: "NC-2" });
  const nc = (id: string, finding: string, actions: P[]): P => ({
    id,
    title: `Nonconformity from ${finding}`,
    source: "audit",
    finding,
    description: "Found at the pre-assessment audit.",
    raised: "2026-02-21",
    status: "closed",
    correction: "Corrected on the spot",
    rootCause: { method: "5-whys", cause: "Checklist step missing" },
    actions,
    effectiveness: { verifiedBy: LEA, verified: "2026-03-28", effective: true, note: "No recurrence in sampled handovers" },
    closed: "2026-03-29",
    owner: ANA,
  });
  a("sms.nonconformity", nc("NC-1", "F-1", [action("CA-1", "2026-03-10", "2026-03-05")]));
  a("sms.nonconformity", nc("NC-2", "F-4", [action("CA-2", "2026-03-20", "2026-03-25")]));
  a("sms.management-review", {
    id: "MR-1",
    held: "2026-01-30",
    chair: EVA,
    attendees: ["Eva Jansen", "Ana Ruiz", "Tom Berg"],
    inputs: {
      "previous-actions": "All closed",
      "context-changes": "Theft trend on A15",
      "interested-parties": "Customs AEO review due",
      performance: "KPI dashboard reviewed",
      objectives: "On track",
      "audit-results": "AUD-1 and AUD-2",
      nonconformities: "None open",
      "risk-changes": "R-004 rescored",
      resources: "Tracking budget",
      "improvement-opportunities": "Seal e-verification",
    },
    decisions: ["Fund electronic seal verification"],
    actions: [action("MRA-1", "2026-06-30")],
    nextReview: "2027-01-30",
  });
  a("sms.improvement", { id: "IMP-1", title: "Lighting at dock 4", description: "New LED floodlights", source: "exercise", owner: ANA, status: "done", due: "2025-12-31" });

  a("sms.incident", {
    id: "INC-4",
    title: "Pallet stolen from trailer",
    category: "theft",
    severity: "medium",
    status: "closed",
    source: "manual",
    detected: "2026-02-10T07:00:00.000Z",
    loss: { amount: "8000.00", currency: "EUR" },
    closed: "2026-02-20T10:00:00.000Z",
  });
  a("sms.incident", {
    id: "INC-1",
    title: "Theft of a pallet of phones at Rotterdam",
    category: "theft",
    severity: "high",
    status: "closed",
    source: "manual",
    node: { name: "Rotterdam yard", site: "WH-ROT" },
    occurred: "2026-03-03T22:00:00.000Z",
    detected: "2026-03-04T02:00:00.000Z",
    responded: "2026-03-04T05:00:00.000Z",
    closed: "2026-03-10T12:00:00.000Z",
    valueAtRisk: { amount: "40000.00", currency: "EUR" },
    loss: { amount: "12500.00", currency: "EUR" },
    risks: ["R-001"],
  });
  a("sms.incident", {
    id: "INC-2",
    title: "Tampered seal on arrival at Duisburg",
    category: "tampering",
    severity: "medium",
    status: "contained",
    source: "custody-chain",
    node: { name: "Baltic Haulage trailer", supplier: "SUP-BALTIC" },
    detected: "2026-03-18T10:30:00.000Z",
    responded: "2026-03-18T11:30:00.000Z",
    custody: {
      identifier: "urn:epc:id:sscc:0614141.1234567890",
      exceptions: [
        { kind: "seal_check_failed", message: "seal NG123456 found tampered", eventIds: ["e1"], records: [String(custodyFailed)] },
        { kind: "misdirected_receipt", message: "received by the wrong depot", eventIds: ["e2"], records: [String(custodyPassed)] },
      ],
    },
  });
  a("sms.incident", {
    id: "INC-3",
    title: "Tailgating at Duisburg gate",
    category: "unauthorised-access",
    severity: "low",
    status: "closed",
    source: "monitoring",
    node: { name: "Duisburg gate", site: "DC-DUI" },
    detected: "2026-03-25T08:00:00.000Z",
    responded: "2026-03-25T08:30:00.000Z",
    closed: "2026-03-25T12:00:00.000Z",
    loss: { amount: "300.5", currency: "USD" },
  });
  return { log, custodyFailed, custodyPassed };
}

// Fieldwork a few days before the report (the day of month minus 5, never below 1).
function fieldworkDay(reported: string): string {
  const day = Math.max(1, Number(reported.slice(8, 10)) - 5);
  return `${reported.slice(0, 8)}${String(day).padStart(2, "0")}`;
}
