/**
 * EPC URIs (GS1 EPC Tag Data Standard 2.x: pure identity `urn:epc:id:`,
 * class `urn:epc:class:` and pattern `urn:epc:idpat:` URNs) and GS1 Digital
 * Link URIs, both brought to the one constrained canonical GS1 Digital Link
 * form that the CBV 2.0 event hash (§8.9) puts into its pre-hash string:
 * domain `https://id.gs1.org`, numeric application identifiers, no query
 * string, and only the most fine-grained identification level.
 */
import { requireString } from "../args.js";
import { SealTrailError } from "../errors.js";

/**
 * The canonical GS1 Digital Link domain (GS1 Digital Link URI Syntax 1.2 §4.11).
 *
 * @example
 * ```ts
 * epcUrnToDigitalLink(urn).startsWith(GS1_DIGITAL_LINK_DOMAIN) // true
 * ```
 */
export const GS1_DIGITAL_LINK_DOMAIN = "https://id.gs1.org";

/**
 * The GS1 check digit (GS1 General Specifications §7.9.1): weights 3 and 1
 * alternate from the rightmost digit of the data, and the check digit brings
 * the weighted sum up to a multiple of ten.
 *
 * @example
 * ```ts
 * gs1CheckDigit("061414112345")  // "2"  (GLN 0614141123452)
 * gs1CheckDigit("1061414107346") // "4"  (GTIN 10614141073464)
 * ```
 */
export function gs1CheckDigit(digits: string): string {
  requireString(digits, "GS1 check digit: digits");
  if (!/^[0-9]+$/.test(digits)) throw new SealTrailError("malformed", `GS1 check digit: "${digits}" is not all digits`);
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digits.charCodeAt(i) - 48) * weight;
  }
  return String((10 - (sum % 10)) % 10);
}

// The GS1 AI encodable character set 82 (GS1 General Specifications §7.11,
// Figure 7.11-1), the alphabet of serials, lots and other alphanumeric keys.
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
// GS1 AI encodable character set 39 (CPID, AI 8010).
const CSET39 = /^[#\-/0-9A-Z]*$/;

// In a canonical Digital Link, these characters of a value are
// percent-encoded; the others of set 82 are written as they are. This is the
// set the CBV 2.0 reference implementation encodes (the URN escapes of TDS
// §6.3.1 plus the sub-delimiters it encodes on top), so that hashes agree.
const DL_ENCODED = new Set(["!", '"', "#", "%", "&", "(", ")", "*", "+", ",", "/", ":", "<", ">", "?"]);

function encodeDlValue(raw: string): string {
  let out = "";
  for (const ch of raw) {
    out += DL_ENCODED.has(ch) ? "%" + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0") : ch;
  }
  return out;
}

// Decode %XX escapes (TDS §6.3.1 for URNs, RFC 3986 §2.1 for URIs). Returns
// undefined on a broken escape or a decoded character outside `charset`.
function decodeValue(s: string, charset: RegExp): string | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return charset.test(out) ? out : undefined;
}

function bad(urn: string, why: string): SealTrailError {
  return new SealTrailError("malformed", `EPC URI "${urn}": ${why}`, { detail: { epc: urn } });
}

// Company prefix and the reference that follows it together have a fixed
// number of digits (TDS §6.3, one table per scheme); the prefix has 6 to 12.
function splitPrefixed(urn: string, part0: string | undefined, part1: string | undefined, total: number, ref: string): [string, string] {
  if (part0 === undefined || part1 === undefined) throw bad(urn, "missing company prefix or " + ref);
  if (!/^[0-9]{6,12}$/.test(part0)) throw bad(urn, "the GS1 company prefix must be 6 to 12 digits");
  if (!/^[0-9]*$/.test(part1) || part0.length + part1.length !== total) {
    throw bad(urn, `company prefix and ${ref} must be ${total} digits together`);
  }
  return [part0, part1];
}

