// Ranking items of a List with a Ranker: the current arrangement and the
// moves an annotator makes (up, down, to another bucket).
import type { RankerBucket } from "./config";

export interface ListItem {
  id: string;
  title: string;
  body: string;
}

// Items of a List from task data: a list of {id, title, body} objects;
// entries without an id are skipped.
export function listItems(value: unknown): ListItem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) return [];
    const record = entry as Record<string, unknown>;
    if (record.id === undefined || record.id === null) return [];
    return [{ id: String(record.id), title: String(record.title ?? ""), body: String(record.body ?? "") }];
  });
}

// Key of the unbucketed column when a Ranker has buckets but none is the
// default: items there are left out of the result.
export const unassigned = "";

// The arrangement shown: the stored ranking when there is one, else every
// item in data order in the default bucket (or unassigned, or, without
// buckets, under the Ranker's own name). Items missing from a stored
// ranking stay unassigned (or join the single list at its end).
export function currentRanking(
  control: string,
  buckets: RankerBucket[],
  items: ListItem[],
  stored: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const known = new Set(items.map((item) => item.id));
  const keys = buckets.length > 0 ? buckets.map((bucket) => bucket.name) : [control];
  const home = buckets.length === 0 ? control : (buckets.find((bucket) => bucket.isDefault)?.name ?? unassigned);
  const ranking: Record<string, string[]> = Object.fromEntries(keys.map((key) => [key, []]));
  if (home === unassigned) ranking[unassigned] = [];
  const placed = new Set<string>();
  if (stored) {
    for (const [key, ids] of Object.entries(stored)) {
      const target = key in ranking ? key : home;
      for (const id of ids) {
        if (known.has(id) && !placed.has(id)) {
          ranking[target].push(id);
          placed.add(id);
        }
      }
    }
  }
  for (const item of items) if (!placed.has(item.id)) ranking[home].push(item.id);
  return ranking;
}

// The ranking with `id` moved by `step` places inside its bucket.
export function moveWithin(ranking: Record<string, string[]>, id: string, step: -1 | 1): Record<string, string[]> {
  const next = Object.fromEntries(Object.entries(ranking).map(([key, ids]) => [key, [...ids]]));
  for (const ids of Object.values(next)) {
    const at = ids.indexOf(id);
    const to = at + step;
    if (at >= 0 && to >= 0 && to < ids.length) [ids[at], ids[to]] = [ids[to], ids[at]];
  }
  return next;
}

// The ranking with `id` moved to the end of `bucket`.
export function moveToBucket(ranking: Record<string, string[]>, id: string, bucket: string): Record<string, string[]> {
  const next = Object.fromEntries(Object.entries(ranking).map(([key, ids]) => [key, ids.filter((other) => other !== id)]));
  next[bucket] = [...(next[bucket] ?? []), id];
  return next;
}

// Returns the ranking as the result stores it, without the unassigned column.
export function storedRanking(ranking: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(ranking).filter(([key]) => key !== unassigned));
}
