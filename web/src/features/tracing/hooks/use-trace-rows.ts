// Server pages of the trace list behind the virtual table: only the pages
// covering the rows on screen are fetched, and pages scrolled away leave
// the cache 15 s later, so memory stays bounded however far one scrolls.
import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { fetchTracePage, type Trace } from "../api/traces";
import { traceListParams, type TraceFilters, type TraceOrdering } from "../lib/trace-filters";

export const tracePageSize = 50;

export function traceListKey(projectId: number) {
  return ["traces", projectId] as const;
}

export function useTraceRows(
  projectId: number,
  visibleRows: { start: number; end: number },
  filters: TraceFilters,
  ordering: TraceOrdering,
  fields: string[],
  now: number,
) {
  const queryFor = (page: number) => traceListParams(filters, ordering, { page, limit: tracePageSize, fields }, now);
  const keyFor = (page: number) => [...traceListKey(projectId), queryFor(page).toString()];
  const first = useQuery({
    queryKey: keyFor(1),
    queryFn: ({ signal }) => fetchTracePage(projectId, queryFor(1), signal),
    placeholderData: keepPreviousData,
  });
  const firstPage = Math.floor(visibleRows.start / tracePageSize) + 1;
  const lastPage = Math.floor(Math.max(visibleRows.end, visibleRows.start) / tracePageSize) + 1;
  const pages: number[] = [];
  for (let page = firstPage; page <= lastPage; page++) if (page !== 1) pages.push(page);
  const others = useQueries({
    queries: pages.map((page) => ({
      queryKey: keyFor(page),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchTracePage(projectId, queryFor(page), signal),
      gcTime: 15_000,
    })),
  });

  const rows = new Map<number, Trace>();
  const place = (page: number, traces: Trace[]) =>
    traces.forEach((trace, index) => rows.set((page - 1) * tracePageSize + index, trace));
  if (first.data) place(1, first.data.data);
  others.forEach((query, index) => query.data && place(pages[index], query.data.data));

  return {
    total: first.data?.meta.totalItems ?? 0,
    rows,
    isPending: first.isPending,
    isFetching: first.isFetching,
    error: first.error ?? others.find((query) => query.error)?.error ?? null,
    refetch: () => first.refetch(),
  };
}
