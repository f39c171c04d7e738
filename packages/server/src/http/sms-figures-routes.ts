/**
 * The SMS figures over HTTP: readiness, KPIs, gaps, maturity and due items
 * of a vault, computed by core from the vault's records (sms/state.ts), each
 * naming the catalogue and the tree size it was computed at and, figure by
 * figure, the records behind it.
 */
import type { FastifyInstance } from "fastify";
import { SMS_TYPES, SealTrailError, computeKpis, computeMaturity, computeReadiness, detectGaps, dueItems, type SmsState } from "@sealtrail/core";
import type { Ledger } from "../ledger/ledger.js";
import type { AccessStore, AdminStore, Store } from "../store/types.js";
import { computedFrom, createSmsStates, periodOf } from "../sms/state.js";
import { requireVault } from "./auth.js";
import { parseIntegerIn } from "./params.js";

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

function dateParam(v: unknown, what: string, dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !DATE.test(v)) throw new SealTrailError("malformed", `${what}: a date, YYYY-MM-DD`, { detail: { parameter: what } });
  return v;
}

/** Today's date in UTC, the default evaluation day. */
const today = (): string => new Date().toISOString().slice(0, 10);

/** How many records of each kind the state holds, and what it set aside. */
function summaryOf(state: SmsState) {
  return {
    records: Object.fromEntries(SMS_TYPES.map((t) => [t, state.records[t].length])),
    custodyEvents: state.custody.length,
    invalid: state.invalid,
    redacted: state.redacted.length,
    withheld: state.withheld,
    replays: state.replays,
  };
}

/**
 * Register the SMS figure routes.
 *
 * @example
 * ```ts
 * await registerSmsFigureRoutes(app, ledger, store);
 * ```
 */
export async function registerSmsFigureRoutes(app: FastifyInstance, ledger: Ledger, store: Store & AccessStore & AdminStore): Promise<void> {
  const states = createSmsStates(ledger.reader);
  type Q = { Params: { vault: string }; Querystring: Record<string, string | undefined> };
  const stateFor = async (req: { params: { vault: string } } & Parameters<typeof requireVault>[1]) => {
    await requireVault(store, req, req.params.vault, "read");
    return states.of(req.params.vault);
  };

  app.get<Q>("/v1/vaults/:vault/sms/summary", async (req) => {
    const s = await stateFor(req);
    return { ...computedFrom(s), ...summaryOf(s.state) };
  });

  app.get<Q>("/v1/vaults/:vault/sms/readiness", async (req) => {
    const asOf = dateParam(req.query.asOf, "asOf", today());
    const s = await stateFor(req);
    return { ...computedFrom(s), ...computeReadiness(s.state, asOf) };
  });

  app.get<Q>("/v1/vaults/:vault/sms/gaps", async (req) => {
    const asOf = dateParam(req.query.asOf, "asOf", today());
    const s = await stateFor(req);
    return { ...computedFrom(s), ...detectGaps(s.state, asOf) };
  });

  app.get<Q>("/v1/vaults/:vault/sms/maturity", async (req) => {
    const asOf = dateParam(req.query.asOf, "asOf", today());
    const s = await stateFor(req);
    return { ...computedFrom(s), ...computeMaturity(s.state, asOf) };
  });

  app.get<Q>("/v1/vaults/:vault/sms/due", async (req) => {
    const asOf = dateParam(req.query.asOf, "asOf", today());
    const s = await stateFor(req);
    return { ...computedFrom(s), ...dueItems(s.state, asOf) };
  });

  app.get<Q>("/v1/vaults/:vault/sms/kpis", async (req) => {
    const q = req.query;
    let period: { from: string; to: string };
    if (q.period !== undefined) {
      if (q.from !== undefined || q.to !== undefined) throw new SealTrailError("malformed", "period: give a period, or from and to, not both", { detail: { parameter: "period" } });
      const p = periodOf(q.period);
      if (p === null) throw new SealTrailError("malformed", "period: a month (2026-05), a quarter (2026-Q2) or a year (2026)", { detail: { parameter: "period" } });
      period = p;
    } else {
      const t = today();
      period = { from: dateParam(q.from, "from", `${t.slice(0, 7)}-01`), to: dateParam(q.to, "to", t) };
      if (period.from > period.to) throw new SealTrailError("invalid", "from: on or before to", { detail: { parameter: "from" } });
    }
    if (q.trend !== undefined && q.trend !== "month" && q.trend !== "quarter") throw new SealTrailError("malformed", "trend: month or quarter", { detail: { parameter: "trend" } });
    const count = q.count === undefined ? undefined : parseIntegerIn(q.count, "count", 0, 120);
    const s = await stateFor(req);
    return {
      ...computedFrom(s),
      ...computeKpis(s.state, period, { ...(q.trend !== undefined ? { periods: q.trend as "month" | "quarter" } : {}), ...(count !== undefined ? { count } : {}) }),
    };
  });
}
