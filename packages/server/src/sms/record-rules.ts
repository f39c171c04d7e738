/**
 * The SMS records' rules, applied by the ledger to every `sms.*` record it
 * is sent: the payload meets its type's schema, a new version keeps its
 * record id and takes a legal workflow step, every record it names exists
 * with that type, and a residual-risk acceptance comes from the risk's
 * owner. The rules themselves are core's (pure, so that an auditor applies
 * the same ones offline); this module reads what they need from the store.
 */
import {
  SMS_TYPES,
  SealTrailError,
  checkSmsVersion,
  isSmsRecordType,
  parseJson,
  referencesOf,
  validateSmsPayload,
  type SmsPayload,
  type SmsProblem,
  type SmsRecordType,
  type SmsReference,
} from "@sealtrail/core";
import type { LogReader } from "../store/types.js";
import type { RecordRules, WorkerValidator } from "../ledger/record-rules.js";
import type { CheckedSubmission } from "../ledger/submission.js";

/** Record types in this namespace are SMS records: each must be one of core's SMS_TYPES. */
export const SMS_PREFIX = "sms.";

/**
 * The kind of an SMS record type: the type without `sms.`, as routes
 * (/sms/{kind}) and commands (sealtrail sms {kind}) name it.
 *
 * @example
 * ```ts
 * smsKind("sms.risk-acceptance") // "risk-acceptance"
 * ```
 */
export function smsKind(type: SmsRecordType): string {
  return type.slice(SMS_PREFIX.length);
}

/**
 * The series of an SMS record: its type and record id (`sms.risk R-12`).
 *
 * @example
 * ```ts
 * seriesName("sms.risk", "R-12") // "sms.risk R-12"
 * ```
 */
export function seriesName(type: string, id: string): string {
  return `${type} ${id}`;
}

type Payload = Readonly<Record<string, unknown>>;

/**
 * The schema check of an SMS record (the ledger's RecordRules.validate for
 * SMS rules): a type under `sms.` must be one of core's SMS_TYPES, and its
 * payload must meet that type's schema. Other types have no problems here.
 *
 * @example
 * ```ts
 * validateSmsRecord("sms.control", { id: "C-1" }) // [{ pointer: "/title", message: ... }, ...]
 * ```
 */
export function validateSmsRecord(type: string, payload: Payload): SmsProblem[] {
  if (!type.startsWith(SMS_PREFIX)) return [];
  if (!isSmsRecordType(type)) return [{ pointer: "", message: `${type} is not an SMS record type (the ${SMS_PREFIX} types are: ${SMS_TYPES.join(", ")})` }];
  return validateSmsPayload(type, payload);
}

// The built form of this module, where the verifier's worker threads import
// validateSmsRecord (from src/sms in tests and dist/sms once built alike:
// both sit two levels below the package root).
const SMS_VALIDATOR: WorkerValidator = {
  url: new URL("../../dist/sms/record-rules.js", import.meta.url).href,
  name: "validateSmsRecord",
  appliesTo: (type) => type.startsWith(SMS_PREFIX),
  facts: "smsFactsOf",
};

/** What the request check reads of a valid SMS payload, found where its schema is checked (a verifier worker). */
export interface SmsFacts {
  /** The records it names (core's referencesOf). */
  readonly refs: readonly SmsReference[];
  /** Its problems as a first version (core's checkSmsVersion with no previous version). */
  readonly start: readonly SmsProblem[];
}

/**
 * The facts of a schema-valid SMS payload that the request check reads:
 * the records it names and its problems as a first version.
 *
 * @example
 * ```ts
 * smsFactsOf("sms.risk", risk).refs // [{ pointer: "/controls/0", type: "sms.control", id: "C-1" }]
 * ```
 */
export function smsFactsOf(type: string, payload: Payload): SmsFacts {
  if (!isSmsRecordType(type)) return { refs: [], start: [] };
  return { refs: referencesOf(type, payload), start: checkSmsVersion(type, null, payload) };
}

// Series that the store has said exist, by vault: the log only grows and a
// series is never removed (a redaction keeps its head), so a reference to one
// is not read again. Forgotten all at once past this many names.
const KNOWN_SERIES_LIMIT = 200_000;

// A payload's canonical text, as checkSubmission wrote it from a checked
// I-JSON value: JSON.parse cannot fail on it and its depth is bounded, so
// the hostile-input parse (parseJson) is not needed again.
const parseCanonical = (text: string): Payload => JSON.parse(text) as Payload;

