/**
 * The readiness report as a PDF: a title page, a table of contents with
 * page numbers and links, bookmarks for every section, running headers and
 * "Page n of N" footers, then the sections of the model in the order and
 * words of the HTML report, the charts drawn from the same SVG.
 */
import { MATURITY_LEVELS } from "@sealtrail/core";
import type { ClauseSection, KpiSection, ReadinessReportModel } from "./model.js";
import { UPCOMING_DAYS } from "./model.js";
import { clauseMaturityChart, domainMaturityChart, kpiTrendChart } from "./charts.js";
import { COLOURS, SECTIONS, checkpointRows, daysText, directionText, kpiValueText, ownerText, maturityRules, refText, ruleRef, type SectionId } from "./format.js";
import { CONTENT_WIDTH, PAGE, badge, chart, decoratePages, ensureSpace, finish, heading, labelled, newDocument, para, refs, table, type Doc } from "./pdf-layout.js";

const levelName = (l: number) => MATURITY_LEVELS[l - 1]?.name ?? "";
const statusColour = (s: string) => (s === "conformity" || s === "passed" ? COLOURS.pass : s === "partial" ? COLOURS.partial : s === "ofi" || s === "not applicable" ? COLOURS.muted : COLOURS.fail);

/** Where each section starts, for the contents page. */
type Starts = Map<SectionId, number>;

function startSection(doc: Doc, id: SectionId, starts: Starts): void {
  doc.addPage();
  const s = SECTIONS.find((x) => x.id === id)!;
  starts.set(id, doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1);
  doc.addNamedDestination(id);
  doc.outline.addItem(`${SECTIONS.indexOf(s) + 1} ${s.title}`);
  heading(doc, 2, `${SECTIONS.indexOf(s) + 1}  ${s.title}`);
}

/** A heading of an item with badges after its text. */
function itemHeading(doc: Doc, text: string, badges: readonly { text: string; colour: string }[], note?: string): void {
  ensureSpace(doc, 70);
  doc.moveDown(0.4);
  doc.font("sans-bold").fontSize(10.5).fillColor(COLOURS.ink).text(text, PAGE.left, doc.y, { width: CONTENT_WIDTH });
  if (badges.length > 0 || note !== undefined) {
    let x = PAGE.left;
    const y = doc.y + 1;
    for (const b of badges) x += badge(doc, b.text, b.colour, x, y) + 5;
    if (note !== undefined) doc.font("sans").fontSize(8).fillColor(COLOURS.muted).text(note, x + 2, y + 2, { lineBreak: false });
    doc.y = y + 15;
  }
  doc.font("serif").fontSize(10).fillColor(COLOURS.ink);
  doc.x = PAGE.left;
}

function titlePage(doc: Doc, m: ReadinessReportModel): void {
  doc.rect(0, 0, PAGE.width, 8).fill(COLOURS.accent);
  doc.y = 190;
  para(doc, "ISO 28000:2022 SECURITY MANAGEMENT SYSTEM", { face: "sans", size: 9, colour: COLOURS.muted, gap: 6 });
  para(doc, "Certification readiness report", { face: "sans-bold", size: 30, colour: COLOURS.accent, gap: 10 });
  para(doc, `Vault ${m.vault}, as of ${m.asOf}`, { face: "sans", size: 14, gap: 40 });
  const cp = m.checkpoint;
  const facts: [string, string][] = [
    ["Computed at tree size", String(m.treeSize)],
    ["Root hash", m.rootHash],
    ["Checkpoint", cp === null ? "none published" : `${cp.origin}, size ${cp.size}, published ${cp.publishedAt}`],
    ["Catalogue", `${m.catalogue.id} ${m.catalogue.version}`],
  ];
  for (const [k, v] of facts) {
    const y = doc.y;
    doc.font("sans").fontSize(9).fillColor(COLOURS.muted).text(k, PAGE.left, y, { width: 130 });
    doc.font(k === "Root hash" ? "sans" : "serif").fontSize(k === "Root hash" ? 8.5 : 10).fillColor(COLOURS.ink).text(v, PAGE.left + 135, y, { width: CONTENT_WIDTH - 135 });
    doc.y = Math.max(doc.y, y + 14) + 6;
  }
}

