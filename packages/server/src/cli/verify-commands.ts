/**
 * Checks: `sealtrail verify` (offline, of an evidence bundle or of a
 * tlog-proof of an entry) and `sealtrail audit` (of every stored entry and
 * checkpoint of a vault). Both exit 1 when they find a failure.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { SealTrailError, toBase64, toHex, verifyTlogProof } from "@sealtrail/core";
import { auditVault, type AuditReport } from "../ledger/audit.js";
import { runBundleVerify } from "./bundle.js";
import { progressBar } from "./progress.js";
import { UsageError, type Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, readVerifierKey } from "./options.js";

/**
 * Register `sealtrail verify` and `sealtrail audit`; `setExitCode` receives 1 when a check fails.
 *
 * @example
 * ```ts
 * registerVerifyCommands(program, io, (c) => (code = c));
 * ```
 */
export function registerVerifyCommands(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command("verify")
    .description("verify offline: an evidence bundle against a trust policy (verify BUNDLE --policy POLICY), or a tlog-proof of an entry with only the vault's verifier key")
    .argument("[bundle]", "evidence bundle file (docs/formats.md §14): JSON, or a ZIP with its files (export --with-files)")
    .option("--policy <file>", "verification policy of a bundle (docs/formats.md §15)")
    .option("--vkey <key>", "verifier key text, or a file holding it")
    .option("--proof <file>", "tlog-proof file")
    .option("--entry <file>", "raw entry file")
    .option("--json", "print JSON")
    .action(async (bundle: string | undefined, o: { policy?: string; vkey?: string; proof?: string; entry?: string; json?: boolean }) => {
      if (bundle !== undefined || o.policy !== undefined) {
        if (bundle === undefined || o.policy === undefined) throw new UsageError("verify: a bundle needs --policy POLICY, and --policy a bundle file");
        setExitCode(await runBundleVerify(bundle, o.policy, { json: o.json === true }, io));
        return;
      }
      if (o.vkey === undefined || o.proof === undefined || o.entry === undefined) throw new UsageError("verify: give BUNDLE --policy POLICY, or --vkey, --proof and --entry");
      const vkey = readVerifierKey(o.vkey);
      const proofText = readFileSync(o.proof);
      const entry = readFileSync(o.entry);
      try {
        const r = verifyTlogProof(new Uint8Array(proofText), new Uint8Array(entry), vkey);
        const res = { valid: true, origin: r.origin, index: Number(r.index), size: Number(r.size), root: toBase64(r.root), leafHash: toHex(r.leafHash) };
        io.out(o.json ? JSON.stringify(res) + "\n" : `valid: entry ${res.index} is in ${res.origin} at size ${res.size}\n`);
      } catch (e) {
        if (!(e instanceof SealTrailError)) throw e;
        io.out(o.json ? JSON.stringify({ valid: false, code: e.code, reason: e.message }) + "\n" : `INVALID: ${e.message}\n`);
        setExitCode(1);
      }
    });

  program
    .command("audit")
    .description("re-read every stored entry, recompute the tree and every checkpoint, check every signature, and name each discrepancy")
    .addOption(dataOption())
    .addOption(dbOption())
    .requiredOption("--vault <name>", "vault")
    .option("--vkey <key>", "check checkpoints against this verifier key (text or file) instead of the one in the database")
    .option("--json", "print JSON")
    .action(async (o: { data: string; db?: string; vault: string; vkey?: string; json?: boolean }) => {
      const vkey = o.vkey === undefined ? undefined : readVerifierKey(o.vkey);
      await withContext(o, async (ctx) => {
        const bar = progressBar(process.stderr, "audit");
        let report: AuditReport;
        try {
          report = await auditVault(ctx.store, o.vault, { onProgress: bar.update, ...(vkey !== undefined ? { vkey } : {}) });
        } finally {
          bar.done();
        }
        if (o.json) io.out(JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
        else {
          io.out(`vault ${o.vault}: ${report.entries} entries, ${report.checkpoints} checkpoints checked\n`);
          for (const p of report.problems) io.out(`${p.kind}: ${p.message}\n`);
          for (const r of report.redacted) {
            io.out(`redacted: entry ${r.index}, by ${r.author} in entry ${r.by} at ${r.time}${r.reason !== null ? ` (${r.reason})` : ""}\n`);
          }
          io.out(report.problems.length === 0 ? "OK: no discrepancy\n" : `${report.problems.length} discrepancies\n`);
        }
        if (report.problems.length > 0) setExitCode(1);
      });
    });
}
