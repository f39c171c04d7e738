/**
 * The ISO 28000:2022 catalogue as one versioned, content-addressed value.
 *
 * A vault records the catalogue it is judged against in an `sms.catalogue`
 * record: id, version and digest. The digest is the SHA-256 of the RFC 8785
 * canonical JSON of {@link CATALOGUE}, so a report computed later can prove
 * it used exactly the data the vault adopted. Any change to the data is a new
 * version with a new digest; a verifier holding an older catalogue sees the
 * mismatch instead of silently judging by different rules.
 */
import { canonicalBytes } from "../../json/canonicalize.js";
import { sha256Hex } from "../../crypto.js";
import { CLAUSES, CLAUSE_GROUPS } from "./clauses.js";
import { CONTROL_DOMAINS } from "./domains.js";
import { ASSESSMENT_METHODS, CRITICALITY_FACTORS, MATERIALITY_TIERS, THREAT_LEVEL_POSTURES } from "./tiers.js";
import { SMS_ROLES } from "./roles.js";
import { FRAMEWORK_MAPPINGS } from "./mappings.js";
import { MATURITY_LEVELS } from "./maturity-levels.js";
import { KPIS } from "./kpis.js";
import { READINESS_ITEMS } from "./readiness.js";
import { COMMON_GAPS } from "./gaps.js";
import { EVIDENCE_CATEGORIES } from "./evidence.js";

export * from "./clauses.js";
export * from "./domains.js";
export * from "./tiers.js";
export * from "./roles.js";
export * from "./mappings.js";
export * from "./maturity-levels.js";
export * from "./kpis.js";
export * from "./readiness.js";
export * from "./gaps.js";
export * from "./evidence.js";

// Frozen all the way down: the digest is computed once, so the data it
// names must not change underneath it at run time.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The catalogue: every part, under its id and semantic version.
 *
 * @example
 * ```ts
 * CATALOGUE.version // "1.0.0"
 * CATALOGUE.kpis.length // 12
 * ```
 */
export const CATALOGUE = deepFreeze({
  id: "iso28000-2022",
  version: "1.0.0",
  clauseGroups: CLAUSE_GROUPS,
  clauses: CLAUSES,
  domains: CONTROL_DOMAINS,
  tiers: MATERIALITY_TIERS,
  assessmentMethods: ASSESSMENT_METHODS,
  criticalityFactors: CRITICALITY_FACTORS,
  threatLevels: THREAT_LEVEL_POSTURES,
  roles: SMS_ROLES,
  mappings: FRAMEWORK_MAPPINGS,
  maturityLevels: MATURITY_LEVELS,
  kpis: KPIS,
  readiness: READINESS_ITEMS,
  gaps: COMMON_GAPS,
  evidence: EVIDENCE_CATEGORIES,
} as const);

/** The type of the catalogue. */
export type Catalogue = typeof CATALOGUE;

/**
 * Hex SHA-256 of the RFC 8785 canonical JSON of a catalogue-shaped value.
 * {@link catalogueDigest} applies it to {@link CATALOGUE}; it is exported to
 * check a catalogue received from elsewhere against a recorded digest.
 *
 * @example
 * ```ts
 * digestOf(CATALOGUE) === catalogueDigest() // true
 * ```
 */
export function digestOf(catalogue: unknown): string {
  return sha256Hex(canonicalBytes(catalogue));
}

let cached: string | undefined;

/**
 * The digest that names this catalogue version: 64 lower-case hex digits.
 *
 * @example
 * ```ts
 * const record = { id: "catalogue", catalogue: CATALOGUE.id, version: CATALOGUE.version, digest: catalogueDigest() };
 * ```
 */
export function catalogueDigest(): string {
  // Computed lazily, not at import: the crypto backend may be swapped
  // (setCryptoBackend) after this module loads, and both give the same hash.
  cached ??= digestOf(CATALOGUE);
  return cached;
}
