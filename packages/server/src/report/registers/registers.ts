/**
 * The five registers of the SMS as columns over its state (core's smsState:
 * the latest readable version of each record), the one definition the XLSX
 * and the CSV writers both read:
 * - the statement of applicable controls (ISO 28000 clause 8.4 with 6.1.3),
 * - the risk register (6.1.2 assessment, 6.1.3 treatment, residual-risk
 *   acceptance),
 * - the supplier register (8.1, with the catalogue's materiality tiers),
 * - the incident log (8.5),
 * - the corrective-action log (10.2), one row per action.
 * Every row ends with the record's log index and leaf hash (RFC 6962 §2.1),
 * so a reader can ask the log for that record's inclusion proof.
 */
import { MATERIALITY_TIERS, type SmsEntry, type SmsPayload } from "@sealtrail/core";
import { addDays, latestBy, listCell, personLabel, register, type Column, type Register, type RegisterName } from "./columns.js";

type Entry = { ref: { index: number }; leafHash: string };

// The columns every register ends with: where the record sits in the log.
function logColumns<R>(entry: (r: R) => Entry): Column<R>[] {
  return [
    { header: "Log index", kind: "integer", width: 10, value: (r) => entry(r).ref.index },
    { header: "Leaf hash", kind: "text", width: 24, value: (r) => entry(r).leafHash },
  ];
}

const score = (s: { likelihood: number; consequence: number } | undefined) => (s === undefined ? undefined : s.likelihood * s.consequence);

// Lists of records naming another one, built once per state and register.
function namedBy<T extends SmsEntry>(list: readonly T[], names: (x: T) => readonly string[] | string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const n = names(x);
    for (const id of n === undefined ? [] : typeof n === "string" ? [n] : n) {
      const l = m.get(id) ?? [];
      l.push(x);
      m.set(id, l);
    }
  }
  return m;
}

type ControlRow = { control: SmsEntry<"sms.control">; risks: string[] };

const soa = register<ControlRow>({
  name: "soa",
  sheet: "Applicable controls",
  description: "Statement of applicable controls (clause 8.4 with 6.1.3): each control, whether it applies and why, and the risks that name it",
  rows: function* (state) {
    const byControl = namedBy(state.records["sms.risk"], (r) => r.payload.controls);
    for (const control of state.records["sms.control"]) yield { control, risks: (byControl.get(control.id) ?? []).map((r) => r.id) };
  },
  columns: [
    { header: "Control", kind: "text", width: 16, value: (r) => r.control.id },
    { header: "Title", kind: "text", width: 34, value: (r) => r.control.payload.title },
    { header: "Domain", kind: "text", width: 12, value: (r) => r.control.payload.domain },
    { header: "Catalogue control", kind: "text", width: 24, value: (r) => r.control.payload.catalogueControl },
    { header: "Applicable", kind: "boolean", width: 11, value: (r) => r.control.payload.applicable },
    { header: "Justification", kind: "text", width: 40, value: (r) => r.control.payload.justification },
    { header: "Status", kind: "text", width: 14, value: (r) => r.control.payload.status },
    { header: "Owner", kind: "text", width: 22, value: (r) => personLabel(r.control.payload.owner) },
    { header: "Risks", kind: "text", width: 20, value: (r) => listCell(r.risks) },
    { header: "Last implemented", kind: "date", width: 12, value: (r) => r.control.payload.implementation.reduce<string | undefined>((d, i) => (d === undefined || i.date > d ? i.date : d), undefined) },
    ...logColumns<ControlRow>((r) => r.control),
  ],
});

type RiskRow = { risk: SmsEntry<"sms.risk">; acceptance: SmsEntry<"sms.risk-acceptance"> | undefined; asOf: string };

