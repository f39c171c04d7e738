/**
 * Every SMS record type takes the optional `attachments` member (one shared
 * definition), checked as core's attachment rules check it; evidence that
 * expires is due on its expiry date for the record's owner.
 */
import { describe, expect, it } from "vitest";
import { validateSmsPayload, smsJsonSchema } from "../../src/sms/schemas/index.js";
import { SMS_TYPES } from "../../src/sms/record-types.js";
import { dueItems, smsState } from "../../src/sms/compute/index.js";
import { D, northgate } from "./fixture.js";

const policyPdf = { sha256: "a".repeat(64), length: 1024, mediaType: "application/pdf", name: "Security policy v3.pdf", effective: "2026-01-01" };
const certificate = { sha256: "b".repeat(64), length: 2048, mediaType: "image/png", name: "AEO certificate.png", effective: "2025-04-01", expires: "2026-04-15" };

describe("attachments on SMS records", () => {
  it("every SMS type's payload in the fixture stays valid with attachments, and refuses a bad one naming its pointer", () => {
    const { log } = northgate();
    const seen = new Set<string>();
    for (const r of log.records) {
      if (!r.type.startsWith("sms.") || seen.has(r.type) || r.payload === null) continue;
      seen.add(r.type);
      const type = r.type as (typeof SMS_TYPES)[number];
      const p = r.payload as Record<string, unknown>;
      expect(validateSmsPayload(type, p), type).toEqual([]);
      expect(validateSmsPayload(type, { ...p, attachments: [policyPdf, certificate] }), type).toEqual([]);
      expect(validateSmsPayload(type, { ...p, attachments: [policyPdf, { ...certificate, name: "certs/aeo.png" }] }).map((x) => x.pointer), type).toEqual(["/attachments/1/name"]);
      expect(validateSmsPayload(type, { ...p, attachments: [policyPdf, policyPdf] }).map((x) => x.pointer), type).toEqual(["/attachments/1/sha256"]);
    }
    // The fixture has a record of nearly every type; the schema of each type carries the member.
    expect(seen.size).toBeGreaterThan(20);
    for (const t of SMS_TYPES) expect((smsJsonSchema(t).properties as Record<string, unknown>).attachments, t).toBeDefined();
  });
});

describe("dueItems: expiring evidence", () => {
  const evidence = (items: ReturnType<typeof dueItems>) =>
    items.owners.flatMap((o) => o.items.filter((i) => i.kind === "evidence-expiry").map((i) => `${o.owner}: ${i.ref.id} ${i.due}${i.overdue ? " overdue" : ""} ${i.title}`));

  it("lists each attachment's expiry for the record's owner, overdue once past", () => {
    const { log } = northgate();
    expect(evidence(dueItems(smsState(log.records), D))).toEqual([]);
    log.change("sms.document", "DOC-POL", { attachments: [policyPdf, certificate] });
    const assessment = (log.records.find((r) => r.type === "sms.supplier-assessment")!.payload as { id: string }).id;
    log.change("sms.supplier-assessment", assessment, {
      attachments: [{ ...certificate, sha256: "c".repeat(64), expires: "2026-03-30" }],
    });
    const r = dueItems(smsState(log.records), D);
    const lines = evidence(r);
    expect(lines).toHaveLength(2);
    expect(lines).toContain('Ana Ruiz (northgate): DOC-POL 2026-04-15 evidence "AEO certificate.png" of sms.document DOC-POL expires');
    // The assessment names no owner: unassigned, and a day overdue on D.
    expect(lines.filter((l) => l.startsWith("(unassigned)") && l.includes("2026-03-30 overdue"))).toHaveLength(1);
    const item = r.owners.flatMap((o) => o.items).find((i) => i.kind === "evidence-expiry" && i.ref.id === "DOC-POL")!;
    expect(item.daysLeft).toBe(15);
  });

  it("counts only the latest version of a live record", () => {
    const { log } = northgate();
    log.change("sms.document", "DOC-POL", { attachments: [certificate] });
    // A new version with a renewed certificate replaces the expiring one.
    log.change("sms.document", "DOC-POL", { attachments: [{ ...certificate, sha256: "d".repeat(64), expires: "2027-04-15" }] });
    const items = dueItems(smsState(log.records), D).owners.flatMap((o) => o.items).filter((i) => i.kind === "evidence-expiry");
    expect(items.map((i) => `${i.ref.id} ${i.due}`)).toEqual(["DOC-POL 2027-04-15"]);
    // A withdrawn document's evidence is no longer relied on.
    log.change("sms.document", "DOC-POL", { status: "withdrawn" });
    expect(evidence(dueItems(smsState(log.records), D))).toEqual([]);
  });
});
