/**
 * The health page's charts, drawn on the server as SVG by Apache ECharts
 * (`renderer: "svg", ssr: true`: no DOM, no canvas, no script in the page).
 * Only the chart kinds and components used are registered (echarts/core),
 * which keeps the load small. Pure: the same figures give the same SVG
 * bytes — ECharts numbers its CSS classes per instance, so they are renamed
 * per chart here, which keeps the page's ETag stable across requests.
 */
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { PeriodFigures } from "../health/figures.js";

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

const WIDTH = 520;
const HEIGHT = 260;
const COLORS = ["#1f6feb", "#bf3989", "#1a7f37", "#9a6700"];

export interface HealthChart {
  /** Used for the figure's id and caption. */
  id: string;
  title: string;
  /** An `<svg>` element, ready to inline. */
  svg: string;
}

/** A period's short label: `2025-06` for a month, the first day otherwise. */
export function periodLabel(p: PeriodFigures["period"]): string {
  const start = p.start.slice(0, 10);
  const days = (Date.parse(p.end) - Date.parse(p.start)) / 86_400_000;
  return start.endsWith("-01") && days >= 28 && days <= 31 ? start.slice(0, 7) : start;
}

/** The charts over time (`periods`: oldest first, the open period last) and the funnel now. */
export function healthCharts(periods: readonly PeriodFigures[], ladder: readonly string[]): HealthChart[] {
  const labels = periods.map((p) => periodLabel(p.period));
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const current = periods[periods.length - 1];
  return [
    chart("merge-concentration", "Share of merges (last 90 days) by the top 1 and top 3 authors, %", {
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { type: "line", name: "top 1", data: periods.map((p) => pct(p.top1_merge_share)), connectNulls: false },
        { type: "line", name: "top 3", data: periods.map((p) => pct(p.top3_merge_share)), connectNulls: false },
      ],
    }),
    chart("people", "People who merged in the last 90 days, and the absence factor", {
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "line", name: "merged (90 days)", data: periods.map((p) => p.mergers_90d) },
        { type: "line", name: "absence factor", data: periods.map((p) => p.absence_factor) },
      ],
    }),
    chart("decisions", "Decisions per period", {
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "promotions", data: periods.map((p) => p.promotions) },
        { type: "bar", name: "demotions", data: periods.map((p) => p.demotions) },
        { type: "bar", name: "manual changes", data: periods.map((p) => p.manual_changes) },
        { type: "bar", name: "appeals filed", data: periods.map((p) => p.appeals.filed) },
      ],
    }),
    chart("funnel", "Holders per rung", {
      xAxis: { type: "category", data: [...ladder] },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "holders", data: ladder.map((role) => current?.funnel[role] ?? 0) }],
    }),
  ];
}

function chart(id: string, title: string, option: echarts.EChartsCoreOption): HealthChart {
  const instance = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  try {
    instance.setOption({
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: "system-ui, sans-serif" },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      // Text is measured without the browser's fonts on the server: a wide gap keeps legend entries apart.
      legend: { top: 4, itemGap: 28 },
      ...option,
    });
    return { id, title, svg: stableClasses(instance.renderToSVGString(), id) };
  } finally {
    instance.dispose();
  }
}

/**
 * ECharts' per-instance names made stable and unique on the page: class
 * names `zr<instance>-cls-<n>` (n counts across instances) become
 * `<id>-<k>` in order of first use; other ids (`zr<instance>-c0`, clip
 * paths and gradients) become `<id>-c0`.
 */
function stableClasses(svg: string, id: string): string {
  const names = new Map<string, string>();
  return svg
    .replace(/zr\d+-cls-\d+/g, (m) => {
      let name = names.get(m);
      if (!name) names.set(m, (name = `${id}-${names.size}`));
      return name;
    })
    .replace(/zr\d+-/g, `${id}-`);
}