const risks = register<RiskRow>({
  name: "risks",
  sheet: "Risk register",
  description: "Risk register (clauses 6.1.2 and 6.1.3): each risk's assessment, treatment, controls, residual score and its acceptance",
  rows: function* (state, asOf) {
    const byRisk = namedBy(state.records["sms.risk-acceptance"], (a) => a.payload.risk);
    // The latest acceptance is the one in force (as core's due items read it); expired on asOf it counts as none.
    for (const risk of state.records["sms.risk"]) yield { risk, acceptance: latestBy(byRisk.get(risk.id) ?? [], (a) => a.payload.accepted), asOf };
  },
  columns: [
    { header: "Risk", kind: "text", width: 10, value: (r) => r.risk.id },
    { header: "Title", kind: "text", width: 34, value: (r) => r.risk.payload.title },
    { header: "Subject", kind: "text", width: 22, value: (r) => `${r.risk.payload.subject.kind}: ${r.risk.payload.subject.name}` },
    { header: "Threat", kind: "text", width: 30, value: (r) => r.risk.payload.threat },
    { header: "Vulnerability", kind: "text", width: 30, value: (r) => r.risk.payload.vulnerability },
    { header: "Domains", kind: "text", width: 18, value: (r) => listCell(r.risk.payload.domains) },
    { header: "Inherent L", kind: "integer", width: 10, value: (r) => r.risk.payload.inherent.likelihood },
    { header: "Inherent C", kind: "integer", width: 10, value: (r) => r.risk.payload.inherent.consequence },
    { header: "Inherent score", kind: "integer", width: 10, value: (r) => score(r.risk.payload.inherent) },
    { header: "Treatment", kind: "text", width: 10, value: (r) => r.risk.payload.treatment },
    { header: "Controls", kind: "text", width: 24, value: (r) => listCell(r.risk.payload.controls) },
    { header: "Residual L", kind: "integer", width: 10, value: (r) => r.risk.payload.residual?.likelihood },
    { header: "Residual C", kind: "integer", width: 10, value: (r) => r.risk.payload.residual?.consequence },
    { header: "Residual score", kind: "integer", width: 10, value: (r) => score(r.risk.payload.residual) },
    { header: "Owner", kind: "text", width: 22, value: (r) => personLabel(r.risk.payload.owner) },
    { header: "Accepted by", kind: "text", width: 22, value: (r) => personLabel(r.acceptance?.payload.acceptedBy) },
    { header: "Accepted until", kind: "date", width: 12, value: (r) => r.acceptance?.payload.expires },
    // docs/formats.md §18: an acceptance expired on the register's day counts as none.
    { header: "Acceptance expired", kind: "boolean", width: 11, value: (r) => (r.acceptance === undefined ? undefined : r.acceptance.payload.expires < r.asOf) },
    { header: "Status", kind: "text", width: 9, value: (r) => r.risk.payload.status },
    { header: "Review due", kind: "date", width: 12, value: (r) => r.risk.payload.reviewDue },
    ...logColumns<RiskRow>((r) => r.risk),
  ],
});

type SupplierRow = { supplier: SmsEntry<"sms.supplier">; last: SmsEntry<"sms.supplier-assessment"> | undefined; nextDue: string | undefined };

// The next assessment by the tier's schedule (catalogue/tiers.ts), as core's due items compute it: one
// interval after the latest assessment by a method the tier accepts, or at onboarding when there is none.
function nextDue(p: SmsPayload<"sms.supplier">, assessments: readonly SmsEntry<"sms.supplier-assessment">[], asOf: string): string | undefined {
  if (p.status !== "active" || p.tier === "excluded") return undefined;
  const tier = MATERIALITY_TIERS.find((t) => t.id === p.tier)!;
  const methods: readonly string[] = tier.assurance.methods;
  const last = latestBy(
    assessments.filter((a) => methods.includes(a.payload.method) && a.payload.assessed <= asOf),
    (a) => a.payload.assessed,
  );
  return last === undefined ? p.onboarded : addDays(last.payload.assessed, tier.assurance.intervalDays);
}

const suppliers = register<SupplierRow>({
  name: "suppliers",
  sheet: "Supplier register",
  description: "Supplier register (clause 8.1): each supplier or node, its materiality tier and criticality, its latest assessment and the next one its tier requires",
  rows: function* (state, asOf) {
    const bySupplier = namedBy(state.records["sms.supplier-assessment"], (a) => a.payload.supplier);
    for (const supplier of state.records["sms.supplier"]) {
      const all = bySupplier.get(supplier.id) ?? [];
      yield { supplier, last: latestBy(all, (a) => a.payload.assessed), nextDue: nextDue(supplier.payload, all, asOf) };
    }
  },
  columns: [
    { header: "Supplier", kind: "text", width: 14, value: (r) => r.supplier.id },
    { header: "Name", kind: "text", width: 30, value: (r) => r.supplier.payload.name },
    { header: "Kind", kind: "text", width: 18, value: (r) => r.supplier.payload.kind },
    { header: "Country", kind: "text", width: 8, value: (r) => r.supplier.payload.country },
    { header: "Tier", kind: "text", width: 8, value: (r) => r.supplier.payload.tier },
    { header: "Rationale", kind: "text", width: 40, value: (r) => r.supplier.payload.rationale },
    { header: "Value at risk (1-5)", kind: "integer", width: 11, value: (r) => r.supplier.payload.criticality.valueAtRisk },
    { header: "Threat exposure (1-5)", kind: "integer", width: 11, value: (r) => r.supplier.payload.criticality.threatExposure },
    { header: "Disruption (1-5)", kind: "integer", width: 11, value: (r) => r.supplier.payload.criticality.disruption },
    { header: "Regulatory (1-5)", kind: "integer", width: 11, value: (r) => r.supplier.payload.criticality.regulatory },
    { header: "Status", kind: "text", width: 11, value: (r) => r.supplier.payload.status },
    { header: "Last assessed", kind: "date", width: 12, value: (r) => r.last?.payload.assessed },
    { header: "Method", kind: "text", width: 22, value: (r) => r.last?.payload.method },
    { header: "Score", kind: "number", width: 8, value: (r) => r.last?.payload.score },
    { header: "Result", kind: "text", width: 25, value: (r) => r.last?.payload.result },
    { header: "Assessment", kind: "text", width: 14, value: (r) => r.last?.id },
    { header: "Next due", kind: "date", width: 12, value: (r) => r.nextDue },
    ...logColumns<SupplierRow>((r) => r.supplier),
  ],
});

