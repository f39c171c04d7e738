/**
 * verifyBundleText against verifyBundle(JSON.parse(text)): the text route
 * (records parsed one at a time from their own slices, bundle/text.ts) must
 * give the very same report as the object route for every text, and for a
 * text that is not JSON a bundle_malformed report, never a throw. Real log,
 * real keys, real witness cosignatures (helpers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64, utf8 } from "../../src/bytes.js";
import { pureCryptoBackend, setCryptoBackend } from "../../src/crypto.js";
import { verifyPackedSignatures } from "../../src/signature-batch.js";
import { nodeCryptoBackend } from "../../src/crypto-node.js";
import {
  BundleTextSplitError,
  parseVerificationPolicy,
  splitBundleBytes,
  splitBundleText,
  verifyBundle,
  verifyBundleBytes,
  verifyBundleText,
  type BundleFailureCode,
  type BundleReport,
  type EvidenceBundle,
  type VerificationPolicy,
  type VerifyBundleOptions,
} from "../../src/bundle/index.js";
import { TestLog, anchorVerifiers, codes, recordCodes, assemble, copy, makeWitness, testAnchor, type Author, type Logged } from "./helpers.js";
// The seeded PRNG the server's crash tests use: the fuzz loop is reproducible.
import { mulberry32 } from "../../../server/test/fixtures/prng.mjs";

/** The routes over one text (text, bytes, object); the object route only when the text is JSON. */
async function both(text: string, policy: unknown, options: VerifyBundleOptions = {}): Promise<{ textReport: BundleReport; objectReport: BundleReport | null }> {
  const textReport = await verifyBundleText(text, policy, options);
  // The file's bytes give the very same report as its text.
  expect(await verifyBundleBytes(utf8(text), policy, options)).toEqual(textReport);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { textReport, objectReport: null };
  }
  return { textReport, objectReport: await verifyBundle(parsed, policy, options) };
}

/** The invariant: JSON → same report as the object route; not JSON → bundle_malformed alone, no records. */
async function expectSameVerdict(text: string, policy: unknown, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const { textReport, objectReport } = await both(text, policy, options);
  if (objectReport === null) {
    expect(textReport.ok).toBe(false);
    expect(textReport.failures.map((f) => f.code)).toEqual(["bundle_malformed"]);
    expect(textReport.records).toEqual([]);
  } else {
    expect(textReport).toEqual(objectReport);
  }
  return textReport;
}


// Payload texts the split must not be fooled by: they hold, inside strings,
// the very separators it searches for, non-ASCII text and backslashes.
const TRICKY = [
  { note: "Zürich ✓ → 東京", level: 1 },
  { note: '},{"index":7,"entry":"AAAA"}]', more: '"records":[{"index":0}]' },
  { note: "ends in a backslash \\", path: "C:\\dir\\", quote: 'say "}]"' },
  { note: "\u2028 line separator, emoji 🚢, NUL-free" },
];

