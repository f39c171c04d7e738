/**
 * The report's charts, drawn by Apache ECharts on the server (server-side
 * rendering to SVG, no DOM): maturity per clause, per domain, and each KPI's
 * monthly trend. The same SVG is inlined in the HTML report and drawn into
 * the PDF, so both show the same picture.
 */
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";
import type { ClauseSection, KpiSection } from "./model.js";
import type { DomainMaturity } from "@sealtrail/core";
import { COLOURS } from "./format.js";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/** The font family charts name; the HTML report defines it with @font-face, the PDF maps it to its embedded font. */
export const CHART_FONT = "ReportSans";

/** A chart as SVG text with its size in CSS pixels (1/96 in). */
export interface ChartSvg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function render(name: string, width: number, height: number, option: EChartsCoreOption): ChartSvg {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT, color: COLOURS.ink }, ...option });
    const raw = chart.renderToSVGString();
    // ECharts numbers its ids per instance in the process (zr0-, zr1-, ...):
    // name them after the chart so the same report gives the same bytes, and
    // drop the hover styles and their class names (numbered per process too), which a document has no use for.
    const svg = raw
      .replace(/zr[0-9]+-/g, `${name}-`)
      .replace(/<style\s*>[\s\S]*?<\/style>/g, "")
      .replace(/ ecmeta_[a-z_]+="[^"]*"/g, "")
      .replace(/ class="[^"]*"/g, "");
    return { svg, width, height };
  } finally {
    chart.dispose();
  }
}

const levelAxis = { type: "value", min: 0, max: 5, interval: 1, splitLine: { lineStyle: { color: COLOURS.rule } }, axisLabel: { color: COLOURS.muted } };
const levelColour = (level: number): string => COLOURS.levels[Math.min(Math.max(level, 1), 5) - 1]!;

/**
 * Maturity level of each auditable clause (4.1 to 10.2), one bar each,
 * coloured by level.
 *
 * @example
 * ```ts
 * const { svg } = clauseMaturityChart(model.clauses);
 * ```
 */
export function clauseMaturityChart(clauses: readonly ClauseSection[]): ChartSvg {
  return render("clauses", 700, 250, {
    grid: { left: 34, right: 8, top: 14, bottom: 44 },
    xAxis: { type: "category", data: clauses.map((c) => c.clause), axisLabel: { rotate: 60, fontSize: 10, color: COLOURS.ink, interval: 0 }, axisTick: { alignWithLabel: true } },
    yAxis: { ...levelAxis, name: "level", nameTextStyle: { color: COLOURS.muted, fontSize: 10 } },
    series: [
      {
        type: "bar",
        barWidth: "62%",
        data: clauses.map((c) => ({ value: c.level, itemStyle: { color: levelColour(c.level) } })),
        label: { show: true, position: "top", fontSize: 9, color: COLOURS.muted },
      },
    ],
  });
}

/**
 * Maturity level of each control domain, a horizontal bar each; a domain
 * whose controls are all not applicable shows no bar and says so.
 *
 * @example
 * ```ts
 * const { svg } = domainMaturityChart(model.domains);
 * ```
 */
export function domainMaturityChart(domains: readonly DomainMaturity[]): ChartSvg {
  const rows = [...domains].reverse();
  return render("domains", 700, 40 + rows.length * 30, {
    grid: { left: 250, right: 40, top: 8, bottom: 26 },
    xAxis: levelAxis,
    yAxis: { type: "category", data: rows.map((d) => d.title), axisLabel: { fontSize: 11, color: COLOURS.ink }, axisTick: { show: false } },
    series: [
      {
        type: "bar",
        barWidth: 16,
        data: rows.map((d) => ({ value: d.applicable ? d.level : 0, itemStyle: { color: levelColour(d.level) } })),
        label: { show: true, position: "right", fontSize: 10, color: COLOURS.muted, formatter: (p: { dataIndex: number }) => (rows[p.dataIndex]!.applicable ? `level ${rows[p.dataIndex]!.level}` : "not applicable") },
      },
    ],
  });
}

function monthLabel(p: KpiSection["points"][number]): string {
  const m = MONTHS[Number(p.from.slice(5, 7)) - 1] ?? p.from;
  return p.current ? `${m} ${p.to.slice(8)}` : p.from.slice(5, 7) === "01" ? `${m} ${p.from.slice(2, 4)}` : m;
}

/**
 * A KPI's monthly trend as a line: the months before the report's month,
 * then the report's month up to its day (an open point). Months without
 * data are gaps in the line. The currency KPI draws one line per currency.
 *
 * @example
 * ```ts
 * const { svg } = kpiTrendChart(model.kpis[0]!);
 * ```
 */
export function kpiTrendChart(k: KpiSection): ChartSvg {
  const labels = k.points.map(monthLabel);
  const currencies = [...new Set(k.points.flatMap((p) => (p.amounts ?? []).map((a) => a.currency)))].sort();
  const lines =
    k.unit === "currency"
      ? currencies.map((c) => ({ name: c, data: k.points.map((p) => Number((p.amounts ?? []).find((a) => a.currency === c)?.amount ?? 0)) }))
      : [{ name: k.name, data: k.points.map((p) => (p.value === null ? null : Math.round(p.value * 100) / 100)) }];
  const unitName = k.unit === "percent" ? "%" : k.unit === "hours" ? "hours" : k.unit === "currency" ? currencies.join(", ") || "no losses" : "count";
  return render(`kpi-${k.id}`, 330, 170, {
    grid: { left: 40, right: 12, top: 22, bottom: 26 },
    xAxis: { type: "category", data: labels, boundaryGap: false, axisLabel: { fontSize: 9, color: COLOURS.muted, interval: 1 }, axisTick: { show: false } },
    yAxis: {
      type: "value",
      name: unitName,
      nameTextStyle: { fontSize: 9, color: COLOURS.muted, align: "left" },
      minInterval: k.unit === "count" ? 1 : 0,
      ...(k.unit === "percent" ? { min: 0, max: 100 } : { min: 0 }),
      axisLabel: { fontSize: 9, color: COLOURS.muted },
      splitLine: { lineStyle: { color: COLOURS.rule } },
    },
    series: lines.map((l, i) => ({
      type: "line",
      name: l.name,
      data: l.data.map((v, j) => ({ value: v, symbol: j === l.data.length - 1 ? "emptyCircle" : "circle", symbolSize: j === l.data.length - 1 ? 7 : 4 })),
      connectNulls: false,
      lineStyle: { width: 2, color: i === 0 ? COLOURS.accent : COLOURS.partial },
      itemStyle: { color: i === 0 ? COLOURS.accent : COLOURS.partial },
    })),
  });
}
