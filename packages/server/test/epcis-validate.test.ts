import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEpcisValidator } from "../src/custody/epcis-validate.js";

// GS1's example documents and official schema (testdata/epcis-examples/SOURCE.md).
const DIR = new URL("../../../testdata/epcis-examples/", import.meta.url);
const docs = readdirSync(DIR)
  .filter((f) => f.endsWith(".jsonld"))
  .map((f) => ({ file: f, doc: JSON.parse(readFileSync(new URL(f, DIR), "utf8")) as Record<string, unknown> }))
  .filter(({ doc }) => doc.type === "EPCISDocument" || doc.type === "EPCISQueryDocument");
const validator = createEpcisValidator();
const eventsOf = (doc: Record<string, unknown>): Record<string, unknown>[] => {
  const body = doc.epcisBody as { eventList?: Record<string, unknown>[]; queryResults?: { resultsBody: { eventList: Record<string, unknown>[] } } };
  return body.eventList ?? body.queryResults!.resultsBody.eventList;
};
const check = (doc: Record<string, unknown>) => [...validator.header(doc), ...eventsOf(doc).flatMap((e, i) => validator.event(e, `event ${i}`))];
const sample = () => structuredClone(docs.find((d) => d.file === "Example_9.6.1-ObjectEvent.jsonld")!.doc);

describe("EPCIS 2.0.1 JSON Schema validation", () => {
  it("accepts every GS1 example document", () => {
    expect(docs.length).toBeGreaterThan(40);
    for (const { file, doc } of docs) expect(check(doc), file).toEqual([]);
  });

  it("refuses malformed documents, naming the event and the field", () => {
    const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
      ["bad time", (d) => (eventsOf(d)[1]!.eventTime = "2005-04-03 20:33:31"), /event 1: \/eventTime: must match format "date-time"/],
      ["wrong type of field", (d) => (eventsOf(d)[0]!.epcList = "urn:epc:id:sgtin:0614141.107346.2017"), /event 0: \/epcList: must be array/],
      ["unknown event type", (d) => (eventsOf(d)[0]!.type = "TeleportEvent"), /event 0: \/type: "TeleportEvent" is not an EPCIS 2\.0 event type/],
      ["bad action", (d) => (eventsOf(d)[0]!.action = "MOVE"), /event 0: \/action: must be equal to one of the allowed values/],
      ["missing action", (d) => delete eventsOf(d)[0]!.action, /event 0: \/: must have required property 'action'/],
      ["unknown bizStep word", (d) => (eventsOf(d)[0]!.bizStep = "teleporting"), /event 0: \/bizStep/],
      ["header without schemaVersion", (d) => delete d.schemaVersion, /document: \/: must have required property 'schemaVersion'/],
      ["header with bad creationDate", (d) => (d.creationDate = "yesterday"), /document: \/creationDate/],
    ];
    for (const [what, mutate, msg] of cases) {
      const d = sample();
      mutate(d);
      const problems = check(d);
      expect(problems.length, what).toBeGreaterThan(0);
      expect(problems.join("\n"), what).toMatch(msg);
    }
  });

  it("requires @context on an event sent on its own", () => {
    const e = eventsOf(sample())[0]!;
    expect(validator.standaloneEvent(e).join("\n")).toMatch(/@context/);
    expect(validator.standaloneEvent({ ...e, "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"] })).toEqual([]);
  });
});
