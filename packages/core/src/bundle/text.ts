/**
 * A bundle's JSON text (or the bytes of its file) split without parsing it
 * whole: everything but the `records` array is parsed at once (the
 * skeleton), and each record is parsed from its own slice of the text when
 * the verifier reaches it. A bundle of a
 * million records then never lives in memory as a million parsed objects,
 * and the parsing of records goes on while their signatures are checked.
 *
 * The split is only ever a faster route to what `JSON.parse` of the whole
 * text gives: any text it is not sure of (whitespace between records, keys
 * in another order, escapes in keys, a second `records` key, malformed JSON)
 * makes it answer null or, later, throw {@link BundleTextSplitError}, and the
 * caller parses the text whole.
 */
import { requireBytes, requireString } from "../args.js";
import { randomBytes } from "../crypto.js";
import { toHex } from "../bytes.js";

/** The bundle's records, parsed one at a time from their own text. */
export interface BundleRecordList {
  /** How many records (for a split text, found by scanning the rest of it: ask late). */
  readonly length: number;
  /** Whether there is a record `i` (scans only as far as `i`). */
  has(i: number): boolean;
  /** Record `i`, parsed; throws {@link BundleTextSplitError} if its slice is not one JSON value. */
  at(i: number): unknown;
}

/** A bundle text split: the parsed skeleton (with `records: []`) and its records. */
export interface SplitBundleText {
  readonly skeleton: Record<string, unknown>;
  readonly records: BundleRecordList;
}

/** A record slice turned out not to be one JSON value: parse the text whole instead. */
export class BundleTextSplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleTextSplitError";
  }
}

const RECORDS_KEY = '"records":[';
// Between two records as the exporter writes them (docs/formats.md §14).
const BETWEEN = '},{"index":';
const FIRST = '{"index":';

// What the split reads: a string, or the UTF-8 bytes of a file. Only ASCII
// is searched for, and no byte of a multi-byte UTF-8 sequence is ASCII, so
// offsets into the bytes are as good as offsets into the text.
interface Source {
  readonly length: number;
  find(pattern: string, from: number): number;
  findLast(pattern: string): number;
  code(i: number): number;
  startsWith(pattern: string, at: number): boolean;
  /** The text of [from, to). */
  text(from: number, to: number): string;
}

function stringSource(s: string): Source {
  return {
    length: s.length,
    find: (p, from) => s.indexOf(p, from),
    findLast: (p) => s.lastIndexOf(p),
    code: (i) => s.charCodeAt(i),
    startsWith: (p, at) => s.startsWith(p, at),
    text: (from, to) => s.slice(from, to),
  };
}

// As a file read as text: invalid UTF-8 reads as U+FFFD, and a byte order
// mark is kept (so JSON.parse refuses it on either route).
const utf8Text = new TextDecoder("utf-8", { ignoreBOM: true });

function bytesSource(b: Uint8Array): Source {
  const startsWith = (p: string, at: number): boolean => {
    if (at < 0 || at + p.length > b.length) return false;
    for (let k = 0; k < p.length; k++) if (b[at + k] !== p.charCodeAt(k)) return false;
    return true;
  };
  return {
    length: b.length,
    find(p, from) {
      const first = p.charCodeAt(0);
      for (let i = b.indexOf(first, from); i >= 0; i = b.indexOf(first, i + 1)) if (startsWith(p, i)) return i;
      return -1;
    },
    findLast(p) {
      const first = p.charCodeAt(0);
      for (let i = b.lastIndexOf(first); i >= 0; i = i === 0 ? -1 : b.lastIndexOf(first, i - 1)) if (startsWith(p, i)) return i;
      return -1;
    },
    code: (i) => (i < b.length ? b[i]! : NaN),
    startsWith,
    text: (from, to) => utf8Text.decode(b.subarray(from, to)),
  };
}

/**
 * Split a bundle's text, or null when the text is not laid out as the
 * exporter writes it (then parse it whole).
 *
 * @example
 * ```ts
 * const split = splitBundleText(text);
 * const bundle = split === null ? JSON.parse(text) : split.skeleton;
 * ```
 */
export function splitBundleText(text: string): SplitBundleText | null {
  requireString(text, "splitBundleText: bundle text");
  return split(stringSource(text));
}

