/**
 * The ten roles of a supply-chain SMS, with their responsibilities and a
 * RACI per clause group (clause 5.3 asks that roles, responsibilities and
 * authorities be assigned and understood). Role ids are those of the `role`
 * field of `sms.role` records, whose own `raci` may refine this default per
 * clause.
 */
import type { ClauseGroupId, ClauseRef } from "./clauses.js";

/**
 * Responsible (does the work), Accountable (answers for it; one per clause
 * group), Consulted (asked before), Informed (told after).
 */
export type Raci = "R" | "A" | "C" | "I";

/** The shape of one role. */
export interface RoleDefinition {
  readonly id: string;
  readonly title: string;
  readonly responsibilities: readonly string[];
  /** The clauses the role is chiefly linked to. */
  readonly clauses: readonly ClauseRef[];
  /** The role's part in each clause group. */
  readonly raci: { readonly [G in ClauseGroupId]: Raci };
}

// Top management is accountable for every clause group: clause 5.1 makes
// accountability for the SMS its own and it cannot be delegated, while the
// work itself (R) is spread over the roles that do it.
/**
 * The SMS roles, from top management to every member of staff.
 *
 * @example
 * ```ts
 * SMS_ROLES.find((r) => r.id === "internal-audit")?.raci["9"] // "R"
 * ```
 */
export const SMS_ROLES = [
  {
    id: "top-management",
    title: "Top management",
    responsibilities: [
      "Answer for the SMS and make it part of how the business is run",
      "Approve the security policy and the resources the system needs",
      "Chair the management review and see its decisions through",
    ],
    clauses: ["5.1", "5.2", "9.3"],
    raci: { "4": "A", "5": "A", "6": "A", "7": "A", "8": "A", "9": "A", "10": "A" },
  },
  {
    id: "security-manager",
    title: "Security manager",
    responsibilities: [
      "Set up, run and keep the SMS current on top management's behalf",
      "Coordinate risk assessment, internal audits and improvement work",
      "Report on the system's performance to top management",
    ],
    clauses: ["5.3", "6", "9"],
    raci: { "4": "R", "5": "R", "6": "R", "7": "R", "8": "C", "9": "R", "10": "R" },
  },
  {
    id: "risk-owner",
    title: "Risk owner",
    responsibilities: ["Own the security risks of an area, approve how they are treated, and accept or reject what remains", "Keep treatments in their area on track"],
    clauses: ["6.1.3", "8.3"],
    raci: { "4": "C", "5": "I", "6": "R", "7": "I", "8": "C", "9": "C", "10": "R" },
  },
  {
    id: "site-security-officer",
    title: "Site security officer",
    responsibilities: ["Operate a site's everyday controls over premises, people and procedures", "Record control operation and report incidents at the site", "Carry out the site's part of the security plans"],
    clauses: ["8.4", "8.5"],
    raci: { "4": "C", "5": "I", "6": "C", "7": "C", "8": "R", "9": "C", "10": "C" },
  },
  {
    id: "logistics-manager",
    title: "Logistics and transport manager",
    responsibilities: ["Apply cargo, conveyance and route controls to goods on the move", "Brief drivers and select secure routes and stops", "Follow up transport incidents and custody exceptions"],
    clauses: ["8.2", "8.3", "8.4", "8.5"],
    raci: { "4": "C", "5": "I", "6": "C", "7": "I", "8": "R", "9": "C", "10": "C" },
  },
  {
    id: "procurement",
    title: "Procurement and supplier management",
    responsibilities: ["Place security requirements on suppliers and partners through contracts", "Tier partners and obtain the assurance their tier requires", "Track remediation of findings at partners"],
    clauses: ["8.1", "8.4"],
    raci: { "4": "C", "5": "I", "6": "C", "7": "I", "8": "R", "9": "C", "10": "C" },
  },
  {
    id: "information-security",
    title: "Information security lead",
    responsibilities: ["Protect shipment data and SMS records", "Keep the SMS aligned with the information security management system", "Operate the information domain's controls"],
    clauses: ["7.5", "8.4"],
    raci: { "4": "C", "5": "I", "6": "C", "7": "R", "8": "R", "9": "C", "10": "C" },
  },
  {
    id: "hr",
    title: "Human resources",
    responsibilities: ["Screen people before they start in sensitive roles", "Keep competence, training and awareness records", "Withdraw access when people leave"],
    clauses: ["7.2", "7.3", "8.4"],
    raci: { "4": "I", "5": "I", "6": "I", "7": "R", "8": "R", "9": "I", "10": "I" },
  },
  {
    id: "internal-audit",
    title: "Internal audit",
    responsibilities: ["Audit the SMS independently against the standard and the organisation's own rules", "Report findings to management and follow them to closure"],
    clauses: ["9.2"],
    raci: { "4": "I", "5": "I", "6": "I", "7": "I", "8": "I", "9": "R", "10": "C" },
  },
  {
    id: "staff",
    title: "Employees and contractors",
    responsibilities: ["Work by the security procedures that apply to them", "Report incidents, suspicions and weaknesses they notice"],
    clauses: ["7.3", "10.2"],
    raci: { "4": "I", "5": "I", "6": "I", "7": "I", "8": "R", "9": "I", "10": "C" },
  },
] as const satisfies readonly RoleDefinition[];

/** One SMS role. */
export type SmsRole = (typeof SMS_ROLES)[number];

/** A role id, as the `role` field of `sms.role` writes it. */
export type SmsRoleId = SmsRole["id"];
