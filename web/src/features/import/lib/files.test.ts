import { describe, expect, it } from "vitest";
import { formatBytes, isImportable } from "./files";

describe("isImportable", () => {
  it.each([
    ["tasks.json", true],
    ["TASKS.CSV", true],
    ["rows.tsv", true],
    ["lines.txt", true],
    ["photo.png", false],
    ["archive.json.gz", false],
  ])("%s -> %s", (name, expected) => expect(isImportable(name)).toBe(expected));
});

describe("formatBytes", () => {
  it("picks a readable unit", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});
