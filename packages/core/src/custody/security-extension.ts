/**
 * The SealTrail security extension of EPCIS 2.0 events (docs/epcis-security-
 * extension.md): ISO 17712 seals and their View-Verify-Tug-Twist checks,
 * 7- and 17-point inspections, and handoff acknowledgements, carried as user
 * extension fields (EPCIS 2.0 §7.1.12) in one namespace.
 */
import { requireObject } from "../args.js";
import { SealTrailError } from "../errors.js";

/** The namespace IRI of the extension's fields. */
export const SECURITY_NAMESPACE = "https://sealtrail.org/ns/security/v1#";

/** ISO 17712 seal classes: indicative, security, high security. */
export const SEAL_CLASSES = ["I", "S", "H"] as const;
export const SEAL_ACTIONS = ["applied", "checked", "removed"] as const;
export const SEAL_CONDITIONS = ["intact", "broken", "tampered", "missing", "mismatch"] as const;
export const CHECK_RESULTS = ["pass", "fail"] as const;
export const POINT_RESULTS = ["pass", "fail", "not_applicable"] as const;

/** Points of the 7-point container inspection. */
export const CONTAINER_POINTS = ["front-wall", "left-side", "right-side", "floor", "ceiling-roof", "doors", "outside-undercarriage"] as const;
/** Points of the 17-point tractor and trailer inspection. */
export const TRAILER_POINTS = [
  "bumper",
  "engine",
  "tires",
  "tractor-floor",
  "fuel-tanks",
  "cab-compartments",
  "air-tanks",
  "drive-shafts",
  "fifth-wheel",
  "outside-undercarriage",
  "doors",
  "trailer-floor",
  "side-walls",
  "front-wall",
  "ceiling-roof",
  "refrigeration-unit",
  "exhaust",
] as const;

/** The View-Verify-Tug-Twist check of a seal. */
export interface SealCheck {
  readonly view: "pass" | "fail";
  readonly verify: "pass" | "fail";
  readonly tug: "pass" | "fail";
  readonly twist: "pass" | "fail";
}

/** One seal an event applied, checked or removed. */
export interface SealObservation {
  readonly sealNumber: string;
  readonly issuer: string;
  readonly classification: (typeof SEAL_CLASSES)[number];
  readonly action: (typeof SEAL_ACTIONS)[number];
  readonly condition: (typeof SEAL_CONDITIONS)[number];
  readonly position?: string;
  readonly check?: SealCheck;
}

/** A container (7-point) or tractor and trailer (17-point) inspection. */
export interface Inspection {
  readonly protocol: "7-point" | "17-point";
  readonly points: readonly { readonly point: string; readonly result: (typeof POINT_RESULTS)[number]; readonly note?: string }[];
  readonly inspector?: string;
  /** True when no point failed. */
  readonly passed: boolean;
}

/** The receiving party's acknowledgement of a release. */
export interface HandoffAck {
  /** eventID of the releasing party's event. */
  readonly acknowledges: string;
  readonly from: string;
  readonly to: string;
}

/** What an event carries in the extension (empty when it uses none of it). */
export interface SecurityData {
  readonly seals: readonly SealObservation[];
  readonly inspection: Inspection | null;
  readonly handoff: HandoffAck | null;
}

const SEAL_FIELDS = ["sealNumber", "issuer", "classification", "action", "condition", "position", "check"];
const CHECK_FIELDS = ["view", "verify", "tug", "twist"];
const INSPECTION_FIELDS = ["protocol", "points", "inspector"];
const POINT_FIELDS = ["point", "result", "note"];
const HANDOFF_FIELDS = ["acknowledges", "from", "to"];
const EVENT_FIELDS = ["seals", "inspection", "handoff"];

/**
 * The prefixes bound to {@link SECURITY_NAMESPACE} by a JSON-LD `@context`
 * (a string, an object or an array of both). Only inline definitions count:
 * no context is fetched.
 *
 * @example
 * ```ts
 * securityPrefixes(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { st: SECURITY_NAMESPACE }]) // ["st"]
 * ```
 */
