/**
 * The demo's evidence files: the documents an auditor asks to see as files
 * (the approved policy at each version, the management review minutes, the
 * certification body's stage 1 report, a partner's audit report and its
 * security certificate), written as PDFs, received into the vault's file
 * store, and named in the records they evidence by their SHA-256, length,
 * media type and name, with the dates they take effect and expire.
 */
import { hashBytes, type Attachment } from "@sealtrail/core";
import { renderPdf, type PdfBlock } from "../report/pdf.js";
import { receiveFile } from "../files/receive.js";
import type { Context } from "../main.js";
import type { DemoDates } from "./dates.js";

/** The evidence files of the demo, by name as the scenario refers to them. */
export type DemoFileName = "policy-1.0" | "policy-2.0" | "review-minutes" | "stage-1-report" | "rhine-audit-report" | "rhine-security-certificate";

interface DemoFile {
  readonly name: string;
  readonly title: string;
  readonly body: readonly string[];
  readonly effective: number;
  readonly expires?: number;
}

const text = (t: string): PdfBlock => ({ kind: "text", text: t });

function fileOf(name: DemoFileName): DemoFile {
  switch (name) {
    case "policy-1.0":
    case "policy-2.0":
      return {
        name: `Supply Chain Security Policy v${name.slice(7)}.pdf`,
        title: `Supply Chain Security Policy, version ${name.slice(7)}`,
        body: [
          "Meridian Electronics protects the goods it makes and ships, the people who handle them and the information that moves with them, from theft, tampering, smuggling and disruption at every step of the supply chain in the scope of its security management system.",
          "We assess security risks with a documented method, treat them with controls chosen for the threats we face, and accept residual risk only by the named risk owner and within the appetite set at the management review.",
          "We expect our carriers, warehouses and terminals to meet the security requirements of their contracts, and we check that they do in proportion to what is at stake.",
          ...(name === "policy-2.0" ? ["Since this version the policy covers export by sea through the port of Rotterdam: containers are sealed with high-security seals, and every handover of a sealed container is checked and recorded by the party that takes it."] : []),
          "We comply with the customs security criteria of our AEO authorisation, the ISPS Code at the terminals we use and the security clauses of our customers' contracts, and we improve this system continually.",
        ],
        effective: name === "policy-1.0" ? -355 : -60,
      };
    case "review-minutes":
      return {
        name: "Management review minutes.pdf",
        title: "Minutes of the management review",
        body: ["Chair: Marieke de Vries. Present: the security manager, the operations director, the logistics manager and the internal auditor.", "Every input of the review was presented; decisions and actions are listed in the review record, which these minutes accompany."],
        effective: -70,
      };
    case "stage-1-report":
      return {
        name: "Stage 1 audit report - Nordic Assurance.pdf",
        title: "Certification audit, stage 1: report",
        body: ["Audit of the documented SMS and the readiness for stage 2 against ISO 28000:2022.", "One minor nonconformity and one opportunity for improvement were raised; stage 2 can be planned once the corrective action on seal verification is effective."],
        effective: -25,
      };
    case "rhine-audit-report":
      return {
        name: "Rhine Road Freight - security audit report.pdf",
        title: "Direct security audit of Rhine Road Freight",
        body: ["Depots, drivers' briefings, seal stock and route plans were checked against the contract's security annex.", "Score 84. Two drivers had not received the security briefing; corrected within two weeks."],
        effective: -150,
      };
    case "rhine-security-certificate":
      return {
        name: "Rhine Road Freight - TSR certificate.pdf",
        title: "Trucking security certificate of Rhine Road Freight",
        body: ["Certificate of conformity of the carrier's trucking security programme, issued by an accredited body.", "Valid for three years from the date of issue."],
        effective: -1070,
        expires: 25,
      };
  }
}

/**
 * Write the named evidence files into `vault`'s file store and return their
 * attachment descriptors, for the records that name them.
 *
 * @example
 * ```ts
 * const [policy] = await demoAttachments(ctx, "demo", t, ["policy-1.0"]);
 * ```
 */
export async function demoAttachments(ctx: Context, vault: string, t: DemoDates, names: readonly DemoFileName[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const n of names) {
    const f = fileOf(n);
    const bytes = renderPdf([{ kind: "title", text: f.title }, ...f.body.flatMap((b) => [text(b), { kind: "space" } as PdfBlock])], { title: f.title, footer: "Meridian Electronics B.V. - demo evidence" });
    const { sha256, length } = hashBytes(bytes);
    await receiveFile(
      { store: ctx.store, files: ctx.files, limits: ctx.fileLimits },
      { vault, sha256, length, mediaType: "application/pdf", uploadedBy: null, body: (async function* () { yield bytes; })() },
    );
    out.push({ sha256, length, mediaType: "application/pdf", name: f.name, effective: t.day(f.effective), ...(f.expires !== undefined ? { expires: t.day(f.expires) } : {}) });
  }
  return out;
}
