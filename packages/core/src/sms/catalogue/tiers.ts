/**
 * Materiality tiers, the criticality factors that place a supplier or node
 * in a tier, and the graded threat levels with their security postures.
 *
 * ISO 28000 prescribes no tiering model; assessors expect a rational,
 * risk-based one (clauses 4.3, 6.1.2 and 8.1). This is SealTrail's: an
 * `sms.supplier` record carries its tier, its rationale and its four factor
 * ratings, and its `sms.supplier-assessment` records are judged against the
 * assurance its tier requires.
 */

/** How a supplier or node is assessed (the `method` of an `sms.supplier-assessment`). */
export interface AssessmentMethodDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/**
 * The assessment methods, deepest first.
 *
 * @example
 * ```ts
 * ASSESSMENT_METHODS.map((m) => m.id) // ["direct-audit", "questionnaire-and-targeted-audit", ...]
 * ```
 */
export const ASSESSMENT_METHODS = [
  { id: "direct-audit", title: "Direct audit", description: "The organisation's own auditors examine the partner's sites, records and controls in person." },
  { id: "questionnaire-and-targeted-audit", title: "Questionnaire and targeted audit", description: "A questionnaire covers every domain, and an audit visit tests the answers that matter most or look weakest." },
  { id: "certificate-review", title: "Certificate review", description: "A current certificate or authorisation (ISO 28000, AEO, C-TPAT and the like) is checked for validity and scope." },
  { id: "questionnaire", title: "Questionnaire", description: "The partner answers a security questionnaire and supplies evidence on request." },
  { id: "self-assessment", title: "Self-assessment", description: "The partner assesses itself against stated requirements and attests to the result." },
  { id: "monitoring", title: "Continuous monitoring", description: "Ongoing signals (incidents, custody exceptions, tracking alerts, news) are watched between formal assessments." },
] as const satisfies readonly AssessmentMethodDefinition[];

/** An assessment method id. */
export type AssessmentMethodId = (typeof ASSESSMENT_METHODS)[number]["id"];

/** The shape of one materiality tier. */
export interface TierDefinition {
  /** "1", "2", "3" or "excluded", as `sms.supplier` records write it. */
  readonly id: string;
  readonly name: string;
  readonly definition: string;
  /** The depth of controls expected of a supplier or node in this tier. */
  readonly controls: string;
  readonly assurance: {
    /** Any one of these methods, within the interval, meets the tier's assurance. */
    readonly methods: readonly AssessmentMethodId[];
    /** Days after which the last qualifying assessment (or, for an exclusion, its validation) is stale. */
    readonly intervalDays: number;
    /** Whether monitoring must run between assessments. */
    readonly continuousMonitoring: boolean;
    /** Whether security obligations must be in the contract (`contractClauses` of `sms.supplier`). */
    readonly contractClauses: boolean;
  };
  /** Whether a record in this tier must say why it is there. */
  readonly justificationRequired: boolean;
  /**
   * When the criticality factors suggest this tier: any one factor at least
   * `anyFactorAtLeast`, or the four summed at least `totalAtLeast`. Tiers are
   * tried in order; the first that matches is the suggestion, and the
   * organisation may place a node differently if its rationale says why.
   */
  readonly suggestWhen: { readonly anyFactorAtLeast: number; readonly totalAtLeast: number } | null;
}

// Intervals: tier 1 yearly, in step with the annual surveillance audits of a
// certified SMS, because a critical partner's exposure can change within a
// year and continuous monitoring covers the time between; tier 2 every two
// years, half that depth of attention for partners that have alternatives;
// tier 3 every three years, once per certification cycle, enough for
// substitutable low-value nodes. An exclusion is re-validated yearly so that
// every management review (clause 9.3) sees a current judgement of it.
/**
 * The materiality tiers, most critical first.
 *
 * @example
 * ```ts
 * MATERIALITY_TIERS.find((t) => t.id === "1")?.assurance.intervalDays // 365
 * ```
 */
export const MATERIALITY_TIERS = [
  {
    id: "1",
    name: "critical",
    definition: "A supplier or node whose failure or compromise would cause a major loss, harm to people, a regulatory breach or an interruption the organisation could not quickly work around.",
    controls: "The full set of applicable controls in every relevant domain.",
    assurance: { methods: ["direct-audit"], intervalDays: 365, continuousMonitoring: true, contractClauses: true },
    justificationRequired: false,
    suggestWhen: { anyFactorAtLeast: 5, totalAtLeast: 15 },
  },
  {
    id: "2",
    name: "significant",
    definition: "A supplier or node with meaningful value or exposure, whose failure would hurt but for which mitigations or alternatives exist.",
    controls: "The core controls of the domains it touches.",
    assurance: { methods: ["questionnaire-and-targeted-audit", "direct-audit"], intervalDays: 730, continuousMonitoring: false, contractClauses: true },
    justificationRequired: false,
    suggestWhen: { anyFactorAtLeast: 4, totalAtLeast: 10 },
  },
  {
    id: "3",
    name: "standard",
    definition: "A routine supplier or node of low value that could easily be replaced.",
    controls: "Baseline controls, checked by sampling.",
    assurance: {
      methods: ["self-assessment", "questionnaire", "certificate-review", "questionnaire-and-targeted-audit", "direct-audit"],
      intervalDays: 1095,
      continuousMonitoring: false,
      contractClauses: false,
    },
    justificationRequired: false,
    suggestWhen: { anyFactorAtLeast: 1, totalAtLeast: 4 },
  },
  {
    id: "excluded",
    name: "excluded",
    definition: "An activity, site or party deliberately left outside the SMS, with the reason recorded.",
    controls: "No SMS controls; the exclusion itself is documented and its reason re-examined.",
    assurance: { methods: [], intervalDays: 365, continuousMonitoring: false, contractClauses: false },
    justificationRequired: true,
    suggestWhen: null,
  },
] as const satisfies readonly TierDefinition[];

