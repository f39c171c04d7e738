/**
 * The workflows of SMS records, as pure rules over a record's previous
 * version and the new one: which status may follow which, and what a status
 * requires of the payload. The server refuses an illegal step at append;
 * the UI offers only the legal ones ({@link nextStatuses}); an auditor's
 * verifier applies the same rules to the versions in a bundle.
 */
import type { SmsRecordType } from "./record-types.js";
import { requireObject } from "../args.js";
import { SealTrailError } from "../errors.js";
import { checkSmsType } from "./check-type.js";
import type { SmsProblem } from "./schemas/index.js";

type Payload = Readonly<Record<string, unknown>>;

/** A workflow: the statuses a first version may have, the steps, and what each status requires. */
export interface Workflow {
  readonly initial: readonly string[];
  readonly next: Readonly<Record<string, readonly string[]>>;
  /** Problems with a payload in this status (fields the status needs). */
  readonly requires?: (status: string, p: Payload) => SmsProblem[];
}

const need = (p: Payload, field: string, status: string): SmsProblem[] =>
  p[field] === undefined ? [{ pointer: `/${field}`, message: `required once the status is ${status}` }] : [];

/** The workflows, by record type; types without one may change freely between versions. */
export const WORKFLOWS: Partial<Record<SmsRecordType, Workflow>> = {
  "sms.document": {
    initial: ["draft", "approved"],
    next: { draft: ["draft", "approved", "withdrawn"], approved: ["approved", "draft", "superseded", "withdrawn"], superseded: [], withdrawn: [] },
    requires: (s, p) => (s === "approved" ? [...need(p, "approvedBy", s), ...need(p, "approvedAt", s)] : []),
  },
  "sms.audit": {
    initial: ["planned"],
    next: {
      planned: ["planned", "fieldwork"],
      fieldwork: ["fieldwork", "findings"],
      findings: ["findings", "reported"],
      reported: ["reported", "followed-up"],
      "followed-up": ["followed-up"],
    },
    requires: (s, p) => [
      ...(["fieldwork", "findings", "reported", "followed-up"].includes(s) ? need(p, "fieldwork", s) : []),
      ...(["reported", "followed-up"].includes(s) ? need(p, "reported", s) : []),
    ],
  },
  "sms.nonconformity": {
    initial: ["open"],
    next: {
      open: ["open", "root-cause"],
      "root-cause": ["root-cause", "actions"],
      actions: ["actions", "verification"],
      // An action found ineffective goes back to actions.
      verification: ["verification", "actions", "closed"],
      closed: [],
    },
    requires: (s, p) => {
      const out: SmsProblem[] = [];
      if (["root-cause", "actions", "verification", "closed"].includes(s)) out.push(...need(p, "rootCause", s));
      if (["actions", "verification", "closed"].includes(s) && (!Array.isArray(p.actions) || p.actions.length === 0)) {
        out.push({ pointer: "/actions", message: `at least one corrective action once the status is ${s}` });
      }
      if (s === "closed") {
        out.push(...need(p, "effectiveness", s), ...need(p, "closed", s));
        const e = p.effectiveness as { effective?: boolean } | undefined;
        if (e !== undefined && e.effective !== true) out.push({ pointer: "/effectiveness/effective", message: "a nonconformity closes only once its actions were verified effective" });
      }
      return out;
    },
  },
  "sms.incident": {
    initial: ["open", "investigating", "contained", "closed"],
    next: { open: ["open", "investigating", "contained", "closed"], investigating: ["investigating", "contained", "closed"], contained: ["contained", "closed"], closed: ["closed"] },
    requires: (s, p) => (s === "closed" ? need(p, "closed", s) : []),
  },
};

/**
 * The statuses a record of `type` may move to from `status` (from nothing:
 * the statuses a first version may have); null when the type has no workflow.
 *
 * @example
 * ```ts
 * nextStatuses("sms.audit", "planned") // ["planned", "fieldwork"]
 * ```
 */
export function nextStatuses(type: SmsRecordType, status: string | null): readonly string[] | null {
  checkSmsType(type, "nextStatuses");
  if (status !== null && typeof status !== "string") throw new SealTrailError("malformed", "nextStatuses: status must be a string or null");
  const w = WORKFLOWS[type];
  if (w === undefined) return null;
  return status === null ? w.initial : (w.next[status] ?? []);
}

/**
 * The problems of a new version (`previous` null for a first version): its
 * record id kept, and a legal workflow step with what the new status requires.
 *
 * @example
 * ```ts
 * checkSmsVersion("sms.audit", { id: "A-1", status: "planned" }, { id: "A-1", status: "reported" })
 * // [{ pointer: "/status", message: "an sms.audit cannot go from planned to reported; ..." }]
 * ```
 */
export function checkSmsVersion(type: SmsRecordType, previous: Payload | null, next: Payload): SmsProblem[] {
  checkSmsType(type, "checkSmsVersion");
  if (previous !== null) requireObject(previous, "checkSmsVersion: previous version");
  requireObject(next, "checkSmsVersion: next version");
  const out: SmsProblem[] = [];
  if (previous !== null && previous.id !== next.id) {
    out.push({ pointer: "/id", message: `a new version keeps the record id ${String(previous.id)}` });
  }
  const w = WORKFLOWS[type];
  if (w === undefined) return out;
  const from = previous === null ? null : String(previous.status);
  const to = String(next.status);
  const legal = nextStatuses(type, from) ?? [];
  if (!legal.includes(to)) {
    const options = legal.length === 0 ? "it is final" : `legal: ${legal.join(", ")}`;
    out.push({ pointer: "/status", message: from === null ? `a new ${type} cannot start as ${to} (${options})` : `an ${type} cannot go from ${from} to ${to} (${options})` });
  }
  if (w.requires !== undefined) out.push(...w.requires(to, next));
  return out;
}