type IncidentRow = SmsEntry<"sms.incident">;

const incidents = register<IncidentRow>({
  name: "incidents",
  sheet: "Incident log",
  description: "Incident log (clause 8.5): each security incident, its timeline, the value at risk and the loss, the custody identifier and the risks it names",
  rows: (state) => state.records["sms.incident"],
  columns: [
    { header: "Incident", kind: "text", width: 16, value: (r) => r.id },
    { header: "Title", kind: "text", width: 34, value: (r) => r.payload.title },
    { header: "Category", kind: "text", width: 20, value: (r) => r.payload.category },
    { header: "Severity", kind: "text", width: 9, value: (r) => r.payload.severity },
    { header: "Status", kind: "text", width: 14, value: (r) => r.payload.status },
    { header: "Source", kind: "text", width: 15, value: (r) => r.payload.source },
    { header: "Node", kind: "text", width: 24, value: (r) => r.payload.node?.name },
    { header: "Detected (UTC)", kind: "instant", width: 17, value: (r) => r.payload.detected },
    { header: "Responded (UTC)", kind: "instant", width: 17, value: (r) => r.payload.responded },
    { header: "Closed (UTC)", kind: "instant", width: 17, value: (r) => r.payload.closed },
    { header: "Value at risk", kind: "amount", width: 14, value: (r) => r.payload.valueAtRisk?.amount },
    { header: "Value currency", kind: "text", width: 11, value: (r) => r.payload.valueAtRisk?.currency },
    { header: "Loss", kind: "amount", width: 14, value: (r) => r.payload.loss?.amount },
    { header: "Loss currency", kind: "text", width: 11, value: (r) => r.payload.loss?.currency },
    { header: "Custody identifier", kind: "text", width: 22, value: (r) => r.payload.custody?.identifier },
    { header: "Risks", kind: "text", width: 16, value: (r) => listCell(r.payload.risks) },
    ...logColumns<IncidentRow>((r) => r),
  ],
});

type ActionRow = { nc: SmsEntry<"sms.nonconformity">; action: SmsPayload<"sms.nonconformity">["actions"][number] | undefined };

const correctiveActions = register<ActionRow>({
  name: "corrective-actions",
  sheet: "Corrective actions",
  description: "Corrective-action log (clause 10.2): each nonconformity with its root cause and effectiveness, one row per action (a nonconformity with no action yet has one row)",
  rows: function* (state) {
    for (const nc of state.records["sms.nonconformity"]) {
      if (nc.payload.actions.length === 0) yield { nc, action: undefined };
      for (const action of nc.payload.actions) yield { nc, action };
    }
  },
  columns: [
    { header: "Nonconformity", kind: "text", width: 14, value: (r) => r.nc.id },
    { header: "Title", kind: "text", width: 34, value: (r) => r.nc.payload.title },
    { header: "Source", kind: "text", width: 20, value: (r) => r.nc.payload.source },
    { header: "Finding", kind: "text", width: 14, value: (r) => r.nc.payload.finding },
    { header: "Incident", kind: "text", width: 14, value: (r) => r.nc.payload.incident },
    { header: "Raised", kind: "date", width: 12, value: (r) => r.nc.payload.raised },
    { header: "Status", kind: "text", width: 14, value: (r) => r.nc.payload.status },
    { header: "Root cause", kind: "text", width: 40, value: (r) => (r.nc.payload.rootCause === undefined ? undefined : `${r.nc.payload.rootCause.method}: ${r.nc.payload.rootCause.cause}`) },
    { header: "Action", kind: "text", width: 10, value: (r) => r.action?.id },
    { header: "Action description", kind: "text", width: 34, value: (r) => r.action?.description },
    { header: "Action owner", kind: "text", width: 22, value: (r) => personLabel(r.action?.owner) },
    { header: "Action due", kind: "date", width: 12, value: (r) => r.action?.due },
    { header: "Action done", kind: "date", width: 12, value: (r) => r.action?.done },
    { header: "Effective", kind: "boolean", width: 10, value: (r) => r.nc.payload.effectiveness?.effective },
    { header: "Verified", kind: "date", width: 12, value: (r) => r.nc.payload.effectiveness?.verified },
    { header: "Verified by", kind: "text", width: 22, value: (r) => personLabel(r.nc.payload.effectiveness?.verifiedBy) },
    { header: "Closed", kind: "date", width: 12, value: (r) => r.nc.payload.closed },
    ...logColumns<ActionRow>((r) => r.nc),
  ],
});

/** The registers, in the order the workbook lists them. */
export const REGISTERS: readonly Register[] = [soa, risks, suppliers, incidents, correctiveActions];

/**
 * The register of a name.
 *
 * @example
 * ```ts
 * registerOf("risks").sheet // "Risk register"
 * ```
 */
export function registerOf(name: RegisterName): Register {
  return REGISTERS.find((r) => r.name === name)!;
}