/**
 * An SMS record of a request: its position, type, payload (parsed when first
 * asked for; null: none sent), the references it makes and, when a worker
 * found them, its problems as a first version.
 */
interface SmsInRequest {
  readonly i: number;
  readonly c: CheckedSubmission;
  readonly type: SmsRecordType;
  payload(): Payload | null;
  readonly refs: readonly SmsReference[];
  readonly start: readonly SmsProblem[] | undefined;
}

/** What the rules read of the vault for one request, read once. */
interface StoredView {
  /** Head index of each series read for the request that exists (those its acceptances name among them). */
  readonly heads: ReadonlyMap<string, bigint>;
  /** Whether a series the request names exists. */
  exists(name: string): boolean;
  /** The stored payload at an index read up front, parsed; null when there is none. */
  payloadAt(index: bigint): Payload | null;
}

/**
 * The ledger's rules for SMS records, reading the vault through `reader`.
 *
 * @example
 * ```ts
 * const ledger = createLedger({ store, rules: createSmsRules(store) });
 * ```
 */
export function createSmsRules(reader: LogReader): RecordRules {
  const known = new Map<string, Set<string>>();
  let knownCount = 0;
  const knownIn = (vault: string): Set<string> => {
    let set = known.get(vault);
    if (set === undefined) {
      set = new Set();
      known.set(vault, set);
    }
    return set;
  };

  // The problems of a record with a payload (`r.payload()` is not null).
  function problemsOf(r: SmsInRequest, stored: StoredView, earlier: ReadonlyMap<string, SmsInRequest>): SmsProblem[] {
    const env = r.c.signed.env;
    const type = r.type;
    const payload = (): Payload => r.payload()!;
    const out: SmsProblem[] = [];
    // A version: the one it supersedes, as stored (null once redacted: nothing left to compare).
    if (env.supersedes === undefined) out.push(...(r.start ?? checkSmsVersion(type, null, payload())));
    else {
      const previous = stored.payloadAt(BigInt(env.supersedes.index));
      if (previous !== null) out.push(...checkSmsVersion(type, previous, payload()));
    }
    for (const ref of r.refs) {
      const name = seriesName(ref.type, ref.id);
      if (earlier.has(name)) continue;
      if (!stored.exists(name)) out.push({ pointer: ref.pointer, message: `no ${ref.type} record with id ${ref.id} in this vault` });
    }
    if (type === "sms.risk-acceptance") out.push(...acceptanceProblems(env.author, payload() as SmsPayload<"sms.risk-acceptance">, stored, earlier));
    return out;
  }

  // A residual-risk acceptance is the risk owner's: authored by the owner's
  // organisation, for the residual score the risk has now, over a period.
  function acceptanceProblems(author: string, a: SmsPayload<"sms.risk-acceptance">, stored: StoredView, earlier: ReadonlyMap<string, SmsInRequest>): SmsProblem[] {
    const out: SmsProblem[] = [];
    if (a.expires <= a.accepted) out.push({ pointer: "/expires", message: `an acceptance expires after it is given (${a.accepted})` });
    const name = seriesName("sms.risk", a.risk);
    const head = stored.heads.get(name);
    const risk = (earlier.get(name)?.payload() ?? (head === undefined ? null : stored.payloadAt(head))) as SmsPayload<"sms.risk"> | null;
    if (risk === null) return out;
    if (risk.owner.org !== author) {
      out.push({ pointer: "/risk", message: `risk ${a.risk} is owned by ${risk.owner.org}: only that organisation accepts its residual risk, not ${author}` });
    }
    if (risk.residual === undefined) out.push({ pointer: "/residual", message: `risk ${a.risk} has no residual score to accept` });
    else if (risk.residual.likelihood !== a.residual.likelihood || risk.residual.consequence !== a.residual.consequence) {
      out.push({
        pointer: "/residual",
        message: `risk ${a.risk}'s residual score is likelihood ${risk.residual.likelihood}, consequence ${risk.residual.consequence}: an acceptance names the score it accepts`,
      });
    }
    return out;
  }

  // What the request's records need of the vault as stored, read up front in
  // two store calls whatever the request's size (on PostgreSQL each call is a
  // round trip): the heads of every series they name, then the payloads of
  // the versions they supersede and of the risks they accept. A series that
  // a record earlier in the request starts or continues is not read: the
  // rules take that record instead (checkRequest's `earlier`).
  async function readStored(vault: string, records: readonly SmsInRequest[]): Promise<StoredView> {
    const names = new Set<string>();
    const inRequest = new Set<string>();
    const seen = knownIn(vault);
    for (const r of records) {
      if (r.c.pending.payload === null) continue;
      for (const ref of r.refs) {
        const name = seriesName(ref.type, ref.id);
        if (!inRequest.has(name) && !seen.has(name)) names.add(name);
      }
      // An acceptance reads the risk as it is now: its head, always read.
      if (r.type === "sms.risk-acceptance") {
        const name = seriesName("sms.risk", (r.payload() as SmsPayload<"sms.risk-acceptance">).risk);
        if (!inRequest.has(name)) names.add(name);
      }
      if (r.c.pending.series != null) inRequest.add(r.c.pending.series);
    }
    const heads = names.size === 0 ? new Map<string, bigint>() : await reader.seriesHeads(vault, [...names]);
    if (knownCount + heads.size > KNOWN_SERIES_LIMIT) {
      known.clear();
      knownCount = 0;
    }
    const remember = knownIn(vault);
    for (const name of heads.keys()) {
      if (!remember.has(name)) {
        remember.add(name);
        knownCount++;
      }
    }
    const indices = new Set<bigint>();
    for (const r of records) {
      if (r.c.pending.payload === null) continue;
      const sup = r.c.signed.env.supersedes;
      if (sup !== undefined) indices.add(BigInt(sup.index));
      if (r.type === "sms.risk-acceptance") {
        const head = heads.get(seriesName("sms.risk", (r.payload() as SmsPayload<"sms.risk-acceptance">).risk));
        if (head !== undefined) indices.add(head);
      }
    }
    const texts = indices.size === 0 ? new Map<bigint, string>() : await reader.payloadsAt(vault, [...indices]);
    const parsed = new Map<bigint, Payload>();
    return {
      heads,
      exists: (name) => heads.has(name) || seen.has(name),
      payloadAt(index) {
        let p = parsed.get(index);
        if (p === undefined) {
          const text = texts.get(index);
          if (text === undefined) return null;
          p = parseJson(text) as Payload;
          parsed.set(index, p);
        }
        return p;
      },
    };
  }

  return {
    validate: validateSmsRecord,
    validator: SMS_VALIDATOR,
    seriesOf(type, payload) {
      return isSmsRecordType(type) && payload !== null && typeof payload.id === "string" ? seriesName(type, payload.id) : null;
    },
    async checkRequest(vault, records) {
      // The SMS records in request order, up to the first whose type is not
      // an SMS type (refused in its turn, below). A payload is parsed once,
      // and only when a rule reads more of it than the facts a verifier
      // worker found (smsFactsOf): a version, an acceptance, a risk that an
      // acceptance later in the request names.
      const sms: SmsInRequest[] = [];
      let unknown: { i: number; type: string } | null = null;
      for (const [i, c] of records.entries()) {
        const type = c.signed.env.type;
        if (!type.startsWith(SMS_PREFIX)) continue;
        if (!isSmsRecordType(type)) {
          unknown = { i, type };
          break;
        }
        const text = c.pending.payload;
        let parsed: Payload | undefined;
        const payload = (): Payload | null => (text === null ? null : (parsed ??= parseCanonical(text)));
        const facts = c.facts as SmsFacts | undefined;
        const refs = text === null ? [] : (facts?.refs ?? referencesOf(type, payload()));
        sms.push({ i, c, type, payload, refs, start: facts?.start });
      }
      const stored = await readStored(vault, sms);
      // Records earlier in the same request count as present for the later ones.
      const earlier = new Map<string, SmsInRequest>();
      function refuse(i: number, problems: readonly SmsProblem[]): never {
        const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
        throw new SealTrailError("invalid", `${records.length > 1 ? `record ${i}: ` : ""}${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
          detail: { ...(records.length > 1 ? { record: i } : {}), problems: named },
        });
      }
      for (const r of sms) {
        if (r.c.pending.payload === null) refuse(r.i, [{ pointer: "", message: `an ${r.type} record carries a payload` }]);
        const problems = problemsOf(r, stored, earlier);
        if (problems.length > 0) refuse(r.i, problems);
        if (r.c.pending.series != null) earlier.set(r.c.pending.series, r);
      }
      if (unknown !== null) throw new SealTrailError("invalid", `${records.length > 1 ? `record ${unknown.i}: ` : ""}${unknown.type} is not an SMS record type`);
    },
  };
}
