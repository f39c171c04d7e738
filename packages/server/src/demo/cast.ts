/**
 * Who takes part in the demo: a manufacturer that runs the SMS, two
 * carriers, a cross-dock warehouse, a port terminal and a certification
 * body, each an organisation of its own with its own signing key, the
 * people who sign for them, the sites in scope, and what each organisation
 * may write in the shared vault.
 */
import type { MemberChange } from "@sealtrail/core";

/** One organisation of the demo. */
export interface DemoOrg {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly roles: readonly string[];
  /** Its party identifier in EPCIS events (a PGLN as an EPC URI). */
  readonly pgln: string;
  /** What its membership lets it write (record type patterns). */
  readonly write: readonly string[];
}

/** The organisation whose SMS the vault holds. */
export const MANUFACTURER = "meridian";

export const DEMO_ORGS: readonly DemoOrg[] = [
  { id: MANUFACTURER, name: "Meridian Electronics B.V.", country: "NL", roles: ["manufacturer", "shipper"], pgln: "urn:epc:id:pgln:8712345.00001", write: ["*"] },
  { id: "rhinefreight", name: "Rhine Road Freight GmbH", country: "DE", roles: ["carrier"], pgln: "urn:epc:id:pgln:4012345.00002", write: ["custody.*", "sms.incident"] },
  { id: "balticline", name: "Baltic Line Haul Sp. z o.o.", country: "PL", roles: ["carrier"], pgln: "urn:epc:id:pgln:5901234.00003", write: ["custody.*", "sms.incident"] },
  { id: "deltadock", name: "Delta Cross-Dock B.V.", country: "NL", roles: ["warehouse"], pgln: "urn:epc:id:pgln:8712345.00004", write: ["custody.*", "sms.incident"] },
  { id: "mvterminal", name: "Maasvlakte Container Terminal", country: "NL", roles: ["port_terminal"], pgln: "urn:epc:id:pgln:8712345.00005", write: ["custody.*", "sms.incident"] },
  { id: "nordicert", name: "Nordic Assurance Certification AB", country: "SE", roles: ["certification_body"], pgln: "urn:epc:id:pgln:7312345.00006", write: ["sms.audit", "sms.finding"] },
];

/** The membership of each partner in the demo vault (the manufacturer administers it). */
export function demoMembership(o: DemoOrg): MemberChange {
  return { action: "set", org: o.id, read: true, write: [...o.write], admin: o.id === MANUFACTURER };
}

const person = (name: string, org: string, role: string) => ({ name, org, role });

/** The people who sign for the organisations. */
export const PEOPLE = {
  ceo: person("Marieke de Vries", MANUFACTURER, "Managing director"),
  security: person("Sanjay Patel", MANUFACTURER, "Supply chain security manager"),
  operations: person("Lucas Janssen", MANUFACTURER, "Operations director"),
  logistics: person("Femke Bakker", MANUFACTURER, "Logistics manager"),
  it: person("Noor El Amrani", MANUFACTURER, "Information security officer"),
  auditor: person("Pieter Smit", MANUFACTURER, "Internal auditor"),
  hr: person("Julia Visser", MANUFACTURER, "HR manager"),
  leadAuditor: person("Karin Lindqvist", "nordicert", "Lead auditor"),
} as const;

/** The sites in the SMS's scope. */
export const SITES = [
  { id: "PLT-EHV", name: "Eindhoven assembly plant", country: "NL", kind: "factory" },
  { id: "DC-TLB", name: "Tilburg distribution centre", country: "NL", kind: "distribution-centre" },
] as const;

/** The supplier record of each partner, by organisation id. */
export const SUPPLIER_OF: Readonly<Record<string, string>> = {
  rhinefreight: "SUP-RHINE",
  balticline: "SUP-BALTIC",
  deltadock: "SUP-DELTA",
  mvterminal: "SUP-MVT",
};
