/**
 * The fields of an EPCIS 2.0 event as the CBV 2.0 pre-hash string orders
 * and reads them (CBV 2.0 §8.9): the event types, the members left out, the
 * members in canonical order, and the standard sub-fields of structured
 * members with their vocabularies.
 */

/**
 * The five EPCIS 2.0 event types (EPCIS 2.0 §7.4).
 *
 * @example
 * ```ts
 * EPCIS_EVENT_TYPES.includes(event.type) // false for anything else
 * ```
 */
export const EPCIS_EVENT_TYPES: readonly string[] = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
];

// Event members that never enter the pre-hash string (CBV 2.0 §8.9: the ID
// and the capture time are not content; an error declaration is added to an
// event later and must not change its hash). JSON-LD comments are not content
// either.
export const EXCLUDED_MEMBERS = new Set(["type", "eventID", "recordTime", "errorDeclaration", "@context", "rdfs:comment", "comment"]);
export const IGNORED_EVERYWHERE = new Set(["@context", "rdfs:comment", "comment", "#text"]);
// Deepest nesting of extension content the pre-hash string follows.
export const MAX_DEPTH = 64;

// Bare-string standard vocabulary (EPCIS 2.0 JSON-LD binding) expanded to its
// web URI, per field, as the EPCIS 2.0 context's @vocab terms expand it.
export type Vocabulary = (bare: string) => string;
export const cbvTerm = (kind: string): Vocabulary => (v) => `https://ref.gs1.org/cbv/${kind}-${v}`;
export const gs1Term: Vocabulary = (v) => `https://gs1.org/voc/${v}`;
export const isBare = (v: string): boolean => v !== "" && !v.includes(":");

// Standard sub-fields in canonical order (CBV 2.0 §8.9, canonical property
// order); `time` marks timestamps, `vocab` bare-string vocabulary.
export interface FieldRule {
  readonly name: string;
  readonly time?: boolean;
  readonly vocab?: Vocabulary;
}
export const SENSOR_METADATA: readonly FieldRule[] = [
  { name: "time", time: true },
  { name: "startTime", time: true },
  { name: "endTime", time: true },
  { name: "deviceID" },
  { name: "deviceMetadata" },
  { name: "rawData" },
  { name: "dataProcessingMethod" },
  { name: "bizRules" },
];
export const SENSOR_REPORT: readonly FieldRule[] = [
  { name: "type", vocab: gs1Term },
  { name: "exception", vocab: gs1Term },
  { name: "deviceID" },
  { name: "deviceMetadata" },
  { name: "rawData" },
  { name: "dataProcessingMethod" },
  { name: "time", time: true },
  { name: "microorganism" },
  { name: "chemicalSubstance" },
  { name: "value" },
  { name: "component", vocab: cbvTerm("Comp") },
  { name: "stringValue" },
  { name: "booleanValue" },
  { name: "hexBinaryValue" },
  { name: "uriValue" },
  { name: "minValue" },
  { name: "maxValue" },
  { name: "meanValue" },
  { name: "sDev" },
  { name: "percRank" },
  { name: "percValue" },
  { name: "uom" },
  { name: "coordinateReferenceSystem" },
];
export const QUANTITY_ELEMENT: readonly FieldRule[] = [{ name: "epcClass" }, { name: "quantity" }, { name: "uom" }];
export const LOCATION: readonly FieldRule[] = [{ name: "id" }];

const RULE_NAMES = new WeakMap<readonly FieldRule[], readonly string[]>();
export function ruleNames(rules: readonly FieldRule[]): readonly string[] {
  let names = RULE_NAMES.get(rules);
  if (names === undefined) RULE_NAMES.set(rules, (names = rules.map((r) => r.name)));
  return names;
}

export const ORDERED_MEMBERS: ReadonlySet<string> = new Set([
  "eventTime", "eventTimeZoneOffset", "certificationInfo", "epcList", "parentID", "inputEPCList", "childEPCs",
  "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList", "outputQuantityList", "action",
  "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "sensorElementList",
]);