function serialOf(urn: string, s: string | undefined, max: number, charset = CSET82, what = "serial"): string {
  if (s === undefined || s === "") throw bad(urn, `missing ${what}`);
  const raw = decodeValue(s, charset);
  if (raw === undefined) throw bad(urn, `the ${what} has a character outside the GS1 character set`);
  if (raw.length > max) throw bad(urn, `the ${what} is longer than ${max} characters`);
  return raw;
}

function digitsOf(urn: string, s: string | undefined, max: number, what: string): string {
  if (s === undefined || s.length < 1 || s.length > max || !/^[0-9]+$/.test(s)) throw bad(urn, `${what} must be 1 to ${max} digits`);
  return s;
}

// GTIN-14 from company prefix and indicator + item reference (TDS §6.3.1:
// the indicator digit moves to the front; the check digit is computed).
function gtin14(prefix: string, indicatorItemRef: string): string {
  const data = indicatorItemRef.slice(0, 1) + prefix + indicatorItemRef.slice(1);
  return data + gs1CheckDigit(data);
}

function withCheck(data: string): string {
  return data + gs1CheckDigit(data);
}

const dl = (...parts: string[]): string => GS1_DIGITAL_LINK_DOMAIN + "/" + parts.join("/");

/**
 * Convert an EPC URI (pure identity `urn:epc:id:`, class `urn:epc:class:lgtin:`
 * or pattern `urn:epc:idpat:` with a `*` serial) to its canonical GS1 Digital
 * Link URI, following the GS1 EPC Tag Data Standard's EPC-to-GS1 mapping
 * (company prefix length from the URN's dot, check digits computed).
 * Throws a `malformed` SealTrailError for a URN of a GS1 scheme that breaks
 * the scheme's rules, and an `invalid` one for a URN that has no Digital Link
 * form (non-GS1 schemes such as `bic`, `imovn`, `gid`, or patterns wider than
 * one class).
 *
 * @example
 * ```ts
 * epcUrnToDigitalLink("urn:epc:id:sgtin:4012345.011111.9876")
 * // "https://id.gs1.org/01/04012345111118/21/9876"
 * epcUrnToDigitalLink("urn:epc:id:sscc:0614141.1234567890")
 * // "https://id.gs1.org/00/106141412345678908"
 * epcUrnToDigitalLink("urn:epc:class:lgtin:4012345.012345.998877")
 * // "https://id.gs1.org/01/04012345123456/10/998877"
 * ```
 */
export function epcUrnToDigitalLink(urn: string): string {
  requireString(urn, "EPC URN");
  const converted = convertEpcUrn(urn);
  if (converted === undefined) {
    throw new SealTrailError("invalid", `EPC URI "${urn}" has no GS1 Digital Link form`, { detail: { epc: urn } });
  }
  return converted;
}

/**
 * True when `s` starts like an EPC URI (`urn:epc:id:`, `urn:epc:class:` or
 * `urn:epc:idpat:`), whatever its scheme.
 *
 * @example
 * ```ts
 * isEpcUrn("urn:epc:id:sgtin:4012345.011111.1") // true
 * ```
 */
export function isEpcUrn(s: string): boolean {
  return typeof s === "string" && (s.startsWith("urn:epc:id:") || s.startsWith("urn:epc:class:") || s.startsWith("urn:epc:idpat:"));
}

// undefined: a well-formed URN (or non-GS1 scheme) without a Digital Link form.
function convertEpcUrn(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z0-9]+):(.*)$/.exec(urn);
  if (m === null) throw bad(urn, "not an EPC URI (urn:epc:id|class|idpat:scheme:...)");
  const kind = m[1]!;
  const scheme = m[2]!;
  const parts = m[3]!.split(".");
  if (kind === "id") return convertPureIdentity(urn, scheme, parts);
  if (kind === "class") {
    // TDS §6.3.x EPC Class: only lgtin (GTIN + batch/lot) has a GS1 key form.
    if (scheme !== "lgtin") return undefined;
    if (parts.length < 3) throw bad(urn, "expected CompanyPrefix.IndicatorItemRef.Lot");
    const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
    const lot = serialOf(urn, parts.slice(2).join("."), 20, CSET82, "lot");
    return dl("01", gtin14(p, r), "10", encodeDlValue(lot));
  }
  return convertPattern(urn, scheme, parts);
}

