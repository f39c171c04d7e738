/**
 * `sealtrail check-file FILE (--server URL | --data DIR) --vault V`: which
 * records of the vault name exactly these bytes, who signed them with which
 * key and when, in which checkpoint, witnessed and anchored when. The file is
 * hashed here and every proof is checked here by core (checkFileAgainst):
 * the server, or the local store, is trusted for nothing but its answers'
 * availability. One changed byte: "not in this vault". Exits 1 unless at
 * least one record names the bytes and every record found verifies (a
 * redacted one, which can no longer show what it named, is only reported).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import {
  KEY_RECORD_TYPE,
  SealTrailError,
  checkFileAgainst,
  createClient,
  hashStream,
  parseJson,
  toBase64,
  toHex,
  type FileCheck,
  type FileCheckDeps,
} from "@sealtrail/core";
import type { Context } from "../main.js";
import { withContext } from "./context.js";
import { UsageError, type Io } from "./io.js";
import { dataOption, dbOption, readVerifierKey, serverOption } from "./options.js";

interface CheckFileCliOptions {
  data: string;
  db?: string;
  server?: string;
  vault: string;
  vkey?: string;
  witnessKey?: string[];
  json?: boolean;
}

const PAGE = 1000;

/** A file check's reads from a local data directory or database. */
function localDeps(ctx: Context): FileCheckDeps {
  return {
    async record(vault, index) {
      const [row] = await ctx.store.entries(vault, BigInt(index), BigInt(index) + 1n);
      if (row === undefined) throw new SealTrailError("not_found", `no record at index ${index}`);
      return {
        leafHash: toHex(row.leafHash),
        entryBase64: toBase64(row.entry),
        payload: row.payload === null ? null : parseJson(row.payload),
        salt: row.salt === null ? null : toBase64(row.salt),
        sequencedAt: row.sequencedAt,
      };
    },
    async inclusionProof(vault, index) {
      // A checkpoint covering every sequenced record, as `sealtrail proof` publishes one.
      await ctx.ledger.publish(vault);
      return ctx.ledger.tlogProof(vault, BigInt(index));
    },
    verifierKey: (vault) => ctx.ledger.verifierKey(vault),
    async keyRecords(vault, author) {
      const out: number[] = [];
      let after: bigint | undefined;
      for (;;) {
        const rows = await ctx.store.findEntries(vault, { type: KEY_RECORD_TYPE, author, limit: PAGE, ...(after !== undefined ? { after } : {}) });
        out.push(...rows.map((r) => Number(r.index)));
        if (rows.length < PAGE) return out;
        after = rows.at(-1)!.index;
      }
    },
    async anchors(vault) {
      return (await ctx.store.anchors(vault)).map((a) => ({ type: a.type, checkpointSize: Number(a.checkpointSize), createdAt: a.createdAt }));
    },
  };
}

async function localRefs(ctx: Context, vault: string, sha256: string): Promise<{ index: number }[]> {
  const out: { index: number }[] = [];
  let after: bigint | undefined;
  for (;;) {
    const rows = await ctx.store.fileRecords(vault, sha256, { limit: PAGE, ...(after !== undefined ? { after } : {}) });
    out.push(...rows.map((r) => ({ index: Number(r.index) })));
    if (rows.length < PAGE) return out;
    after = rows.at(-1)!.index;
  }
}

