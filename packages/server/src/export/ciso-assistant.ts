/**
 * The catalogue as a CISO Assistant library (YAML), the format of the files
 * under backend/library/libraries/ of intuitem/ciso-assistant-community, so
 * that an organisation already running that tool assesses itself against
 * the same ISO 28000 clauses SealTrail judges its records by.
 *
 * The library holds
 * - one framework whose requirement nodes are the clause groups 4 to 10
 *   (depth 1, not assessable) and their clauses (depth 2, or 3 under 6.1),
 *   each clause assessable, with the checks an auditor makes as its
 *   annotation and the record types that evidence it as typical evidence;
 * - the example controls of the eight operational control domains as
 *   reference controls, each linked from the clauses its domain serves.
 *
 * URNs follow the tool's convention (urn:<packager>:risk:<kind>:<ref>;
 * requirement nodes under the framework's URN with "framework" replaced by
 * "req_node"), all lower case as its loader stores them. The text is the
 * catalogue's own words: nothing of the standard's text is reproduced.
 */
import { stringify } from "yaml";
import { CATALOGUE, CLAUSES, CLAUSE_GROUPS, CONTROL_DOMAINS, SealTrailError, catalogueDigest } from "@sealtrail/core";

/** The packager named in every URN of the library. */
export const CISO_ASSISTANT_PACKAGER = "sealtrail";

const LIBRARY_URN = `urn:${CISO_ASSISTANT_PACKAGER}:risk:library:${CATALOGUE.id}`;
const FRAMEWORK_URN = `urn:${CISO_ASSISTANT_PACKAGER}:risk:framework:${CATALOGUE.id}`;
const NODE_BASE = FRAMEWORK_URN.replace(":framework:", ":req_node:");
const CONTROL_BASE = `urn:${CISO_ASSISTANT_PACKAGER}:risk:reference_control:${CATALOGUE.id}`;

/**
 * The library's integer version from the catalogue's semantic version: the
 * tool's loader reads `version` with int() and refuses a library whose
 * version is not above the one it holds, so every catalogue release must map
 * to a larger integer (major × 10000 + minor × 100 + patch, each part below 100).
 *
 * @example
 * ```ts
 * libraryVersion("1.2.3") // 10203
 * ```
 */
export function libraryVersion(semver: string): number {
  const m = /^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{1,2})$/.exec(semver);
  if (m === null) throw new SealTrailError("invalid", `catalogue version ${semver}: expected MAJOR.MINOR.PATCH, each part below 100`);
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

const nodeUrn = (ref: string): string => `${NODE_BASE}:${ref}`;

/**
 * The CISO Assistant library of the catalogue, as an object (the YAML's data).
 *
 * @example
 * ```ts
 * cisoAssistantLibrary().objects.framework.requirement_nodes.length // 7 groups + the clauses
 * ```
 */
export function cisoAssistantLibrary() {
  const controlsOf = new Map<string, string[]>();
  const referenceControls = CONTROL_DOMAINS.flatMap((d) =>
    d.controls.map((c) => {
      const urn = `${CONTROL_BASE}:${c.id}`;
      for (const clause of d.clauses) controlsOf.set(clause, [...(controlsOf.get(clause) ?? []), urn]);
      return { urn, ref_id: c.id, name: c.title, description: c.description, annotation: `Control domain: ${d.title}. ${d.summary}` };
    }),
  );
  const depth = new Map<string, number>();
  const nodes: Record<string, unknown>[] = [];
  for (const g of CLAUSE_GROUPS) {
    depth.set(g.id, 1);
    nodes.push({ urn: nodeUrn(g.id), assessable: false, depth: 1, ref_id: g.id, name: g.title, description: g.summary });
    for (const c of CLAUSES.filter((x) => x.group === g.id)) {
      // Clauses come in the standard's order, so a parent (6.1) precedes its children (6.1.1).
      const d = (depth.get(c.parent) ?? 1) + 1;
      depth.set(c.id, d);
      const controls = controlsOf.get(c.id) ?? [];
      nodes.push({
        urn: nodeUrn(c.id),
        assessable: true,
        depth: d,
        parent_urn: nodeUrn(c.parent),
        ref_id: c.id,
        name: c.title,
        description: c.summary,
        annotation: c.checks.map((x) => `- ${x}`).join("\n"),
        typical_evidence: `SealTrail records: ${c.evidence.join(", ")}`,
        ...(controls.length > 0 ? { reference_controls: controls } : {}),
      });
    }
  }
  const name = "ISO 28000:2022 — Security management systems (SealTrail catalogue)";
  const description = `The auditable clauses 4 to 10 of ISO 28000:2022 as SealTrail's catalogue ${CATALOGUE.id} ${CATALOGUE.version} (SHA-256 ${catalogueDigest()}) states them, with the example controls of its eight operational control domains. Summaries and checks are the catalogue's own words; the standard itself is sold by ISO.`;
  return {
    urn: LIBRARY_URN,
    locale: "en",
    ref_id: CATALOGUE.id,
    name,
    description,
    copyright: "Clause numbers and titles: ISO. Summaries, checks and controls: SealTrail catalogue, under the project's licence.",
    version: libraryVersion(CATALOGUE.version),
    provider: "ISO",
    packager: CISO_ASSISTANT_PACKAGER,
    objects: {
      reference_controls: referenceControls,
      framework: { urn: FRAMEWORK_URN, ref_id: CATALOGUE.id, name, description, requirement_nodes: nodes },
    },
  };
}

/**
 * The library as YAML text, ready for the tool's library import.
 *
 * @example
 * ```ts
 * writeFileSync("iso28000-2022.yaml", cisoAssistantYaml());
 * ```
 */
export function cisoAssistantYaml(): string {
  // The tool reads libraries with PyYAML (yaml.safe_load, YAML 1.1): written
  // as YAML 1.1, a string such as "no" or "on" is quoted instead of read back
  // as a boolean. No line folding: one line per description, as diff-able as
  // the tool's own files.
  return stringify(cisoAssistantLibrary(), { version: "1.1", lineWidth: 0 });
}
