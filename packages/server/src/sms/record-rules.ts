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
} from "@sealtrail/core";
import type { LogReader } from "../store/types.js";
import type { RecordRules } from "../ledger/record-rules.js";
import type { CheckedSubmission } from "../ledger/submission.js";

/** Record types in this namespace are SMS records: each must be one of core's SMS_TYPES. */
export const SMS_PREFIX = "sms.";

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
 * The ledger's rules for SMS records, reading the vault through `reader`.
 *
 * @example
 * ```ts
 * const ledger = createLedger({ store, rules: createSmsRules(store) });
 * ```
 */
export function createSmsRules(reader: LogReader): RecordRules {
  async function payloadAt(vault: string, index: bigint): Promise<Payload | null> {
    const [row] = await reader.entries(vault, index, index + 1n);
    return row?.payload == null ? null : (parseJson(row.payload) as Payload);
  }

  async function latest(vault: string, type: SmsRecordType, id: string): Promise<{ index: bigint; payload: Payload | null } | null> {
    const index = await reader.seriesHead(vault, seriesName(type, id));
    return index === null ? null : { index, payload: await payloadAt(vault, index) };
  }

  async function problemsOf(vault: string, c: CheckedSubmission, earlier: ReadonlyMap<string, Payload>): Promise<SmsProblem[]> {
    const env = c.signed.env;
    const type = env.type as SmsRecordType;
    if (c.pending.payload === null) return [{ pointer: "", message: `an ${type} record carries a payload` }];
    const payload = parseJson(c.pending.payload) as Payload;
    const out: SmsProblem[] = [];
    // A version: the one it supersedes, as stored (null once redacted: nothing left to compare).
    const previous = env.supersedes === undefined ? null : await payloadAt(vault, BigInt(env.supersedes.index));
    if (env.supersedes === undefined || previous !== null) out.push(...checkSmsVersion(type, previous, payload));
    for (const r of referencesOf(type, payload)) {
      if (earlier.has(seriesName(r.type, r.id))) continue;
      if ((await reader.seriesHead(vault, seriesName(r.type, r.id))) === null) {
        out.push({ pointer: r.pointer, message: `no ${r.type} record with id ${r.id} in this vault` });
      }
    }
    if (type === "sms.risk-acceptance") out.push(...(await acceptanceProblems(vault, env.author, payload as SmsPayload<"sms.risk-acceptance">, earlier)));
    return out;
  }

  // A residual-risk acceptance is the risk owner's: authored by the owner's
  // organisation, for the residual score the risk has now, over a period.
  async function acceptanceProblems(vault: string, author: string, a: SmsPayload<"sms.risk-acceptance">, earlier: ReadonlyMap<string, Payload>): Promise<SmsProblem[]> {
    const out: SmsProblem[] = [];
    if (a.expires <= a.accepted) out.push({ pointer: "/expires", message: `an acceptance expires after it is given (${a.accepted})` });
    const risk = (earlier.get(seriesName("sms.risk", a.risk)) ?? (await latest(vault, "sms.risk", a.risk))?.payload ?? null) as SmsPayload<"sms.risk"> | null;
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

  return {
    validate(type, payload) {
      if (!type.startsWith(SMS_PREFIX)) return [];
      if (!isSmsRecordType(type)) return [{ pointer: "", message: `${type} is not an SMS record type (the ${SMS_PREFIX} types are: ${SMS_TYPES.join(", ")})` }];
      return validateSmsPayload(type, payload);
    },
    seriesOf(type, payload) {
      return isSmsRecordType(type) && payload !== null && typeof payload.id === "string" ? seriesName(type, payload.id) : null;
    },
    async checkRequest(vault, records) {
      // Records earlier in the same request count as present for the later ones.
      const earlier = new Map<string, Payload>();
      for (const [i, c] of records.entries()) {
        const type = c.signed.env.type;
        if (!type.startsWith(SMS_PREFIX)) continue;
        if (!isSmsRecordType(type)) throw new SealTrailError("invalid", `${records.length > 1 ? `record ${i}: ` : ""}${type} is not an SMS record type`);
        const problems = await problemsOf(vault, c, earlier);
        if (problems.length > 0) {
          const named = problems.map((p) => ({ pointer: `/payload${p.pointer}`, message: p.message }));
          throw new SealTrailError("invalid", `${records.length > 1 ? `record ${i}: ` : ""}${named.map((p) => `${p.pointer}: ${p.message}`).join("; ")}`, {
            detail: { ...(records.length > 1 ? { record: i } : {}), problems: named },
          });
        }
        if (c.pending.series != null) earlier.set(c.pending.series, parseJson(c.pending.payload!) as Payload);
      }
    },
  };
}
