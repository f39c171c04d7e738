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
};

// A payload's canonical text, as checkSubmission wrote it from a checked
// I-JSON value: JSON.parse cannot fail on it and its depth is bounded, so
// the hostile-input parse (parseJson) is not needed again.
const parseCanonical = (text: string): Payload => JSON.parse(text) as Payload;

/** An SMS record of a request: its position, type, parsed payload (null: none sent) and the references it makes. */
interface SmsInRequest {
  readonly i: number;
  readonly c: CheckedSubmission;
  readonly type: SmsRecordType;
  readonly payload: Payload | null;
  readonly refs: readonly SmsReference[];
}

/** What the rules read of the vault for one request, read once. */
interface StoredView {
  /** Head index of each series the request names that exists. */
  readonly heads: ReadonlyMap<string, bigint>;
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
  function problemsOf(c: CheckedSubmission, payload: Payload, refs: readonly SmsReference[], stored: StoredView, earlier: ReadonlyMap<string, Payload>): SmsProblem[] {
    const env = c.signed.env;
    const type = env.type as SmsRecordType;
    const out: SmsProblem[] = [];
    // A version: the one it supersedes, as stored (null once redacted: nothing left to compare).
    const previous = env.supersedes === undefined ? null : stored.payloadAt(BigInt(env.supersedes.index));
    if (env.supersedes === undefined || previous !== null) out.push(...checkSmsVersion(type, previous, payload));
    for (const r of refs) {
      const name = seriesName(r.type, r.id);
      if (earlier.has(name)) continue;
      if (!stored.heads.has(name)) out.push({ pointer: r.pointer, message: `no ${r.type} record with id ${r.id} in this vault` });
    }
    if (type === "sms.risk-acceptance") out.push(...acceptanceProblems(env.author, payload as SmsPayload<"sms.risk-acceptance">, stored, earlier));
    return out;
  }

  // A residual-risk acceptance is the risk owner's: authored by the owner's
  // organisation, for the residual score the risk has now, over a period.
  function acceptanceProblems(author: string, a: SmsPayload<"sms.risk-acceptance">, stored: StoredView, earlier: ReadonlyMap<string, Payload>): SmsProblem[] {
    const out: SmsProblem[] = [];
    if (a.expires <= a.accepted) out.push({ pointer: "/expires", message: `an acceptance expires after it is given (${a.accepted})` });
    const name = seriesName("sms.risk", a.risk);
    const head = stored.heads.get(name);
    const risk = (earlier.get(name) ?? (head === undefined ? null : stored.payloadAt(head))) as SmsPayload<"sms.risk"> | null;
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
    const need = (name: string): void => {
      if (!inRequest.has(name)) names.add(name);
    };
    for (const r of records) {
      if (r.payload === null) continue;
      for (const ref of r.refs) need(seriesName(ref.type, ref.id));
      if (r.type === "sms.risk-acceptance") need(seriesName("sms.risk", (r.payload as SmsPayload<"sms.risk-acceptance">).risk));
      if (r.c.pending.series != null) inRequest.add(r.c.pending.series);
    }
    const heads = names.size === 0 ? new Map<string, bigint>() : await reader.seriesHeads(vault, [...names]);
    const indices = new Set<bigint>();
    for (const r of records) {
      if (r.payload === null) continue;
      const sup = r.c.signed.env.supersedes;
      if (sup !== undefined) indices.add(BigInt(sup.index));
      if (r.type === "sms.risk-acceptance") {
        const head = heads.get(seriesName("sms.risk", (r.payload as SmsPayload<"sms.risk-acceptance">).risk));
        if (head !== undefined) indices.add(head);
      }
    }
    const texts = indices.size === 0 ? new Map<bigint, string>() : await reader.payloadsAt(vault, [...indices]);
    const parsed = new Map<bigint, Payload>();
    return {
      heads,
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
      // The SMS records in request order, each payload parsed once, up to the
      // first whose type is not an SMS type (refused in its turn, below).
      const sms: SmsInRequest[] = [];
      let unknown: { i: number; type: string } | null = null;
      for (const [i, c] of records.entries()) {
        const type = c.signed.env.type;
        if (!type.startsWith(SMS_PREFIX)) continue;
        if (!isSmsRecordType(type)) {
          unknown = { i, type };
          break;
        }
        const payload = c.pending.payload === null ? null : parseCanonical(c.pending.payload);
        sms.push({ i, c, type, payload, refs: payload === null ? [] : referencesOf(type, payload) });
      }
      const stored = await readStored(vault, sms);
      // Records earlier in the same request count as present for the later ones.
      const earlier = new Map<string, Payload>();
      function refuse(i: number, problems: readonly SmsProblem[]): never {
        const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
        throw new SealTrailError("invalid", `${records.length > 1 ? `record ${i}: ` : ""}${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
          detail: { ...(records.length > 1 ? { record: i } : {}), problems: named },
        });
      }
      for (const { i, c, type, payload, refs } of sms) {
        if (payload === null) refuse(i, [{ pointer: "", message: `an ${type} record carries a payload` }]);
        const problems = problemsOf(c, payload, refs, stored, earlier);
        if (problems.length > 0) refuse(i, problems);
        if (c.pending.series != null) earlier.set(c.pending.series, payload);
      }
      if (unknown !== null) throw new SealTrailError("invalid", `${records.length > 1 ? `record ${unknown.i}: ` : ""}${unknown.type} is not an SMS record type`);
    },
  };
}
