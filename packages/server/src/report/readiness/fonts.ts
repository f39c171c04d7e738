/**
 * The report's typefaces, shipped as npm packages (so nothing depends on
 * fonts installed on the machine): Source Serif 4 for the text and Source
 * Sans 3 for headings, tables and charts, both under the SIL Open Font
 * Licence 1.1, Latin subset. The PDF embeds the WOFF files (pdfkit's
 * fontkit subsets them); the HTML inlines the WOFF2 files.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The faces the report uses. */
export type FaceName = "serif" | "serif-italic" | "serif-bold" | "sans" | "sans-bold";

const FILES: Record<FaceName, { pkg: string; file: string; family: "ReportSerif" | "ReportSans"; weight: number; style: "normal" | "italic" }> = {
  serif: { pkg: "@fontsource/source-serif-4", file: "source-serif-4-latin-400-normal", family: "ReportSerif", weight: 400, style: "normal" },
  "serif-italic": { pkg: "@fontsource/source-serif-4", file: "source-serif-4-latin-400-italic", family: "ReportSerif", weight: 400, style: "italic" },
  "serif-bold": { pkg: "@fontsource/source-serif-4", file: "source-serif-4-latin-600-normal", family: "ReportSerif", weight: 600, style: "normal" },
  sans: { pkg: "@fontsource/source-sans-3", file: "source-sans-3-latin-400-normal", family: "ReportSans", weight: 400, style: "normal" },
  "sans-bold": { pkg: "@fontsource/source-sans-3", file: "source-sans-3-latin-600-normal", family: "ReportSans", weight: 600, style: "normal" },
};

const require = createRequire(import.meta.url);
const cache = new Map<string, Buffer>();

function load(face: FaceName, ext: "woff" | "woff2"): Buffer {
  const key = `${face}.${ext}`;
  let bytes = cache.get(key);
  if (bytes === undefined) {
    const f = FILES[face];
    bytes = readFileSync(require.resolve(`${f.pkg}/files/${f.file}.${ext}`));
    cache.set(key, bytes);
  }
  return bytes;
}

/**
 * A face's WOFF bytes, for pdfkit's registerFont.
 *
 * @example
 * ```ts
 * doc.registerFont("serif", fontBytes("serif"));
 * ```
 */
export function fontBytes(face: FaceName): Buffer {
  return load(face, "woff");
}

/**
 * @font-face rules for every face, the WOFF2 bytes inlined as data URLs, so
 * the HTML report is one file that shows the same type anywhere.
 *
 * @example
 * ```ts
 * const css = fontFaceCss() + "body { font-family: ReportSerif, serif; }";
 * ```
 */
export function fontFaceCss(): string {
  return (Object.keys(FILES) as FaceName[])
    .map((face) => {
      const f = FILES[face];
      return `@font-face{font-family:${f.family};font-weight:${f.weight};font-style:${f.style};font-display:block;src:url(data:font/woff2;base64,${load(face, "woff2").toString("base64")}) format("woff2");}`;
    })
    .join("\n");
}
