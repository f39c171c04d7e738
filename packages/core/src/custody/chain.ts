/**
 * Chains of custody: for one identifier (container, SSCC, SGTIN, trailer),
 * the events of every member organisation that concern it, in time order,
 * with who held it, where and under which seals after each one, and every
 * custody exception named with the events behind it.
 */
import { optionalObject, requireArray, requireObject, requireString } from "../args.js";
import { readSecurityExtension, type SecurityData } from "./security-extension.js";

/** One EPCIS event as sealed in a vault. */
export interface CustodyEvent {
  readonly event: Record<string, unknown>;
  /** The event's ID (its CBV event hash when the document gave none). */
  readonly eventId: string;
  /** Log index of the record that holds it. */
  readonly index: number;
  /** Organisation that signed the record. */
  readonly author: string;
  /** The `@context` of the document it came in, for extension prefixes. */
  readonly context?: unknown;
}

/** Kinds of custody exception. */
export type CustodyExceptionKind =
  | "seal_changed"
  | "seal_check_failed"
  | "inspection_failed"
  | "unacknowledged_handoff"
  | "misdirected_receipt"
  | "time_gap"
  | "out_of_order"
  | "after_terminal"
  | "not_a_member"
  | "error_declaration"
  | "invalid_extension";

/** One exception, with the events that show it. */
export interface CustodyException {
  readonly kind: CustodyExceptionKind;
  readonly message: string;
  readonly eventIds: readonly string[];
  readonly indices: readonly number[];
}

/** One step of a chain: an event and the state after it. */
export interface CustodyStep {
  readonly eventId: string;
  readonly index: number;
  readonly author: string;
  readonly eventTime: string;
  readonly type: string;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  /** Possessing party after this event, when known. */
  readonly holder: string | null;
  /** bizLocation (or readPoint) id. */
  readonly location: string | null;
  /** Seal numbers on the unit after this event. */
  readonly seals: readonly string[];
}

/** Figures that feed the SMS KPIs. */
export interface CustodyStats {
  readonly events: number;
  readonly sealChecks: number;
  readonly sealCheckFailures: number;
  readonly handoffs: number;
  readonly exceptions: number;
}

/** A chain of custody with its exceptions. */
export interface CustodyChain {
  readonly identifier: string;
  readonly steps: readonly CustodyStep[];
  readonly exceptions: readonly CustodyException[];
  readonly stats: CustodyStats;
}

/** How a chain is judged. */
export interface CustodyOptions {
  /** Longest allowed time between consecutive events (default 72 hours). */
  readonly maxGapMs?: number;
  /** How much earlier than an event already sealed a later-sealed event may claim to be (default 1 hour). */
  readonly captureToleranceMs?: number;
  /** Whether `org` was a member allowed to write at log index `index`; every author counts as a member when absent. */
  readonly isMember?: (org: string, index: number) => boolean;
  /** Map an identifier to the form used for matching (e.g. EPC URN to GS1 Digital Link); identity when absent. */
  readonly normalize?: (id: string) => string;
  /** The time the chain is judged at, for handoffs still open (default: no open handoff is late). */
  readonly now?: Date;
}

const TERMINAL = new Set(["stolen", "destroyed", "disposed"]);
const SHIPPING = new Set(["shipping", "departing"]);
const RECEIVING = new Set(["receiving", "arriving", "accepting"]);

// CBV values may be bare words, GS1 web URIs or EPCIS 1.x URNs (CBV 2.0 §8.1, §8.2).
function cbvWord(v: unknown): string | null {
  if (typeof v !== "string") return null;
  return v
    .replace(/^https:\/\/ref\.gs1\.org\/cbv\/(BizStep|Disp)-/, "")
    .replace(/^urn:epcglobal:cbv:(bizstep|disp):/, "");
}

function partyOf(list: unknown, key: "source" | "destination"): string | null {
  if (!Array.isArray(list)) return null;
  for (const x of list as Record<string, unknown>[]) {
    if (x !== null && typeof x === "object" && cbvWord(x.type)?.replace(/^https:\/\/ref\.gs1\.org\/cbv\/SDT-/, "").replace(/^urn:epcglobal:cbv:sdt:/, "") === "possessing_party") {
      const p = x[key];
      if (typeof p === "string") return p;
    }
  }
  return null;
}

/**
 * The identifiers an event is about: its EPCs, parent, children, inputs,
 * outputs and classes of its quantity lists.
 *
 * @example
 * ```ts
 * identifiersOf({ type: "ObjectEvent", epcList: ["urn:epc:id:sscc:0614141.1234567890"] }) // ["urn:epc:id:sscc:0614141.1234567890"]
 * ```
 */
export function identifiersOf(event: Record<string, unknown>): string[] {
  requireObject(event, "identifiersOf: EPCIS event");
  const out: string[] = [];
  someIdentifier(event, (id) => {
    out.push(id);
    return false;
  });
  return out;
}