function contents(doc: Doc, starts: Starts): void {
  doc.switchToPage(1);
  doc.y = PAGE.top;
  heading(doc, 2, "Contents");
  doc.y += 6;
  SECTIONS.forEach((s, i) => {
    const page = (starts.get(s.id) ?? 0) + 1;
    const y = doc.y;
    const label = `${i + 1}  ${s.title}`;
    doc.font("sans").fontSize(11).fillColor(COLOURS.ink).text(label, PAGE.left, y, { width: CONTENT_WIDTH - 40, goTo: s.id, lineBreak: false });
    const end = PAGE.left + doc.widthOfString(label) + 6;
    doc.text(String(page), PAGE.left + CONTENT_WIDTH - 40, y, { width: 40, align: "right", goTo: s.id, lineBreak: false });
    // Dotted leader from the title to its page number.
    doc.moveTo(end, y + 9).lineTo(PAGE.left + CONTENT_WIDTH - 40 + 40 - doc.widthOfString(String(page)) - 6, y + 9).dash(1, { space: 3 }).lineWidth(0.6).strokeColor(COLOURS.muted).stroke().undash();
    doc.y = y + 22;
  });
}

function summary(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "summary", starts);
  const s = m.summary;
  const tiles: [string, string, string][] = [
    [`${s.readinessPassed} of ${s.readinessItems}`, "readiness items passed", s.readinessPassed === s.readinessItems ? COLOURS.pass : COLOURS.fail],
    [`${s.gapsDetected} of ${s.gapsTotal}`, `common gaps detected (${s.gapFindings} findings)`, s.gapsDetected === 0 ? COLOURS.pass : COLOURS.fail],
    [`${s.clauses.conformity} / ${s.clauses.partial} / ${s.clauses.missing}`, "clauses in conformity / partial / missing", COLOURS.accent],
    [String(s.overdue), `items overdue (${s.upcoming} due within ${UPCOMING_DAYS} days)`, s.overdue === 0 ? COLOURS.pass : COLOURS.fail],
  ];
  const w = (CONTENT_WIDTH - 3 * 10) / 4;
  const y = doc.y + 4;
  tiles.forEach(([v, l, colour], i) => {
    const x = PAGE.left + i * (w + 10);
    doc.rect(x, y, w, 3).fill(colour);
    doc.rect(x, y, w, 62).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
    doc.font("sans-bold").fontSize(15).fillColor(COLOURS.ink).text(v, x + 7, y + 10, { width: w - 14 });
    doc.font("sans").fontSize(8).fillColor(COLOURS.muted).text(l, x + 7, y + 32, { width: w - 14 });
  });
  doc.y = y + 74;
  para(doc, `The figures below are computed from the latest versions of ${s.smsRecords} SMS records and ${s.custodyEvents} custody events of vault ${m.vault}, read at tree size ${m.treeSize}, and judged on ${m.asOf}. Every figure names the records behind it by type, record id and log index (#index): each can be read, and its inclusion in the checkpoint proved, with sealtrail proof --index N.`);
  heading(doc, 3, "Readiness items not passed");
  const failing = m.readiness.filter((i) => !i.passed);
  if (failing.length === 0) para(doc, "None: every readiness item passes.");
  for (const i of failing) labelled(doc, `${i.name} (${i.id})`, i.missing.join("; "));
  heading(doc, 3, "Gaps detected");
  const detected = m.gaps.filter((g) => g.detected);
  if (detected.length === 0) para(doc, "None.");
  for (const g of detected) labelled(doc, `${g.name} (${g.id})`, `${g.findings.length} finding${g.findings.length === 1 ? "" : "s"}`);
  heading(doc, 3, "Maturity by clause");
  table(doc, [{ title: "Clause", width: 0.12 }, { title: "Title", width: 0.62 }, { title: "Level", width: 0.26, align: "right" }], m.groups.map((g) => [g.group, g.title, `${g.level} ${levelName(g.level)}`]));
}

function checkpoint(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "checkpoint", starts);
  para(doc, "The state of the vault the report reads, and how a reader checks it: the signed checkpoint commits to every record below by its root hash; the cosignatures and anchors show it was seen by others and when.", { gap: 8 });
  const rows = checkpointRows(m);
  table(doc, [{ title: "", width: 0.26 }, { title: "", width: 0.74 }], rows, { size: 9 });
}

function maturity(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "maturity", starts);
  para(doc, "Levels follow the catalogue's five-level scale (1 Initial, 2 Developing, 3 Defined, 4 Managed, 5 Optimising); a level is reached when its rule and every lower rule hold. A clause group's level is the lowest of its clauses.", { gap: 8 });
  chart(doc, clauseMaturityChart(m.clauses), CONTENT_WIDTH, `Maturity level per clause on ${m.asOf}.`);
  chart(doc, domainMaturityChart(m.domains), CONTENT_WIDTH, `Maturity level per control domain on ${m.asOf}.`);
  heading(doc, 3, "Control domains");
  for (const d of m.domains) {
    itemHeading(doc, d.title, [d.applicable ? { text: `level ${d.level} ${levelName(d.level)}`, colour: COLOURS.accent } : { text: "not applicable", colour: COLOURS.muted }]);
    labelled(doc, "Rule", ruleRef(d.rule));
    if (d.next.length > 0) labelled(doc, "Next level needs", d.next.join("; "));
    refs(doc, d.refs);
  }
  ensureSpace(doc, 200); // the heading, its note and the first rules together
  heading(doc, 3, "Maturity rules");
  para(doc, "A level is reached when its rule and every lower rule hold. C rules are for clauses, D rules for control domains; D is the evaluation day, and recent means within the 365 days before it.", { size: 9, colour: COLOURS.muted });
  table(doc, [{ title: "Rule", width: 0.08 }, { title: "Level", width: 0.14 }, { title: "What it takes", width: 0.78 }], maturityRules().map((r) => [r.id, `${r.level} ${levelName(r.level)}`, r.text]));
}

