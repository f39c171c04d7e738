/**
 * Who may sign and write what (docs/formats.md §5, §5a): the key records
 * replayed in index order, the key each record must be signed with, and the
 * write rights of the membership records when the policy names the operator.
 */
import { fromBase64 } from "../bytes.js";
import { ed25519Verify } from "../crypto.js";
import { writeRightsOf } from "../custody/membership.js";
import { PACKED_TASK_HEADER } from "../signature-batch.js";
import { KEY_RECORD_TYPE, MEMBER_RECORD_TYPE, keyIdOf, type MemberChange } from "../record/envelope.js";
import { addFailure, fail, type KeyState, type Rec } from "./state.js";

// A committed key record's slot needs a key; key records are checked in
// this thread from their slots, with the key their own record names.
export const NO_KEY = new Uint8Array(32);

// A key record: checked here, in this thread, in index order, since it
// decides which key may sign later records (docs/formats.md §5).
export function applyKeyRecord(r: Rec, keys: Map<string, KeyState>, batch: Uint8Array): void {
  const env = r.env;
  if (env === null) return;
  const k = r.extra!;
  let pub: Uint8Array;
  try {
    pub = fromBase64(k.publicKey as string, "key.publicKey");
    if (keyIdOf(pub) !== k.keyId) throw new Error("keyId is not the key's");
  } catch (e) {
    addFailure(r, fail("record_malformed", `entry ${r.index}: ${(e as Error).message}`, { index: r.index }));
    return;
  }
  let signer: Uint8Array | null;
  if (k.action === "register") {
    // Proof of possession: signed by the key it registers.
    if (env.keyId !== k.keyId) {
      addFailure(r, fail("key_unknown", `entry ${r.index}: a registration must be signed by the key it registers`, { index: r.index }));
      return;
    }
    const prior = keys.get(k.keyId as string);
    if (prior !== undefined && (prior.author !== env.author || prior.revokedAt !== null)) {
      addFailure(r, fail("key_unknown", `entry ${r.index}: key ${String(k.keyId)} was registered before`, { index: r.index }));
      return;
    }
    signer = pub;
  } else {
    signer = keyFor(r, keys);
    if (signer === null) return;
  }
  const at = r.slot + PACKED_TASK_HEADER;
  r.sigOk = ed25519Verify(signer, batch.subarray(at, at + r.msgLen), batch.subarray(r.slot + 32, r.slot + 96));
  if (!r.sigOk || !r.positioned) return; // judged later; an unproven key record changes nothing
  if (k.action === "register") {
    if (!keys.has(k.keyId as string)) keys.set(k.keyId as string, { author: env.author as string, publicKey: pub, registeredAt: r.index, revokedAt: null });
  } else {
    const st = keys.get(k.keyId as string);
    if (st !== undefined && st.author === env.author && st.revokedAt === null) st.revokedAt = r.index;
  }
}

// The public key that must have signed record r, or null (with the failure
// recorded) when no key of that id was valid for its author at its index.
export function keyFor(r: Rec, keys: Map<string, KeyState>): Uint8Array | null {
  const env = r.env!;
  const st = keys.get(env.keyId as string);
  if (st === undefined || st.author !== env.author || st.registeredAt >= r.index) {
    addFailure(r, fail("key_unknown", `entry ${r.index}: key ${String(env.keyId)} was not registered for ${String(env.author)} before this entry`, { index: r.index }));
    return null;
  }
  if (st.revokedAt !== null && st.revokedAt < r.index) {
    addFailure(r, fail("key_revoked", `entry ${r.index}: key ${String(env.keyId)} was revoked at entry ${st.revokedAt}`, { index: r.index }));
    return null;
  }
  return st.publicKey;
}

// Write rights (docs/formats.md §5a), for a policy that names the operator:
// membership records are the operator's to write; any other record needs
// the operator as author or a membership in force at its index that allows
// its type. Key records are exempt: a key grants nothing by itself, and
// every record signed with it is checked here. Only membership records
// that verified count. `recs` is every judged record, in index order.
export function checkWriteRights(recs: readonly Rec[], operator: string): void {
  const members: { index: number; member: MemberChange }[] = [];
  for (const r of recs) {
    if (r.env === null || r.env.type !== MEMBER_RECORD_TYPE) continue;
    if (r.env.author !== operator) {
      addFailure(r, fail("write_unauthorised", `entry ${r.index}: a membership record written by ${r.env.author}, not by the operator ${operator}`, { index: r.index }));
    } else if (r.failures.length === 0) {
      members.push({ index: r.index, member: r.extra as unknown as MemberChange });
    }
  }
  const canWrite = writeRightsOf(members, [operator]);
  for (const r of recs) {
    const line = r.env;
    if (line === null || line.type === KEY_RECORD_TYPE || line.type === MEMBER_RECORD_TYPE) continue;
    if (!canWrite(line.author!, r.index, line.type!)) {
      addFailure(
        r,
        fail("write_unauthorised", `entry ${r.index}: ${line.author} could not write ${line.type} records at this index (no membership in force allows it)`, { index: r.index }),
      );
    }
  }
}