function convertPureIdentity(urn: string, scheme: string, parts: string[]): string | undefined {
  // The serial (last component) may itself contain dots, so it is re-joined.
  const rest = (from: number): string | undefined => (parts.length > from ? parts.slice(from).join(".") : undefined);
  switch (scheme) {
    case "sgtin": {
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
      return dl("01", gtin14(p, r), "21", encodeDlValue(serialOf(urn, rest(2), 20)));
    }
    case "sscc": {
      // The serial reference starts with the extension digit, which leads the SSCC.
      if (parts.length !== 2) throw bad(urn, "expected CompanyPrefix.SerialReference");
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 17, "serial reference");
      return dl("00", withCheck(r.slice(0, 1) + p + r.slice(1)));
    }
    case "sgln": {
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "location reference");
      const ext = serialOf(urn, rest(2), 20, CSET82, "GLN extension");
      // Extension "0" means "no extension" (TDS §6.3.3): the GLN alone.
      return ext === "0" ? dl("414", withCheck(p + r)) : dl("414", withCheck(p + r), "254", encodeDlValue(ext));
    }
    case "grai": {
      // GRAI = filler 0 + GCP + asset type + check digit, then the serial (AI 8003).
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "asset type");
      return dl("8003", withCheck("0" + p + r) + encodeDlValue(serialOf(urn, rest(2), 16)));
    }
    case "giai": {
      if (parts.length < 2 || !/^[0-9]{6,12}$/.test(parts[0]!)) throw bad(urn, "expected CompanyPrefix.IndividualAssetReference");
      const ref = serialOf(urn, rest(1), 30 - parts[0]!.length, CSET82, "asset reference");
      return dl("8004", parts[0]! + encodeDlValue(ref));
    }
    case "gsrn":
    case "gsrnp": {
      if (parts.length !== 2) throw bad(urn, "expected CompanyPrefix.ServiceReference");
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 17, "service reference");
      return dl(scheme === "gsrn" ? "8018" : "8017", withCheck(p + r));
    }
    case "gdti": {
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "document type");
      return dl("253", withCheck(p + r) + encodeDlValue(serialOf(urn, rest(2), 17)));
    }
    case "sgcn": {
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "coupon reference");
      return dl("255", withCheck(p + r) + digitsOf(urn, rest(2), 12, "the serial component"));
    }
    case "cpi": {
      // CPI: GCP + component/part reference (set 39, AI 8010), serial digits (AI 8011).
      if (parts.length < 3 || !/^[0-9]{6,12}$/.test(parts[0]!)) throw bad(urn, "expected CompanyPrefix.ComponentPartReference.Serial");
      const serial = digitsOf(urn, parts[parts.length - 1], 12, "the serial");
      const ref = serialOf(urn, parts.slice(1, -1).join("."), 30 - parts[0]!.length, CSET39, "component/part reference");
      return dl("8010", encodeDlValue(parts[0]! + ref), "8011", serial);
    }
    case "ginc": {
      if (parts.length < 2 || !/^[0-9]{6,12}$/.test(parts[0]!)) throw bad(urn, "expected CompanyPrefix.ConsignmentReference");
      return dl("401", parts[0]! + encodeDlValue(serialOf(urn, rest(1), 30 - parts[0]!.length, CSET82, "consignment reference")));
    }
    case "gsin": {
      if (parts.length !== 2) throw bad(urn, "expected CompanyPrefix.ShipperReference");
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 16, "shipper reference");
      return dl("402", withCheck(p + r));
    }
    case "itip": {
      // ITIP: GTIN + piece number + total count (AI 8006), serial (AI 21).
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
      const piece = parts[2];
      const total = parts[3];
      if (piece === undefined || total === undefined || !/^[0-9]{2}$/.test(piece) || !/^[0-9]{2}$/.test(total)) {
        throw bad(urn, "piece and total must be two digits each");
      }
      return dl("8006", gtin14(p, r) + piece + total, "21", encodeDlValue(serialOf(urn, rest(4), 20)));
    }
    case "upui": {
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
      return dl("01", gtin14(p, r), "235", encodeDlValue(serialOf(urn, rest(2), 28, CSET82, "third party controlled serial")));
    }
    case "pgln": {
      if (parts.length !== 2) throw bad(urn, "expected CompanyPrefix.PartyReference");
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "party reference");
      return dl("417", withCheck(p + r));
    }
    default:
      // bic, imovn, gid, usdod, adi and other non-GS1 schemes: no GS1 key.
      return undefined;
  }
}

