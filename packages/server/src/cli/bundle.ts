/**
 * Evidence bundles on the command line: `sealtrail export` writes one from a
 * local data directory or database, and `sealtrail verify BUNDLE --policy
 * POLICY` checks one offline (no network, no data directory), with the
 * signatures spread over one worker thread per core.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import {
  EVM_ANCHOR_TYPE,
  bundleCustodyChain,
  parseVerificationPolicy,
  verifyBundleBytes,
  verifyEvmAnchor,
  type AnchorVerifier,
  type BundleReport,
  type CustodyChain,
  type EvidenceBundle,
  type VerificationPolicy,
} from "@sealtrail/core";
import { exportBundle, parseBundleQuery, parseIndexList, type BundleSelection } from "../bundle/export.js";
import { ZIP_MAGIC, openBundleZip, writeBundleZip, type ZipBundle } from "../bundle/zip.js";
import { RFC3161_ANCHOR_TYPE, verifyAnchor } from "../anchors/rfc3161-anchor.js";
import { createVerifierPool } from "../ledger/verifier-pool.js";
import type { CommandDeps } from "./command-deps.js";
import { progressBar } from "./progress.js";

/** What the bundle commands need from the CLI around them. */
export interface BundleCliDeps extends CommandDeps {
  /** An error that the CLI reports as a usage error (exit 2). */
  readonly usage: (message: string) => Error;
}

/**
 * The anchor checks the CLI trusts: RFC 3161 tokens against the policy's TSA
 * roots (docs/formats.md §12) and EVM anchors against the policy's chains
 * and pinned blocks (§13), both offline.
 *
 * @example
 * ```ts
 * const report = await verifyBundle(bundle, policy, { anchorVerifiers: ANCHOR_VERIFIERS });
 * ```
 */
export const ANCHOR_VERIFIERS: Readonly<Record<string, AnchorVerifier>> = {
  [RFC3161_ANCHOR_TYPE]: async (anchor, note, policy) => {
    // No TSA root in the policy: nothing to check it against (a warning, not a failure).
    if (policy.tsaRoots.length === 0) return null;
    const v = await verifyAnchor(anchor, note, { roots: policy.tsaRoots });
    // The latest moment the token allows, counting its declared accuracy.
    return { time: v.notAfter, genTime: v.genTime, tsa: v.tsaName };
  },
  [EVM_ANCHOR_TYPE]: async (anchor, note, policy: VerificationPolicy) => {
    const chain = policy.evmChains.find((c) => c.chainId === anchor.chainId);
    if (chain === undefined) return null;
    const v = verifyEvmAnchor(anchor, note, { chainId: chain.chainId, blocks: Object.fromEntries(chain.pinnedBlocks.map((b) => [String(b.number), b.hash])) });
    // A block timestamp has whole seconds: the block was made before the
    // end of that second.
    return { time: new Date(v.time.getTime() + 999), confirmed: v.confirmed, blockNumber: v.blockNumber };
  },
};

/**
 * Verify a bundle file against a policy file, signatures on every core;
 * prints the report and returns the exit code (0 all holds, 1 otherwise).
 *
 * @example
 * ```ts
 * const code = await runBundleVerify("incidents.bundle.json", "policy.json", { json: false }, io);
 * ```
 */
