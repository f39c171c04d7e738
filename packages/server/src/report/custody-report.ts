/**
 * The custody report of one identifier: its chain (who held it, where, under
 * which seals), its exceptions with the events behind them, and the figures
 * that feed the SMS KPIs, as text for the terminal and as a PDF. Every line
 * names the log index of the record it comes from, so a reader can ask for
 * that record's proof.
 */
import type { VaultCustodyChain } from "../custody/custody-of.js";
import { renderPdf, type PdfBlock } from "./pdf.js";

/** The KPI figures of a chain (ISO 28000 §9.1 performance evaluation inputs). */
export function custodyKpis(chain: VaultCustodyChain): { sealIntegrityFailureRate: number | null; custodyExceptions: number } {
  const { sealChecks, sealCheckFailures } = chain.stats;
  return {
    sealIntegrityFailureRate: sealChecks === 0 ? null : sealCheckFailures / sealChecks,
    custodyExceptions: chain.exceptions.length,
  };
}

/** The report as lines of text. */
export function custodyReportText(chain: VaultCustodyChain): string {
  return custodyReportBlocks(chain, new Date())
    .map((b) => (b.kind === "space" ? "" : b.kind === "heading" ? `\n${b.text}` : b.text))
    .join("\n");
}

function custodyReportBlocks(chain: VaultCustodyChain, at: Date): PdfBlock[] {
  const k = custodyKpis(chain);
  const blocks: PdfBlock[] = [
    { kind: "title", text: `Chain of custody of ${chain.identifier}` },
    { kind: "text", text: `Vault ${chain.vault}; ${chain.steps.length} events; report made ${at.toISOString()}.` },
    {
      kind: "text",
      text: `Seal checks ${chain.stats.sealChecks}, failed ${chain.stats.sealCheckFailures}${k.sealIntegrityFailureRate === null ? "" : ` (seal integrity failure rate ${(k.sealIntegrityFailureRate * 100).toFixed(1)}%)`}; handoffs acknowledged ${chain.stats.handoffs}; custody exceptions ${chain.exceptions.length}.`,
    },
    { kind: "heading", text: chain.exceptions.length === 0 ? "Exceptions: none" : `Exceptions (${chain.exceptions.length})` },
  ];
  for (const x of chain.exceptions) {
    blocks.push({ kind: "text", text: `${x.kind}: ${x.message} [records ${x.indices.join(", ")}]` });
  }
  blocks.push({ kind: "heading", text: "Events in time order" });
  for (const s of chain.steps) {
    const what = [s.type, s.bizStep, s.disposition].filter((x) => x !== null && x !== "").join(" / ");
    blocks.push({
      kind: "text",
      mono: true,
      text: `${s.eventTime}  record ${s.index}  by ${s.author}\n  ${what}${s.location !== null ? ` at ${s.location}` : ""}\n  held by ${s.holder ?? "-"}; seals ${s.seals.length === 0 ? "-" : s.seals.join(", ")}`,
    });
  }
  blocks.push({ kind: "space" });
  blocks.push({
    kind: "text",
    text: "Each record named here is signed by its author and sealed in the vault's log; `sealtrail export --custody` writes an evidence bundle of them that `sealtrail verify` checks offline.",
  });
  return blocks;
}

/**
 * The report as a PDF.
 *
 * @example
 * ```ts
 * writeFileSync("custody.pdf", custodyReportPdf(chain));
 * ```
 */
export function custodyReportPdf(chain: VaultCustodyChain, at: Date = new Date()): Uint8Array {
  return renderPdf(custodyReportBlocks(chain, at), { title: `Chain of custody of ${chain.identifier}`, footer: `SealTrail custody report, vault ${chain.vault}` });
}
