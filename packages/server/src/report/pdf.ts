/**
 * A small PDF 1.7 writer for text reports (ISO 32000-1): A4 pages, the
 * standard Helvetica fonts (no font is embedded: every reader has them), lines
 * of text wrapped to the page, headings, and automatic page breaks with page
 * numbers. Enough for custody and SMS reports, readable by any PDF reader.
 */

/** One block of a report. */
export type PdfBlock =
  | { readonly kind: "title"; readonly text: string }
  | { readonly kind: "heading"; readonly text: string }
  | { readonly kind: "text"; readonly text: string; readonly mono?: boolean }
  | { readonly kind: "space" };

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 56;
const SIZES = { title: 18, heading: 13, text: 10 } as const;

// Helvetica's average advance is about half the font size; Courier's is 0.6.
// Wrapping by it keeps lines inside the margins for ordinary text.
function wrap(text: string, size: number, mono: boolean): string[] {
  const max = Math.floor((PAGE_W - 2 * MARGIN) / (size * (mono ? 0.6 : 0.5)));
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/(\s+)/)) {
      if ((line + word).length > max && line.trim() !== "") {
        out.push(line.trimEnd());
        line = word.trimStart();
      } else line += word;
      while (line.length > max) {
        out.push(line.slice(0, max));
        line = line.slice(max);
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}

// PDF literal strings (ISO 32000-1 §7.3.4.2) in WinAnsiEncoding: escape the
// delimiters, keep Latin-1, and show anything else as "?".
function pdfString(s: string): string {
  let out = "(";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "(" || ch === ")" || ch === "\\") out += "\\" + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c >= 0xa0 && c <= 0xff) out += "\\" + c.toString(8).padStart(3, "0");
    else out += "?";
  }
  return out + ")";
}

/**
 * Render blocks to a PDF file.
 *
 * @example
 * ```ts
 * const bytes = renderPdf([{ kind: "title", text: "Custody report" }, { kind: "text", text: "..." }], { title: "Custody" });
 * ```
 */
export function renderPdf(blocks: readonly PdfBlock[], meta: { title: string; footer?: string } = { title: "Report" }): Uint8Array {
  // Lay the blocks out in pages of positioned lines.
  type Line = { font: "F1" | "F2" | "F3"; size: number; y: number; text: string };
  const pages: Line[][] = [[]];
  let y = PAGE_H - MARGIN;
  const put = (font: Line["font"], size: number, text: string): void => {
    const lead = size * 1.35;
    if (y - lead < MARGIN + 20) {
      pages.push([]);
      y = PAGE_H - MARGIN;
    }
    y -= lead;
    pages[pages.length - 1]!.push({ font, size, y, text });
  };
  for (const b of blocks) {
    if (b.kind === "space") y -= SIZES.text;
    else if (b.kind === "title") for (const l of wrap(b.text, SIZES.title, false)) put("F2", SIZES.title, l);
    else if (b.kind === "heading") {
      y -= 6;
      for (const l of wrap(b.text, SIZES.heading, false)) put("F2", SIZES.heading, l);
    } else for (const l of wrap(b.text, SIZES.text, b.mono === true)) put(b.mono === true ? "F3" : "F1", SIZES.text, l);
  }

  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add("");
  const pagesObj = add("");
  const fonts = {
    F1: add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
    F2: add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
    F3: add("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"),
  };
  const kids: number[] = [];
  pages.forEach((lines, i) => {
    let content = "";
    for (const l of lines) content += `BT /${l.font} ${l.size} Tf ${MARGIN} ${l.y.toFixed(2)} Td ${pdfString(l.text)} Tj ET\n`;
    const foot = `${meta.footer !== undefined ? meta.footer + "  -  " : ""}page ${i + 1} of ${pages.length}`;
    content += `BT /F1 8 Tf ${MARGIN} ${(MARGIN / 2).toFixed(2)} Td ${pdfString(foot)} Tj ET\n`;
    const stream = add(`<< /Length ${latin1Length(content)} >>\nstream\n${content}endstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Contents ${stream} 0 R /Resources << /Font << /F1 ${fonts.F1} 0 R /F2 ${fonts.F2} 0 R /F3 ${fonts.F3} 0 R >> >> >>`,
      ),
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  const info = add(`<< /Title ${pdfString(meta.title)} /Producer (SealTrail) >>`);

  // Header, objects, cross-reference table with byte offsets, trailer (ISO 32000-1 §7.5).
  let out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(latin1Length(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = latin1Length(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${o.toString().padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const bytes = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) bytes[i] = out.charCodeAt(i) & 0xff;
  return bytes;
}

// Every character written is one byte (Latin-1), so lengths are string lengths.
function latin1Length(s: string): number {
  return s.length;
}
