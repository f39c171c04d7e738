/**
 * The audit's findings: the kinds of discrepancy it names, and the list that
 * collects them, capped per kind so that a badly damaged vault still gives a
 * readable report.
 */
import { toHex } from "@sealtrail/core";

/**
 * What an audit problem is about. Entries, against the tree: `missing`,
 * `inserted`, `reordered`, `changed`. Per entry: `leaf_hash` (stored column
 * is not the hash of the bytes), `malformed`, `entry_column` (type, author,
 * key or time column differs from the envelope), `bad_signature`,
 * `unknown_key`, `revoked_key`, `key_change` (a key record the registry rules
 * refuse), `payload_changed`, `payload_missing` (and no redaction record names
 * the entry), `redaction_invalid` (a redaction record the rules refuse:
 * unknown target or leaf hash, a log record, an author who may not, a second
 * redaction), `redaction_not_applied` (the target's payload is still
 * stored). Stored state: `key_registry`
 * (keys table vs the registry replayed from the log), `tree`, `tile`,
 * `checkpoint`, `checkpoint_signature`.
 */
export type AuditProblemKind =
  | "missing"
  | "inserted"
  | "reordered"
  | "changed"
  | "leaf_hash"
  | "malformed"
  | "entry_column"
  | "bad_signature"
  | "unknown_key"
  | "revoked_key"
  | "key_change"
  | "payload_changed"
  | "payload_missing"
  | "redaction_invalid"
  | "redaction_not_applied"
  | "key_registry"
  | "tree"
  | "tile"
  | "checkpoint"
  | "checkpoint_signature";

/** Every problem kind, in the order a report lists them. */
export const AUDIT_PROBLEM_KINDS: readonly AuditProblemKind[] = [
  "missing",
  "inserted",
  "reordered",
  "changed",
  "leaf_hash",
  "malformed",
  "entry_column",
  "bad_signature",
  "unknown_key",
  "revoked_key",
  "key_change",
  "payload_changed",
  "payload_missing",
  "redaction_invalid",
  "redaction_not_applied",
  "key_registry",
  "tree",
  "tile",
  "checkpoint",
  "checkpoint_signature",
];

/** One discrepancy: `index` is the entry (or first leaf) concerned, `size` the checkpoint's. */
export interface AuditProblem {
  kind: AuditProblemKind;
  message: string;
  index?: bigint;
  size?: bigint;
}

// Problems listed per kind; the rest are counted in one closing line.
const MAX_LISTED = 100;

export class Problems {
  readonly #list: AuditProblem[] = [];
  readonly #counts = new Map<AuditProblemKind, number>();

  /** Add a problem; returns it (to amend its message) unless over the listing cap. */
  add(kind: AuditProblemKind, message: string, where: { index?: bigint; size?: bigint } = {}): AuditProblem | null {
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    if (n > MAX_LISTED) return null;
    const p: AuditProblem = { kind, message, ...where };
    this.#list.push(p);
    return p;
  }

  report(): AuditProblem[] {
    const rank = (k: AuditProblemKind) => AUDIT_PROBLEM_KINDS.indexOf(k);
    const out = this.#list.map((p, i) => ({ p, i }));
    out.sort((a, b) => rank(a.p.kind) - rank(b.p.kind) || a.i - b.i);
    const list = out.map((x) => x.p);
    for (const kind of AUDIT_PROBLEM_KINDS) {
      const n = this.#counts.get(kind) ?? 0;
      if (n > MAX_LISTED) {
        let at = 0;
        list.forEach((p, i) => {
          if (p.kind === kind) at = i + 1;
        });
        list.splice(at, 0, { kind, message: `${n - MAX_LISTED} more ${kind} problems not listed` });
      }
    }
    return list;
  }
}

export const range = (first: number, last: number): string => (first === last ? `index ${first}` : `indices ${first}..${last}`);
export const short = (h: Uint8Array): string => toHex(h).slice(0, 16);
