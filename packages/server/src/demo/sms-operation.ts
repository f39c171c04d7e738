/**
 * A year of running the demo SMS: incidents (the bulk, some reported by the
 * partners themselves), exercises of the security plans, the internal audit
 * programme and its audits through their workflow, a certification stage 1
 * audit written by the certification body, nonconformities through root
 * cause, actions and verification, a management review with every input,
 * and improvements. One nonconformity is left without a root cause well
 * past the time the method allows, and one corrective action overdue.
 */
import { MANUFACTURER, PEOPLE, SITES } from "./cast.js";
import type { DemoDates } from "./dates.js";
import type { DemoRecord } from "./sms-foundation.js";
import type { DemoFileName } from "./evidence-files.js";

const { ceo, security, operations, logistics, auditor, leadAuditor } = PEOPLE;

// A small deterministic generator (mulberry32), so that a demo built for the same day is the same demo.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INCIDENT_KINDS: readonly [string, string, string, string | null, string][] = [
  ["theft", "Pallet of sensor modules stolen from a trailer at a rest stop", "medium", "R-01", "rhinefreight"],
  ["unauthorised-access", "Tailgating through the Tilburg staff gate", "low", "R-03", MANUFACTURER],
  ["tampering", "Curtain of a parked trailer cut open, load intact", "medium", "R-01", "rhinefreight"],
  ["cyber", "Phishing e-mail asking to change a delivery address", "low", "R-05", MANUFACTURER],
  ["theft", "Cartons missing at goods-out count", "low", "R-04", MANUFACTURER],
  ["unauthorised-access", "Contractor found in the dispatch office without escort", "medium", "R-03", MANUFACTURER],
  ["fraud", "Fictitious pick-up by a carrier impersonating Baltic Line Haul", "high", "R-07", "balticline"],
];

