// Server-side pages behind a virtual list: only the pages that cover the
// rows on screen are fetched, and pages scrolled away are dropped from the
// cache 15 s after they leave the screen, so memory stays bounded by the
// pages seen in the last 15 s however many tasks are scrolled through.
import { useQueries, useQuery } from "@tanstack/react-query";
import { fetchTaskPage, type Task, type TaskScope } from "../../labeling/api/tasks";

export const taskPageSize = 100;

export function useTaskRows(projectId: number, visibleRows: { start: number; end: number }, scope: TaskScope = {}) {
  const scopeKey = JSON.stringify(scope);
  const first = useQuery({
    queryKey: ["tasks", projectId, scopeKey, 1],
    queryFn: ({ signal }) => fetchTaskPage(projectId, 1, taskPageSize, signal, scope),
  });
  const firstPage = Math.floor(visibleRows.start / taskPageSize) + 1;
  const lastPage = Math.floor(Math.max(visibleRows.end, visibleRows.start) / taskPageSize) + 1;
  const pages: number[] = [];
  for (let page = firstPage; page <= lastPage; page++) if (page !== 1) pages.push(page);
  const others = useQueries({
    queries: pages.map((page) => ({
      queryKey: ["tasks", projectId, scopeKey, page],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchTaskPage(projectId, page, taskPageSize, signal, scope),
      gcTime: 15_000,
    })),
  });

  const rows = new Map<number, Task>();
  const place = (page: number, tasks: Task[]) => tasks.forEach((task, index) => rows.set((page - 1) * taskPageSize + index, task));
  if (first.data) place(1, first.data.tasks);
  others.forEach((query, index) => query.data && place(pages[index], query.data.tasks));

  return {
    total: first.data?.total ?? 0,
    sample: first.data?.tasks ?? [],
    rows,
    isPending: first.isPending,
    error: first.error ?? others.find((query) => query.error)?.error ?? null,
    refetch: () => first.refetch(),
  };
}