export async function runBundleVerify(
  bundleFile: string,
  policyFile: string,
  opts: { json?: boolean; threads?: number },
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  const policy = parseVerificationPolicy(readFileSync(policyFile, "utf8"));
  // A ZIP is a bundle with its files (docs/formats.md §14): bundle.json, and files/<sha256> read as they are checked.
  const zip: ZipBundle | null = isZip(bundleFile) ? await openBundleZip(bundleFile) : null;
  // The file's bytes: only the skeleton and one record at a time are ever decoded.
  const bytes = zip === null ? readFileSync(bundleFile) : Buffer.from(zip.bundle.buffer, zip.bundle.byteOffset, zip.bundle.byteLength);
  const pool = createVerifierPool(opts.threads !== undefined ? { threads: opts.threads } : {});
  const bar = progressBar(process.stderr, "verify");
  let report: BundleReport;
  try {
    // Records parsed one at a time while their signatures are checked (core's bundle/text.ts).
    report = await verifyBundleBytes(bytes, policy, {
      anchorVerifiers: ANCHOR_VERIFIERS,
      verifyPacked: (packed, count) => pool.verifyPacked(packed, count),
      batchesInFlight: 4 * pool.threads,
      onProgress: bar.update,
      ...(zip === null ? {} : { files: (sha256: string) => zip.file(sha256) }),
    });
  } finally {
    bar.done();
    zip?.close();
    await pool.close();
  }
  // A custody bundle (small: one identifier's events) is parsed whole for the
  // chain of its identifier, judged from the records that verified.
  const bundle: unknown = report.vault !== null && bytes.includes('"custody"') ? JSON.parse(bytes.toString("utf8")) : null;
  const chain = isCustodyBundle(bundle) ? bundleCustodyChain(bundle, report) : null;
  if (opts.json === true) io.out(JSON.stringify(chain === null ? report : { ...report, custody: chain }, null, 2) + "\n");
  else io.out(formatReport(report) + (chain === null ? "" : formatCustody(chain)));
  return report.ok ? 0 : 1;
}

/** True when the file starts as a ZIP archive does. */
function isZip(path: string): boolean {
  const head = Buffer.alloc(ZIP_MAGIC.length);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(ZIP_MAGIC);
  } finally {
    closeSync(fd);
  }
}

function isCustodyBundle(b: unknown): b is EvidenceBundle & { custody: { identifier: string } } {
  if (b === null || typeof b !== "object") return false;
  const c = (b as { custody?: unknown }).custody;
  return c !== null && typeof c === "object" && typeof (c as { identifier?: unknown }).identifier === "string";
}

/** A bundle's chain of custody as text: its steps and exceptions, each with the records behind it. */
export function formatCustody(chain: CustodyChain): string {
  const lines = [`chain of custody of ${chain.identifier}: ${chain.steps.length} events from verified records, ${chain.exceptions.length} exception(s)`];
  for (const s of chain.steps) {
    lines.push(`  ${s.eventTime} #${s.index} by ${s.author}: ${[s.type, s.bizStep, s.disposition].filter((x) => x !== null && x !== "").join(" / ")}; held by ${s.holder ?? "-"}; seals ${s.seals.join(", ") || "-"}`);
  }
  for (const x of chain.exceptions) lines.push(`custody exception ${x.kind}: ${x.message} [records ${x.indices.join(", ")}]`);
  return lines.join("\n") + "\n";
}

/**
 * The report as text: one line per record, then the bundle's failures and warnings.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(report));
 * ```
 */
