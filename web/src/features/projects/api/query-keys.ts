// TanStack Query keys of project data, shared by every page that reads it.
export const projectsKey = ["projects"] as const;

export function projectKey(id: number) {
  return ["project", id] as const;
}
