import { describe, expect, it } from "vitest";
import { diffMessages, diffStats, diffText } from "./diff";

describe("diffText", () => {
  it("numbers lines on each side", () => {
    const lines = diffText("a\nb\nc\n", "a\nB\nc\nd\n");
    expect(lines).toEqual([
      { kind: "same", text: "a", oldNumber: 1, newNumber: 1 },
      { kind: "removed", text: "b", oldNumber: 2 },
      { kind: "added", text: "B", newNumber: 2 },
      { kind: "same", text: "c", oldNumber: 3, newNumber: 3 },
      { kind: "added", text: "d", newNumber: 4 },
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it("keeps text without a final newline", () => {
    expect(diffText("one", "one")).toEqual([{ kind: "same", text: "one", oldNumber: 1, newNumber: 1 }]);
  });

  it("shows an empty version as all added", () => {
    expect(diffText("", "x\ny").map((line) => line.kind)).toEqual(["added", "added"]);
  });
});

describe("diffMessages", () => {
  const system = { role: "system", content: "Be brief." };
  const user = { role: "user", content: "Question: {{q}}" };

  it("pairs an edited message as changed", () => {
    const result = diffMessages([system, user], [system, { role: "user", content: "Q: {{q}}" }]);
    expect(result.map((message) => message.kind)).toEqual(["same", "changed"]);
    expect(result[1].lines).toEqual([
      { kind: "removed", text: "Question: {{q}}", oldNumber: 1 },
      { kind: "added", text: "Q: {{q}}", newNumber: 1 },
    ]);
    expect(result[1]).toMatchObject({ oldIndex: 1, newIndex: 1, oldLabel: "user", newLabel: "user" });
  });

  it("pairs an edited message past an inserted one", () => {
    const placeholder = { type: "placeholder", name: "history" };
    const result = diffMessages([system, user], [system, placeholder, { role: "user", content: "Q: {{q}}" }]);
    expect(result.map((message) => message.kind)).toEqual(["same", "added", "changed"]);
    expect(result[1]).toMatchObject({ newIndex: 1, newLabel: "placeholder history" });
    expect(result[2]).toMatchObject({ oldIndex: 1, newIndex: 2, oldLabel: "user", newLabel: "user" });
  });

  it("shows a replaced message of another role whole", () => {
    const result = diffMessages([system, user], [system, { role: "assistant", content: "Hi" }]);
    expect(result.map((message) => message.kind)).toEqual(["same", "removed", "added"]);
    expect(result[1]).toMatchObject({ oldIndex: 1, oldLabel: "user" });
  });

  it("shows inserted and deleted messages whole", () => {
    const placeholder = { type: "placeholder", name: "history" };
    const inserted = diffMessages([system, user], [system, placeholder, user]);
    expect(inserted.map((message) => message.kind)).toEqual(["same", "added", "same"]);
    expect(inserted[1].newLabel).toBe("placeholder history");
    expect(inserted[2]).toMatchObject({ oldIndex: 1, newIndex: 2 });

    const deleted = diffMessages([system, user], [user]);
    expect(deleted.map((message) => message.kind)).toEqual(["removed", "same"]);
    expect(deleted[0].lines).toEqual([{ kind: "removed", text: "Be brief.", oldNumber: 1 }]);
  });

  it("shows a role change as a removal and an addition", () => {
    const result = diffMessages([system], [{ role: "developer", content: "Be brief." }]);
    expect(result.map((message) => message.kind)).toEqual(["removed", "added"]);
    expect(result[0]).toMatchObject({ oldLabel: "system" });
    expect(result[1]).toMatchObject({ newLabel: "developer" });
  });
});