function clauseItem(doc: Doc, c: ClauseSection): void {
  itemHeading(doc, `${c.clause}  ${c.title}`, [
    { text: c.status, colour: statusColour(c.status) },
    { text: `level ${c.level} ${levelName(c.level)}`, colour: COLOURS.accent },
  ]);
  para(doc, c.summary, { face: "serif-italic", size: 9, colour: COLOURS.muted });
  labelled(doc, "Level rule", ruleRef(c.rule));
  if (c.next.length > 0) labelled(doc, "Next level needs", c.next.join("; "));
  if (c.missingEvidence.length > 0) labelled(doc, "Missing evidence", c.missingEvidence.join(", "));
  refs(doc, c.evidence, "Evidence");
  if (c.findings.length > 0) {
    labelled(doc, "Findings", `${c.findings.length}`);
    for (const f of c.findings) {
      const state = f.grade === "minor-nc" || f.grade === "major-nc" ? (f.resolved ? ", resolved" : ", unresolved") : "";
      labelled(doc, f.grade, `${f.statement} (${refText(f.ref)}${state})`, { size: 8.5, indent: 12 });
    }
  }
  if (c.readiness.length + c.gaps.length > 0) {
    labelled(doc, "Readiness and gaps", [...c.readiness.map((r) => `${r.id} ${r.passed ? "passed" : "not passed"}`), ...c.gaps.map((g) => `${g.id} ${g.detected ? "detected" : "not detected"}`)].join("; "), { size: 8.5 });
  }
}

function clauses(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "clauses", starts);
  table(
    doc,
    [{ title: "Clause", width: 0.09 }, { title: "Title", width: 0.53 }, { title: "Status", width: 0.13 }, { title: "Level", width: 0.08, align: "right" }, { title: "Evidence", width: 0.09, align: "right" }, { title: "Findings", width: 0.08, align: "right" }],
    m.clauses.map((c) => [c.clause, c.title, c.status, String(c.level), String(c.evidence.length), String(c.findings.length)]),
  );
  for (const g of m.groups) {
    heading(doc, 3, `${g.group}  ${g.title}`);
    for (const c of m.clauses.filter((x) => x.group === g.group)) clauseItem(doc, c);
  }
}

function kpiItem(doc: Doc, k: KpiSection): void {
  const c = kpiTrendChart(k);
  const chartWidth = 230;
  const chartHeight = (c.height * chartWidth) / c.width;
  ensureSpace(doc, chartHeight + 70);
  doc.moveDown(0.5);
  const top = doc.y;
  doc.moveTo(PAGE.left, top - 4).lineTo(PAGE.left + CONTENT_WIDTH, top - 4).lineWidth(0.5).strokeColor(COLOURS.rule).stroke();
  chart(doc, c, chartWidth, undefined, { x: PAGE.left + CONTENT_WIDTH - chartWidth, y: top });
  const textWidth = CONTENT_WIDTH - chartWidth - 14;
  doc.font("sans-bold").fontSize(10.5).fillColor(COLOURS.ink).text(k.name, PAGE.left, top + 2, { width: textWidth });
  const ratio = k.unit === "percent" && k.denominator !== null ? ` (${k.numerator ?? 0} of ${k.denominator})` : "";
  doc.font("sans-bold").fontSize(15).fillColor(COLOURS.accent).text(k.text, { width: textWidth, continued: ratio !== "" });
  if (ratio !== "") doc.font("sans").fontSize(9).fillColor(COLOURS.muted).text(ratio);
  const dirColour = k.direction === "improving" ? COLOURS.pass : k.direction === "worsening" ? COLOURS.fail : COLOURS.muted;
  doc.font("sans").fontSize(9).fillColor(dirColour).text(`Trend: ${directionText(k.direction, k.better)}`, { width: textWidth });
  doc.moveDown(0.2);
  doc.font("serif").fontSize(8.5).fillColor(COLOURS.muted).text(k.definition, { width: textWidth, lineGap: 1 });
  doc.y = Math.max(doc.y, top + chartHeight) + 4;
  if (k.targets.length > 0) labelled(doc, "Targets", k.targets.map((t) => `${t.objective.id} #${t.objective.index} ${t.comparison} ${t.target} ${t.unit}: ${t.met === null ? "no data" : t.met ? "met" : "not met"}`).join("; "), { size: 8.5 });
  refs(doc, k.refs);
}

