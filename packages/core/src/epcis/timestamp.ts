/**
 * Time normalisation for the CBV 2.0 event hash (§8.9): every timestamp of
 * the pre-hash string is written in UTC with exactly three fractional digits
 * and a capital `Z`.
 */
import { requireString } from "../args.js";
import { SealTrailError } from "../errors.js";

// xsd:dateTime with a mandatory zone (EPCIS 2.0 requires one for eventTime and
// the other time fields; without it the instant is unknown).
const DATE_TIME = /^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

/**
 * Normalise an xsd:dateTime with a time zone to UTC at millisecond
 * precision (`YYYY-MM-DDThh:mm:ss.sssZ`), as CBV 2.0 §8.9 requires for the
 * pre-hash string. Fractions longer than three digits are rounded half up on
 * the fourth digit (the rule the CBV event hash reference states: 03.1415Z
 * becomes 03.142Z); a carry may roll over into the next second, day or year.
 * `field` names the field in the error raised for a malformed value.
 *
 * @example
 * ```ts
 * normaliseTimestamp("2020-03-04T11:00:30+01:00")      // "2020-03-04T10:00:30.000Z"
 * normaliseTimestamp("2023-02-02T11:04:03.1415Z")      // "2023-02-02T11:04:03.142Z"
 * normaliseTimestamp("2022-02-15T01:33:31.116000-06:00") // "2022-02-15T07:33:31.116Z"
 * ```
 */
export function normaliseTimestamp(value: string, field = "timestamp"): string {
  requireString(value, field);
  const m = DATE_TIME.exec(value.trim());
  if (m === null) {
    throw new SealTrailError("malformed", `${field}: "${value}" is not an xsd:dateTime (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm))`, {
      detail: { field, value },
    });
  }
  const zone = m[8];
  if (zone === undefined) {
    throw new SealTrailError("malformed", `${field}: "${value}" has no time zone offset (Z or ±hh:mm)`, { detail: { field, value } });
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const fraction = m[7] ?? "";
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(2000, month, 0)).getUTCDate() : 0;
  const leapOk = !(month === 2 && day === 29) || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(fraction);
  if (
    year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth || !leapOk ||
    (hour > 23 && !endOfDay) || minute > 59 || second > 59
  ) {
    throw new SealTrailError("malformed", `${field}: "${value}" is not a valid date and time`, { detail: { field, value } });
  }
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    // xsd:dateTime offsets lie within ±14:00 (XML Schema 1.1 Part 2 §3.3.7).
    if (oh > 14 || om > 59 || (oh === 14 && om !== 0)) {
      throw new SealTrailError("malformed", `${field}: "${value}" has an offset outside ±14:00`, { detail: { field, value } });
    }
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  // Milliseconds from the first three fractional digits, rounded half up on
  // the fourth (CBV event hash reference, rule 9).
  let millis = Number((fraction + "000").slice(0, 3));
  if (fraction.length > 3 && fraction.charCodeAt(3) >= 53 /* '5' */) millis += 1;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  const y = date.getUTCFullYear();
  if (y < 1 || y > 9999) {
    throw new SealTrailError("malformed", `${field}: "${value}" falls outside years 0001-9999 in UTC`, { detail: { field, value } });
  }
  return (
    `${pad(y, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}
