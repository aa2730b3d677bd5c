// Dashboards as /api/dashboards serves them (src/evals/dashboards_routes.cc):
// per-project lists of widgets, each a metrics query drawn as a chart on a
// 12-column grid, and the rows of every widget over a time range.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const widgetTypes = ["time_series", "bar", "table", "number", "histogram", "agreement"] as const;
export type WidgetType = (typeof widgetTypes)[number];

const layoutSchema = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

const metricSchema = z.object({ measure: z.string(), aggregation: z.string() });
const dimensionSchema = z.object({ field: z.string() });
export const filterSchema = z.object({
  column: z.string(),
  operator: z.string(),
  type: z.string(),
  value: z.unknown(),
  key: z.string().nullable().optional(),
});
export type MetricsFilter = z.infer<typeof filterSchema>;

// The stored query of a widget: a metrics query without its time range,
// which the viewer picks.
export const widgetQuerySchema = z.object({
  view: z.string(),
  dimensions: z.array(dimensionSchema).optional(),
  metrics: z.array(metricSchema),
  filters: z.array(filterSchema).optional(),
  timeDimension: z.object({ granularity: z.string() }).nullable().optional(),
  orderBy: z.array(z.object({ field: z.string(), direction: z.enum(["asc", "desc"]).optional() })).optional(),
  config: z.object({ bins: z.number().optional(), row_limit: z.number().optional() }).optional(),
});
export type WidgetQuery = z.infer<typeof widgetQuerySchema>;

export const widgetSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  type: z.enum(widgetTypes),
  query: widgetQuerySchema.optional(),
  layout: layoutSchema,
});
export type Widget = z.infer<typeof widgetSchema>;

export const dashboardSchema = z.object({
  id: z.string(),
  project: z.number(),
  name: z.string(),
  description: z.string(),
  default_key: z.string().nullable(),
  widgets: z.array(widgetSchema),
  created_by: z.number().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

// One metrics row: dimension values, "time_dimension" and one
// "<aggregation>_<measure>" per metric. Histogram metrics hold
// [lower, upper, count] triples.
export const metricsRowSchema = z.record(z.string(), z.unknown());
export type MetricsRow = z.infer<typeof metricsRowSchema>;

const agreementSchema = z.object({
  tasks_with_overlap: z.number(),
  agreement: z.number().nullable(),
  controls: z.array(
    z.object({
      from_name: z.string(),
      type: z.string(),
      tasks: z.number(),
      mean_pair_agreement: z.number().nullable().optional(),
    }),
  ),
});
export type WidgetAgreement = z.infer<typeof agreementSchema>;

const widgetDataSchema = z.object({
  id: z.string(),
  type: z.string(),
  data: z.array(metricsRowSchema).optional(),
  error: z.string().optional(),
  agreement: agreementSchema.optional(),
});
export type WidgetData = z.infer<typeof widgetDataSchema>;

const dashboardDataSchema = z.object({
  dashboard: z.string(),
  from: z.string(),
  to: z.string(),
  widgets: z.array(widgetDataSchema),
});
export type DashboardData = z.infer<typeof dashboardDataSchema>;

export const dashboardsKey = (projectId: number) => ["dashboards", projectId] as const;
export const dashboardKey = (id: string) => ["dashboard", id] as const;
export const dashboardDataKey = (id: string, from: string, to: string) => ["dashboard-data", id, from, to] as const;

// Lists a project's dashboards; the server creates the default ones on the
// first call.
export function fetchDashboards(projectId: number): Promise<Dashboard[]> {
  return apiJson(`/api/dashboards?project=${projectId}`, z.array(dashboardSchema));
}

export function fetchDashboard(id: string): Promise<Dashboard> {
  return apiJson(`/api/dashboards/${encodeURIComponent(id)}`, dashboardSchema);
}

// The widget fields the server stores; ids may be left out on new widgets.
export type WidgetInput = Omit<Widget, "id"> & { id?: string };

export function createDashboard(
  projectId: number,
  fields: { name: string; description?: string; widgets?: WidgetInput[] },
): Promise<Dashboard> {
  return apiJson("/api/dashboards", dashboardSchema, { method: "POST", json: { project: projectId, ...fields } });
}

export function updateDashboard(
  id: string,
  fields: { name?: string; description?: string; widgets?: WidgetInput[] },
): Promise<Dashboard> {
  return apiJson(`/api/dashboards/${encodeURIComponent(id)}`, dashboardSchema, { method: "PATCH", json: fields });
}

export function deleteDashboard(id: string): Promise<void> {
  return apiSend(`/api/dashboards/${encodeURIComponent(id)}`, { method: "DELETE" });
}

// Every widget's rows over [from, to), both ISO 8601 with a zone.
export function fetchDashboardData(id: string, from: string, to: string, signal?: AbortSignal): Promise<DashboardData> {
  const params = new URLSearchParams({ from, to });
  return apiJson(`/api/dashboards/${encodeURIComponent(id)}/data?${params}`, dashboardDataSchema, { signal });
}