function kpis(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "kpis", starts);
  para(doc, `The twelve KPIs of the catalogue over ${m.kpiPeriod.from} to ${m.kpiPeriod.to}, each with its monthly trend over the twelve months before (the open point is the current month up to ${m.asOf}). The direction is the sign of the least-squares slope of the monthly values.`, { gap: 8 });
  table(doc, [{ title: "KPI", width: 0.55 }, { title: "Value", width: 0.2, align: "right" }, { title: "Trend", width: 0.25 }], m.kpis.map((k) => [k.name, kpiValueText(k.unit, k.value, k.amounts), k.direction ?? "too few points"]));
  for (const k of m.kpis) kpiItem(doc, k);
}

function readiness(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "readiness", starts);
  para(doc, `${m.summary.readinessPassed} of ${m.summary.readinessItems} items pass on ${m.asOf}.`);
  for (const i of m.readiness) {
    itemHeading(doc, i.name, [{ text: i.passed ? "passed" : "not passed", colour: i.passed ? COLOURS.pass : COLOURS.fail }], `${i.id}, clauses ${i.clauses.join(", ")}`);
    para(doc, i.criterion, { size: 9, colour: COLOURS.muted });
    if (i.missing.length > 0) labelled(doc, "Missing", i.missing.join("; "));
    refs(doc, i.refs);
  }
}

function gaps(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "gaps", starts);
  para(doc, `${m.summary.gapsDetected} of ${m.summary.gapsTotal} common gaps detected on ${m.asOf}, with ${m.summary.gapFindings} findings.`);
  for (const g of m.gaps.filter((x) => x.detected)) {
    itemHeading(doc, g.name, [{ text: "detected", colour: COLOURS.fail }], `${g.id}, clauses ${g.clauses.join(", ")}`);
    para(doc, g.detect, { size: 9, colour: COLOURS.muted });
    for (const f of g.findings) {
      para(doc, `\u2022 ${f.message}`, { size: 9.5, indent: 8, gap: 1 });
      refs(doc, f.refs, "Records", 16);
    }
  }
  heading(doc, 3, "Not detected");
  for (const g of m.gaps.filter((x) => !x.detected)) para(doc, `\u2022 ${g.name} (${g.id})`, { size: 9.5, gap: 1 });
}

function dueTable(doc: Doc, items: ReadinessReportModel["overdue"]): void {
  if (items.length === 0) return para(doc, "None.");
  table(
    doc,
    [{ title: "Due", width: 0.13 }, { title: "When", width: 0.14 }, { title: "Item", width: 0.38 }, { title: "Owner", width: 0.2 }, { title: "Record", width: 0.15 }],
    items.map((i) => [i.due, daysText(i.daysLeft), `${i.title} (${i.kind})`, ownerText(i), `${i.ref.id} #${i.ref.index}`]),
  );
}

function due(doc: Doc, m: ReadinessReportModel, starts: Starts): void {
  startSection(doc, "due", starts);
  heading(doc, 3, `Overdue on ${m.asOf} (${m.overdue.length})`);
  dueTable(doc, m.overdue);
  heading(doc, 3, `Due within ${UPCOMING_DAYS} days (${m.upcoming.length})`);
  dueTable(doc, m.upcoming);
  para(doc, `${m.later} further item${m.later === 1 ? " is" : "s are"} due later.`);
}

/**
 * The report as PDF bytes.
 *
 * @example
 * ```ts
 * await writeFile("readiness.pdf", await renderReadinessPdf(model));
 * ```
 */
export async function renderReadinessPdf(m: ReadinessReportModel): Promise<Buffer> {
  const title = `Certification readiness report: ${m.vault}, ${m.asOf}`;
  const doc = newDocument(title, m.asOf);
  const starts: Starts = new Map();
  titlePage(doc, m);
  doc.addPage(); // the contents, written once every section's page is known
  summary(doc, m, starts);
  checkpoint(doc, m, starts);
  maturity(doc, m, starts);
  clauses(doc, m, starts);
  kpis(doc, m, starts);
  readiness(doc, m, starts);
  gaps(doc, m, starts);
  due(doc, m, starts);
  contents(doc, starts);
  decoratePages(doc, title);
  return finish(doc);
}