export function securityPrefixes(context: unknown): string[] {
  const out: string[] = [];
  const visit = (c: unknown): void => {
    if (Array.isArray(c)) for (const x of c) visit(x);
    else if (c !== null && typeof c === "object") {
      for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
        const iri = typeof v === "string" ? v : v !== null && typeof v === "object" ? (v as Record<string, unknown>)["@id"] : undefined;
        if (iri === SECURITY_NAMESPACE && !out.includes(k)) out.push(k);
      }
    }
  };
  visit(context);
  return out;
}

// Every event of a document shares its context: read its prefixes once.
const prefixCache = new WeakMap<object, string[]>();
function prefixesOf(context: unknown): string[] {
  if (context === null || typeof context !== "object") return securityPrefixes(context);
  let p = prefixCache.get(context);
  if (p === undefined) {
    p = securityPrefixes(context);
    prefixCache.set(context, p);
  }
  return p;
}

/**
 * Read and check the security extension of one EPCIS event. `context` is the
 * document's `@context` (the event's own `@context`, if any, is read too).
 * Raises `invalid` naming the event and the field for anything malformed,
 * for an unknown field of the namespace, and for results that contradict the
 * event's CBV disposition (docs/epcis-security-extension.md, mapping).
 *
 * @example
 * ```ts
 * const sec = readSecurityExtension(event, doc["@context"]);
 * sec.seals[0]?.sealNumber // "ABC123456"
 * ```
 */
