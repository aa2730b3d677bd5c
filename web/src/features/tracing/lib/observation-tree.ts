// Builds the observation tree of a trace from the flat list the API returns,
// linked by parentObservationId.
//
// An observation whose parent is missing from the list (not ingested yet, or
// in another trace) becomes a root rather than disappearing, and a parent
// cycle, which ingestion does not prevent, is cut where it closes. Siblings
// are ordered by start time, then id, so the tree reads in execution order.

export interface TreeObservation {
  id: string;
  parentObservationId?: string | null;
  startTime: string;
}

export interface TreeNode<T extends TreeObservation> {
  observation: T;
  children: TreeNode<T>[];
}

export interface TreeRow<T extends TreeObservation> {
  observation: T;
  depth: number;
  hasChildren: boolean;
}

function compareByStart(a: TreeObservation, b: TreeObservation): number {
  const byTime = Date.parse(a.startTime) - Date.parse(b.startTime);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

export function buildObservationTree<T extends TreeObservation>(observations: T[]): TreeNode<T>[] {
  const nodes = new Map<string, TreeNode<T>>();
  for (const observation of observations) nodes.set(observation.id, { observation, children: [] });

  // Walks up from `id` and reports whether `ancestor` is on the way, so a
  // link that would close a cycle is left out.
  const parentOf = new Map<string, string>();
  const reaches = (id: string, ancestor: string): boolean => {
    const seen = new Set<string>();
    for (let current: string | undefined = id; current !== undefined; current = parentOf.get(current)) {
      if (current === ancestor) return true;
      if (seen.has(current)) return false;
      seen.add(current);
    }
    return false;
  };

  const roots: TreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parentId = node.observation.parentObservationId;
    const parent = parentId ? nodes.get(parentId) : undefined;
    if (parent && parentId !== node.observation.id && !reaches(parentId!, node.observation.id)) {
      parent.children.push(node);
      parentOf.set(node.observation.id, parentId!);
    } else {
      roots.push(node);
    }
  }

  const sort = (list: TreeNode<T>[]) => {
    list.sort((a, b) => compareByStart(a.observation, b.observation));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

// The visible rows in depth-first order; children of ids in `collapsed` are
// left out.
export function flattenTree<T extends TreeObservation>(
  roots: TreeNode<T>[],
  collapsed: ReadonlySet<string> = new Set(),
): TreeRow<T>[] {
  const rows: TreeRow<T>[] = [];
  const visit = (node: TreeNode<T>, depth: number) => {
    rows.push({ observation: node.observation, depth, hasChildren: node.children.length > 0 });
    if (collapsed.has(node.observation.id)) return;
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}

// The ids from the root down to `id`, for expanding a deep-linked node.
export function ancestorIds<T extends TreeObservation>(observations: T[], id: string): string[] {
  const byId = new Map(observations.map((observation) => [observation.id, observation]));
  const path: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(id)?.parentObservationId ?? undefined;
  while (current && byId.has(current) && !seen.has(current)) {
    seen.add(current);
    path.unshift(current);
    current = byId.get(current)?.parentObservationId ?? undefined;
  }
  return path;
}
