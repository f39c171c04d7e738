/**
 * Splits an EPCIS 2.0 JSON document, as received, into its header and the
 * byte ranges of its events, without parsing the events: a capture of
 * 100,000 events then holds the document once (its bytes) and parses,
 * validates and stores the events a slice at a time.
 */
import { SealTrailError, parseIJson, type JsonValue } from "@sealtrail/core";

/** A document split into its header and event byte ranges. */
export interface ScannedDocument {
  /** Every member of the document, with `epcisBody.eventList` emptied. */
  readonly header: Record<string, JsonValue>;
  /** [start, end) byte offsets of each event of `epcisBody.eventList`, in order. */
  readonly events: readonly (readonly [number, number])[];
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Scan `bytes` (UTF-8 JSON). Raises `malformed` with the byte offset when the
 * structure is not JSON or the document has no `epcisBody.eventList` array;
 * the header's values and each event are parsed (and so fully checked) by
 * whoever reads them.
 *
 * @example
 * ```ts
 * const { header, events } = scanEpcisDocument(body);
 * const first = parseEvent(body, events[0]);
 * ```
 */
export function scanEpcisDocument(bytes: Uint8Array): ScannedDocument {
  let i = 0;
  const fail = (msg: string): never => {
    throw new SealTrailError("malformed", `EPCIS document: ${msg} at byte ${i}`);
  };
  const ws = (): void => {
    while (i < bytes.length && WS.has(bytes[i]!)) i++;
  };
  const expect = (c: number, what: string): void => {
    ws();
    if (bytes[i] !== c) fail(`expected ${what}`);
    i++;
  };
  // Skip one JSON string, i at its opening quote; returns its end (exclusive).
  const skipString = (): number => {
    i++;
    while (i < bytes.length) {
      const c = bytes[i]!;
      if (c === 0x5c) i += 2;
      else if (c === 0x22) return ++i;
      else if (c < 0x20) fail("control character in a string");
      else i++;
    }
    return fail("unterminated string");
  };
  // Skip one JSON value; returns [start, end).
  const skipValue = (): [number, number] => {
    ws();
    const start = i;
    const c = bytes[i];
    if (c === 0x22) {
      skipString();
      return [start, i];
    }
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      while (i < bytes.length) {
        const d = bytes[i]!;
        if (d === 0x22) {
          skipString();
          continue;
        }
        if (d === 0x7b || d === 0x5b) depth++;
        else if (d === 0x7d || d === 0x5d) {
          depth--;
          if (depth === 0) {
            i++;
            return [start, i];
          }
        }
        i++;
      }
      return fail("unterminated object or array");
    }
    // A number, true, false or null: up to the next delimiter.
    while (i < bytes.length && !WS.has(bytes[i]!) && bytes[i] !== 0x2c && bytes[i] !== 0x7d && bytes[i] !== 0x5d) i++;
    if (i === start) fail("expected a value");
    return [start, i];
  };
  const parseSlice = (r: readonly [number, number], what: string): JsonValue => parseIJson(bytes.subarray(r[0], r[1]), what);
  const key = (): string => {
    ws();
    if (bytes[i] !== 0x22) fail("expected a member name");
    const start = i;
    skipString();
    return parseSlice([start, i], "EPCIS document member name") as string;
  };
  // Members of an object, i at "{": calls visit(name) which must consume the value.
  const members = (visit: (name: string) => void): void => {
    expect(0x7b, '"{"');
    ws();
    if (bytes[i] === 0x7d) {
      i++;
      return;
    }
    for (;;) {
      const name = key();
      expect(0x3a, '":"');
      visit(name);
      ws();
      if (bytes[i] === 0x2c) {
        i++;
        continue;
      }
      if (bytes[i] === 0x7d) {
        i++;
        return;
      }
      fail('expected "," or "}"');
    }
  };

  const header: Record<string, JsonValue> = {};
  const events: [number, number][] = [];
  let sawList = false;
  members((name) => {
    if (name !== "epcisBody") {
      header[name] = parseSlice(skipValue(), `EPCIS document: ${name}`);
      return;
    }
    ws();
    if (bytes[i] !== 0x7b) fail("epcisBody must be an object");
    const eventList = (): void => {
      sawList = true;
      expect(0x5b, "eventList to be an array");
      ws();
      if (bytes[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        events.push(skipValue());
        ws();
        if (bytes[i] === 0x2c) {
          i++;
          continue;
        }
        if (bytes[i] === 0x5d) {
          i++;
          return;
        }
        fail('expected "," or "]" in eventList');
      }
    };
    // Members of an object, with `eventList` (where the events are) left empty and the rest parsed.
    const withEvents = (path: string, inner: Record<string, (into: Record<string, JsonValue>) => void>): Record<string, JsonValue> => {
      const obj: Record<string, JsonValue> = {};
      members((name) => {
        const visit = inner[name];
        if (visit !== undefined) visit(obj);
        else obj[name] = parseSlice(skipValue(), `EPCIS document: ${path}.${name}`);
      });
      return obj;
    };
    const list = (into: Record<string, JsonValue>): void => {
      eventList();
      into.eventList = [];
    };
    // An EPCISDocument holds epcisBody.eventList; an EPCISQueryDocument, epcisBody.queryResults.resultsBody.eventList.
    const body = withEvents("epcisBody", {
      eventList: list,
      queryResults: (into) => {
        ws();
        if (bytes[i] !== 0x7b) fail("queryResults must be an object");
        into.queryResults = withEvents("epcisBody.queryResults", {
          resultsBody: (qr) => {
            ws();
            if (bytes[i] !== 0x7b) fail("resultsBody must be an object");
            qr.resultsBody = withEvents("epcisBody.queryResults.resultsBody", { eventList: list });
          },
        });
      },
    });
    header.epcisBody = body;
  });
  ws();
  if (i !== bytes.length) fail("unexpected data after the document");
  if (!sawList) throw new SealTrailError("malformed", "EPCIS document: epcisBody.eventList (or epcisBody.queryResults.resultsBody.eventList) is missing");
  return { header, events };
}

/**
 * Parse one event of a scanned document.
 *
 * @example
 * ```ts
 * const event = parseEvent(body, scanned.events[3], 3);
 * ```
 */
export function parseEvent(bytes: Uint8Array, range: readonly [number, number], n = 0): JsonValue {
  return parseIJson(bytes.subarray(range[0], range[1]), `event ${n}`);
}
