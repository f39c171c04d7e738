/**
 * How ISO 28000 areas relate to other standards and security programmes,
 * so that one set of SMS records can serve an integrated management system
 * or a customs programme. Links stay at clause-group or domain level unless
 * the correspondence is exact; they are orientation for an assessor, not
 * claims of equivalence.
 */
import type { ClauseRef } from "./clauses.js";
import type { DomainId } from "./domains.js";

/** One correspondence between catalogue areas and a framework. */
export interface MappingLink {
  readonly clauses: readonly ClauseRef[];
  readonly domains: readonly DomainId[];
  readonly note: string;
}

/** The shape of one framework mapping. */
export interface FrameworkMappingDefinition {
  readonly id: string;
  /** The framework's short designation. */
  readonly framework: string;
  readonly name: string;
  readonly kind: "management-system" | "guideline" | "customs-programme" | "regulation" | "government-guidance";
  readonly links: readonly MappingLink[];
}

const ALL_GROUPS = ["4", "5", "6", "7", "8", "9", "10"] as const;

/**
 * The framework mappings.
 *
 * @example
 * ```ts
 * FRAMEWORK_MAPPINGS.find((m) => m.id === "iso31000")?.links[0]?.clauses // ["6.1", "6.1.2", "6.1.3", "8.3"]
 * ```
 */
export const FRAMEWORK_MAPPINGS = [
  {
    id: "iso22301",
    framework: "ISO 22301",
    name: "Business continuity management systems",
    kind: "management-system",
    links: [
      { clauses: ALL_GROUPS, domains: [], note: "Both follow the ISO harmonized structure, so context, leadership, planning, support, evaluation and improvement can be run once for security and continuity together." },
      { clauses: ["8.5"], domains: ["incident"], note: "Security plans for incidents and recovery sit naturally beside business continuity plans and share one exercise programme." },
    ],
  },
  {
    id: "iso27001",
    framework: "ISO/IEC 27001",
    name: "Information security management systems",
    kind: "management-system",
    links: [
      { clauses: ALL_GROUPS, domains: [], note: "Same harmonized structure, which allows combined audits and shared procedures for documents, competence and corrective action." },
      { clauses: ["7.5", "8.4"], domains: ["information"], note: "The information domain's controls are best owned by the ISMS; its Annex A supplier-relationship controls cover the information side of partner security." },
    ],
  },
  {
    id: "iso31000",
    framework: "ISO 31000",
    name: "Risk management guidelines",
    kind: "guideline",
    links: [
      { clauses: ["6.1", "6.1.2", "6.1.3", "8.3"], domains: [], note: "Supplies the principles and the process (context and criteria, identification, analysis, evaluation, treatment, monitoring) on which a security risk method can be built; it is guidance, not certifiable." },
    ],
  },
  {
    id: "iso9001",
    framework: "ISO 9001",
    name: "Quality management systems",
    kind: "management-system",
    links: [
      { clauses: ALL_GROUPS, domains: [], note: "The shared clause structure lets quality and security be managed as one system with one document control and one audit programme." },
      { clauses: ["8.1"], domains: ["partner"], note: "Its control of externally provided processes and products is a natural home for supplier security requirements." },
    ],
  },
  {
    id: "iso14001",
    framework: "ISO 14001",
    name: "Environmental management systems",
    kind: "management-system",
    links: [
      { clauses: ALL_GROUPS, domains: [], note: "Shared structure for an integrated management system." },
      { clauses: ["8.5"], domains: ["incident"], note: "Its emergency preparedness and response requirements overlap with incident security plans, for example for hazardous cargo." },
    ],
  },
  {
    id: "iso45001",
    framework: "ISO 45001",
    name: "Occupational health and safety management systems",
    kind: "management-system",
    links: [
      { clauses: ALL_GROUPS, domains: [], note: "Shared structure for an integrated management system." },
      { clauses: ["8.5"], domains: ["incident", "transport"], note: "Its emergency preparedness overlaps with security plans, and driver and guard safety is a concern of both." },
    ],
  },
  {
    id: "ctpat",
    framework: "CTPAT",
    name: "Customs Trade Partnership Against Terrorism, minimum security criteria (U.S. Customs and Border Protection)",
    kind: "customs-programme",
    links: [
      {
        clauses: ["8.4"],
        domains: ["physical", "personnel", "cargo", "transport", "partner", "procedural", "information"],
        note: "Its criteria on physical access, personnel, conveyance and seal security, business partners, procedures and cybersecurity match most operational domains closely; an SMS supplies the management system around them.",
      },
      { clauses: ["6.1.2"], domains: [], note: "It expects members to assess the security risk of their supply chain, which the SMS risk register records." },
    ],
  },
  {
    id: "wco-safe",
    framework: "WCO SAFE Framework / AEO",
    name: "World Customs Organization SAFE Framework of Standards and Authorized Economic Operator programmes",
    kind: "customs-programme",
    links: [
      {
        clauses: ["8.4"],
        domains: ["physical", "personnel", "cargo", "partner", "procedural", "information", "transport"],
        note: "AEO security conditions cover the same ground as the operational domains; an SMS shows a customs authority that they are met and maintained.",
      },
      { clauses: ["4.2"], domains: [], note: "AEO status and its conditions belong in the legal and regulatory register." },
    ],
  },
  {
    id: "isps",
    framework: "ISPS Code",
    name: "International Ship and Port Facility Security Code (IMO, SOLAS chapter XI-2)",
    kind: "regulation",
    links: [
      {
        clauses: ["8.3", "8.5"],
        domains: ["physical", "cargo", "incident"],
        note: "Port facility security assessments and plans fit within the SMS risk assessment and security plans; the code's three security levels can be aligned with the catalogue's four threat levels in those plans.",
      },
    ],
  },
  {
    id: "nist-sp-800-161",
    framework: "NIST SP 800-161",
    name: "Cybersecurity supply chain risk management practices, with the supply chain risk management (SR) family of NIST SP 800-53",
    kind: "government-guidance",
    links: [
      { clauses: ["6.1.2", "8.4"], domains: ["information", "partner"], note: "Complements the SMS on the cyber side of supplier risk: assessing and controlling suppliers of systems, software and services." },
    ],
  },
] as const satisfies readonly FrameworkMappingDefinition[];

/** One framework mapping. */
export type FrameworkMapping = (typeof FRAMEWORK_MAPPINGS)[number];
