/**
 * The readiness report as one self-contained HTML file: inline CSS with the
 * report's fonts, charts as inline SVG, a table of contents, laid out for
 * the screen and for print (A4, page breaks before each section). The same
 * model as the PDF, section for section.
 */
import { MATURITY_LEVELS, type SmsRef } from "@sealtrail/core";
import type { ReadinessReportModel, KpiSection, ClauseSection } from "./model.js";
import { UPCOMING_DAYS } from "./model.js";
import { clauseMaturityChart, domainMaturityChart, kpiTrendChart } from "./charts.js";
import { fontFaceCss } from "./fonts.js";
import { SECTIONS, checkpointRows, daysText, directionText, kpiValueText, ownerText, refGroups, maturityRules, refText, ruleRef, type SectionId } from "./format.js";
import { REPORT_CSS } from "./html-style.js";

/** Escape text for HTML content and attribute values. */
function e(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const levelName = (l: number) => MATURITY_LEVELS[l - 1]?.name ?? "";

function refsBlock(refs: readonly SmsRef[], label = "Records"): string {
  if (refs.length === 0) return `<p class="refs"><span class="k">${e(label)}:</span> none</p>`;
  return `<div class="refs"><span class="k">${e(label)}:</span> ${refGroups(refs)
    .map((g) => (g.type === "more" ? `<span class="more">${e(g.text)}</span>` : `<span class="rt">${e(g.type)}</span> <span class="ri">${e(g.text)}</span>`))
    .join("; ")}</div>`;
}

function badge(text: string, kind: string): string {
  return `<span class="badge ${e(kind)}">${e(text)}</span>`;
}

function section(id: SectionId, body: string): string {
  const s = SECTIONS.find((x) => x.id === id)!;
  const n = SECTIONS.indexOf(s) + 1;
  return `<section id="${id}" class="sect"><h2><span class="num">${n}</span> ${e(s.title)}</h2>\n${body}</section>\n`;
}

function titlePage(m: ReadinessReportModel): string {
  const cp = m.checkpoint;
  return `<header class="title">
<p class="kicker">ISO 28000:2022 security management system</p>
<h1>Certification readiness report</h1>
<p class="sub">Vault <strong>${e(m.vault)}</strong>, as of <strong>${e(m.asOf)}</strong></p>
<dl class="facts">
<dt>Computed at tree size</dt><dd>${e(m.treeSize)}</dd>
<dt>Root hash</dt><dd class="hash">${e(m.rootHash)}</dd>
<dt>Checkpoint</dt><dd>${cp === null ? "none published" : `${e(cp.origin)}, size ${e(cp.size)}, published ${e(cp.publishedAt)}`}</dd>
<dt>Catalogue</dt><dd>${e(m.catalogue.id)} ${e(m.catalogue.version)}</dd>
</dl>
</header>
<nav class="toc"><h2>Contents</h2><ol>${SECTIONS.map((s) => `<li><a href="#${s.id}">${e(s.title)}</a></li>`).join("")}</ol></nav>\n`;
}

function summary(m: ReadinessReportModel): string {
  const s = m.summary;
  const failing = m.readiness.filter((i) => !i.passed);
  const detected = m.gaps.filter((g) => g.detected);
  const tile = (v: string, label: string, kind = "") => `<div class="tile ${kind}"><div class="v">${e(v)}</div><div class="l">${e(label)}</div></div>`;
  return section(
    "summary",
    `<div class="tiles">
${tile(`${s.readinessPassed} of ${s.readinessItems}`, "readiness items passed", s.readinessPassed === s.readinessItems ? "ok" : "warn")}
${tile(`${s.gapsDetected} of ${s.gapsTotal}`, `common gaps detected (${s.gapFindings} findings)`, s.gapsDetected === 0 ? "ok" : "warn")}
${tile(`${s.clauses.conformity} / ${s.clauses.partial} / ${s.clauses.missing}`, "clauses in conformity / partial / missing")}
${tile(String(s.overdue), `items overdue (${s.upcoming} due within ${UPCOMING_DAYS} days)`, s.overdue === 0 ? "ok" : "warn")}
</div>
<p>The figures below are computed from the latest versions of ${e(s.smsRecords)} SMS records and ${e(s.custodyEvents)} custody events of vault <strong>${e(m.vault)}</strong>, read at tree size ${e(m.treeSize)}, and judged on ${e(m.asOf)}. Every figure names the records behind it by type, record id and log index (<code>#index</code>): each can be read, and its inclusion in the checkpoint proved, with <code>sealtrail proof --index N</code>.</p>
<h3>Readiness items not passed</h3>
${failing.length === 0 ? "<p>None: every readiness item passes.</p>" : `<ul class="tight">${failing.map((i) => `<li><strong>${e(i.name)}</strong> <span class="id">(${e(i.id)})</span>: ${e(i.missing.join("; "))}</li>`).join("")}</ul>`}
<h3>Gaps detected</h3>
${detected.length === 0 ? "<p>None.</p>" : `<ul class="tight">${detected.map((g) => `<li><strong>${e(g.name)}</strong> <span class="id">(${e(g.id)})</span>: ${e(g.findings.length)} finding${g.findings.length === 1 ? "" : "s"}</li>`).join("")}</ul>`}
<h3>Maturity by clause</h3>
<table class="grid"><thead><tr><th>Clause</th><th>Title</th><th class="n">Level</th></tr></thead><tbody>${m.groups.map((g) => `<tr><td>${e(g.group)}</td><td>${e(g.title)}</td><td class="n">${e(g.level)} ${e(levelName(g.level))}</td></tr>`).join("")}</tbody></table>`,
  );
}

function checkpoint(m: ReadinessReportModel): string {
  const rows = checkpointRows(m);
  return section(
    "checkpoint",
    `<p>The state of the vault the report reads, and how a reader checks it: the signed checkpoint commits to every record below by its root hash; the cosignatures and anchors show it was seen by others and when.</p>
<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td${/hash|digest/.test(k) || k === "Figures computed at" ? ' class="hash"' : ""}>${e(v)}</td></tr>`).join("")}</tbody></table>`,
  );
}

function maturity(m: ReadinessReportModel): string {
  const c = clauseMaturityChart(m.clauses);
  const d = domainMaturityChart(m.domains);
  return section(
    "maturity",
    `<p>Levels follow the catalogue's five-level scale (1 Initial, 2 Developing, 3 Defined, 4 Managed, 5 Optimising); a level is reached when its rule and every lower rule hold. A clause group's level is the lowest of its clauses.</p>
<figure class="chart">${c.svg}<figcaption>Maturity level per clause on ${e(m.asOf)}.</figcaption></figure>
<figure class="chart">${d.svg}<figcaption>Maturity level per control domain on ${e(m.asOf)}.</figcaption></figure>
<h3>Control domains</h3>
${m.domains
  .map(
    (x) => `<div class="item"><h4>${e(x.title)} ${x.applicable ? badge(`level ${x.level} ${levelName(x.level)}`, `l${x.level}`) : badge("not applicable", "na")}</h4>
<p><span class="k">Rule:</span> ${e(ruleRef(x.rule))}</p>${x.next.length === 0 ? "" : `<p><span class="k">Next level needs:</span> ${e(x.next.join("; "))}</p>`}
${refsBlock(x.refs)}</div>`,
  )
  .join("\n")}
<h3>Maturity rules</h3>
<p class="def">A level is reached when its rule and every lower rule hold. C rules are for clauses, D rules for control domains; D is the evaluation day, and recent means within the 365 days before it.</p>
<table class="grid"><thead><tr><th>Rule</th><th>Level</th><th>What it takes</th></tr></thead><tbody>${maturityRules()
    .map((r) => `<tr><td>${e(r.id)}</td><td class="nowrap">${e(r.level)} ${e(levelName(r.level))}</td><td>${e(r.text)}</td></tr>`)
    .join("")}</tbody></table>`,
  );
}

function clauseItem(c: ClauseSection): string {
  const st = c.status === "conformity" ? "pass" : c.status === "partial" ? "partial" : "fail";
  return `<div class="item clause"><h4><span class="cl">${e(c.clause)}</span> ${e(c.title)} ${badge(c.status, st)} ${badge(`level ${c.level} ${levelName(c.level)}`, `l${c.level}`)}</h4>
<p class="summary">${e(c.summary)}</p>
<p><span class="k">Level rule:</span> ${e(ruleRef(c.rule))}</p>${c.next.length === 0 ? "" : `<p><span class="k">Next level needs:</span> ${e(c.next.join("; "))}</p>`}
${c.missingEvidence.length === 0 ? "" : `<p><span class="k">Missing evidence:</span> ${e(c.missingEvidence.join(", "))}</p>`}
${refsBlock(c.evidence, "Evidence")}
${c.findings.length === 0 ? "" : `<p><span class="k">Findings:</span></p><ul class="tight">${c.findings.map((f) => `<li>${badge(f.grade, f.grade === "conformity" ? "pass" : f.grade === "ofi" ? "na" : "fail")} ${e(f.statement)} <span class="id">${e(refText(f.ref))}${f.grade === "minor-nc" || f.grade === "major-nc" ? (f.resolved ? ", resolved" : ", unresolved") : ""}</span></li>`).join("")}</ul>`}
${c.readiness.length + c.gaps.length === 0 ? "" : `<p><span class="k">Readiness and gaps:</span> ${[...c.readiness.map((r) => `${r.id} ${r.passed ? "passed" : "not passed"}`), ...c.gaps.map((g) => `${g.id} ${g.detected ? "detected" : "not detected"}`)].map(e).join("; ")}</p>`}</div>`;
}

function clauses(m: ReadinessReportModel): string {
  return section(
    "clauses",
    `<table class="grid"><thead><tr><th>Clause</th><th>Title</th><th>Status</th><th class="n">Level</th><th class="n">Evidence</th><th class="n">Findings</th></tr></thead><tbody>${m.clauses
      .map((c) => `<tr><td>${e(c.clause)}</td><td>${e(c.title)}</td><td>${e(c.status)}</td><td class="n">${e(c.level)}</td><td class="n">${e(c.evidence.length)}</td><td class="n">${e(c.findings.length)}</td></tr>`)
      .join("")}</tbody></table>
${m.groups.map((g) => `<h3>${e(g.group)} ${e(g.title)}</h3>\n${m.clauses.filter((c) => c.group === g.group).map(clauseItem).join("\n")}`).join("\n")}`,
  );
}

function kpiItem(k: KpiSection): string {
  const chart = kpiTrendChart(k);
  return `<div class="kpi"><h4>${e(k.name)}</h4>
<p class="value">${e(k.text)}${k.unit === "percent" && k.denominator !== null ? ` <span class="id">(${e(k.numerator ?? 0)} of ${e(k.denominator)})</span>` : ""}</p>
<p class="dir ${e(k.direction ?? "none")}">Trend: ${e(directionText(k.direction, k.better))}</p>
<figure class="chart small">${chart.svg}</figure>
<p class="def">${e(k.definition)}</p>
${k.targets.length === 0 ? "" : `<p><span class="k">Targets:</span> ${k.targets.map((t) => `${e(t.objective.id)} #${e(t.objective.index)} ${e(t.comparison)} ${e(t.target)} ${e(t.unit)}: ${t.met === null ? "no data" : t.met ? "met" : "not met"}`).join("; ")}</p>`}
${refsBlock(k.refs)}</div>`;
}

function kpis(m: ReadinessReportModel): string {
  return section(
    "kpis",
    `<p>The twelve KPIs of the catalogue over ${e(m.kpiPeriod.from)} to ${e(m.kpiPeriod.to)}, each with its monthly trend over the twelve months before (the open point is the current month up to ${e(m.asOf)}). The direction is the sign of the least-squares slope of the monthly values.</p>
<table class="grid"><thead><tr><th>KPI</th><th class="n">Value</th><th>Trend</th></tr></thead><tbody>${m.kpis.map((k) => `<tr><td>${e(k.name)}</td><td class="n">${e(kpiValueText(k.unit, k.value, k.amounts))}</td><td>${e(k.direction ?? "too few points")}</td></tr>`).join("")}</tbody></table>
<div class="kpis">${m.kpis.map(kpiItem).join("\n")}</div>`,
  );
}

function readiness(m: ReadinessReportModel): string {
  return section(
    "readiness",
    `<p>${e(m.summary.readinessPassed)} of ${e(m.summary.readinessItems)} items pass on ${e(m.asOf)}.</p>
${m.readiness
  .map(
    (i) => `<div class="item"><h4>${badge(i.passed ? "passed" : "not passed", i.passed ? "pass" : "fail")} ${e(i.name)} <span class="id">${e(i.id)}, clauses ${e(i.clauses.join(", "))}</span></h4>
<p class="def">${e(i.criterion)}</p>${i.missing.length === 0 ? "" : `<p><span class="k">Missing:</span> ${e(i.missing.join("; "))}</p>`}
${refsBlock(i.refs)}</div>`,
  )
  .join("\n")}`,
  );
}

function gaps(m: ReadinessReportModel): string {
  const quiet = m.gaps.filter((g) => !g.detected);
  return section(
    "gaps",
    `<p>${e(m.summary.gapsDetected)} of ${e(m.summary.gapsTotal)} common gaps detected on ${e(m.asOf)}, with ${e(m.summary.gapFindings)} findings.</p>
${m.gaps
  .filter((g) => g.detected)
  .map(
    (g) => `<div class="item"><h4>${badge("detected", "fail")} ${e(g.name)} <span class="id">${e(g.id)}, clauses ${e(g.clauses.join(", "))}</span></h4>
<p class="def">${e(g.detect)}</p>
<ul class="tight">${g.findings.map((f) => `<li>${e(f.message)}${refsBlock(f.refs)}</li>`).join("")}</ul></div>`,
  )
  .join("\n")}
<h3>Not detected</h3>
<ul class="tight">${quiet.map((g) => `<li>${e(g.name)} <span class="id">(${e(g.id)})</span></li>`).join("")}</ul>`,
  );
}

function dueTable(items: ReadinessReportModel["overdue"]): string {
  if (items.length === 0) return "<p>None.</p>";
  return `<table class="grid"><thead><tr><th>Due</th><th>When</th><th>Item</th><th>Owner</th><th>Record</th></tr></thead><tbody>${items
    .map((i) => `<tr><td class="nowrap">${e(i.due)}</td><td class="nowrap">${e(daysText(i.daysLeft))}</td><td>${e(i.title)} <span class="id">${e(i.kind)}</span></td><td>${e(ownerText(i))}</td><td class="nowrap">${e(`${i.ref.id} #${i.ref.index}`)}</td></tr>`)
    .join("")}</tbody></table>`;
}

function due(m: ReadinessReportModel): string {
  return section(
    "due",
    `<h3>Overdue on ${e(m.asOf)} (${e(m.overdue.length)})</h3>
${dueTable(m.overdue)}
<h3>Due within ${UPCOMING_DAYS} days (${e(m.upcoming.length)})</h3>
${dueTable(m.upcoming)}
<p>${e(m.later)} further item${m.later === 1 ? " is" : "s are"} due later.</p>`,
  );
}

/**
 * The report as one HTML document (UTF-8 text). Deterministic: the same
 * model gives the same bytes.
 *
 * @example
 * ```ts
 * await writeFile("readiness.html", renderReadinessHtml(model));
 * ```
 */
export function renderReadinessHtml(m: ReadinessReportModel): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Certification readiness report: ${e(m.vault)}, ${e(m.asOf)}</title>
<style>
${fontFaceCss()}
${REPORT_CSS}
</style></head>
<body><main>
${titlePage(m)}${summary(m)}${checkpoint(m)}${maturity(m)}${clauses(m)}${kpis(m)}${readiness(m)}${gaps(m)}${due(m)}
<footer class="end">Vault ${e(m.vault)} as of ${e(m.asOf)}; tree size ${e(m.treeSize)}, root hash <span class="hash">${e(m.rootHash)}</span>.</footer>
</main></body></html>
`;
}