/** The report of a check, as lines a person reads. */
function describeCheck(file: string, vault: string, r: FileCheck): string {
  const head = `${file}: sha256:${r.sha256}, ${r.length} bytes\n`;
  if (r.records.length === 0) return head + `not in this vault: no record of vault ${vault} that you may read names these bytes\n`;
  const lines = [head, `named by ${r.records.length} record${r.records.length === 1 ? "" : "s"} of vault ${vault}${r.vkeyFrom === "log" ? " (log key as the log gives it: pass --vkey to pin it)" : ""}:\n`];
  for (const x of r.records) {
    const a = x.attachment;
    const dates = a === null ? "" : [a.effective !== undefined ? `effective ${a.effective}` : "", a.expires !== undefined ? `expires ${a.expires}` : ""].filter((s) => s !== "").join(", ");
    lines.push(`  #${x.index} ${x.type}: ${a === null ? "(no descriptor to show)" : `${JSON.stringify(a.name)} (${a.mediaType}${dates !== "" ? `, ${dates}` : ""})`}\n`);
    lines.push(`    signed by ${x.author} with key ${x.keyId} (${x.mode}), claimed ${x.claimedTime}, sequenced ${x.sequencedAt}\n`);
    if (!x.verified) {
      lines.push(x.redacted === true ? `    redacted: ${x.problem ?? ""}\n` : `    NOT VERIFIED: ${x.problem ?? "unknown"}\n`);
      continue;
    }
    const cp = x.checkpoint!;
    lines.push(`    verified: in checkpoint ${cp.origin} of size ${cp.size}, root ${cp.root}\n`);
    for (const w of cp.witnesses) lines.push(`    witnessed by ${w.name} at ${w.time}${w.verified ? " (cosignature verified)" : " (cosignature not checked: pass --witness-key)"}\n`);
    if (cp.witnesses.length === 0) lines.push("    no witness cosignature on that checkpoint\n");
    for (const an of x.anchors) lines.push(`    anchored (${an.type}) at ${an.createdAt}, with the checkpoint of size ${an.checkpointSize}\n`);
    if (x.anchors.length === 0) lines.push("    not anchored yet\n");
  }
  return lines.join("");
}

/**
 * Register `sealtrail check-file`; `setExitCode` receives 1 when the file is
 * not in the vault or a record naming it does not verify.
 *
 * @example
 * ```ts
 * registerCheckFileCommand(program, io, (c) => (code = c));
 * ```
 */
export function registerCheckFileCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command("check-file")
    .description("which records of a vault name exactly this file's bytes: signer, key, time, checkpoint, witnesses and anchors, every proof checked here")
    .argument("<file>", "the file to check")
    .addOption(dataOption())
    .addOption(dbOption())
    .addOption(serverOption())
    .requiredOption("--vault <name>", "vault")
    .option("--vkey <key>", "the vault's verifier key (text, or a file holding it) to check checkpoints against, instead of the one the log gives")
    .option("--witness-key <vkey>", "a witness's verifier key whose cosignatures are checked (repeat for several)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--json", "print JSON")
    .action(async (file: string, o: CheckFileCliOptions) => {
      const st = await stat(file).catch(() => null);
      if (st === null || !st.isFile()) throw new UsageError(`check-file: no such file: ${file}`);
      const opts = { ...(o.vkey !== undefined ? { vkey: readVerifierKey(o.vkey) } : {}), ...(o.witnessKey !== undefined ? { witnessKeys: o.witnessKey } : {}) };
      let r: FileCheck;
      if (o.server !== undefined && o.server !== "") {
        const apiKey = process.env.SEALTRAIL_API_KEY;
        if (apiKey === undefined || apiKey === "") throw new SealTrailError("unauthorized", "--server needs an API key in the SEALTRAIL_API_KEY environment variable");
        r = await createClient({ baseUrl: o.server, apiKey }).files.checkFile(o.vault, () => createReadStream(file), opts);
      } else {
        const d = await hashStream(createReadStream(file));
        r = await withContext(o, async (ctx) => checkFileAgainst(localDeps(ctx), o.vault, d, await localRefs(ctx, o.vault, d.sha256), opts));
      }
      io.out(o.json === true ? JSON.stringify({ file, ...r }, null, 2) + "\n" : describeCheck(file, o.vault, r));
      // A redacted record can no longer show what it named: reported, not a failure.
      if (!r.found || r.records.some((x) => !x.verified && x.redacted !== true)) setExitCode(1);
    });
}
