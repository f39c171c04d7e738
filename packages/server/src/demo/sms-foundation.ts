/**
 * The demo SMS as it stood a year ago and grew since: scope, context,
 * interested parties and legal register, roles and competence, controlled
 * documents with their versions, controls, risks and their acceptances,
 * objectives, changes and resources, suppliers by tier with assessments,
 * threat levels and security plans. A few gaps are left in on purpose, as
 * a real SMS has them: a risk with no control yet, a procedure past its
 * review date, a tier-1 partner whose yearly audit is overdue, and a plan
 * for the highest threat level that was never exercised.
 */
import { catalogueRecord } from "../sms/catalogue.js";
import { MANUFACTURER, PEOPLE, SITES } from "./cast.js";
import type { DemoDates } from "./dates.js";
import type { DemoFileName } from "./evidence-files.js";

/** One SMS record of the demo, written by `org`; a record whose (type, id) was written before is its next version. */
export interface DemoRecord {
  readonly org: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  /** Evidence files the record carries as attachments. */
  readonly files?: readonly DemoFileName[];
}

const { ceo, security, operations, logistics, it, auditor, hr } = PEOPLE;

/** The foundation of the demo SMS, oldest first. */
export function smsFoundation(t: DemoDates): DemoRecord[] {
  const out: DemoRecord[] = [];
  const add = (type: string, payload: Record<string, unknown>, org = MANUFACTURER, files?: DemoFileName[]) => out.push({ org, type, payload, ...(files ? { files } : {}) });

  add("sms.catalogue", { ...catalogueRecord(new Date(t.at(-370))) });
  add("sms.scope", {
    id: "SCOPE",
    title: "Meridian Electronics supply chain security management system",
    statement: "Assembly of industrial sensor modules in Eindhoven, storage and dispatch from Tilburg, and their carriage by road to customers in the EU and by sea through Rotterdam.",
    sites: [...SITES],
    entities: ["Meridian Electronics B.V."],
    modes: ["road", "sea"],
    segments: ["inbound components", "assembly", "warehousing", "outbound road", "export by sea"],
    interfaces: [
      { party: "Rhine Road Freight", activity: "line haul Eindhoven-Tilburg-Rotterdam", control: "Contract security annex, seal checks at every handover" },
      { party: "Baltic Line Haul", activity: "road carriage to Poland and the Baltics", control: "Security questionnaire and targeted audit" },
      { party: "Delta Cross-Dock", activity: "cross-docking of export consolidations", control: "Yearly direct audit and shared custody records" },
      { party: "Maasvlakte Container Terminal", activity: "gate-in and vessel loading", control: "ISPS-compliant terminal, gate seal checks" },
    ],
    dependencies: [{ on: "Port of Rotterdam", description: "Vessel slots and customs release of export containers" }],
    exclusions: [{ what: "Staff restaurant at the Eindhoven plant", justification: "Run by a caterer with no access to goods, shipment data or loading areas", revalidate: t.day(120) }],
    approvedBy: ceo,
    approvedAt: t.day(-360),
  });

  const issues: [string, string, string, string][] = [
    ["external", "threat", "Cargo theft from parked trailers on the A16 and A58", "Thefts of electronics from trailers at unsecured parking rose through the year."],
    ["external", "legal", "AEO security criteria under the Union Customs Code", "Keeping the AEO-S authorisation depends on the SMS staying effective."],
    ["external", "technological", "Ransomware against logistics platforms", "Carriers' and terminals' systems were hit across Europe; shipment data can be altered or withheld."],
    ["internal", "organisational", "Night-shift staffing at Tilburg", "Handovers at night run with two people instead of three."],
    ["internal", "technological", "Warehouse system replaced in the spring", "The new system changes how pick lists and seal numbers are recorded."],
  ];
  issues.forEach(([kind, category, title, description], k) => add("sms.context-issue", { id: `CI-${k + 1}`, title, kind, category, description, reviewed: t.day(-40 - k) }));

  const parties: [string, string, string[]][] = [
    ["Dutch Customs", "authority", ["AEO security and safety criteria", "Export declarations before loading"]],
    ["Key customers in industrial automation", "customer", ["TAPA FSR-equivalent handling of high-value goods", "Notification of any security incident within 24 hours"]],
    ["Cargo insurer", "insurer", ["Seal and parking conditions in the cargo policy"]],
    ["Employees and works council", "employee", ["Fair screening", "Privacy of CCTV and access data"]],
  ];
  parties.forEach(([name, kind, requirements], k) => add("sms.interested-party", { id: `IP-${k + 1}`, name, kind, requirements, reviewed: t.day(-45) }));

  const legal: [string, string, string, string][] = [
    ["AEO-S authorisation", "regulation", "Union Customs Code, Art. 39", "Meet the security and safety criteria at all times"],
    ["ISPS Code at the export terminal", "regulation", "SOLAS chapter XI-2 and the ISPS Code", "Deliver containers sealed and declared as the terminal's plan requires"],
    ["Customer security clauses", "contract", "Framework supply agreements", "Report incidents within 24 hours; allow security audits"],
    ["GDPR for screening and CCTV", "law", "Regulation (EU) 2016/679", "Lawful basis, retention limits and access control for personal data"],
  ];
  legal.forEach(([title, kind, source, obligation], k) => add("sms.legal-requirement", { id: `LR-${k + 1}`, title, kind, source, obligation, owner: security, reviewed: t.day(-50) }));

  const roles: [string, string, typeof ceo, Record<string, string>][] = [
    ["ROLE-TM", "top-management", ceo, { "5.1": "A", "5.2": "A", "9.3": "A" }],
    ["ROLE-SM", "security-manager", security, { "4.4": "R", "6.1": "R", "8.1": "R", "9.1": "R" }],
    ["ROLE-RO", "risk-owner", operations, { "6.1.2": "A", "6.1.3": "A" }],
    ["ROLE-LOG", "logistics-manager", logistics, { "8.1": "R", "8.2": "C" }],
    ["ROLE-IS", "information-security", it, { "8.1": "C" }],
    ["ROLE-IA", "internal-audit", auditor, { "9.2": "R" }],
    ["ROLE-HR", "hr", hr, { "7.2": "R", "7.3": "R" }],
  ];
  for (const [id, role, holder, raci] of roles) add("sms.role", { id, role, holder, appointedAt: t.day(-365), appointedBy: ceo, raci });
  for (const [k, [, , p]] of roles.entries()) {
    add("sms.competence", { id: `VET-${k + 1}`, person: p, kind: "vetting", topic: "Pre-appointment background screening", completed: t.day(-380), result: "passed" });
    add("sms.competence", { id: `TRN-${k + 1}`, person: p, kind: "training", topic: "ISO 28000 foundations and the Meridian SMS", completed: t.day(-340), result: "passed" });
    // One awareness briefing failed and was not repeated: it shows in the awareness KPI.
    add("sms.competence", { id: `AWR-${k + 1}`, person: p, kind: "awareness", topic: "Security policy and reporting briefing", completed: t.day(-90 + k), result: k === 3 ? "failed" : "passed", role: roles[k]![0] });
  }

  const doc = (id: string, kind: string, title: string, clauses: string[], reviewDue: string) => ({
    id,
    title,
    kind,
    version: "1.0",
    status: "draft",
    owner: security,
    reviewDue,
    retention: "7 years after withdrawal",
    distribution: ["management team", "site security officers"],
    clauses,
  });
  const docs = [
    doc("DOC-POL", "policy", "Supply Chain Security Policy", ["5.2"], t.day(200)),
    doc("DOC-RAM", "methodology", "Security Risk Assessment Method", ["6.1.2"], t.day(150)),
    doc("DOC-DOC", "procedure", "Control of Documented Information", ["7.5"], t.day(180)),
    doc("DOC-MAN", "manual", "SMS Manual", ["4.4", "8.1"], t.day(210)),
    doc("DOC-SEAL", "procedure", "Seal Management and Handover Checks", ["8.1", "8.2"], t.day(90)),
    // Past its review date: a gap an auditor finds.
    doc("DOC-VIS", "procedure", "Visitor and Contractor Access", ["8.1"], t.day(-20)),
    doc("DOC-INC", "procedure", "Incident Reporting and Response", ["8.4", "10.1"], t.day(160)),
  ];
  for (const d of docs) add("sms.document", d);
  for (const d of docs) add("sms.document", { ...d, status: "approved", approvedBy: ceo, approvedAt: t.day(-355) }, MANUFACTURER, d.id === "DOC-POL" ? ["policy-1.0"] : undefined);
  // The policy was revised after the management review; each approved version carries its own file.
  add("sms.document", { ...docs[0]!, version: "2.0", status: "approved", approvedBy: ceo, approvedAt: t.day(-60), reviewDue: t.day(305) }, MANUFACTURER, ["policy-2.0"]);

  add("sms.communication", { id: "COM-1", what: "Briefing on the Supply Chain Security Policy", audience: ["all staff"], when: "at induction and every year", how: "briefing", by: security, external: false });
  add("sms.communication", { id: "COM-2", what: "Security requirements and incident reporting line for carriers", audience: ["carriers", "warehouse", "terminal"], when: "at contract and on change", how: "contract annex", by: logistics, external: true });
  add("sms.communication", { id: "COM-3", what: "Threat level changes", audience: ["site security officers", "carriers"], when: "within one hour of a change", how: "SMS and e-mail", by: security, external: true });

  const supplier = (id: string, name: string, kind: string, country: string, tier: string, rationale: string, c: [number, number, number, number], onboarded: string) => ({
    id,
    name,
    kind,
    country,
    tier,
    rationale,
    criticality: { valueAtRisk: c[0], threatExposure: c[1], disruption: c[2], regulatory: c[3] },
    contractClauses: tier !== "3",
    onboarded,
    status: "active",
  });
  add("sms.supplier", supplier("SUP-RHINE", "Rhine Road Freight", "carrier", "DE", "1", "Carries every high-value load between our sites and to the port", [5, 5, 4, 3], t.day(-900)));
  add("sms.supplier", supplier("SUP-DELTA", "Delta Cross-Dock", "warehouse", "NL", "1", "Holds export consolidations for up to three days", [5, 4, 4, 4], t.day(-800)));
  add("sms.supplier", supplier("SUP-BALTIC", "Baltic Line Haul", "carrier", "PL", "2", "Carries loads to eastern Europe, lower value per load", [3, 4, 3, 2], t.day(-600)));
  add("sms.supplier", supplier("SUP-MVT", "Maasvlakte Container Terminal", "port-terminal", "NL", "2", "ISPS terminal with its own security plan", [4, 3, 4, 5], t.day(-200)));
  add("sms.supplier", supplier("SUP-TRACK", "TrackSense Telematics", "it-provider", "IE", "3", "Tracking portal; replaceable within weeks", [1, 2, 2, 1], t.day(-700)));
  const assessment = (id: string, sup: string, method: string, assessed: string, score: number, findings: { description: string; severity: string }[]) => ({
    id,
    supplier: sup,
    method,
    assessed,
    assessor: security,
    score,
    result: score >= 75 ? "approved" : "approved-with-conditions",
    findings,
    remediation: findings.map((f, k) => ({ id: `${id}-RA${k + 1}`, description: `Remedy: ${f.description}`, owner: logistics, due: t.day(-40), done: t.day(-55) })),
  });
  add("sms.supplier-assessment", assessment("SA-RHINE", "SUP-RHINE", "direct-audit", t.day(-150), 84, [{ description: "Two drivers without the security briefing", severity: "medium" }]), MANUFACTURER, ["rhine-audit-report", "rhine-security-certificate"]);
  // Delta's yearly audit is overdue: assessed fifteen months ago.
  add("sms.supplier-assessment", assessment("SA-DELTA", "SUP-DELTA", "direct-audit", t.day(-455), 79, [{ description: "Seal stock kept in an unlocked drawer", severity: "high" }]));
  add("sms.supplier-assessment", assessment("SA-BALTIC", "SUP-BALTIC", "questionnaire-and-targeted-audit", t.day(-210), 72, [{ description: "No secure parking list for the Poznan route", severity: "medium" }]));
  add("sms.supplier-assessment", assessment("SA-MVT", "SUP-MVT", "certificate-review", t.day(-190), 88, []));
  add("sms.supplier-assessment", assessment("SA-TRACK", "SUP-TRACK", "questionnaire", t.day(-300), 76, []));

  const controls: [string, string, string | null, string][] = [
    ["C-ACC", "physical", "physical.access-control", "Badge access zones at the plant and the DC"],
    ["C-CCTV", "physical", null, "CCTV on docks and yard, 30-day retention"],
    ["C-VIS", "personnel", "personnel.visitor-log", "Visitor log and escort"],
    ["C-INS", "personnel", "personnel.insider-threat-programme", "Insider threat programme"],
    ["C-ISMS", "information", "information.isms-interface", "ISMS interface for shipment data"],
    ["C-SEAL", "cargo", "cargo.seal-register", "High-security seal register"],
    ["C-INSP", "cargo", "cargo.conveyance-inspection", "7-point and 17-point inspections at loading"],
    ["C-TRK", "cargo", "cargo.tracking", "GPS tracking of high-value loads"],
    ["C-ROUTE", "transport", "transport.route-risk-assessment", "Route risk assessment and secure parking"],
    ["C-PART", "partner", "partner.contract-annex", "Security annex in carrier and warehouse contracts"],
    ["C-MAN", "procedural", "procedural.manifest-verification", "Manifest and seal number verification"],
    ["C-INC", "incident", "incident.register", "Incident register and escalation"],
  ];
  for (const [id, domain, cc, title] of controls) {
    add("sms.control", {
      id,
      title,
      domain,
      ...(cc === null ? {} : { catalogueControl: cc }),
      description: `${title}, operated at both sites.`,
      owner: domain === "information" ? it : domain === "transport" || domain === "partner" ? logistics : security,
      applicable: true,
      justification: "Selected in the risk treatment of the risk register.",
      status: "operating",
      implementation: [{ date: t.day(-300), description: "In operation; checked each quarter", evidence: ["quarterly control check"] }],
    });
  }
  add("sms.control", { id: "C-DRONE", title: "Drone detection over the yard", domain: "physical", description: "Not needed at the current threat level.", owner: security, applicable: false, justification: "No airborne threat in the risk assessment; revisit if the threat level rises.", status: "planned", implementation: [] });

  const risk = (id: string, title: string, subject: Record<string, unknown>, domains: string[], controlIds: string[], inh: [number, number], res: [number, number], threat: string, vulnerability: string) => ({
    id,
    title,
    subject,
    threat,
    vulnerability,
    domains,
    inherent: { likelihood: inh[0], consequence: inh[1] },
    treatment: controlIds.length === 0 ? "accept" : "reduce",
    controls: controlIds,
    residual: { likelihood: res[0], consequence: res[1] },
    owner: operations,
    assessed: t.day(-330),
    reviewDue: t.day(35),
    status: controlIds.length === 0 ? "open" : "treated",
  });
  const risks = [
    risk("R-01", "Theft of finished goods from trailers at night", { kind: "flow", name: "Eindhoven-Tilburg shuttle", supplier: "SUP-RHINE" }, ["transport", "cargo"], ["C-TRK", "C-ROUTE", "C-SEAL"], [4, 5], [2, 4], "Organised cargo crime", "Unattended trailers at rest stops"),
    risk("R-02", "Seal tampering during cross-docking", { kind: "node", name: "Delta Cross-Dock", supplier: "SUP-DELTA" }, ["cargo", "partner"], ["C-SEAL", "C-MAN", "C-PART"], [3, 5], [2, 3], "Theft or concealment of contraband", "Seals cut and replaced at the partner's dock"),
    risk("R-03", "Unauthorised entry to the Tilburg dock", { kind: "node", name: "Tilburg dock", site: "DC-TLB" }, ["physical"], ["C-ACC", "C-CCTV", "C-VIS"], [3, 4], [1, 3], "Opportunistic theft", "Dock doors open during loading"),
    risk("R-04", "Insider collusion in dispatch", { kind: "node", name: "Dispatch office", site: "PLT-EHV" }, ["personnel", "procedural", "incident"], ["C-INS", "C-MAN", "C-INC"], [2, 5], [1, 4], "Staff colluding with thieves", "One person prepares and releases loads"),
    risk("R-05", "Manipulated shipment data", { kind: "asset", name: "Warehouse management system", site: "DC-TLB" }, ["information"], ["C-ISMS"], [3, 4], [2, 3], "Ransomware or fraud", "Shared carrier portal accounts"),
    risk("R-06", "Container loaded with contraband at the terminal", { kind: "node", name: "Maasvlakte gate", supplier: "SUP-MVT" }, ["cargo", "partner"], ["C-SEAL", "C-INSP", "C-PART"], [2, 5], [1, 5], "Drug smuggling in export containers", "Containers wait at the terminal for days"),
    risk("R-07", "Hijacking on the route to Poland", { kind: "flow", name: "Tilburg-Poznan line haul", supplier: "SUP-BALTIC" }, ["transport"], ["C-ROUTE", "C-TRK"], [2, 5], [2, 4], "Armed hijacking", "Long route with few secure parking places"),
    // Assessed this autumn and not yet treated: a risk with no control.
    risk("R-08", "Counterfeit components entering the inbound flow", { kind: "flow", name: "Inbound components from Asia" }, ["partner", "procedural"], [], [3, 4], [3, 4], "Counterfeit parts", "No check of component provenance at goods-in"),
  ];
  for (const r of risks) add("sms.risk", r);
  for (const [k, r] of risks.slice(0, 7).entries()) {
    add("sms.risk-acceptance", { id: `ACC-${r.id}`, risk: r.id, residual: r.residual, acceptedBy: operations, justification: "Residual risk within the appetite the management review set", accepted: t.day(-320 + k), expires: t.day(45 + k * 20) });
  }

  add("sms.objective", { id: "OBJ-1", title: "No more than one security incident a month", kpi: "incidents", target: { comparison: "<=", value: 1, unit: "count" }, owner: security, due: t.day(120), plan: "Secure parking, tracking and seal checks at every handover", status: "at-risk" });
  add("sms.objective", { id: "OBJ-2", title: "Cargo losses under EUR 25,000 a quarter", kpi: "cargo-loss-value", target: { comparison: "<=", value: 25000, unit: "EUR" }, owner: operations, due: t.day(60), plan: "Route risk assessments and escorts for loads over EUR 500,000", status: "on-track" });
  add("sms.objective", { id: "OBJ-3", title: "Every tier-1 partner audited each year", kpi: "supplier-assurance-on-schedule", target: { comparison: ">=", value: 100, unit: "percent" }, owner: logistics, due: t.day(30), plan: "Audit calendar agreed with each partner", status: "at-risk" });
  add("sms.change", { id: "CHG-1", title: "New warehouse management system at Tilburg", purpose: "Replace the end-of-life system", consequences: "Seal numbers and pick lists move to a new system; access rights re-granted", owner: it, planned: t.day(-250), status: "implemented", risks: ["R-05"] });
  add("sms.change", { id: "CHG-2", title: "Export flow through Maasvlakte", purpose: "Ship to Asian customers by sea", consequences: "A new partner in the chain; containers wait at the terminal", owner: logistics, planned: t.day(-200), status: "implemented", risks: ["R-06"] });
  add("sms.resource", { id: "RES-1", title: "Security manager, full time", kind: "people", description: "One full-time supply chain security manager", approvedBy: ceo, period: { from: t.day(-365), to: t.day(365) } });
  add("sms.resource", { id: "RES-2", title: "Tracking and secure parking budget", kind: "budget", description: "GPS trackers and booked secure parking for high-value loads", amount: { amount: "84000.00", currency: "EUR" }, approvedBy: ceo, period: { from: t.day(-365), to: t.day(0) } });
  add("sms.resource", { id: "RES-3", title: "CCTV upgrade at Tilburg", kind: "technology", description: "Cameras covering every dock door", amount: { amount: "26500.00", currency: "EUR" }, approvedBy: ceo });

  add("sms.threat-level", { id: "TL-ALL", area: { kind: "all", name: "All sites and routes" }, level: "normal", since: t.at(-365), source: "National threat assessment", uplifts: [] });
  add("sms.threat-level", { id: "TL-A16", area: { kind: "route", name: "A16 corridor" }, level: "elevated", since: t.at(-75), source: "Police advisory on trailer thefts", uplifts: ["C-ROUTE", "C-TRK"] });
  const plan = (id: string, level: string, condition: string, measures: string[]) => ({ id, title: `Security plan: ${level} threat`, level, condition, sites: SITES.map((s) => s.id), measures, owner: security, reviewDue: t.day(200) });
  add("sms.security-plan", plan("SP-NORMAL", "normal", "normal", ["Standard access zones", "Seal checks at every handover"]));
  add("sms.security-plan", plan("SP-ELEVATED", "elevated", "elevated-threat", ["Secure parking only", "Two-driver rule for high-value loads", "Daily briefing of carriers"]));
  add("sms.security-plan", plan("SP-HIGH", "high", "incident", ["Escort for every high-value load", "Loading only in daylight", "Police liaison activated"]));
  // Never exercised: the gap the guide calls a plan that exists only on paper.
  add("sms.security-plan", plan("SP-SEVERE", "severe", "incident", ["Stop dispatch of high-value loads", "Crisis team convened"]));
  return out;
}
