// One ECharts chart in a div that fills its parent. Only the line and bar
// charts and the components the options use are registered, to keep the
// dashboards bundle small. The chart is created again when the app theme
// changes, because ECharts applies a theme only at init.
import { useEffect, useRef } from "react";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useAppTheme } from "../hooks/use-app-theme";
import type { ChartOption } from "../lib/chart-data";

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function EChart({ option, label }: { option: ChartOption; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const theme = useAppTheme();

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const instance = echarts.init(element, theme === "dark" ? "dark" : undefined);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ ...option }, { notMerge: true });
  }, [option, theme]);

  return <div ref={host} className="dashboard-chart" role="img" aria-label={label} />;
}
