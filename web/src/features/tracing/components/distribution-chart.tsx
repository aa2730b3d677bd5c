// A bar chart of one score distribution, drawn with ECharts (only the bar
// chart and the components it needs are bundled). Colors come from the
// page's CSS variables, so the chart follows the light and dark themes.
import { useEffect, useRef } from "react";
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

function cssColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function DistributionChart({ label, categories, counts }: { label: string; categories: string[]; counts: number[] }) {
  const host = useRef<HTMLDivElement>(null);
  // Arrays arrive new on every render; redraw only when their content changes.
  const dataKey = JSON.stringify([label, categories, counts]);
  useEffect(() => {
    if (!host.current) return;
    const chart = echarts.init(host.current);
    const draw = () => {
      const text = cssColor("--text", "#1b1f24");
      const muted = cssColor("--muted", "#5b6470");
      const border = cssColor("--border", "#d5dae1");
      chart.setOption({
        animation: false,
        grid: { left: 40, right: 12, top: 12, bottom: 48 },
        tooltip: { trigger: "axis" },
        xAxis: {
          type: "category",
          data: categories,
          axisLabel: { color: muted, rotate: categories.length > 6 ? 30 : 0 },
          axisLine: { lineStyle: { color: border } },
        },
        yAxis: {
          type: "value",
          minInterval: 1,
          axisLabel: { color: muted },
          splitLine: { lineStyle: { color: border } },
        },
        series: [{ type: "bar", name: label, data: counts, itemStyle: { color: cssColor("--accent", "#2f6fd6") } }],
        textStyle: { color: text },
      });
    };
    draw();
    // The theme switch sets data-theme on <html>; redraw with its colors.
    const observer = new MutationObserver(draw);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataKey]);
  return <div ref={host} className="distribution-chart" role="img" aria-label={`Distribution of ${label}`} />;
}