describe("verifyBundleText: the same report as verifyBundle(JSON.parse(text))", () => {
  let log: TestLog;
  let acme: Author;
  let carrier: Author;
  let recs: Logged[];
  let bundle: EvidenceBundle;
  let text: string;
  let policy: VerificationPolicy;

  beforeAll(() => {
    // Native signatures keep the 3,000-record bundle below fast; the two
    // backends are proven equal in test/crypto/backends.test.ts.
    setCryptoBackend(nodeCryptoBackend);
    log = new TestLog();
    acme = log.author("acme");
    carrier = log.author("carrier");
    recs = [];
    for (let i = 0; i < 24; i++) {
      const who = i % 2 === 0 ? acme : carrier;
      const payload = i % 6 === 5 ? TRICKY[(i / 6) | 0]! : { title: `risk ${i}`, level: i };
      recs.push(log.record(who, payload, { mode: i % 3 === 0 ? "custodial" : "author", subjects: [`CONT${i % 4}`] }));
    }
    // The last record selected holds the trickiest payload: its end is found by walking its JSON.
    const last = log.record(acme, TRICKY[1]!);
    recs.push(last);
    const w = makeWitness("witness.example/w1");
    const note = w.cosign(log.checkpoint());
    const anchor = testAnchor(note, new Date(Date.now() + 3_600_000), log.entries.length);
    // 20 records, the tricky ones among them, and the last one.
    const picked = recs.filter((_, i) => i !== 0 && i !== 2 && i !== 4 && i !== 8 && i !== 12).map((r) => r.index);
    bundle = assemble(log, picked, { checkpoints: [note], anchors: [anchor] });
    text = JSON.stringify(bundle);
    policy = parseVerificationPolicy({ vkey: log.vkey, witnesses: { keys: [w.verifierKey], threshold: 1 }, maxSealDelay: 600 });
  });

  afterAll(() => setCryptoBackend(pureCryptoBackend));

  it("the exporter's layout splits: every record read from its slice equals the bundle's, and the report is the object route's", async () => {
    expect(bundle.records).toHaveLength(20);
    const split = splitBundleText(text);
    expect(split).not.toBeNull();
    expect(split!.records.length).toBe(20);
    for (let i = 0; i < 20; i++) expect(split!.records.at(i)).toEqual(bundle.records[i]);
    const { records: _r, ...rest } = bundle;
    expect(split!.skeleton).toEqual({ ...rest, records: [] });
    const r = await expectSameVerdict(text, policy, { anchorVerifiers });
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.counts).toEqual({ valid: 22, redacted: 0, invalid: 0 });
    expect(r.checkpoints[0]!.cosignedBy).toEqual(["witness.example/w1"]);
    expect(r.records.every((x) => x.signedNoLaterThan !== null)).toBe(true);
    // Small batches and several in flight change nothing.
    await expectSameVerdict(text, policy, { anchorVerifiers, batchSize: 3, batchesInFlight: 2 });
  });

  it("bytes: the split decodes only the skeleton and each record; a byte order mark and invalid UTF-8 read as a text read of the file would", async () => {
    const bytes = utf8(text);
    const split = splitBundleBytes(bytes)!;
    expect(split).not.toBeNull();
    expect(split.skeleton).toEqual({ ...JSON.parse(text), records: [] });
    expect(Array.from({ length: split.records.length }, (_, i) => split.records.at(i))).toEqual(bundle.records);
    // A byte order mark: JSON.parse refuses it on every route.
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    const withBom = await verifyBundleBytes(bom, policy, { anchorVerifiers });
    expect(withBom.failures.map((f) => f.code)).toEqual(["bundle_malformed"]);
    expect(await verifyBundleText(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bom), policy, { anchorVerifiers })).toEqual(withBom);
    // An invalid UTF-8 byte inside a payload string reads as U+FFFD, as in the text: the payload no longer matches.
    const at = text.indexOf("Zürich");
    expect(at).toBeGreaterThan(0);
    const broken = utf8(text);
    const pos = utf8(text.slice(0, at)).length + 1; // the first byte of "ü"
    broken[pos] = 0xff;
    const fromBytes = await verifyBundleBytes(broken, policy, { anchorVerifiers });
    expect(fromBytes).toEqual(await verifyBundleText(new TextDecoder().decode(broken), policy, { anchorVerifiers }));
    expect(codes(fromBytes)).toContain("payload_changed");
  });

  it("no records, one record, a custody key after the records", async () => {
    const empty = assemble(log, []);
    const emptyText = JSON.stringify(empty);
    expect(emptyText).toContain('"records":[]');
    expect(splitBundleText(emptyText)!.records.length).toBe(0);
    // Checkpoints without cosignatures: a policy that asks for none.
    const plain = { vkey: log.vkey };
    const e = await expectSameVerdict(emptyText, plain);
    expect(e.ok).toBe(true);
    expect(e.counts).toEqual({ valid: 2, redacted: 0, invalid: 0 });
    // Key records only: progress is still shown, once, done.
    for (const route of [
      (onProgress: (d: number, t: number) => void) => verifyBundleText(emptyText, plain, { onProgress }),
      (onProgress: (d: number, t: number) => void) => verifyBundle(empty, plain, { onProgress }),
    ]) {
      const calls: [number, number][] = [];
      await route((d, t) => calls.push([d, t]));
      expect(calls).toEqual([[2, 2]]);
    }

    const one = JSON.stringify(assemble(log, [recs[23]!.index]));
    expect(splitBundleText(one)!.records.length).toBe(1);
    expect((await expectSameVerdict(one, plain)).ok).toBe(true);

    const custody = JSON.stringify({ ...bundle, custody: { identifier: "CONT1" } });
    expect(custody.endsWith('],"custody":{"identifier":"CONT1"}}')).toBe(true);
    const split = splitBundleText(custody)!;
    expect(split.skeleton.custody).toEqual({ identifier: "CONT1" });
    expect(split.records.length).toBe(20);
    expect((await expectSameVerdict(custody, policy, { anchorVerifiers })).ok).toBe(true);
  });

  it("payloads holding the split's separators and non-ASCII text inside strings", async () => {
    const split = splitBundleText(text)!;
    const payloads = Array.from({ length: split.records.length }, (_, i) => (split.records.at(i) as { payload?: string }).payload ?? "");
    expect(payloads.some((p) => p.includes("Zürich ✓"))).toBe(true);
    expect(payloads.some((p) => p.includes('},{\\"index\\":'))).toBe(true);
    expect(payloads.some((p) => p.includes('\\"records\\":['))).toBe(true);
    // And in the text itself, where JSON.stringify escaped the quotes.
    expect(text).toContain('},{\\\\\\"index\\\\\\":');
    const r = await expectSameVerdict(text, policy, { anchorVerifiers });
    expect(r.ok).toBe(true);
    // Non-ASCII payload changed by one character: caught, on both routes.
    const b = copy<{ records: { index: number; payload?: string }[] }>(bundle);
    const target = b.records.find((x) => x.payload?.includes("Zürich"))!;
    target.payload = target.payload!.replace("Zürich", "Zurich");
    const t = await expectSameVerdict(JSON.stringify(b), policy, { anchorVerifiers });
    expect(recordCodes(t, target.index)).toEqual(["payload_changed"]);
  });

  it("layouts the exporter does not write: pretty-printed, spaces after commas, keys in another order, nested objects with an index", async () => {
    const pretty = JSON.stringify(bundle, null, 2);
    expect(splitBundleText(pretty)).toBeNull();
    expect((await expectSameVerdict(pretty, policy, { anchorVerifiers })).ok).toBe(true);

    const spaced = text.replaceAll('},{"index":', '}, {"index":');
    expect(spaced).not.toBe(text);
    expect((await expectSameVerdict(spaced, policy, { anchorVerifiers })).ok).toBe(true);

    // Keys in another order: the first record, then a middle one only.
    const reorder = (which: (i: number) => boolean) => {
      const b = copy<{ records: { index: number; entry: string }[] }>(bundle);
      b.records = b.records.map((r, i) => {
        if (!which(i)) return r;
        const { entry, ...rest } = r;
        return { entry, ...rest };
      });
      return JSON.stringify(b);
    };
    const firstReordered = reorder((i) => i === 0);
    expect(firstReordered).toContain('"records":[{"entry":');
    expect(splitBundleText(firstReordered)).toBeNull();
    expect((await expectSameVerdict(firstReordered, policy, { anchorVerifiers })).ok).toBe(true);
    const middleReordered = reorder((i) => i === 9);
    expect((await expectSameVerdict(middleReordered, policy, { anchorVerifiers })).ok).toBe(true);
    const allReordered = reorder(() => true);
    expect((await expectSameVerdict(allReordered, policy, { anchorVerifiers })).ok).toBe(true);

    // An unknown key holding objects with an "index": the guessed slices are
    // wrong, a slice fails to parse, and the whole text decides.
    for (const at of [0, 7, 19]) {
      const b = copy<{ records: Record<string, unknown>[] }>(bundle);
      b.records[at]!.x = [{ a: 1 }, { index: 2 }];
      const t = JSON.stringify(b);
      expect(t).toContain('"x":[{"a":1},{"index":2}]');
      const split = splitBundleText(t);
      if (split !== null) {
        // The split is a guess here; reading it through must fail, never lie.
        expect(() => {
          for (let i = 0; i < split.records.length; i++) expect(split.records.at(i)).toEqual(b.records[i]);
        }).toThrow();
      }
      const r = await expectSameVerdict(t, policy, { anchorVerifiers, batchSize: 4 });
      expect(r.ok).toBe(true);
    }
    // The same nested array in the last record, at its very end.
    const b = copy<{ records: Record<string, unknown>[] }>(bundle);
    b.records[19]!.z = [{ index: 1 }, { index: 2 }];
    await expectSameVerdict(JSON.stringify(b), policy, { anchorVerifiers });
  });

  it("a mis-guessed slice throws BundleTextSplitError when read, not a wrong record", () => {
    const split = splitBundleText(text.replace('"records":[', '"records":[{"index":0,"x":[{"a":1},{"index":2}]},'))!;
    expect(split).not.toBeNull();
    expect(() => split.records.at(0)).toThrow(BundleTextSplitError);
  });

  it("a second records key, a nested records key before the real one, an escaped key: exactly the object route's report", async () => {
    expect(text.endsWith("]}")).toBe(true);
    const body = text.slice(0, -1);
    const one = JSON.stringify([bundle.records[0]]);
    const variants: Record<string, string> = {
      "second array": `${body},"records":${one}}`,
      "second empty": `${body},"records":[]}`,
      "second string": `${body},"records":"none"}`,
      "second number": `${body},"records":5}`,
      "second object": `${body},"records":{"index":0}}`,
      // A nested "records" key inside an earlier top-level object, with a record-like array.
      nested: text.replace('"manifest":{', `"manifest":{"records":${one},`),
      "nested in anchor": text.replace('"anchors":[{', `"anchors":[{"records":${one},`),
      // The real key spelled with an escape, then a plain one later (JSON.parse lets the later win).
      "escaped first": text.replace('"records":[', '"rec\\u006frds":['),
      "escaped first, plain later": `${text.replace('"records":[', '"rec\\u006frds":[').slice(0, -1)},"records":${one}}`,
      "plain first, escaped later": `${body},"rec\\u006frds":${one}}`,
      "plain first, escaped later empty": `${body},"rec\\u006frds":[]}`,
      // A key that ends in \"records: the first match of "records":[ is not a key named records.
      "key ending in records": text.replace('"format":', `"x\\"records":${one},"format":`),
      "key ending in records, no real one": text.replace('"records":[', '"recordz":[').replace('"format":', `"x\\"records":${one},"format":`),
    };
    for (const [name, t] of Object.entries(variants)) {
      const { textReport, objectReport } = await both(t, policy, { anchorVerifiers });
      expect(objectReport, name).not.toBeNull();
      expect(textReport, name).toEqual(objectReport);
    }
    // The later key wins on both routes: one record, the other 19 missing.
    const r = await verifyBundleText(variants["second array"]!, policy, { anchorVerifiers });
    expect(r.counts.valid).toBe(3);
    expect(r.failures.filter((f) => f.code === "entry_missing")).toHaveLength(19);
    for (const name of ["second string", "second number", "second object"]) {
      expect((await verifyBundleText(variants[name]!, policy)).failures.map((f) => f.code), name).toEqual(["bundle_malformed"]);
    }
    expect((await verifyBundleText(variants.nested!, policy, { anchorVerifiers })).ok).toBe(true);
    expect((await verifyBundleText(variants["escaped first"]!, policy, { anchorVerifiers })).ok).toBe(true);
    expect((await verifyBundleText(variants["plain first, escaped later empty"]!, policy)).counts.valid).toBe(2);
  });

  it("record-like objects after the records array (where the last record is looked for): exactly the object route's report", async () => {
    const body = text.slice(0, -1);
    const variants: Record<string, string> = {
      "array of index objects after": `${body},"c":[{"a":1},{"index":2}]}`,
      "two index objects after": `${body},"c":[{"index":1},{"index":2}]}`,
      "custody holding index objects": `${body},"custody":{"identifier":"CONT1","e":[{"a":1},{"index":2,"entry":"x"}]}}`,
      "index object then a closing bracket in a string": `${body},"c":[{"a":1},{"index":2,"s":"]}"}]}`,
    };
    for (const [name, t] of Object.entries(variants)) {
      const r = await expectSameVerdict(t, policy, { anchorVerifiers, batchSize: 5 });
      expect(r.ok, name).toBe(true);
      expect(r.counts.valid, name).toBe(22);
    }
  });

  it("tampered records: same report and the expected failure codes", async () => {
    const cases: { name: string; edit: (b: { records: Record<string, unknown>[] }) => void; expected: BundleFailureCode[] }[] = [
      {
        name: "changed payload",
        edit: (b) => {
          b.records[3]!.payload = (b.records[3]!.payload as string).replace("risk", "RISK");
        },
        expected: ["payload_changed"],
      },
      {
        name: "changed entry",
        edit: (b) => {
          const t = new TextDecoder().decode(fromBase64(b.records[5]!.entry as string)).replace('"sms.risk"', '"sms.riks"');
          b.records[5]!.entry = toBase64(utf8(t));
        },
        expected: ["envelope_changed"],
      },
      {
        name: "not an object",
        edit: (b) => {
          (b.records as unknown[])[6] = "hello";
        },
        expected: ["record_malformed", "entry_missing"],
      },
      {
        name: "a number for an entry",
        edit: (b) => {
          b.records[19]!.entry = 42;
        },
        expected: ["record_malformed"],
      },
      {
        name: "null record, last",
        edit: (b) => {
          (b.records as unknown[])[19] = null;
        },
        expected: ["record_malformed", "entry_missing"],
      },
    ];
    for (const c of cases) {
      const b = copy<{ records: Record<string, unknown>[] }>(bundle);
      c.edit(b);
      const r = await expectSameVerdict(JSON.stringify(b), policy, { anchorVerifiers });
      expect(r.ok, c.name).toBe(false);
      expect([...new Set(codes(r))].sort(), c.name).toEqual([...c.expected].sort());
    }
  });

  it("malformed JSON: truncated, a stray character between records, trailing garbage — bundle_malformed, no throw", async () => {
    const between = text.indexOf('},{"index":', text.indexOf('"records":['));
    const lastRecord = text.lastIndexOf('{"index":');
    const broken: Record<string, string> = {
      "cut in the skeleton": text.slice(0, 40),
      "cut just after the records key": text.slice(0, text.indexOf('"records":[') + 11),
      "cut inside a record": text.slice(0, between - 30),
      "cut between records": text.slice(0, between + 1),
      "cut inside the last record": text.slice(0, lastRecord + 40),
      "cut before the final ]}": text.slice(0, -2),
      "cut before the final }": text.slice(0, -1),
      "stray x between records": `${text.slice(0, between + 1)}x${text.slice(between + 1)}`,
      "double comma between records": `${text.slice(0, between + 1)},${text.slice(between + 1)}`,
      "missing comma between records": `${text.slice(0, between + 1)}${text.slice(between + 2)}`,
      "trailing garbage": `${text}x`,
      "trailing brace": `${text}}`,
      "trailing record": `${text},{"index":1}`,
      "empty text": "",
      "not JSON at all": "records",
      "only the key": '"records":[{"index":0}]',
    };
    for (const [name, t] of Object.entries(broken)) {
      expect(() => JSON.parse(t), name).toThrow();
      const r = await verifyBundleText(t, policy, { anchorVerifiers });
      expect(r.ok, name).toBe(false);
      expect(r.failures.map((f) => f.code), name).toEqual(["bundle_malformed"]);
      expect(r.records, name).toEqual([]);
    }
    // JSON, but not a bundle: the object route's report.
    for (const t of ["null", "[]", "5", '"x"', '{"records":[]}', '{"records":[{"index":0}]}']) {
      await expectSameVerdict(t, policy);
    }
  });

  it("fuzz: single-character edits never make the two routes disagree", async () => {
    const small = assemble(log, [recs[5]!.index, recs[11]!.index, recs[23]!.index, recs[24]!.index]);
    const base = JSON.stringify(small);
    const recordsAt = base.indexOf('"records":[');
    const alphabet = '{}[],:"\\ 0aZ';
    const rand = mulberry32(0x5ea17a11);
    let asJson = 0;
    let notJson = 0;
    let split = 0;
    const started = Date.now();
    // JSON structure in and around the records array (most of the text is
    // base64 and note text, where an edit only changes a value).
    const structural: number[] = [];
    for (let i = recordsAt - 1; i < base.length; i++) if ('{}[],:"'.includes(base[i]!)) structural.push(i);
    for (let n = 0; n < 500; n++) {
      // A third of the edits at or beside the structure, a third anywhere in the records array, a third anywhere.
      const mode = Math.floor(rand() * 3);
      const pos =
        mode === 0
          ? Math.min(base.length - 1, structural[Math.floor(rand() * structural.length)]! + Math.floor(rand() * 3) - 1)
          : mode === 1
            ? recordsAt + Math.floor(rand() * (base.length - recordsAt))
            : Math.floor(rand() * base.length);
      const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
      const op = Math.floor(rand() * 3);
      const t = op === 0 ? base.slice(0, pos) + ch + base.slice(pos) : op === 1 ? base.slice(0, pos) + base.slice(pos + 1) : base.slice(0, pos) + ch + base.slice(pos + 1);
      if (splitBundleText(t) !== null) split++;
      let isJson = true;
      try {
        JSON.parse(t);
      } catch {
        isJson = false;
      }
      if (isJson) asJson++;
      else notJson++;
      try {
        await expectSameVerdict(t, policy, { batchSize: 2 });
      } catch (e) {
        throw new Error(`edit ${n} (op ${op}, position ${pos}, character ${JSON.stringify(ch)}): ${(e as Error).message}`);
      }
    }
    // Not vacuous: both verdicts and the split route all came up.
    expect(asJson).toBeGreaterThan(20);
    expect(notJson).toBeGreaterThan(20);
    expect(split).toBeGreaterThan(20);
    console.log(`fuzz: ${asJson} JSON, ${notJson} not, ${split} split, ${Date.now() - started} ms`);
  });

  describe("onProgress", () => {
    let big: EvidenceBundle;
    let bigText: string;
    let bigLog: TestLog;

    beforeAll(() => {
      bigLog = new TestLog();
      const a = bigLog.author("acme");
      const picked: number[] = [];
      for (let i = 0; i < 3000; i++) picked.push(bigLog.record(a, { n: i }).index);
      big = assemble(bigLog, picked);
      bigText = JSON.stringify(big);
    });

    const watch = () => {
      const calls: [number, number][] = [];
      return { calls, onProgress: (done: number, total: number) => calls.push([done, total]) };
    };

    it("the split route: done rises to total once, as the object route's", async () => {
      const p = { vkey: bigLog.vkey };
      const t = watch();
      const o = watch();
      const textReport = await verifyBundleText(bigText, p, { batchSize: 16, onProgress: t.onProgress });
      const objectReport = await verifyBundle(JSON.parse(bigText), p, { batchSize: 16, onProgress: o.onProgress });
      expect(textReport).toEqual(objectReport);
      expect(textReport.ok).toBe(true);
      expect(t.calls).toEqual(o.calls);
      const total = 3001;
      expect(t.calls.every(([, tot]) => tot === total)).toBe(true);
      expect(t.calls.at(-1)).toEqual([total, total]);
      expect(t.calls.filter(([d]) => d === total)).toHaveLength(1);
      for (let i = 1; i < t.calls.length; i++) expect(t.calls[i]![0]).toBeGreaterThan(t.calls[i - 1]![0]);
    });

    // A record in the middle whose slice does not parse (an unknown key
    // holding {"index":...} objects): the split route is abandoned after
    // some batches were answered, and the whole text is verified again.
    const abandonedText = () => {
      const b = copy<{ records: Record<string, unknown>[] }>(big);
      b.records[1500]!.x = [{ a: 1 }, { index: 2 }];
      return JSON.stringify(b);
    };

    it("the split route abandoned midway: the report is the object route's and the last call is done === total", async () => {
      const p = { vkey: bigLog.vkey };
      const t = watch();
      const src = abandonedText();
      const report = await verifyBundleText(src, p, { batchSize: 16, onProgress: t.onProgress });
      expect(report).toEqual(await verifyBundle(JSON.parse(src), p, { batchSize: 16 }));
      expect(report.ok).toBe(true);
      expect(t.calls.at(-1)).toEqual([3001, 3001]);
      expect(t.calls.every(([d, tot]) => d <= tot)).toBe(true);
    });

    it("the split route abandoned midway: done never goes backwards, and reaches the final total once", async () => {
      const t = watch();
      await verifyBundleText(abandonedText(), { vkey: bigLog.vkey }, { batchSize: 16, onProgress: t.onProgress });
      // Not vacuous: progress was shown before the split was given up.
      expect(t.calls.filter(([d]) => d < 1500).length).toBeGreaterThan(10);
      for (let i = 1; i < t.calls.length; i++) {
        expect(t.calls[i]![0], `progress went from ${String(t.calls[i - 1])} to ${String(t.calls[i])}`).toBeGreaterThanOrEqual(t.calls[i - 1]![0]);
      }
      expect(t.calls.filter(([d, tot]) => d === tot)).toEqual([[3001, 3001]]);
    });

    // The split route counts the record holding {"index":2} twice in its
    // total; the whole-text route that takes over counts it once, and its
    // total is the one the progress ends on (documented on onProgress).
    it("the split route abandoned midway: the total is corrected once, to the whole text's count", async () => {
      const t = watch();
      await verifyBundleText(abandonedText(), { vkey: bigLog.vkey }, { batchSize: 16, onProgress: t.onProgress });
      const totals = [...new Set(t.calls.map(([, tot]) => tot))];
      expect(totals).toEqual([3002, 3001]);
      expect(t.calls.at(-1)).toEqual([3001, 3001]);
    });

    it("an asynchronous checker answering out of order (as a worker pool may): the same report and progress on both routes, split kept or abandoned", async () => {
      const p = { vkey: bigLog.vkey };
      // Later batches answered sooner: a batch waits longer the earlier it was sent.
      const outOfOrder = () => {
        let sent = 0;
        return (packed: Uint8Array, count: number) => {
          const res = verifyPackedSignatures(packed, count);
          const wait = 8 - (sent++ % 8);
          return new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(res), wait));
        };
      };
      for (const src of [bigText, abandonedText()]) {
        const t = watch();
        const textReport = await verifyBundleText(src, p, { batchSize: 64, verifyPacked: outOfOrder(), onProgress: t.onProgress });
        const objectReport = await verifyBundle(JSON.parse(src), p, { batchSize: 64, verifyPacked: outOfOrder() });
        expect(textReport).toEqual(objectReport);
        expect(textReport.ok).toBe(true);
        expect(t.calls.at(-1)).toEqual([3001, 3001]);
        for (let i = 1; i < t.calls.length; i++) expect(t.calls[i]![0]).toBeGreaterThanOrEqual(t.calls[i - 1]![0]);
      }
      // And a checker that says no to one batch: the same verdict on both routes.
      const refuseThird = () => {
        let n = 0;
        return async (packed: Uint8Array, count: number) => (n++ === 2 ? new Uint8Array(count) : verifyPackedSignatures(packed, count));
      };
      const a = await verifyBundleText(bigText, p, { batchSize: 100, verifyPacked: refuseThird() });
      const b = await verifyBundle(JSON.parse(bigText), p, { batchSize: 100, verifyPacked: refuseThird() });
      expect(a).toEqual(b);
      expect(a.counts.invalid).toBe(100);
    });

    it("a truly malformed record midway: bundle_malformed, and progress never passes total", async () => {
      const p = { vkey: bigLog.vkey };
      const at = bigText.indexOf('},{"index":', Math.floor(bigText.length / 2));
      const src = `${bigText.slice(0, at + 1)}x${bigText.slice(at + 1)}`;
      const t = watch();
      const r = await verifyBundleText(src, p, { batchSize: 16, onProgress: t.onProgress });
      expect(r.failures.map((f) => f.code)).toEqual(["bundle_malformed"]);
      expect(t.calls.every(([d, tot]) => d <= tot)).toBe(true);
    });
  });
});