/** One materiality tier. */
export type MaterialityTier = (typeof MATERIALITY_TIERS)[number];

/** A tier id: "1", "2", "3" or "excluded". */
export type TierId = MaterialityTier["id"];

/** The shape of one criticality factor, rated 1 to 5. */
export interface CriticalityFactorDefinition {
  /** The field of `criticality` in an `sms.supplier` record. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** What ratings 1 to 5 mean, lowest first. */
  readonly scale: readonly [string, string, string, string, string];
}

/**
 * The four criticality factors behind a tier.
 *
 * @example
 * ```ts
 * CRITICALITY_FACTORS.map((f) => f.id) // ["valueAtRisk", "threatExposure", "disruption", "regulatory"]
 * ```
 */
export const CRITICALITY_FACTORS = [
  {
    id: "valueAtRisk",
    title: "Value at risk",
    description: "How much could be lost through this node: the value of goods, equipment and data it holds or handles at a time.",
    scale: ["Negligible value in its hands", "Low value, easily absorbed", "Moderate value, a noticeable loss", "High value or theft-attractive goods", "Very high value, or goods whose loss is itself a security event"],
  },
  {
    id: "threatExposure",
    title: "Threat exposure",
    description: "How likely the node is to be targeted or to fail: its location, routes, the goods it handles and its security record.",
    scale: ["No known threat", "Occasional, low-level threats", "Threats typical for its region and trade", "Known hot spot, attractive cargo or a history of incidents", "Active, specific threats against it"],
  },
  {
    id: "disruption",
    title: "Disruption consequence",
    description: "What happens to the organisation's supply if the node fails, and how quickly it could be replaced.",
    scale: ["Replaceable at once", "Replaceable within days", "Replacement takes weeks and costs noticeably", "Sole or dominant source, months to replace", "Failure would stop essential supply or endanger people"],
  },
  {
    id: "regulatory",
    title: "Regulatory and contractual sensitivity",
    description: "How far laws, customs status, licences or customer contracts depend on this node's security.",
    scale: ["No regulated or contractual exposure", "Minor contractual terms", "Customer security requirements apply", "Customs, export-control or licence conditions depend on it", "A breach would put an authorisation or licence at risk"],
  },
] as const satisfies readonly CriticalityFactorDefinition[];

/** A criticality factor id. */
export type CriticalityFactorId = (typeof CRITICALITY_FACTORS)[number]["id"];

/** The shape of one threat level. */
export interface ThreatLevelDefinition {
  readonly id: string;
  /** 0 for normal, rising with the threat. */
  readonly rank: number;
  readonly title: string;
  readonly posture: string;
  /** Typical additions to the previous level's measures. */
  readonly uplifts: readonly string[];
}

/**
 * The threat levels, lowest first, each with the posture it calls for. An
 * organisation aligns them with its national advisories (for ports, the
 * three ISPS security levels) in its security plans (clause 8.5).
 *
 * @example
 * ```ts
 * THREAT_LEVEL_POSTURES.find((l) => l.id === "severe")?.rank // 3
 * ```
 */
export const THREAT_LEVEL_POSTURES = [
  {
    id: "normal",
    rank: 0,
    title: "Normal",
    posture: "Business as usual: every control of the statement of applicable controls operates as designed and staff stay alert to anything unusual.",
    uplifts: [],
  },
  {
    id: "elevated",
    rank: 1,
    title: "Elevated",
    posture: "A general rise in threat without a specific target: checks become more frequent and visible, and management watches the situation daily.",
    uplifts: ["More frequent patrols and seal checks", "Closer scrutiny of visitors and unscheduled deliveries", "Security briefings for shifts and drivers"],
  },
  {
    id: "high",
    rank: 2,
    title: "High",
    posture: "A credible threat to the organisation's sector, region or routes: access is narrowed, high-risk movements are reconsidered and the crisis team is on standby.",
    uplifts: ["Entry limited to essential staff and pre-booked vehicles", "Escort or rerouting of high-risk loads", "Every conveyance inspected on arrival and departure", "Crisis team on standby"],
  },
  {
    id: "severe",
    rank: 3,
    title: "Severe",
    posture: "An attack or serious incident is expected imminently or is under way: only critical operations continue, under maximum protection and in close contact with authorities.",
    uplifts: ["Non-critical operations suspended", "Continuous guarding of sites and loads", "Direct liaison with police and customs", "Crisis team in session"],
  },
] as const satisfies readonly ThreatLevelDefinition[];

/** One threat level with its posture. */
export type ThreatLevelPosture = (typeof THREAT_LEVEL_POSTURES)[number];

/** A threat level id: "normal", "elevated", "high" or "severe". */
export type ThreatLevelId = ThreatLevelPosture["id"];
