/**
 * EPCIS 2.0 query parameters (the SimpleEventQuery parameters of EPCIS 2.0
 * §8.2.7, as the REST binding passes them in the URL) turned into a
 * predicate over events, with the identifiers that can narrow the search
 * through the subject index first.
 */
import { EPCIS_EVENT_TYPES, SealTrailError } from "@sealtrail/core";

/** Default and largest page sizes. */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

/** A parsed query. */
export interface EpcisQuery {
  /** True when an event matches every parameter. */
  readonly matches: (event: Record<string, unknown>) => boolean;
  /**
   * Exact identifiers, any of which every matching event must carry
   * (from MATCH_epc, MATCH_anyEPC, MATCH_parentID without wildcards): a
   * store can look these up by subject instead of scanning. Null when the
   * query does not restrict identifiers to a list of exact values.
   */
  readonly identifiers: readonly string[] | null;
  readonly perPage: number;
  /** Opaque continuation from the previous page. */
  readonly nextPageToken: string | null;
}

type Params = Record<string, string | readonly string[] | undefined>;

// CBV values may be bare words, GS1 web URIs or EPCIS 1.x URNs; compare the word (CBV 2.0 §6, §7).
const CBV_PREFIXES = [
  /^https:\/\/ref\.gs1\.org\/cbv\/(BizStep|Disp|BTT|SDT|ER)-/,
  /^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):/,
];

/**
 * The CBV word of a value given as a bare word, a GS1 web URI or an EPCIS 1.x
 * URN; other values unchanged.
 *
 * @example
 * ```ts
 * cbvWord("https://ref.gs1.org/cbv/BizStep-shipping") // "shipping"
 * ```
 */
export function cbvWord(v: string): string {
  for (const p of CBV_PREFIXES) if (p.test(v)) return v.replace(p, "");
  return v;
}

function values(p: string | readonly string[]): string[] {
  // Several values: repeated parameters, or one parameter with values separated by "|".
  const list = typeof p === "string" ? [p] : [...p];
  return list.flatMap((x) => x.split("|")).map((x) => x.trim()).filter((x) => x !== "");
}

function one(name: string, p: string | readonly string[]): string {
  const v = values(p);
  if (v.length !== 1) throw new SealTrailError("malformed", `${name}: takes exactly one value`);
  return v[0]!;
}

function time(name: string, p: string | readonly string[]): number {
  const v = one(name, p);
  // RFC 3339 with a zone designator, as EPCIS times are.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    throw new SealTrailError("malformed", `${name}: "${v}" is not a time with a zone (e.g. 2026-05-01T10:00:00Z)`);
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new SealTrailError("malformed", `${name}: "${v}" is not a valid time`);
  return t;
}