// EPC pattern URIs (TDS §8): only a pattern that fixes everything but the
// serial names one GS1 class, which the Digital Link writes without serial.
function convertPattern(urn: string, scheme: string, parts: string[]): string | undefined {
  if (parts[parts.length - 1] !== "*" || parts.slice(0, -1).includes("*")) return undefined;
  switch (scheme) {
    case "sgtin":
    case "upui": {
      if (parts.length !== 3) return undefined;
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
      return dl("01", gtin14(p, r));
    }
    case "grai": {
      if (parts.length !== 3) return undefined;
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, "asset type");
      return dl("8003", withCheck("0" + p + r));
    }
    case "gdti":
    case "sgcn": {
      if (parts.length !== 3) return undefined;
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 12, scheme === "gdti" ? "document type" : "coupon reference");
      return dl(scheme === "gdti" ? "253" : "255", withCheck(p + r));
    }
    case "cpi": {
      if (parts.length < 3 || !/^[0-9]{6,12}$/.test(parts[0]!)) return undefined;
      const ref = serialOf(urn, parts.slice(1, -1).join("."), 30 - parts[0]!.length, CSET39, "component/part reference");
      return dl("8010", encodeDlValue(parts[0]! + ref));
    }
    case "itip": {
      if (parts.length !== 5) return undefined;
      const [p, r] = splitPrefixed(urn, parts[0], parts[1], 13, "indicator and item reference");
      if (!/^[0-9]{2}$/.test(parts[2]!) || !/^[0-9]{2}$/.test(parts[3]!)) throw bad(urn, "piece and total must be two digits each");
      return dl("8006", gtin14(p, r) + parts[2]! + parts[3]!);
    }
    default:
      return undefined;
  }
}

// Short names of GS1 Digital Link 1.x for the numeric AIs.
const AI_SHORT_NAMES: Readonly<Record<string, string>> = {
  gtin: "01", itip: "8006", cpid: "8010", gln: "414", party: "417", gsrnp: "8017", gsrn: "8018",
  gcn: "255", sscc: "00", gdti: "253", ginc: "401", gsin: "402", grai: "8003", giai: "8004",
  cpv: "22", lot: "10", ser: "21",
};

// Primary keys and the shape of their value in the canonical form.
const PRIMARY_KEYS: Readonly<Record<string, RegExp>> = {
  "00": /^[0-9]{18}$/,
  "01": /^(?:[0-9]{8}|[0-9]{12}|[0-9]{13}|[0-9]{14})$/,
  "253": /^[0-9]{13}[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{0,17}$/,
  "255": /^[0-9]{13}[0-9]{0,12}$/,
  "401": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,30}$/,
  "402": /^[0-9]{17}$/,
  "414": /^[0-9]{13}$/,
  "417": /^[0-9]{13}$/,
  "8003": /^[0-9]{14}[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{0,16}$/,
  "8004": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,30}$/,
  "8006": /^[0-9]{18}$/,
  "8010": /^[#\-/0-9A-Z]{1,30}$/,
  "8017": /^[0-9]{18}$/,
  "8018": /^[0-9]{18}$/,
};

// Key qualifiers kept after each primary key, finest first (CBV 2.0 §8.9:
// only the most fine-grained level of identification; 22 (CPV) is dropped).
const QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  "01": ["21", "10", "235"],
  "8006": ["21", "10"],
  "414": ["254"],
  "8010": ["8011"],
};
const QUALIFIER_SHAPE: Readonly<Record<string, RegExp>> = {
  "21": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/,
  "10": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/,
  "22": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/,
  "235": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,28}$/,
  "254": /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/,
  "8011": /^[0-9]{1,12}$/,
};

