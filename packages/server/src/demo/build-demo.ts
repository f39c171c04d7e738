/**
 * Writing the demo into a vault: the organisations and their keys, the
 * memberships, the SMS foundation, a year of custody events captured as the
 * partners would send them, incidents opened from the chains that went
 * wrong, and the year of operation; then a checkpoint. Every record goes
 * through the ledger and the SMS rules like any other: the demo is what a
 * real vault of such a supply chain would hold.
 */
import { SealTrailError, toHex, type JsonValue } from "@sealtrail/core";
import { createOrganisation } from "../access/orgs.js";
import { initializeWithAccess } from "../access/bootstrap.js";
import { SETTING_OPERATOR, addVault } from "../ledger/bootstrap.js";
import { appendCustodial, changeMembership, createCustodialKey } from "../ledger/custodial.js";
import { createCaptureService } from "../custody/capture.js";
import { createEpcisValidator } from "../custody/epcis-validate.js";
import { custodyOf } from "../custody/custody-of.js";
import { openCustodyIncident } from "../custody/incident.js";
import type { Context } from "../main.js";
import { DEMO_ORGS, MANUFACTURER, demoMembership } from "./cast.js";
import { custodyScenario } from "./custody-scenario.js";
import { demoDates } from "./dates.js";
import { demoAttachments } from "./evidence-files.js";
import { smsFoundation, type DemoRecord } from "./sms-foundation.js";
import { smsOperation } from "./sms-operation.js";

/** What the demo wrote. */
export interface DemoResult {
  readonly vault: string;
  readonly today: string;
  readonly organisations: readonly string[];
  readonly smsRecords: number;
  readonly custodyEvents: number;
  readonly custodyIncidents: number;
  readonly treeSize: number;
  /** The operator's API key, when this run initialised the data (shown once). */
  readonly apiKey: string | null;
}

/**
 * Build the demo in `vault` of a context (a fresh data directory or
 * database, or one whose operator is not yet using that vault name).
 *
 * @example
 * ```ts
 * await withContext({ data: "./demo" }, (ctx) => buildDemo(ctx, { vault: "demo" }), { mustExist: false });
 * ```
 */
export async function buildDemo(ctx: Context, opts: { vault?: string; today?: string } = {}): Promise<DemoResult> {
  const vault = opts.vault ?? "demo";
  const t = demoDates(opts.today ?? new Date().toISOString().slice(0, 10));
  const { store, ledger } = ctx;
  const fresh = (await store.vaults()).length === 0;
  let apiKey: string | null = null;
  if (fresh) {
    const init = await initializeWithAccess(store, ledger, { operator: MANUFACTURER, operatorName: DEMO_ORGS[0]!.name, vault });
    apiKey = init.bootstrapToken;
  } else if ((await store.vault(vault)) !== null) {
    throw new SealTrailError("conflict", `vault ${vault} exists already: build the demo in a new data directory or name another vault with --vault`);
  } else {
    await addVault(store, ledger, vault);
  }
  const operator = (await store.getSetting(SETTING_OPERATOR)) ?? MANUFACTURER;
  for (const o of DEMO_ORGS) {
    if ((await store.org(o.id)) === null) await createOrganisation(store, { id: o.id, name: o.name, country: o.country, roles: o.roles });
    if (o.id !== operator) await changeMembership(store, ledger, vault, demoMembership(o));
    // The operator's key was registered with the vault; every other organisation gets its own.
    if (o.id !== operator) await createCustodialKey(store, ledger, o.id, vault);
  }

  const latest = new Map<string, { index: number; leafHash: string }>();
  const write = async (r: DemoRecord): Promise<void> => {
    const key = `${r.type} ${String(r.payload.id)}`;
    const sup = latest.get(key);
    const payload = r.files === undefined ? r.payload : { ...r.payload, attachments: await demoAttachments(ctx, vault, t, r.files) };
    const res = await appendCustodial(store, ledger, vault, r.org, { type: r.type, payload, ...(sup !== undefined ? { supersedes: sup } : {}) });
    latest.set(key, { index: Number(res.index), leafHash: toHex(res.leafHash) });
  };

  const foundation = smsFoundation(t);
  for (const r of foundation) await write(r);

  const custody = custodyScenario(t);
  const capture = createCaptureService({ ledger, store, validator: createEpcisValidator(), threads: 1 });
  try {
    for (const e of custody.events) await capture.captureEvent(vault, e.org, e.event as Record<string, JsonValue>);
  } finally {
    await capture.close();
  }
  let custodyIncidents = 0;
  for (const s of custody.exceptions.filter((x) => x.openIncident)) {
    const chain = await custodyOf(store, store, vault, s.sscc);
    if (chain.exceptions.length === 0) throw new SealTrailError("internal", `demo: the chain of ${s.sscc} shows no exception`);
    await openCustodyIncident(store, ledger, chain, MANUFACTURER);
    custodyIncidents++;
  }

  const operation = smsOperation(t);
  for (const r of operation) await write(r);
  await ledger.publish(vault);
  const tree = await store.tree(vault);
  return {
    vault,
    today: t.today,
    organisations: DEMO_ORGS.map((o) => o.id),
    smsRecords: foundation.length + operation.length + custodyIncidents,
    custodyEvents: custody.events.length,
    custodyIncidents,
    treeSize: Number(tree.size),
    apiKey,
  };
}