export function formatReport(r: BundleReport): string {
  const lines: string[] = [];
  lines.push(`bundle of vault ${r.vault ?? "?"} (${r.origin ?? "?"}), proven in checkpoint ${r.proofSize ?? "?"}`);
  for (const c of r.checkpoints) {
    const extra = [c.cosignedBy.length > 0 ? `cosigned by ${c.cosignedBy.join(", ")}` : "", ...c.anchors.map((a) => `${a.type} anchor ${a.time}`)].filter((x) => x !== "");
    lines.push(`checkpoint ${c.size}: ${c.valid ? "valid" : "INVALID"}${extra.length > 0 ? `, ${extra.join(", ")}` : ""}`);
  }
  for (const x of r.records) {
    const what = x.type === null ? "" : ` ${x.type} by ${x.author}${x.custodial ? " (custodial)" : ""}, claims ${x.claimedTime}`;
    let status = x.status === "invalid" ? "INVALID" : x.status;
    if (x.status === "redacted") status += ` by ${x.redactedBy} at ${x.redactedAt} (entry ${x.redactionIndex}${x.redactionReason !== null ? `: ${x.redactionReason}` : ""})`;
    const bound = x.signedNoLaterThan === null ? "" : `, signed no later than ${x.signedNoLaterThan}`;
    lines.push(`#${x.index}${what}: ${status}${bound}`);
    for (const f of x.failures) lines.push(`  ${f.code}: ${f.message}`);
    for (const a of x.attachments ?? []) {
      const by = a.erasure === undefined ? "" : ` by ${a.erasure.by} at ${a.erasure.at} (entry ${a.erasure.index}${a.erasure.reason !== null ? `: ${a.erasure.reason}` : ""})`;
      lines.push(`  attachment ${a.position} "${a.name}" sha256:${a.sha256} (${a.length} bytes, ${a.mediaType}): ${a.status === "tampered" || a.status === "missing" ? a.status.toUpperCase() : a.status}${by}`);
    }
  }
  for (const f of r.failures) lines.push(`${f.code}: ${f.message}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  const c = r.counts;
  const f = r.files;
  const files = f === undefined ? "" : `; attachments: ${f.verified} verified, ${f.redacted} redacted, ${f.missing} missing, ${f.tampered} tampered`;
  lines.push(`${r.ok ? "OK" : "FAILED"}: ${c.valid} valid, ${c.redacted} redacted, ${c.invalid} invalid record(s), ${r.failures.length} bundle failure(s)${files}`);
  return lines.join("\n") + "\n";
}

/**
 * Register `sealtrail export` on the program.
 *
 * @example
 * ```ts
 * registerExportCommand(program, { out, err, withContext, dataOption, dbOption, usage: (m) => new UsageError(m) });
 * ```
 */
export function registerExportCommand(program: Command, deps: BundleCliDeps): void {
  program
    .command("export")
    .description("write an evidence bundle (JSON, docs/formats.md §14) of records of a vault: everything needed to verify them offline")
    .addOption(deps.dataOption())
    .addOption(deps.dbOption())
    .requiredOption("--vault <name>", "vault")
    .option("--records <list>", "log indices and ranges, e.g. 3,7,10-20")
    .option("--query <filter>", "records matching type=...,author=...,subject=... (type may be a pattern such as custody.*)")
    .option("--custody <id>", "every custody event of an identifier (EPC URN or GS1 Digital Link): a custody bundle, whose chain `sealtrail verify` shows")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--with-files", "a ZIP (needs --out): bundle.json and the bytes of every file the records attach, files/<sha256>; erased ones listed")
    .action(async (o: { data: string; db?: string; vault: string; records?: string; query?: string; custody?: string; out?: string; withFiles?: boolean }) => {
      const given = [o.records, o.query, o.custody].filter((x) => x !== undefined).length;
      if (given !== 1) throw deps.usage("export: give exactly one of --records, --query or --custody");
      if (o.withFiles === true && o.out === undefined) throw deps.usage("export: --with-files writes a ZIP archive: give --out FILE");
      let selection: BundleSelection;
      try {
        if (o.records !== undefined) selection = { indices: parseIndexList(o.records) };
        else if (o.query !== undefined) selection = { query: parseBundleQuery(o.query) };
        else selection = { custody: o.custody! };
      } catch (e) {
        throw deps.usage((e as Error).message);
      }
      await deps.withContext(o, async (ctx) => {
        // A checkpoint covering everything sequenced so far.
        await ctx.ledger.publish(o.vault);
        const r = await exportBundle(ctx.store, o.vault, selection, { withFiles: o.withFiles === true });
        let filesNote = "";
        if (o.withFiles === true) {
          const z = await writeBundleZip(o.out!, r.bundle, r.files ?? [], ctx.files);
          const erased = r.bundle.erased?.length ?? 0;
          filesNote = `; ${z.carried} file(s) carried, ${erased} erased` + (z.absent.length > 0 ? `, ${z.absent.length} not held by the file store: ${z.absent.map((h) => `sha256:${h}`).join(", ")}` : "");
        } else {
          const text = JSON.stringify(r.bundle) + "\n";
          if (o.out !== undefined) writeFileSync(o.out, text);
          else deps.out(text);
        }
        deps.err(
          `exported ${r.selected} record(s) and ${r.supporting} supporting record(s) of ${o.vault}, proven in checkpoint ${r.bundle.inclusion.size}` +
            `${r.skippedAnchors > 0 ? `; ${r.skippedAnchors} anchor(s) over another copy of a checkpoint left out` : ""}${filesNote}\n`,
        );
      });
    });
}
