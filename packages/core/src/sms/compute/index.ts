/**
 * The SMS computations an auditor recomputes offline from verified records:
 * the state of the SMS, KPIs with their trends, certification readiness,
 * common gaps, maturity with the clause-by-clause assessment, and what is
 * due. Pure and deterministic: the evaluation day is always an argument.
 */
export { smsState, smsRecord, type SmsStateOptions, type SmsRecordInput, type SmsRef, type SmsState, type SmsEntry, type SmsVersion, type CustodyEntry, type SetAsideRecord, type RedactedRecord, type Replay } from "./records.js";
export * from "./kpis.js";
export * from "./readiness.js";
export * from "./gaps.js";
export * from "./maturity.js";
export * from "./due.js";