/**
 * Bring a GS1 Digital Link URI (any domain, numeric or short-name AIs, with
 * or without query string) to the constrained canonical form of CBV 2.0
 * §8.9: `https://id.gs1.org`, numeric AIs, GTINs padded to 14 digits, no
 * query or fragment, the consumer product variant (AI 22) dropped, and only
 * the finest identification level kept (a serial wins over a lot). Returns
 * undefined when `uri` is not a GS1 Digital Link URI of a key it knows.
 *
 * @example
 * ```ts
 * canonicalDigitalLink("https://id.gs1.de/01/04012345999990/21/XYZ-1234?17=250101")
 * // "https://id.gs1.org/01/04012345999990/21/XYZ-1234"
 * canonicalDigitalLink("https://example.org/about") // undefined
 * ```
 */
export function canonicalDigitalLink(uri: string): string | undefined {
  requireString(uri, "GS1 Digital Link");
  const m = /^https?:\/\/[^/?#]+(\/[^?#]*)(?:\?[^#]*)?(?:#.*)?$/.exec(uri);
  if (m === null) return undefined;
  const segments = m[1]!.split("/").slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  // A custom domain may carry its own path before the key (GS1 DL §4.2):
  // the first segment naming a primary key starts the identifier.
  const start = segments.findIndex((s) => PRIMARY_KEYS[AI_SHORT_NAMES[s] ?? s] !== undefined);
  if (start < 0) return undefined;
  const pairs = segments.slice(start);
  if (pairs.length % 2 !== 0) return undefined;
  const values = new Map<string, string>();
  const order: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const ai = AI_SHORT_NAMES[pairs[i]!] ?? pairs[i]!;
    const charset = ai === "8010" ? CSET39 : ai === "8011" ? /^[0-9]*$/ : CSET82;
    const value = decodeValue(pairs[i + 1]!, charset);
    if (value === undefined || values.has(ai)) return undefined;
    values.set(ai, value);
    order.push(ai);
  }
  const key = order[0]!;
  let keyValue = values.get(key)!;
  if (!PRIMARY_KEYS[key]!.test(keyValue)) return undefined;
  if (key === "01") keyValue = keyValue.padStart(14, "0");
  const allowed = QUALIFIERS[key] ?? [];
  for (const ai of order.slice(1)) {
    // AI 22 (consumer product variant) only qualifies a GTIN or an ITIP.
    if (ai === "22" ? key !== "01" && key !== "8006" : !allowed.includes(ai)) return undefined;
    if (!QUALIFIER_SHAPE[ai]!.test(values.get(ai)!)) return undefined;
  }
  const out = [key, encodeDlValue(keyValue)];
  const finest = allowed.find((ai) => values.has(ai));
  if (finest !== undefined) out.push(finest, encodeDlValue(values.get(finest)!));
  return dl(...out);
}

/**
 * The canonical GS1 Digital Link URI for any identifier the CBV 2.0 event
 * hash normalises: an EPC URI (converted), a GS1 Digital Link URI
 * (canonicalised), or undefined for anything else (which the hash keeps as it
 * is). Malformed EPC URIs of a GS1 scheme throw a `malformed` SealTrailError.
 *
 * @example
 * ```ts
 * normaliseGs1Identifier("urn:epc:id:sgln:0614141.12345.400")
 * // "https://id.gs1.org/414/0614141123452/254/400"
 * normaliseGs1Identifier("geo:47.5,11.1") // undefined
 * ```
 */
export function normaliseGs1Identifier(value: string): string | undefined {
  requireString(value, "GS1 identifier");
  if (isEpcUrn(value)) return convertEpcUrn(value);
  if (value.startsWith("http://") || value.startsWith("https://")) return canonicalDigitalLink(value);
  return undefined;
}