/**
 * Split a bundle file's UTF-8 bytes the same way, decoding only the
 * skeleton and each record as it is read: no string of the whole file is
 * ever made, so a bundle larger than the longest string a JavaScript engine
 * holds (about 512 MB in V8) verifies, in half the memory of its text.
 *
 * @example
 * ```ts
 * const split = splitBundleBytes(new Uint8Array(await file.arrayBuffer()));
 * ```
 */
export function splitBundleBytes(bytes: Uint8Array): SplitBundleText | null {
  requireBytes(bytes, "splitBundleBytes: bundle bytes");
  return split(bytesSource(bytes));
}

function split(src: Source): SplitBundleText | null {
  const key = src.find(RECORDS_KEY, 0);
  if (key < 0) return null;
  const open = key + RECORDS_KEY.length - 1;
  // Record i is [starts[i], ends[i]); records are separated by exactly one
  // comma. The last record is found first, from the end of the text, so
  // that the skeleton can be parsed at once; the ones before it are found
  // as the verifier reaches them.
  let close: number;
  let lastStart = -1;
  if (src.code(open + 1) === 93 /* ] */) {
    close = open + 1;
  } else {
    if (!src.startsWith(FIRST, open + 1)) return null;
    const between = src.findLast(BETWEEN);
    lastStart = between > open ? between + 2 : open + 1;
    // Its exact end, found by walking its JSON.
    const end = valueEnd(src, lastStart);
    if (end < 0 || src.code(end) !== 93) return null;
    close = end;
  }
  // A random stand-in for the records, so that a second "records" key (which
  // JSON.parse would let win) cannot pass for ours.
  const token = `sealtrail-records-${toHex(randomBytes(16))}`;
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(`${src.text(0, open)}"${token}"${src.text(close + 1, src.length)}`);
  } catch {
    return null;
  }
  if (skeleton === null || typeof skeleton !== "object" || Array.isArray(skeleton)) return null;
  const sk = skeleton as Record<string, unknown>;
  if (sk.records !== token) return null;
  sk.records = [];

  const starts: number[] = [];
  const ends: number[] = [];
  let complete = lastStart < 0;
  let next = open + 1;
  // Find boundaries up to record i (or all of them).
  const scanTo = (i: number): void => {
    while (!complete && starts.length <= i) {
      if (next === lastStart) {
        starts.push(lastStart);
        ends.push(close);
        complete = true;
        break;
      }
      // A guess: a wrong one fails to parse when the record is read (a
      // prefix of a JSON object that ends at a '}' is a whole object only
      // if that '}' is the object's own), and one that runs past the last
      // record means the text is not what it seemed.
      const b = src.find(BETWEEN, next);
      if (b < 0 || b + 2 > lastStart) throw new BundleTextSplitError(`the records of the bundle text do not lead to its last record (at ${lastStart})`);
      starts.push(next);
      ends.push(b + 1);
      next = b + 2;
    }
  };
  return {
    skeleton: sk,
    records: {
      get length() {
        scanTo(Infinity);
        return starts.length;
      },
      has(i) {
        scanTo(i);
        return i < starts.length;
      },
      at(i) {
        scanTo(i);
        if (i >= starts.length) throw new BundleTextSplitError(`no record ${i} in the bundle text`);
        try {
          return JSON.parse(src.text(starts[i]!, ends[i]!));
        } catch (e) {
          throw new BundleTextSplitError(`record ${i} of the bundle text is not one JSON value: ${(e as Error).message}`);
        }
      },
    },
  };
}

// The end (exclusive) of the JSON value that starts at `i`, walking strings
// (with their escapes) and brackets; -1 if the text ends first. Not a
// validator: JSON.parse of the slice is.
function valueEnd(src: Source, i: number): number {
  let depth = 0;
  while (i < src.length) {
    const c = src.code(i);
    if (c === 34 /* " */) {
      let j = i;
      for (;;) {
        j = src.find('"', j + 1);
        if (j < 0) return -1;
        let backslashes = 0;
        while (src.code(j - 1 - backslashes) === 92 /* \ */) backslashes++;
        if ((backslashes & 1) === 0) break;
      }
      i = j + 1;
      if (depth === 0) return i;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    } else if (depth === 0 && (c === 44 /* , */ || c === 32 || c === 10 || c === 13 || c === 9)) {
      return i;
    }
    i++;
  }
  return depth === 0 ? i : -1;
}
