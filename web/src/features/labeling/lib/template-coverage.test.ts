// Checks the editor against Label Studio's template gallery and the
// coverage table in docs/. Every gallery tag has a row, and every template
// made only of supported tags parses with nothing unsupported. Every tag
// marked "no" is reported as unsupported. The gallery is read from
// ../shared at run time, and its checks are skipped when it is absent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLabelConfig } from "./config";

const repositoryRoot = resolve(import.meta.dirname, "../../../../..") + "/";
const galleryDir = `${repositoryRoot}../shared/reference/label-studio-templates/`;
const coveragePath = `${repositoryRoot}docs/label-config-coverage.md`;
const galleryPresent = existsSync(`${galleryDir}INDEX.md`);
if (!galleryPresent) console.warn(`template coverage: ${galleryDir}INDEX.md is missing, so the gallery checks are skipped`);

// Rows of the first Markdown table whose header starts with "| Tag |".
function tagRows(markdown: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| Tag |"));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|").slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

const coverage = new Map(tagRows(readFileSync(coveragePath, "utf8")).map(([tag, , editor]) => [tag, editor]));

function tagsOf(xml: string): Set<string> {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  return new Set(Array.from(doc.getElementsByTagName("*"), (element) => element.tagName));
}

describe("coverage table", () => {
  it("marks every row yes, partial or no", () => {
    for (const [tag, editor] of coverage) expect([tag, ["yes", "partial", "no"].includes(editor)]).toEqual([tag, true]);
  });

  it("reports tags marked no as unsupported", () => {
    for (const [tag, editor] of coverage) {
      if (editor !== "no") continue;
      const parsed = parseLabelConfig(`<View><${tag} name="x" toName="y" value="$v"/></View>`);
      expect(parsed.ok && parsed.config.unsupportedTags).toEqual([tag]);
    }
  });
});

describe.skipIf(!galleryPresent)("template gallery", () => {
  it("has a coverage row for every gallery tag", () => {
    const galleryTags = tagRows(readFileSync(`${galleryDir}INDEX.md`, "utf8")).map(([tag]) => tag);
    expect(galleryTags.length).toBeGreaterThan(30);
    expect(galleryTags.filter((tag) => !coverage.has(tag))).toEqual([]);
  });

  it("parses every template of supported tags", () => {
    const files = readdirSync(galleryDir).filter((name) => name.endsWith(".xml"));
    expect(files.length).toBeGreaterThan(50);
    let supported = 0;
    for (const file of files) {
      const xml = readFileSync(galleryDir + file, "utf8");
      const tags = [...tagsOf(xml)];
      if (!tags.every((tag) => coverage.get(tag) === "yes" || coverage.get(tag) === "partial")) continue;
      supported++;
      const parsed = parseLabelConfig(xml);
      expect([file, parsed.ok]).toEqual([file, true]);
      if (parsed.ok) expect([file, parsed.config.unsupportedTags]).toEqual([file, []]);
    }
    // Text, image and ranking templates at least.
    expect(supported).toBeGreaterThan(30);
  });
});