/** The demo SMS's year of operation, oldest first. */
export function smsOperation(t: DemoDates): DemoRecord[] {
  const out: DemoRecord[] = [];
  const add = (type: string, payload: Record<string, unknown>, org = MANUFACTURER, files?: DemoFileName[]) => out.push({ org, type, payload, ...(files ? { files } : {}) });
  const rnd = prng(28000);

  // Incidents: about two a month, fewer in the last quarter after the uplift on the A16.
  let n = 0;
  for (let d = -360; d < -3; d += 8 + Math.floor(rnd() * 14) + (d > -90 ? 10 : 0)) {
    const [category, title, severity, risk, org] = INCIDENT_KINDS[Math.floor(rnd() * INCIDENT_KINDS.length)]!;
    const id = `INC-${String(++n).padStart(3, "0")}`;
    const hour = Math.floor(rnd() * 24);
    const respondHours = 1 + Math.floor(rnd() * (severity === "low" ? 20 : 6));
    const lossy = category === "theft" || category === "fraud";
    const partner = org !== MANUFACTURER;
    const base = {
      id,
      title,
      category,
      severity,
      source: partner ? "partner-report" : category === "unauthorised-access" ? "monitoring" : "manual",
      node: partner ? { name: `${title.split(" ").slice(-2).join(" ")}`, supplier: org === "balticline" ? "SUP-BALTIC" : "SUP-RHINE" } : { name: "Tilburg distribution centre", site: SITES[1].id },
      occurred: t.at(d, hour),
      detected: t.at(d, hour, 40),
      ...(lossy ? { valueAtRisk: { amount: `${(20 + Math.floor(rnd() * 180)) * 1000}.00`, currency: "EUR" } } : {}),
      ...(risk === null ? {} : { risks: [risk] }),
    };
    add("sms.incident", { ...base, status: "open" }, org);
    const closedDay = d + 2 + Math.floor(rnd() * 12);
    if (closedDay < -1) {
      add(
        "sms.incident",
        {
          ...base,
          status: "closed",
          responded: t.at(d, hour + respondHours, 40),
          closed: t.at(closedDay, 16),
          ...(lossy ? { loss: { amount: `${Math.floor(rnd() * 15000)}.00`, currency: "EUR" } } : {}),
          ...(severity === "high" ? { authorities: [{ name: "Police", notified: t.at(d, hour + 2), reference: `PV-${n}${d * -1}` }] } : {}),
        },
        org,
      );
    }
  }

  const exercise = (id: string, plan: string, level: string, kind: string, held: number, issues: Record<string, unknown>[]) => ({
    id,
    title: `${kind === "tabletop" ? "Tabletop exercise" : "Drill"} of the ${level} threat plan`,
    kind,
    held: t.day(held),
    level,
    plan,
    sites: SITES.map((s) => s.id),
    participants: ["site security officers", "dispatch", "Rhine Road Freight planners"],
    objectives: ["Practise the plan's measures", "Test the alert chain to carriers"],
    issues,
    lead: security,
  });
  add("sms.exercise", exercise("EX-1", "SP-NORMAL", "normal", "drill", -240, [{ id: "EX-1-I1", description: "Radio dead spot at dock 6", closed: t.day(-200) }]));
  add("sms.exercise", exercise("EX-2", "SP-HIGH", "high", "simulation", -150, [{ id: "EX-2-I1", description: "Police liaison number out of date", closed: t.day(-140) }, { id: "EX-2-I2", description: "Escort booking took four hours" }]));
  add("sms.exercise", exercise("EX-3", "SP-ELEVATED", "elevated", "tabletop", -70, []));

  add("sms.audit-programme", {
    id: "AP-1",
    title: "Internal audit programme",
    period: { from: t.day(-300), to: t.day(65) },
    planned: [
      { audit: "AUD-1", clauses: ["4", "5", "6", "7"], sites: ["PLT-EHV", "DC-TLB"], month: t.day(-200).slice(0, 7) },
      { audit: "AUD-2", clauses: ["8", "9", "10"], sites: ["PLT-EHV", "DC-TLB"], month: t.day(-100).slice(0, 7) },
    ],
    owner: auditor,
  });
  const audit = (id: string, title: string, kind: string, clauses: string[], reported: number, lead: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const base = { id, title, kind, clauses, sites: SITES.map((s) => s.id), lead, independent: true, planned: t.day(reported - 30), ...extra };
    return [
      { ...base, status: "planned" },
      { ...base, status: "fieldwork", fieldwork: { from: t.day(reported - 8), to: t.day(reported - 6) } },
      { ...base, status: "findings", fieldwork: { from: t.day(reported - 8), to: t.day(reported - 6) } },
      { ...base, status: "reported", fieldwork: { from: t.day(reported - 8), to: t.day(reported - 6) }, reported: t.day(reported) },
    ];
  };
  const [a1, b1, c1, d1] = audit("AUD-1", "Internal audit: context, leadership, planning, support", "internal", ["4", "5", "6", "7"], -200, auditor, { programme: "AP-1" });
  for (const v of [a1, b1, c1]) add("sms.audit", v!);
  add("sms.finding", { id: "F-1", audit: "AUD-1", clause: "7.3", grade: "minor-nc", statement: "Two night-shift staff could not say how to report a security concern", evidence: [{ type: "sms.competence", id: "AWR-4" }] });
  add("sms.finding", { id: "F-2", audit: "AUD-1", clause: "6.1.2", grade: "conformity", statement: "Risk assessments follow the method and are reviewed on time", evidence: [{ type: "sms.risk", id: "R-01" }] });
  add("sms.audit", d1!);
  const [a2, b2, c2, d2] = audit("AUD-2", "Internal audit: operation, evaluation, improvement", "internal", ["8", "9", "10"], -100, auditor, { programme: "AP-1" });
  for (const v of [a2, b2, c2]) add("sms.audit", v!);
  add("sms.finding", { id: "F-3", audit: "AUD-2", clause: "8.1", grade: "major-nc", statement: "Seal numbers were not compared with the shipping documents at three handovers in one week", evidence: [{ type: "sms.control", id: "C-SEAL" }] });
  add("sms.finding", { id: "F-4", audit: "AUD-2", clause: "9.1", grade: "ofi", statement: "KPI trends could be shown per route", evidence: [] });
  add("sms.audit", d2!);

  // Nonconformities through their workflow, each step a new version.
  const nc = (id: string, finding: string, title: string, raised: number) => ({ id, title, source: "audit", finding, description: `Raised from finding ${finding}.`, raised: t.day(raised), owner: security, actions: [] as Record<string, unknown>[] });
  const nc1 = nc("NC-1", "F-1", "Security reporting not known on the night shift", -198);
  add("sms.nonconformity", { ...nc1, status: "open" });
  add("sms.nonconformity", { ...nc1, status: "root-cause", correction: "Both staff briefed the same night", rootCause: { method: "5-whys", cause: "Night shift missed the yearly briefing: it was scheduled in day hours only" } });
  const act1 = [{ id: "CA-1", description: "Hold the briefing on every shift", owner: PEOPLE.hr, due: t.day(-160), done: t.day(-170) }];
  add("sms.nonconformity", { ...nc1, status: "actions", correction: "Both staff briefed the same night", rootCause: { method: "5-whys", cause: "Night shift missed the yearly briefing: it was scheduled in day hours only" }, actions: act1 });
  add("sms.nonconformity", { ...nc1, status: "verification", correction: "Both staff briefed the same night", rootCause: { method: "5-whys", cause: "Night shift missed the yearly briefing: it was scheduled in day hours only" }, actions: act1 });
  add("sms.nonconformity", {
    ...nc1,
    status: "closed",
    correction: "Both staff briefed the same night",
    rootCause: { method: "5-whys", cause: "Night shift missed the yearly briefing: it was scheduled in day hours only" },
    actions: act1,
    effectiveness: { verifiedBy: auditor, verified: t.day(-120), effective: true, note: "Six of six night-shift staff sampled knew the reporting line" },
    closed: t.day(-118),
  });
  const nc2 = nc("NC-2", "F-3", "Seal numbers not verified at handover", -98);
  const rc2 = { method: "fishbone", cause: "The new warehouse system no longer prints the seal number on the handover sheet" };
  add("sms.nonconformity", { ...nc2, status: "open", correction: "Seal check reinstated with a paper list" });
  add("sms.nonconformity", { ...nc2, status: "root-cause", correction: "Seal check reinstated with a paper list", rootCause: rc2 });
  // One action done, one overdue: the corrective-action KPI shows it.
  add("sms.nonconformity", {
    ...nc2,
    status: "actions",
    correction: "Seal check reinstated with a paper list",
    rootCause: rc2,
    actions: [
      { id: "CA-2", description: "Print the seal number on the handover sheet again", owner: PEOPLE.it, due: t.day(-60), done: t.day(-65) },
      { id: "CA-3", description: "Scan seals at handover into the custody record", owner: logistics, due: t.day(-10) },
    ],
  });
  // Raised from an incident and left without a root cause: a gap.
  add("sms.nonconformity", { id: "NC-3", title: "Fictitious pick-up not stopped at the gate", source: "incident", description: "A carrier impersonating a partner was given a load.", raised: t.day(-45), status: "open", owner: logistics, actions: [] });

  add("sms.management-review", {
    id: "MR-1",
    held: t.day(-70),
    chair: ceo,
    attendees: [ceo.name, security.name, operations.name, logistics.name, auditor.name],
    inputs: {
      "previous-actions": "Actions of the last review closed but one (CCTV upgrade, in progress)",
      "context-changes": "Trailer thefts on the A16; export flow through Maasvlakte started",
      "interested-parties": "Customs AEO monitoring visit announced; customers ask for custody evidence",
      performance: "Twelve KPIs reviewed; incident rate above objective in spring",
      objectives: "OBJ-1 at risk, OBJ-2 on track, OBJ-3 at risk",
      "audit-results": "AUD-1 and AUD-2: one major and one minor nonconformity",
      nonconformities: "NC-1 closed and effective; NC-2 in progress",
      "risk-changes": "R-01 rescored after the A16 advisory; R-08 added",
      resources: "Tracking budget renewed; second security officer requested",
      "improvement-opportunities": "Electronic seals on export containers",
    },
    decisions: ["Raise the threat level on the A16 corridor to elevated", "Revise the policy to cover the export flow", "Pilot electronic seals"],
    actions: [
      { id: "MRA-1", description: "Issue policy version 2.0", owner: security, due: t.day(-50), done: t.day(-60) },
      { id: "MRA-2", description: "Pilot electronic seals on ten containers", owner: logistics, due: t.day(40) },
    ],
    nextReview: t.day(295),
  }, MANUFACTURER, ["review-minutes"]);
  add("sms.improvement", { id: "IMP-1", title: "LED floodlights at the Tilburg yard", description: "Lighting the north fence line where trailers wait", source: "exercise", owner: operations, status: "done", due: t.day(-120) });
  add("sms.improvement", { id: "IMP-2", title: "Electronic seals on export containers", description: "Pilot decided at the management review", source: "review", owner: logistics, status: "in-progress", due: t.day(40) });

  // The certification body's stage 1 audit, written with its own key.
  const [s1, s2, s3, s4] = audit("AUD-C1", "Certification audit, stage 1", "certification-stage-1", ["4", "5", "6", "7", "8", "9", "10"], -25, leadAuditor);
  for (const v of [s1, s2, s3]) add("sms.audit", v!, "nordicert");
  add("sms.finding", { id: "CF-1", audit: "AUD-C1", clause: "8.1", grade: "minor-nc", statement: "Corrective action for seal verification still open at stage 1", evidence: [{ type: "sms.nonconformity", id: "NC-2" }] }, "nordicert");
  add("sms.finding", { id: "CF-2", audit: "AUD-C1", clause: "6.1.2", grade: "ofi", statement: "Risk R-08 on counterfeit components has no treatment yet", evidence: [{ type: "sms.risk", id: "R-08" }] }, "nordicert");
  add("sms.finding", { id: "CF-3", audit: "AUD-C1", clause: "5.2", grade: "conformity", statement: "Policy 2.0 approved, communicated and understood", evidence: [{ type: "sms.document", id: "DOC-POL" }] }, "nordicert");
  add("sms.audit", s4!, "nordicert", ["stage-1-report"]);
  return out;
}