const EPC_LISTS = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];
const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

// Calls `fn` on each identifier an event is about, in document order, until
// it returns true; builds no arrays, as custody chains run it for every event.
function someIdentifier(event: Record<string, unknown>, fn: (id: string) => boolean): boolean {
  for (const k of EPC_LISTS) {
    const l = event[k];
    if (Array.isArray(l)) for (const x of l) if (typeof x === "string" && fn(x)) return true;
  }
  if (typeof event.parentID === "string" && fn(event.parentID)) return true;
  for (const k of QUANTITY_LISTS) {
    const l = event[k];
    if (!Array.isArray(l)) continue;
    for (const q of l) {
      const c = q !== null && typeof q === "object" ? (q as Record<string, unknown>).epcClass : undefined;
      if (typeof c === "string" && fn(c)) return true;
    }
  }
  return false;
}

// Whether an event is about `target` (already normalised).
function concerns(event: Record<string, unknown>, target: string, normalize: ((id: string) => string) | null): boolean {
  return someIdentifier(event, (id) => (normalize === null ? id === target : normalize(id) === target));
}

function timeOf(e: CustodyEvent): number {
  const t = typeof e.event.eventTime === "string" ? Date.parse(e.event.eventTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The chain of custody of `identifier` across `events` (any order; events
 * that do not concern it are ignored), judged by `opts`.
 *
 * @example
 * ```ts
 * const chain = custodyChain("urn:epc:id:sscc:0614141.1234567890", events, { maxGapMs: 48 * 3600_000 });
 * chain.exceptions.map((x) => x.kind) // ["unacknowledged_handoff"]
 * ```
 */
export function custodyChain(identifier: string, events: readonly CustodyEvent[], opts: CustodyOptions = {}): CustodyChain {
  requireString(identifier, "custodyChain: identifier");
  for (const e of requireArray(events, "custodyChain: events")) requireObject(requireObject(e, "custodyChain: event").event, "custodyChain: event.event");
  optionalObject(opts, "custodyChain: options");
  const normalize = opts.normalize ?? null;
  const target = normalize === null ? identifier : normalize(identifier);
  const maxGap = opts.maxGapMs ?? 72 * 3600_000;
  const tolerance = opts.captureToleranceMs ?? 3600_000;
  // Each event's time parsed once: sorting compares it n log n times.
  const times = new Map<CustodyEvent, number>();
  const mine: CustodyEvent[] = [];
  for (const e of events) {
    if (!concerns(e.event, target, normalize)) continue;
    mine.push(e);
    times.set(e, timeOf(e));
  }
  const at = (e: CustodyEvent): number => times.get(e)!;
  // Time order, then log order: the chain as it happened.
  const ordered = [...mine].sort((a, b) => at(a) - at(b) || a.index - b.index);
  const exceptions: CustodyException[] = [];
  const raise = (kind: CustodyExceptionKind, message: string, evs: readonly CustodyEvent[]): void => {
    exceptions.push({ kind, message, eventIds: evs.map((e) => e.eventId), indices: evs.map((e) => e.index) });
  };

  // Sealed late with an earlier time: compare log order with time order.
  const byIndex = [...mine].sort((a, b) => a.index - b.index);
  let latest: CustodyEvent | null = null;
  for (const e of byIndex) {
    if (latest !== null && at(e) < at(latest) - tolerance) {
      raise("out_of_order", `event ${e.eventId} claims a time before event ${latest.eventId}, which was sealed earlier`, [latest, e]);
    }
    if (latest === null || at(e) > at(latest)) latest = e;
  }

  const steps: CustodyStep[] = [];
  const sealsOn = new Map<string, CustodyEvent>();
  let holder: string | null = null;
  let terminal: CustodyEvent | null = null;
  let previous: CustodyEvent | null = null;
  let sealChecks = 0;
  let sealCheckFailures = 0;
  let handoffs = 0;
  // Shipments waiting for their receiver: shipping event and the party it went to.
  const open: { ship: CustodyEvent; to: string | null }[] = [];

  for (const e of ordered) {
    const ev = e.event;
    const bizStep = cbvWord(ev.bizStep);
    const disposition = cbvWord(ev.disposition);
    if (opts.isMember !== undefined && !opts.isMember(e.author, e.index)) {
      raise("not_a_member", `event ${e.eventId} was written by ${e.author}, not a member allowed to write at index ${e.index}`, [e]);
    }
    if (ev.errorDeclaration !== undefined) {
      raise("error_declaration", `event ${e.eventId} declares an error in an earlier event`, [e]);
    }
    if (terminal !== null) {
      raise("after_terminal", `event ${e.eventId} follows event ${terminal.eventId}, whose disposition ${cbvWord(terminal.event.disposition)} ends the chain`, [terminal, e]);
    }
    if (previous !== null && at(e) - at(previous) > maxGap) {
      raise("time_gap", `${((at(e) - at(previous)) / 3600_000).toFixed(1)} hours pass between event ${previous.eventId} and event ${e.eventId}`, [previous, e]);
    }

    let sec: SecurityData = { seals: [], inspection: null, handoff: null };
    try {
      sec = readSecurityExtension(ev, e.context);
    } catch (err) {
      raise("invalid_extension", (err as Error).message, [e]);
    }
    for (const s of sec.seals) {
      if (s.action === "applied") {
        sealsOn.set(s.sealNumber, e);
      } else if (s.action === "checked") {
        sealChecks++;
        const failed = s.condition !== "intact" || (s.check !== undefined && Object.values(s.check).includes("fail"));
        if (failed) {
          sealCheckFailures++;
          raise("seal_check_failed", `seal ${s.sealNumber} found ${s.condition} by event ${e.eventId}`, [e]);
        }
        if (!sealsOn.has(s.sealNumber)) {
          const expected = [...sealsOn.keys()];
          raise(
            "seal_changed",
            expected.length === 0
              ? `seal ${s.sealNumber} checked by event ${e.eventId} was never applied`
              : `seal ${s.sealNumber} checked by event ${e.eventId}, but the seal on record is ${expected.join(", ")}`,
            [...new Set(sealsOn.values()), e],
          );
        }
      } else {
        if (!sealsOn.has(s.sealNumber)) {
          raise("seal_changed", `seal ${s.sealNumber} removed by event ${e.eventId} was not the seal on record`, [...new Set(sealsOn.values()), e]);
        }
        sealsOn.delete(s.sealNumber);
      }
    }
    if (sec.inspection !== null && !sec.inspection.passed) {
      const failed = sec.inspection.points.filter((p) => p.result === "fail").map((p) => p.point);
      raise("inspection_failed", `${sec.inspection.protocol} inspection by event ${e.eventId} failed at ${failed.join(", ")}`, [e]);
    }

    const from = partyOf(ev.sourceList, "source");
    const to = partyOf(ev.destinationList, "destination");
    if (bizStep !== null && SHIPPING.has(bizStep)) {
      // A unit is in one place at a time: shipping it again means the last shipment was never received.
      for (const o of open.splice(0)) {
        raise("unacknowledged_handoff", `event ${o.ship.eventId} shipped to ${o.to ?? "an unnamed party"}, and no receipt acknowledged it before event ${e.eventId}`, [o.ship, e]);
      }
      open.push({ ship: e, to });
    } else if (bizStep !== null && RECEIVING.has(bizStep)) {
      // The acknowledged shipment: named by the extension, else the oldest open one.
      const i = sec.handoff !== null ? open.findIndex((o) => o.ship.eventId === sec.handoff!.acknowledges) : open.length > 0 ? 0 : -1;
      if (i >= 0) {
        const o = open.splice(i, 1)[0]!;
        handoffs++;
        if (o.to !== null && to !== null && o.to !== to) {
          raise("misdirected_receipt", `event ${o.ship.eventId} shipped to ${o.to}, but event ${e.eventId} was received by ${to}`, [o.ship, e]);
        }
      }
    } else if (open.length > 0 && (from !== null || to !== null)) {
      // Custody moved on while a shipment was never acknowledged.
      for (const o of open.splice(0)) {
        raise("unacknowledged_handoff", `event ${o.ship.eventId} shipped to ${o.to ?? "an unnamed party"}, and no receipt acknowledged it before event ${e.eventId}`, [o.ship, e]);
      }
    }
    holder = to ?? from ?? holder;
    if (disposition !== null && TERMINAL.has(disposition) && terminal === null) terminal = e;
    steps.push({
      eventId: e.eventId,
      index: e.index,
      author: e.author,
      eventTime: typeof ev.eventTime === "string" ? ev.eventTime : "",
      type: typeof ev.type === "string" ? ev.type : "",
      bizStep,
      disposition,
      holder,
      location: readId(ev.bizLocation) ?? readId(ev.readPoint),
      seals: [...sealsOn.keys()].sort(),
    });
    previous = e;
  }
  // A shipment still open: late once the gap limit has passed.
  if (opts.now !== undefined) {
    for (const o of open) {
      if (opts.now.getTime() - at(o.ship) > maxGap) {
        raise("unacknowledged_handoff", `event ${o.ship.eventId} shipped to ${o.to ?? "an unnamed party"} has not been acknowledged`, [o.ship]);
      }
    }
  }
  return {
    identifier,
    steps,
    exceptions,
    stats: { events: steps.length, sealChecks, sealCheckFailures, handoffs, exceptions: exceptions.length },
  };
}

function readId(v: unknown): string | null {
  if (v !== null && typeof v === "object" && typeof (v as Record<string, unknown>).id === "string") return (v as Record<string, unknown>).id as string;
  return null;
}