export function readSecurityExtension(event: Record<string, unknown>, context?: unknown): SecurityData {
  requireObject(event, "readSecurityExtension: EPCIS event");
  const own = event["@context"];
  const prefixes = own === undefined || own === context ? prefixesOf(context) : securityPrefixes([context ?? [], own]);
  const where = typeof event.eventID === "string" ? `event ${event.eventID}` : "event";
  const fail = (field: string, msg: string): never => {
    throw new SealTrailError("invalid", `${where}: ${field}: ${msg}`);
  };
  // Names are matched by expanded IRI: any prefix bound to the namespace, or the full IRI.
  const local = (key: string): string | null => {
    if (key.startsWith(SECURITY_NAMESPACE)) return key.slice(SECURITY_NAMESPACE.length);
    const colon = key.indexOf(":");
    if (colon > 0 && prefixes.includes(key.slice(0, colon))) return key.slice(colon + 1);
    return null;
  };
  const fieldsOf = (o: unknown, allowed: readonly string[], path: string): Map<string, unknown> => {
    if (o === null || typeof o !== "object" || Array.isArray(o)) return fail(path, "must be an object");
    const m = new Map<string, unknown>();
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      const name = local(k);
      if (name === null) continue;
      if (!allowed.includes(name)) fail(`${path}.st:${name}`, "not a field of the SealTrail security extension");
      m.set(name, v);
    }
    return m;
  };
  const text = (m: Map<string, unknown>, name: string, path: string, max: number, optional = false): string | undefined => {
    const v = m.get(name);
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string" || v.length === 0 || v.length > max) return fail(`${path}.st:${name}`, `must be a string of 1 to ${max} characters`);
    return v;
  };
  const oneOf = <T extends string>(m: Map<string, unknown>, name: string, path: string, values: readonly T[]): T => {
    const v = m.get(name);
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) return fail(`${path}.st:${name}`, `must be one of ${values.join(", ")}`);
    return v as T;
  };

  const top = fieldsOf(event, EVENT_FIELDS, "event");
  const disposition = typeof event.disposition === "string" ? event.disposition.replace(/^https:\/\/ref\.gs1\.org\/cbv\/Disp-/, "") : undefined;

  const seals: SealObservation[] = [];
  const rawSeals = top.get("seals");
  if (rawSeals !== undefined) {
    if (!Array.isArray(rawSeals) || rawSeals.length === 0) fail("st:seals", "must be a non-empty array");
    (rawSeals as unknown[]).forEach((s, i) => {
      const path = `st:seals[${i}]`;
      const m = fieldsOf(s, SEAL_FIELDS, path);
      const action = oneOf(m, "action", path, SEAL_ACTIONS);
      const condition = oneOf(m, "condition", path, SEAL_CONDITIONS);
      let check: SealCheck | undefined;
      if (m.get("check") !== undefined) {
        const c = fieldsOf(m.get("check"), CHECK_FIELDS, `${path}.st:check`);
        check = {
          view: oneOf(c, "view", `${path}.st:check`, CHECK_RESULTS),
          verify: oneOf(c, "verify", `${path}.st:check`, CHECK_RESULTS),
          tug: oneOf(c, "tug", `${path}.st:check`, CHECK_RESULTS),
          twist: oneOf(c, "twist", `${path}.st:check`, CHECK_RESULTS),
        };
      }
      if (action === "checked" && check === undefined) fail(`${path}.st:check`, "a checked seal needs its View-Verify-Tug-Twist result");
      if (action === "applied" && condition !== "intact") fail(`${path}.st:condition`, "a seal is applied intact");
      const failed = check !== undefined && Object.values(check).includes("fail");
      if (failed && condition === "intact") fail(`${path}.st:condition`, "a failed check cannot find the seal intact");
      if ((failed || condition !== "intact") && action === "checked" && disposition !== "non_conformant") {
        fail("disposition", "a failed seal check must have disposition non_conformant");
      }
      const position = text(m, "position", path, 64, true);
      seals.push({
        sealNumber: text(m, "sealNumber", path, 64)!,
        issuer: text(m, "issuer", path, 128)!,
        classification: oneOf(m, "classification", path, SEAL_CLASSES),
        action,
        condition,
        ...(position !== undefined ? { position } : {}),
        ...(check !== undefined ? { check } : {}),
      });
    });
  }

  let inspection: Inspection | null = null;
  if (top.get("inspection") !== undefined) {
    const path = "st:inspection";
    const m = fieldsOf(top.get("inspection"), INSPECTION_FIELDS, path);
    const protocol = oneOf(m, "protocol", path, ["7-point", "17-point"] as const);
    const names: readonly string[] = protocol === "7-point" ? CONTAINER_POINTS : TRAILER_POINTS;
    const raw = m.get("points");
    if (!Array.isArray(raw)) return fail(`${path}.st:points`, "must be an array");
    const seen = new Set<string>();
    const points = (raw as unknown[]).map((p, i) => {
      const pp = `${path}.st:points[${i}]`;
      const pm = fieldsOf(p, POINT_FIELDS, pp);
      const point = oneOf(pm, "point", pp, names);
      if (seen.has(point)) fail(pp, `point ${point} appears twice`);
      seen.add(point);
      const note = text(pm, "note", pp, 512, true);
      return { point, result: oneOf(pm, "result", pp, POINT_RESULTS), ...(note !== undefined ? { note } : {}) };
    });
    const missing = names.filter((n) => !seen.has(n));
    if (missing.length > 0) fail(`${path}.st:points`, `the ${protocol} inspection lacks ${missing.join(", ")}`);
    const passed = points.every((p) => p.result !== "fail");
    if (disposition !== (passed ? "conformant" : "non_conformant")) {
      fail("disposition", `a ${passed ? "passed" : "failed"} inspection must have disposition ${passed ? "conformant" : "non_conformant"}`);
    }
    const inspector = text(m, "inspector", path, 128, true);
    inspection = { protocol, points, passed, ...(inspector !== undefined ? { inspector } : {}) };
  }

  let handoff: HandoffAck | null = null;
  if (top.get("handoff") !== undefined) {
    const path = "st:handoff";
    const m = fieldsOf(top.get("handoff"), HANDOFF_FIELDS, path);
    handoff = { acknowledges: text(m, "acknowledges", path, 512)!, from: text(m, "from", path, 512)!, to: text(m, "to", path, 512)! };
  }
  return { seals, inspection, handoff };
}
