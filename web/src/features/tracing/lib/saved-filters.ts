// Saved trace filters and the chosen table columns, kept in localStorage
// per project. Stored values are checked on the way in, because they
// survive UI upgrades and can be edited by hand. Anything unreadable is
// dropped rather than breaking the page.
import { z } from "zod";
import { emptyFilters, levels, numberOperators, type TraceFilters } from "./trace-filters";

const nullableNumber = z.number().nullable();
const filtersSchema = z.object({
  search: z.string(),
  timeRange: z.enum(["all", "1h", "24h", "7d", "30d"]),
  name: z.string(),
  userId: z.string(),
  sessionId: z.string(),
  release: z.string(),
  version: z.string(),
  environments: z.array(z.string()),
  tags: z.array(z.string()),
  levels: z.array(z.enum(levels)),
  minLatency: nullableNumber,
  maxLatency: nullableNumber,
  minCost: nullableNumber,
  maxCost: nullableNumber,
  scores: z.array(
    z.object({ name: z.string(), operator: z.enum(numberOperators as [string, ...string[]]), value: z.number() }),
  ),
  categories: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  metadata: z.array(z.object({ key: z.string(), value: z.string() })),
});

const savedListSchema = z.array(z.object({ name: z.string().min(1), filters: filtersSchema.partial() }));

export interface SavedFilter {
  name: string;
  filters: TraceFilters;
}

export function savedFiltersKey(projectId: number): string {
  return `tally.traces.saved-filters.${projectId}`;
}

export function columnsKey(projectId: number): string {
  return `tally.traces.columns.${projectId}`;
}

// Reads saved filters from stored JSON text; fields added since a filter
// was saved take their empty value.
export function parseSavedFilters(text: string | null): SavedFilter[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const parsed = savedListSchema.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.map((entry) => ({ name: entry.name, filters: { ...emptyFilters, ...entry.filters } as TraceFilters }));
}

// Adds or replaces the filter called `name`, keeping names unique.
export function upsertSavedFilter(list: SavedFilter[], name: string, filters: TraceFilters): SavedFilter[] {
  const trimmed = name.trim();
  const rest = list.filter((entry) => entry.name !== trimmed);
  return [...rest, { name: trimmed, filters }].sort((a, b) => a.name.localeCompare(b.name));
}

// Reads the chosen column ids, keeping only ids in `known`; null when
// nothing valid is stored, so the caller uses its default.
export function parseColumnChoice(text: string | null, known: readonly string[]): string[] | null {
  if (!text) return null;
  try {
    const parsed = z.array(z.string()).safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const ids = parsed.data.filter((id) => known.includes(id));
    return ids.length > 0 ? ids : null;
  } catch {
    return null;
  }
}
