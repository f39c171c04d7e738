/**
 * Five capability maturity levels, applied per clause group and per control
 * domain. Certification is pass or fail; maturity shows where to invest next
 * and gives clause 10.1 (continual improvement) a measurable direction.
 */

/** The shape of one maturity level. */
export interface MaturityLevelDefinition {
  readonly level: 1 | 2 | 3 | 4 | 5;
  readonly id: string;
  readonly name: string;
  readonly characteristics: readonly string[];
}

/**
 * The maturity levels, lowest first.
 *
 * @example
 * ```ts
 * MATURITY_LEVELS[2]?.name // "Defined"
 * ```
 */
export const MATURITY_LEVELS = [
  {
    level: 1,
    id: "initial",
    name: "Initial",
    characteristics: [
      "Security is handled when something happens, not planned beforehand",
      "Little or nothing is written down; results depend on particular individuals",
      "Controls differ from site to site and shift to shift",
    ],
  },
  {
    level: 2,
    id: "developing",
    name: "Developing",
    characteristics: [
      "A policy and some procedures exist for the most important areas",
      "Risks have been assessed for part of the scope",
      "Records are kept, but with gaps",
    ],
  },
  {
    level: 3,
    id: "defined",
    name: "Defined",
    characteristics: [
      "The SMS is documented clause by clause and covers its whole scope",
      "Controls follow from the risk assessment and are in place",
      "Roles and responsibilities are assigned and known",
    ],
  },
  {
    level: 4,
    id: "managed",
    name: "Managed",
    characteristics: [
      "Performance is measured against targets with KPIs",
      "Audits and reviews by management happen when planned and lead to decisions",
      "Decisions rest on data rather than impressions",
    ],
  },
  {
    level: 5,
    id: "optimising",
    name: "Optimising",
    characteristics: [
      "Improvement is a routine part of operations",
      "Emerging risks are anticipated from trends and intelligence",
      "The SMS works as one with the other management systems and is compared with peers",
    ],
  },
] as const satisfies readonly MaturityLevelDefinition[];

/** One maturity level. */
export type MaturityLevel = (typeof MATURITY_LEVELS)[number];

/** A maturity level id ("initial" ... "optimising"). */
export type MaturityLevelId = MaturityLevel["id"];
