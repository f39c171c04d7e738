/** Organisations of a supply chain. */
import { SealTrailError, isName } from "@sealtrail/core";
import type { AdminStore, OrgRow } from "../store/types.js";

/** The roles an organisation can play in a supply chain. */
export const ORG_ROLES = [
  "shipper",
  "manufacturer",
  "carrier",
  "forwarder",
  "warehouse",
  "port_terminal",
  "customs_broker",
  "supplier",
  "certification_body",
  "regulator",
  "customer",
] as const;

/** One of {@link ORG_ROLES}. */
export type OrgRole = (typeof ORG_ROLES)[number];

const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/**
 * Create an organisation after checking its fields.
 *
 * @example
 * ```ts
 * await createOrganisation(store, { id: "carrier", name: "Rhine Carriers BV", country: "NL", roles: ["carrier"] });
 * ```
 */
export async function createOrganisation(
  store: AdminStore,
  o: { id: string; name: string; country?: string | null; roles?: readonly string[] },
): Promise<OrgRow> {
  if (typeof o.id !== "string" || !isName(o.id)) throw new SealTrailError("invalid", `id "${String(o.id)}": letters, digits, '.', '_' or '-' (at most 64)`);
  if (typeof o.name !== "string" || o.name.trim().length === 0 || o.name.length > 200) throw new SealTrailError("invalid", "name: 1 to 200 characters");
  const country = o.country ?? null;
  if (country !== null && !COUNTRY_PATTERN.test(country)) throw new SealTrailError("invalid", `country "${country}": an ISO 3166-1 alpha-2 code such as NL`);
  const roles = [...new Set(o.roles ?? [])];
  for (const r of roles) {
    if (!(ORG_ROLES as readonly string[]).includes(r)) throw new SealTrailError("invalid", `role "${r}": one of ${ORG_ROLES.join(", ")}`);
  }
  const row: OrgRow = { id: o.id, name: o.name.trim(), country, roles, createdAt: new Date().toISOString() };
  await store.createOrg(row);
  return row;
}
