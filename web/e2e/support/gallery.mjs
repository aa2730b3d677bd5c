// Label Studio's gallery templates for the browser suites, read at run time
// from the reference templates beside this checkout. Suites skip their
// gallery tests with `galleryMissing` when that directory is absent.
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const galleryDir = new URL("../../../../shared/reference/label-studio-templates/", import.meta.url);

// False when the templates are present, else the reason to skip.
export const galleryMissing = !existsSync(galleryDir) && `${galleryDir.pathname} is missing`;

// The editor's support of each tag ("yes", "partial", "no") by the table in
// docs/label-config-coverage.md.
function tagCoverage() {
  return new Map(
    readFileSync(new URL("../../../docs/label-config-coverage.md", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| Tag"))
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => [cells[1], cells[3]]),
  );
}

// Gallery templates whose every tag the editor supports ("yes" or
// "partial"), each as { file, xml, tags }, or none when the gallery is
// missing. With `stripComments` the XML loses its <!-- --> comments, so a
// commented-out tag neither counts here nor reaches the project.
export function supportedTemplates({ stripComments = false } = {}) {
  if (galleryMissing) return [];
  const coverage = tagCoverage();
  return readdirSync(galleryDir)
    .filter((file) => file.endsWith(".xml"))
    .map((file) => {
      const text = readFileSync(new URL(file, galleryDir), "utf8");
      const xml = stripComments ? text.replace(/<!--[\s\S]*?-->/g, "") : text;
      const tags = new Set([...xml.matchAll(/<([A-Z][A-Za-z]*)/g)].map((match) => match[1]));
      return { file, xml, tags };
    })
    .filter(({ tags }) => [...tags].every((tag) => ["yes", "partial"].includes(coverage.get(tag))));
}
