import { describe, expect, it } from "vitest";
import {
  SMS_SCHEMAS,
  SMS_TYPES,
  WORKFLOWS,
  checkSmsVersion,
  isSmsRecordType,
  nextStatuses,
  referencesOf,
  smsJsonSchema,
  validateSmsPayload,
  type SmsRecordType,
} from "../../src/sms/index.js";
import { northgate } from "./fixture.js";

type P = Record<string, unknown>;

// The Northgate fixture: a whole SMS of a logistics operator, one or more record of most types.
const { log } = northgate();
const examples = new Map<SmsRecordType, P>();
for (const r of log.records) if (isSmsRecordType(r.type) && r.payload !== null && !examples.has(r.type)) examples.set(r.type, r.payload as P);

describe("SMS record schemas", () => {
  it("has one schema per record type, and a JSON Schema of each that marks its references", () => {
    expect(Object.keys(SMS_SCHEMAS).sort()).toEqual([...SMS_TYPES].sort());
    for (const t of SMS_TYPES) {
      const s = smsJsonSchema(t) as { type: string; required: string[]; additionalProperties: boolean };
      expect(s.type, t).toBe("object");
      expect(s.required, t).toContain("id");
      expect(s.additionalProperties, t).toBe(false);
    }
    expect(JSON.stringify(smsJsonSchema("sms.risk"))).toContain('"x-sealtrail-ref":"sms.control"');
  });

  it("accepts every record of a realistic SMS", () => {
    expect(examples.size).toBeGreaterThanOrEqual(20);
    for (const r of log.records) {
      if (!isSmsRecordType(r.type) || r.payload === null) continue;
      expect(validateSmsPayload(r.type, r.payload), `${r.type} ${String((r.payload as P).id)}`).toEqual([]);
    }
  });

  it("names each field a payload breaks: unknown, missing, wrong type, out of range, bad date", () => {
    for (const [type, p] of examples) {
      const problems = validateSmsPayload(type, { ...p, surplus: 1, id: undefined });
      expect(problems.map((x) => x.pointer).sort(), type).toEqual(["/id", "/surplus"]);
    }
    const risk = examples.get("sms.risk")!;
    expect(validateSmsPayload("sms.risk", { ...risk, inherent: { likelihood: 0, consequence: 6 } }).map((x) => x.pointer)).toEqual(["/inherent/likelihood", "/inherent/consequence"]);
    expect(validateSmsPayload("sms.risk", { ...risk, assessed: "2026-02-30" }).map((x) => x.pointer)).toEqual(["/assessed"]);
    expect(validateSmsPayload("sms.risk", { ...risk, controls: ["C-1", "C-1"] }).map((x) => x.pointer)).toEqual(["/controls"]);
    expect(validateSmsPayload("sms.control", { ...examples.get("sms.control")!, domain: "space" })[0]!.message).toMatch(/physical/);
    expect(validateSmsPayload("sms.incident", { ...examples.get("sms.incident")!, loss: { amount: 12.5, currency: "EUR" } }).map((x) => x.pointer)).toEqual(["/loss/amount"]);
    expect(validateSmsPayload("sms.risk", null)).toHaveLength(1);
  });

  it("reads a record's references from its schema: arrays, nested fields, optional ones", () => {
    const risk = { ...examples.get("sms.risk")!, controls: ["C-1", "C-2"], subject: { kind: "node", name: "x", supplier: "SUP-9" } };
    expect(referencesOf("sms.risk", risk)).toEqual([
      { pointer: "/subject/supplier", type: "sms.supplier", id: "SUP-9" },
      { pointer: "/controls/0", type: "sms.control", id: "C-1" },
      { pointer: "/controls/1", type: "sms.control", id: "C-2" },
    ]);
    expect(referencesOf("sms.finding", { ...examples.get("sms.finding")!, nonconformity: undefined }).map((r) => r.type)).toEqual(["sms.audit"]);
  });
});

describe("SMS workflows", () => {
  const doc = examples.get("sms.document")!;
  const audit = examples.get("sms.audit")!;

  it("refuses every illegal step of every workflow and accepts every legal one", () => {
    for (const [type, w] of Object.entries(WORKFLOWS) as [SmsRecordType, NonNullable<(typeof WORKFLOWS)[SmsRecordType]>][]) {
      const statuses = Object.keys(w.next);
      for (const from of statuses) {
        for (const to of statuses) {
          const problems = checkSmsVersion(type, { id: "X", status: from }, { id: "X", status: to }).filter((p) => p.pointer === "/status");
          expect(problems.length === 0, `${type}: ${from} -> ${to}`).toBe(w.next[from]!.includes(to));
        }
      }
      for (const first of statuses) {
        const problems = checkSmsVersion(type, null, { id: "X", status: first }).filter((p) => p.pointer === "/status");
        expect(problems.length === 0, `${type}: first ${first}`).toBe(w.initial.includes(first));
      }
    }
  });

  it("names what a status needs: an approval, fieldwork dates, a root cause, verified effectiveness", () => {
    expect(checkSmsVersion("sms.document", null, { ...doc, status: "approved", approvedBy: undefined }).map((p) => p.pointer)).toEqual(["/approvedBy"]);
    expect(checkSmsVersion("sms.audit", { ...audit, status: "planned" }, { ...audit, status: "fieldwork", fieldwork: undefined }).map((p) => p.pointer)).toEqual(["/fieldwork"]);
    expect(checkSmsVersion("sms.nonconformity", { id: "N", status: "open" }, { id: "N", status: "root-cause", actions: [] }).map((p) => p.pointer)).toEqual(["/rootCause"]);
    const closing = { id: "N", status: "closed", rootCause: {}, actions: [{}], closed: "2026-01-01", effectiveness: { effective: false } };
    expect(checkSmsVersion("sms.nonconformity", { id: "N", status: "verification" }, closing).map((p) => p.pointer)).toEqual(["/effectiveness/effective"]);
  });

  it("a new version keeps its record id; types without a workflow change freely", () => {
    expect(checkSmsVersion("sms.control", { id: "C-1", status: "operating" }, { id: "C-2", status: "retired" })).toEqual([{ pointer: "/id", message: "a new version keeps the record id C-1" }]);
    expect(nextStatuses("sms.control", "operating")).toBeNull();
    expect(nextStatuses("sms.audit", null)).toEqual(["planned"]);
    expect(nextStatuses("sms.nonconformity", "closed")).toEqual([]);
  });
});
