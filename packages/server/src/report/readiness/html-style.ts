/**
 * The HTML report's style sheet: a serif text face, a sans face for
 * headings, tables and figures, a measure of about 75 characters on screen,
 * and for print an A4 page with a running page number, each section on a
 * new page, and tables, items and charts kept from splitting.
 */
import { COLOURS } from "./format.js";

/** The report's CSS (the @font-face rules come from fonts.ts). */
export const REPORT_CSS = `
:root{--ink:${COLOURS.ink};--muted:${COLOURS.muted};--rule:${COLOURS.rule};--accent:${COLOURS.accent};--pass:${COLOURS.pass};--fail:${COLOURS.fail};--partial:${COLOURS.partial}}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;background:#f4f5f7;color:var(--ink);font-family:ReportSerif,Georgia,serif;line-height:1.5;font-kerning:normal;font-variant-numeric:lining-nums tabular-nums}
main{max-width:52rem;margin:0 auto;padding:2.5rem 3rem 4rem;background:#fff}
h1,h2,h3,h4,th,.tile,.badge,.k,.kicker,.sub,dt,figcaption,nav,.id,.value,.dir,footer{font-family:ReportSans,"Helvetica Neue",Arial,sans-serif}
h1{font-size:2.4rem;line-height:1.15;margin:.3rem 0 1rem;color:var(--accent);font-weight:600}
h2{font-size:1.6rem;margin:0 0 1rem;padding-bottom:.3rem;border-bottom:2px solid var(--accent);color:var(--accent);font-weight:600}
h2 .num{color:var(--muted);font-weight:400;margin-right:.3rem}
h3{font-size:1.15rem;margin:1.6rem 0 .5rem;font-weight:600}
h4{font-size:1rem;margin:0 0 .3rem;font-weight:600}
p{margin:.35rem 0}
code{font-family:ReportSans,monospace;font-size:.9em;background:#eef1f5;padding:0 .2em;border-radius:2px}
.title{padding:3rem 0 2rem;border-bottom:1px solid var(--rule)}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;color:var(--muted);margin:0}
.sub{font-size:1.15rem}
dl.facts{display:grid;grid-template-columns:12rem 1fr;gap:.3rem 1rem;margin:2rem 0 0;font-size:.92rem}
dt{color:var(--muted)}
dd{margin:0}
.hash{font-family:ReportSans,monospace;font-size:.85em;word-break:break-all}
nav.toc{padding:1.5rem 0 1rem}
nav.toc h2{border:0;font-size:1.2rem;margin-bottom:.4rem}
nav.toc ol{margin:0;padding-left:1.5rem;columns:2}
nav.toc a{color:var(--ink);text-decoration:none;border-bottom:1px dotted var(--muted)}
.sect{padding-top:2.5rem}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:.8rem;margin:.5rem 0 1.2rem}
.tile{border:1px solid var(--rule);border-top:4px solid var(--accent);padding:.6rem .7rem;border-radius:3px}
.tile.ok{border-top-color:var(--pass)}
.tile.warn{border-top-color:var(--fail)}
.tile .v{font-size:1.45rem;font-weight:600}
.tile .l{font-size:.8rem;color:var(--muted);line-height:1.3}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem;font-size:.88rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .45rem;border-bottom:1px solid var(--rule)}
thead th{border-bottom:2px solid var(--ink);font-weight:600}
td.n,th.n{text-align:right}
.nowrap{white-space:nowrap}
table.kv th{width:12rem;color:var(--muted);font-weight:400}
.item{padding:.7rem 0 .8rem;border-bottom:1px solid var(--rule);break-inside:avoid}
.item .summary{font-style:italic;color:var(--muted)}
.cl{color:var(--accent);margin-right:.2rem}
.k{font-weight:600;font-size:.88rem}
.refs{font-size:.82rem;color:var(--muted);margin:.3rem 0;line-height:1.4}
.refs .rt{font-family:ReportSans,sans-serif;color:var(--ink)}
.id{font-size:.8rem;color:var(--muted);font-weight:400}
.def{font-size:.9rem;color:var(--muted)}
.badge{display:inline-block;font-size:.72rem;font-weight:600;padding:.05rem .45rem;border-radius:1rem;vertical-align:.1em;border:1px solid currentColor;white-space:nowrap}
.badge.pass{color:var(--pass)}.badge.fail{color:var(--fail)}.badge.partial{color:var(--partial)}.badge.na{color:var(--muted)}
.badge.l1,.badge.l2,.badge.l3,.badge.l4,.badge.l5{color:var(--accent)}
ul.tight{margin:.3rem 0;padding-left:1.2rem}
ul.tight li{margin:.15rem 0}
figure.chart{margin:1rem 0;text-align:center}
figure.chart svg{max-width:100%;height:auto}
figcaption{font-size:.82rem;color:var(--muted)}
.kpis{display:grid;grid-template-columns:1fr 1fr;gap:1rem 1.5rem}
.kpi{border-top:1px solid var(--rule);padding-top:.6rem;break-inside:avoid}
.kpi .value{font-size:1.35rem;font-weight:600;margin:.1rem 0}
.kpi .dir{font-size:.85rem;color:var(--muted)}
.kpi .dir.improving{color:var(--pass)}.kpi .dir.worsening{color:var(--fail)}
figure.small{margin:.3rem 0}
footer.end{margin-top:3rem;padding-top:.6rem;border-top:1px solid var(--rule);font-size:.8rem;color:var(--muted)}
@media (max-width:46rem){main{padding:1.2rem}.tiles{grid-template-columns:1fr 1fr}.kpis{grid-template-columns:1fr}}
@page{size:A4;margin:18mm 16mm 20mm;@bottom-center{content:"Page " counter(page) " of " counter(pages);font-family:ReportSans,sans-serif;font-size:9pt;color:${COLOURS.muted}}}
@media print{html{font-size:10.5pt}body{background:#fff}main{max-width:none;padding:0}.sect{break-before:page;padding-top:0}h2,h3,h4{break-after:avoid}tr,figure,.kpi{break-inside:avoid}thead{display:table-header-group}nav.toc a{border:0}}
`;
