// Differences between two prompt versions, shaped for display: a text
// prompt diffs line by line, a chat prompt message by message with a line
// diff inside each changed message. Built on jsdiff (the `diff` package).
import { diffArrays, diffLines } from "diff";

export interface DiffLine {
  kind: "added" | "removed" | "same";
  text: string;
  oldNumber?: number; // 1-based line number in the older version
  newNumber?: number; // 1-based line number in the newer version
}

export interface MessageDiff {
  kind: "added" | "removed" | "changed" | "same";
  oldIndex?: number; // position in the older version's messages
  newIndex?: number;
  oldLabel?: string; // the role, or "placeholder <name>"
  newLabel?: string;
  lines: DiffLine[];
}

// Splits a diff chunk into its lines; the chunk's final newline ends the
// last line instead of starting an empty one.
function chunkLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function diffText(older: string, newer: string): DiffLine[] {
  const result: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  for (const change of diffLines(older, newer)) {
    for (const text of chunkLines(change.value)) {
      if (change.added) result.push({ kind: "added", text, newNumber: newNumber++ });
      else if (change.removed) result.push({ kind: "removed", text, oldNumber: oldNumber++ });
      else result.push({ kind: "same", text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return result;
}

// The text a message contributes to the diff: string content as is, other
// content as indented JSON, a placeholder as nothing (its label names it).
function messageText(message: unknown): string {
  if (typeof message !== "object" || message === null) return JSON.stringify(message) ?? "";
  const record = message as Record<string, unknown>;
  if (record.type === "placeholder") return "";
  if (typeof record.content === "string") return record.content;
  return JSON.stringify(record.content, null, 2) ?? "";
}

function messageLabel(message: unknown): string {
  if (typeof message !== "object" || message === null) return "message";
  const record = message as Record<string, unknown>;
  if (record.type === "placeholder") return `placeholder ${String(record.name)}`;
  return typeof record.role === "string" ? record.role : "message";
}

function wholeMessage(kind: "added" | "removed" | "same", message: unknown, oldIndex?: number, newIndex?: number): MessageDiff {
  const lines = diffText(messageText(message), messageText(message)).map((line) =>
    kind === "same" ? line : { kind, text: line.text, ...(kind === "added" ? { newNumber: line.newNumber } : { oldNumber: line.oldNumber }) },
  );
  const label = messageLabel(message);
  return {
    kind,
    oldIndex,
    newIndex,
    oldLabel: kind === "added" ? undefined : label,
    newLabel: kind === "removed" ? undefined : label,
    lines,
  };
}

// Aligns the two message lists with an array diff. A run of removed messages
// may be followed by a run of added ones. There a removed message pairs with
// the next added message of the same role (or placeholder) as a changed
// message, so an edit shows as one line diff rather than a removal and an
// addition. Unpaired messages show whole, in the newer version's order.
export function diffMessages(older: unknown[], newer: unknown[]): MessageDiff[] {
  const key = (message: unknown) => JSON.stringify(message);
  const changes = diffArrays(older.map(key), newer.map(key));
  const result: MessageDiff[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  for (let position = 0; position < changes.length; position++) {
    const change = changes[position];
    const count = change.value.length;
    if (!change.added && !change.removed) {
      for (let i = 0; i < count; i++) result.push(wholeMessage("same", older[oldIndex + i], oldIndex + i, newIndex + i));
      oldIndex += count;
      newIndex += count;
      continue;
    }
    const next = changes[position + 1];
    const removedCount = change.removed ? count : 0;
    let addedCount = 0;
    if (change.added) addedCount = count;
    else if (next?.added) addedCount = next.value.length;
    if (change.removed && next?.added) position++;
    result.push(...alignBlock(older, newer, oldIndex, removedCount, newIndex, addedCount));
    oldIndex += removedCount;
    newIndex += addedCount;
  }
  return result;
}

// Pairs the removed and added messages of one block by label, in order.
function alignBlock(
  older: unknown[],
  newer: unknown[],
  oldStart: number,
  removedCount: number,
  newStart: number,
  addedCount: number,
): MessageDiff[] {
  const pairOf = new Map<number, number>(); // added index to removed index
  let searchFrom = 0;
  for (let r = 0; r < removedCount; r++) {
    const label = messageLabel(older[oldStart + r]);
    for (let a = searchFrom; a < addedCount; a++) {
      if (messageLabel(newer[newStart + a]) === label) {
        pairOf.set(a, r);
        searchFrom = a + 1;
        break;
      }
    }
  }

  const result: MessageDiff[] = [];
  let nextRemoved = 0;
  const flushRemovedBefore = (limit: number) => {
    for (; nextRemoved < limit; nextRemoved++) {
      if ([...pairOf.values()].includes(nextRemoved)) continue;
      result.push(wholeMessage("removed", older[oldStart + nextRemoved], oldStart + nextRemoved));
    }
  };
  // With nothing paired, removals come first, as in a line diff.
  if (pairOf.size === 0) flushRemovedBefore(removedCount);
  for (let a = 0; a < addedCount; a++) {
    const r = pairOf.get(a);
    if (r === undefined) {
      result.push(wholeMessage("added", newer[newStart + a], undefined, newStart + a));
      continue;
    }
    flushRemovedBefore(r);
    nextRemoved = r + 1;
    const before = older[oldStart + r];
    const after = newer[newStart + a];
    result.push({
      kind: "changed",
      oldIndex: oldStart + r,
      newIndex: newStart + a,
      oldLabel: messageLabel(before),
      newLabel: messageLabel(after),
      lines: diffText(messageText(before), messageText(after)),
    });
  }
  flushRemovedBefore(removedCount);
  return result;
}

// Counts of added and removed lines, for a summary above the diff.
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((line) => line.kind === "added").length,
    removed: lines.filter((line) => line.kind === "removed").length,
  };
}