// An EPC pattern (urn:epc:idpat:...) matches EPCs of the same scheme whose
// fields agree, "*" matching any value of a field (EPC Tag Data Standard §8).
function epcMatcher(pattern: string, normalize: (s: string) => string): (epc: string) => boolean {
  const m = /^urn:epc:idpat:([a-z0-9-]+):(.*)$/.exec(pattern);
  if (m === null) {
    const want = normalize(pattern);
    return (epc) => normalize(epc) === want;
  }
  const scheme = m[1]!;
  const fields = m[2]!.split(".");
  return (epc) => {
    const e = /^urn:epc:id:([a-z0-9-]+):(.*)$/.exec(epc);
    if (e === null || e[1] !== scheme) return false;
    const got = e[2]!.split(".");
    return got.length === fields.length && fields.every((f, i) => f === "*" || f === got[i]);
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function idOf(v: unknown): string | null {
  return v !== null && typeof v === "object" && typeof (v as Record<string, unknown>).id === "string" ? ((v as Record<string, unknown>).id as string) : null;
}

function typedList(event: Record<string, unknown>, list: string, field: string): { type: string; value: string }[] {
  const l = event[list];
  if (!Array.isArray(l)) return [];
  const out: { type: string; value: string }[] = [];
  for (const x of l as Record<string, unknown>[]) {
    if (x === null || typeof x !== "object") continue;
    const value = x[field];
    if (typeof value === "string") out.push({ type: typeof x.type === "string" ? cbvWord(x.type) : "", value });
  }
  return out;
}

/**
 * Parse query parameters. Raises `malformed` (HTTP 400, EPCIS
 * QueryParameterException) naming the parameter for anything unknown or
 * ill-formed. `normalize` maps identifiers to one form before they are
 * compared (e.g. EPC URN to GS1 Digital Link).
 *
 * @example
 * ```ts
 * const q = parseEpcisQuery({ EQ_bizStep: "shipping|receiving", MATCH_epc: "urn:epc:id:sscc:0614141.1234567890" });
 * q.matches(event)
 * ```
 */
export function parseEpcisQuery(params: Params, normalize: (id: string) => string = (x) => x): EpcisQuery {
  const checks: ((e: Record<string, unknown>) => boolean)[] = [];
  let identifiers: string[] | null = null;
  let perPage = DEFAULT_PER_PAGE;
  let nextPageToken: string | null = null;
  const narrow = (ids: string[]): void => {
    if (ids.some((x) => x.startsWith("urn:epc:idpat:"))) return;
    // Several MATCH_ parameters: every one must hold, so any one list narrows the search.
    if (identifiers === null || ids.length < identifiers.length) identifiers = ids;
  };

  for (const [name, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    const cbv = (): Set<string> => new Set(values(raw).map(cbvWord));
    if (name === "perPage") {
      const v = one(name, raw);
      if (!/^[1-9][0-9]{0,6}$/.test(v) || Number(v) > MAX_PER_PAGE) throw new SealTrailError("malformed", `perPage: must be an integer from 1 to ${MAX_PER_PAGE}`);
      perPage = Number(v);
    } else if (name === "nextPageToken") {
      nextPageToken = one(name, raw);
    } else if (name === "eventType") {
      const types = values(raw);
      for (const t of types) {
        if (!EPCIS_EVENT_TYPES.includes(t)) throw new SealTrailError("malformed", `eventType: "${t}" is not an EPCIS 2.0 event type`);
      }
      checks.push((e) => types.includes(e.type as string));
    } else if (name === "GE_eventTime" || name === "LT_eventTime" || name === "GE_recordTime" || name === "LT_recordTime") {
      const t = time(name, raw);
      const field = name.endsWith("eventTime") ? "eventTime" : "recordTime";
      const ge = name.startsWith("GE_");
      checks.push((e) => {
        const v = typeof e[field] === "string" ? Date.parse(e[field] as string) : NaN;
        return !Number.isNaN(v) && (ge ? v >= t : v < t);
      });
    } else if (name === "EQ_action") {
      const acts = values(raw);
      for (const a of acts) if (!["ADD", "OBSERVE", "DELETE"].includes(a)) throw new SealTrailError("malformed", `EQ_action: "${a}" is not ADD, OBSERVE or DELETE`);
      checks.push((e) => acts.includes(e.action as string));
    } else if (name === "EQ_bizStep" || name === "EQ_disposition") {
      const want = cbv();
      const field = name === "EQ_bizStep" ? "bizStep" : "disposition";
      checks.push((e) => typeof e[field] === "string" && want.has(cbvWord(e[field] as string)));
    } else if (name === "EQ_readPoint" || name === "EQ_bizLocation") {
      const want = new Set(values(raw).map(normalize));
      const field = name === "EQ_readPoint" ? "readPoint" : "bizLocation";
      checks.push((e) => {
        const id = idOf(e[field]);
        return id !== null && want.has(normalize(id));
      });
    } else if (name === "MATCH_epc" || name === "MATCH_anyEPC" || name === "MATCH_parentID") {
      const pats = values(raw);
      const ms = pats.map((p) => epcMatcher(p, normalize));
      const fields =
        name === "MATCH_epc" ? ["epcList", "childEPCs"] : name === "MATCH_parentID" ? [] : ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];
      const withParent = name !== "MATCH_epc";
      checks.push((e) => {
        const ids = fields.flatMap((f) => strings(e[f]));
        if (withParent && typeof e.parentID === "string") ids.push(e.parentID);
        return ids.some((id) => ms.some((m) => m(id)));
      });
      narrow(pats);
    } else if (name === "EQ_eventID") {
      const ids = new Set(values(raw));
      checks.push((e) => ids.has(e.eventID as string));
    } else if (name === "EXISTS_errorDeclaration") {
      checks.push((e) => e.errorDeclaration !== undefined);
    } else if (/^EQ_(source|destination|bizTransaction)_.+$/.test(name)) {
      const [, kind, type] = /^EQ_(source|destination|bizTransaction)_(.+)$/.exec(name)!;
      const list = `${kind}List`;
      const want = new Set(values(raw).map(normalize));
      const wantType = cbvWord(type!);
      checks.push((e) => typedList(e, list, kind!).some((x) => x.type === wantType && want.has(normalize(x.value))));
    } else {
      throw new SealTrailError("malformed", `${name}: not a query parameter this server supports`);
    }
  }
  return {
    matches: (e) => checks.every((c) => c(e)),
    identifiers,
    perPage,
    nextPageToken,
  };
}
