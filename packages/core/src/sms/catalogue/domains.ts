/**
 * The eight operational control domains. ISO 28000 prescribes no control
 * list (controls follow from each organisation's own risk assessment, clause
 * 6.1.3); these domains are how assessors group the controls they expect to
 * see operating under clauses 8.4 and 8.5, and the example controls are
 * starting points an organisation adopts, adapts or rejects with a reason.
 *
 * Ids are stable: an `sms.control` record names its domain by id and may
 * name the example control it implements (`catalogueControl`).
 */
import type { ClauseRef } from "./clauses.js";

/** A control objective: what a domain's controls together must achieve. */
export interface ControlObjective {
  readonly id: string;
  readonly statement: string;
}

/** An example control, with a stable id "<domain>.<name>". */
export interface ExampleControl {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/** The shape of one control domain. */
export interface DomainDefinition {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly clauses: readonly ClauseRef[];
  readonly objectives: readonly ControlObjective[];
  readonly controls: readonly ExampleControl[];
}

/**
 * The operational control domains.
 *
 * @example
 * ```ts
 * CONTROL_DOMAINS.find((d) => d.id === "cargo")?.controls.map((c) => c.id) // ["cargo.seal-register", ...]
 * ```
 */
export const CONTROL_DOMAINS = [
  {
    id: "physical",
    title: "Physical and facility security",
    summary: "Protecting the places where goods are made, stored and handled: who and what may enter, how a break-in is noticed, and how the most tempting stock is kept apart.",
    clauses: ["8.4", "8.5"],
    objectives: [
      { id: "physical.objective.controlled-entry", statement: "Only authorised people and vehicles reach secured areas, and each entry can be traced afterwards." },
      { id: "physical.objective.detect-intrusion", statement: "An attempt to breach a boundary is noticed soon enough for someone to respond." },
      { id: "physical.objective.protect-attractive-goods", statement: "Goods that attract theft or misuse are held behind stronger protection than ordinary stock." },
      { id: "physical.objective.working-equipment", statement: "Security equipment is known to work because it is tested and repaired." },
    ],
    controls: [
      { id: "physical.perimeter", title: "Maintained perimeter", description: "Fences, walls and gates around yards and buildings are kept in repair and inspected on a schedule." },
      { id: "physical.access-control", title: "Role-based entry", description: "Badges, keys or guards admit people to areas according to their role, and every entry is logged." },
      { id: "physical.vehicle-gate", title: "Vehicle gate checks", description: "Vehicles are identified and logged at the gate, and private cars park away from docks and trailers." },
      { id: "physical.cctv", title: "Camera coverage", description: "Cameras cover gates, docks and storage areas, and recordings are kept for a set period." },
      { id: "physical.intrusion-alarm", title: "Monitored intrusion alarms", description: "Doors, windows and fences are alarmed to a monitoring point with an agreed response." },
      { id: "physical.lighting", title: "Night lighting", description: "Yards, docks and perimeter are lit well enough for cameras and patrols after dark." },
      { id: "physical.secure-storage", title: "Caged or vaulted storage", description: "High-value, hazardous or controlled goods are kept in a separately locked area with its own access list." },
      { id: "physical.key-register", title: "Key and credential register", description: "Keys, cards and codes are issued, recovered and revoked through a register." },
      { id: "physical.equipment-testing", title: "Equipment tests", description: "Alarms, cameras and locks are tested periodically and failures are logged until fixed." },
    ],
  },
  {
    id: "personnel",
    title: "Personnel security",
    summary: "Making sure the people with access to goods, sites and data can be trusted: screening before they start, supervision of visitors and contractors, and attention to misuse from within.",
    clauses: ["7.2", "7.3", "8.4"],
    objectives: [
      { id: "personnel.objective.trusted-staff", statement: "People in security-sensitive positions have been screened before they take them up." },
      { id: "personnel.objective.supervised-visitors", statement: "Visitors and contractors are identified, authorised and accompanied where needed." },
      { id: "personnel.objective.insider-misuse", statement: "Misuse by insiders is discouraged and has a fair chance of being noticed." },
      { id: "personnel.objective.prompt-revocation", statement: "People who leave or change roles lose access they no longer need without delay." },
    ],
    controls: [
      { id: "personnel.pre-employment-screening", title: "Screening before appointment", description: "Identity, right to work, employment history and, where the law allows, criminal records are checked before a sensitive role starts." },
      { id: "personnel.periodic-rescreening", title: "Periodic rescreening", description: "People in critical roles are screened again at a set interval or after a relevant event." },
      { id: "personnel.visitor-log", title: "Visitor log and escort", description: "Visitors sign in with photo identification, receive a visible pass and are escorted in restricted areas." },
      { id: "personnel.contractor-agreement", title: "Contractor security terms", description: "Contractors accept security obligations in writing, including screening of their own staff." },
      { id: "personnel.id-badges", title: "Identity badges", description: "Staff wear photo badges showing which areas they may enter." },
      { id: "personnel.leaver-revocation", title: "Leaver access removal", description: "Badges, keys and system accounts of leavers are withdrawn on their last day." },
      { id: "personnel.insider-threat-programme", title: "Insider threat programme", description: "Warning signs of insider misuse are defined, watched for and handled confidentially." },
      { id: "personnel.confidential-reporting", title: "Confidential reporting channel", description: "Staff can report suspicious behaviour or conspiracies without fear of reprisal." },
    ],
  },
  {
    id: "information",
    title: "Information and cyber security",
    summary: "Keeping the data that moves goods trustworthy and confidential: manifests, bookings, electronic messages and the systems that steer shipments, in step with the organisation's information security management.",
    clauses: ["7.5", "8.4"],
    objectives: [
      { id: "information.objective.shipment-data-integrity", statement: "Shipment data can be changed only by authorised people, and unauthorised changes are detected." },
      { id: "information.objective.confidentiality", statement: "Routing, timing and content details that would help a criminal are disclosed only to those who need them." },
      { id: "information.objective.system-availability", statement: "Systems that steer shipments stay available or can be restored quickly." },
      { id: "information.objective.isms-alignment", statement: "Supply-chain information risks are managed together with the wider information security system." },
    ],
    controls: [
      { id: "information.data-classification", title: "Data classification", description: "Shipment and security information is labelled by sensitivity, with handling rules per label." },
      { id: "information.access-review", title: "Least privilege with reviews", description: "Accounts on shipment systems get only the rights they need and are reviewed at a set interval." },
      { id: "information.strong-authentication", title: "Strong authentication", description: "Remote and privileged access to shipment systems requires more than a password." },
      { id: "information.message-integrity", title: "Integrity of electronic messages", description: "Manifests and electronic data interchange messages are protected against alteration, for example by signatures or checksums checked on receipt." },
      { id: "information.encryption", title: "Encryption", description: "Sensitive shipment data is encrypted in transit and at rest." },
      { id: "information.security-logging", title: "Security logging", description: "Access to and changes of shipment data are logged, and the logs are reviewed." },
      { id: "information.isms-interface", title: "Interface with the ISMS", description: "Responsibilities shared with the information security management system are written down, such as which risks and controls it owns." },
      { id: "information.backup-restore", title: "Backups with restore tests", description: "Shipment systems are backed up and restoring them is tested." },
    ],
  },
  {
    id: "cargo",
    title: "Cargo and conveyance security",
    summary: "Keeping loads and the containers, trailers and vehicles that carry them free of tampering and hidden additions, with seals and tracking that show whether anything happened on the way.",
    clauses: ["8.4"],
    objectives: [
      { id: "cargo.objective.tamper-evident", statement: "Any interference with a load between stuffing and delivery leaves visible evidence." },
      { id: "cargo.objective.clean-conveyance", statement: "Containers, trailers and vehicles are free of hidden compartments and tampering before they are loaded." },
      { id: "cargo.objective.seal-accounting", statement: "Every seal is accounted for from stock to removal, and its number is checked at each handover." },
      { id: "cargo.objective.visible-movement", statement: "Where a load is and whether it is moving as planned can be seen." },
    ],
    controls: [
      { id: "cargo.seal-register", title: "Seal register", description: "High-security seals meeting ISO 17712 are issued from a register that records each number, who applied it, to which conveyance, and when it was removed." },
      { id: "cargo.seal-stock", title: "Locked seal stock", description: "Unused seals are stored locked and handed out only by named people." },
      { id: "cargo.seal-verification", title: "Seal checks at handover", description: "At every handover the seal is inspected for damage, pulled and turned to test it, and its number compared with the documents." },
      { id: "cargo.conveyance-inspection", title: "Conveyance inspection", description: "Each container or trailer is inspected at its standard points (walls, floor, ceiling, doors, undercarriage) before loading, with a signed checklist." },
      { id: "cargo.load-supervision", title: "Supervised loading", description: "Loading and sealing are watched by a responsible person and recorded." },
      { id: "cargo.tamper-evident-packaging", title: "Tamper-evident packaging", description: "High-risk goods are packed with tape or wrap that shows any opening." },
      { id: "cargo.tracking", title: "Tracking and telematics", description: "Conveyances carry tracking that raises alerts on route deviation, unplanned stops or door openings." },
      { id: "cargo.high-risk-designation", title: "High-risk goods list", description: "Goods favoured by thieves, dangerous goods, controlled items and goods on which safety depends are listed and handled more strictly." },
    ],
  },
  {
    id: "transport",
    title: "Transport and route security",
    summary: "Moving goods along routes whose dangers are known, with drivers who follow security rules, safe places to stop, and someone watching for a journey that goes wrong.",
    clauses: ["8.3", "8.4"],
    objectives: [
      { id: "transport.objective.known-route-risk", statement: "The dangers of each regular route are assessed before it is used." },
      { id: "transport.objective.driver-discipline", statement: "Drivers know the security rules of their journey and keep to them." },
      { id: "transport.objective.safe-stops", statement: "Loaded vehicles stop only in places judged safe." },
      { id: "transport.objective.deviation-response", statement: "A vehicle that leaves its plan is noticed and followed up quickly." },
    ],
    controls: [
      { id: "transport.route-risk-assessment", title: "Route risk assessment", description: "Routes are assessed for theft hot spots, border crossings and unsafe areas, and reassessed after incidents." },
      { id: "transport.secure-parking", title: "Secure parking", description: "Overnight and rest stops use guarded or certified secure parking." },
      { id: "transport.driver-briefing", title: "Driver briefing", description: "Before departure drivers are briefed on the route, stops, contacts and what to do if stopped or threatened." },
      { id: "transport.no-unplanned-stops", title: "No unplanned stops", description: "Stops outside the plan are forbidden unless reported, and loaded vehicles are never left unattended." },
      { id: "transport.check-calls", title: "Scheduled check calls", description: "Drivers report in at set points, and a missed report is escalated." },
      { id: "transport.escort", title: "Escort or convoy", description: "The highest-risk loads travel with an escort or in convoy." },
      { id: "transport.geofence-alerts", title: "Geofence alerts", description: "Leaving a planned corridor raises an alert to a monitoring desk with a set response time." },
    ],
  },
  {
    id: "partner",
    title: "Business-partner and supplier security",
    summary: "Extending security to the carriers, forwarders, warehouses and suppliers the organisation depends on: requirements in proportion to their tier, written into contracts, checked and followed up.",
    clauses: ["8.1", "8.4"],
    objectives: [
      { id: "partner.objective.proportionate-requirements", statement: "Each partner meets security requirements proportionate to its tier." },
      { id: "partner.objective.contractual-basis", statement: "Security requirements are binding through contract, not goodwill." },
      { id: "partner.objective.timely-assurance", statement: "Assurance over each partner is obtained by the method and at the interval its tier requires." },
      { id: "partner.objective.remediation", statement: "Weaknesses found at partners are fixed within agreed deadlines." },
      { id: "partner.objective.sub-tier-visibility", statement: "Exposure beyond direct partners, through their own subcontractors, is known." },
    ],
    controls: [
      { id: "partner.tiering", title: "Tiering with rationale", description: "Every partner is tiered from its criticality factors, and the reasoning is recorded." },
      { id: "partner.security-questionnaire", title: "Security questionnaire", description: "Partners answer a questionnaire on their security practices, scaled to their tier." },
      { id: "partner.direct-audit", title: "On-site audit", description: "Critical partners are audited at their premises by competent auditors." },
      { id: "partner.contract-annex", title: "Security annex in contracts", description: "Contracts carry security obligations, incident notification duties and a right to audit." },
      { id: "partner.approved-list", title: "Approved partner list", description: "Only partners on an approved list, whose assurance is current, receive work." },
      { id: "partner.remediation-tracking", title: "Remediation tracking", description: "Findings at partners become actions with owners and dates, followed until closed." },
      { id: "partner.certificate-recognition", title: "Recognition of certificates", description: "Valid certificates such as AEO, C-TPAT or ISO 28000 are verified and counted as part of the assurance." },
      { id: "partner.flow-down", title: "Flow-down to subcontractors", description: "Partners disclose their subcontractors and pass the security requirements on to them." },
    ],
  },
  {
    id: "procedural",
    title: "Procedural security",
    summary: "Making paperwork and custody match reality: accurate documents, every handover accounted for, discrepancies investigated and goods arriving where they were meant to.",
    clauses: ["8.1", "8.4"],
    objectives: [
      { id: "procedural.objective.accurate-documents", statement: "Shipping documents describe the goods actually shipped." },
      { id: "procedural.objective.accounted-custody", statement: "Each change of custody is recorded, so responsibility is known at every moment." },
      { id: "procedural.objective.investigated-discrepancies", statement: "Shortages, overages and mismatches are investigated and explained." },
      { id: "procedural.objective.no-diversion", statement: "Goods reach the intended consignee and are not diverted on the way." },
    ],
    controls: [
      { id: "procedural.manifest-verification", title: "Manifest checks", description: "Quantities, weights and descriptions on manifests are compared with the goods before departure." },
      { id: "procedural.custody-handover", title: "Recorded custody handovers", description: "Every handover is recorded with time, place, parties and seal number, for example as EPCIS events." },
      { id: "procedural.reconciliation", title: "Reconciliation", description: "Shipped and received quantities are reconciled against orders and manifests." },
      { id: "procedural.discrepancy-log", title: "Discrepancy log", description: "Every mismatch is logged, investigated and closed with its explanation." },
      { id: "procedural.consignee-verification", title: "Consignee and delivery checks", description: "Changes of consignee or delivery address are verified through a separate channel before being acted on." },
      { id: "procedural.segregation-of-duties", title: "Separated duties", description: "Ordering, receiving, shipping and record keeping are not all in one person's hands." },
      { id: "procedural.procedure-control", title: "Controlled procedures", description: "Security procedures are approved, versioned and available where the work is done." },
    ],
  },
  {
    id: "incident",
    title: "Incident, threat and crisis management",
    summary: "Being ready for things to go wrong: posture that rises with the threat level, incidents reported and investigated, authorities involved when needed, and plans that have been practised.",
    clauses: ["8.5", "10.2"],
    objectives: [
      { id: "incident.objective.prompt-reporting", statement: "Incidents and suspicions are reported quickly and recorded fully." },
      { id: "incident.objective.graded-posture", statement: "Protective measures rise and fall with the threat level in force." },
      { id: "incident.objective.learning", statement: "Each significant incident is investigated and its lessons are acted on." },
      { id: "incident.objective.authority-liaison", statement: "Authorities are notified and worked with as law and prudence require." },
      { id: "incident.objective.recovery", statement: "Operations return to normal in a controlled way after an incident." },
    ],
    controls: [
      { id: "incident.reporting-channel", title: "Reporting channel", description: "A known, always-available way to report incidents and suspicious activity." },
      { id: "incident.register", title: "Incident register", description: "Every incident is recorded with category, place, severity, timeline and losses." },
      { id: "incident.threat-level-escalation", title: "Threat-level escalation", description: "Who may raise the threat level, on what information, and which measures each level adds, is agreed in advance." },
      { id: "incident.investigation", title: "Investigation", description: "Significant incidents are investigated to find how they happened, and the findings feed corrective action." },
      { id: "incident.authority-liaison", title: "Liaison with authorities", description: "Contacts at police, customs and other authorities are maintained, and notifications are recorded." },
      { id: "incident.security-plans", title: "Security plans per condition", description: "Plans for normal operations, each raised threat level, incidents and recovery are written and approved." },
      { id: "incident.exercise-programme", title: "Exercise programme", description: "Plans are tested by drills and tabletop exercises on a schedule, and the issues found are closed." },
      { id: "incident.crisis-team", title: "Crisis team", description: "A crisis team with deputies, authority and a meeting point is named before it is needed." },
    ],
  },
] as const satisfies readonly DomainDefinition[];

/** One operational control domain. */
export type Domain = (typeof CONTROL_DOMAINS)[number];

/** A control domain id ("physical", "cargo", ...). */
export type DomainId = Domain["id"];

/** The id of an example control ("cargo.seal-register", ...). */
export type ExampleControlId = Domain["controls"][number]["id"];
