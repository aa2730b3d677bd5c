import { describe, expect, it } from "vitest";
import { configTags, galleryEntries } from "./template-gallery";

const config = `<View><Image name="img" value="$image"/><BrushLabels name="tag" toName="img"><Label value="Cell"/></BrushLabels></View>`;

describe("galleryEntries", () => {
  it("merges groups that differ only in spelling", () => {
    const entries = galleryEntries([
      { id: "biowork__a", title: "A", group: "BioWork", config, sample: {} },
      { id: "biowork__b", title: "B", group: "Biowork", config, sample: {} },
      { id: "ranking__c", title: "C", group: "Ranking & Scoring", config, sample: {} },
      { id: "ranking__d", title: "D", group: "Ranking and scoring", config, sample: {} },
    ]);
    const groups = new Set(entries.filter((entry) => entry.id.startsWith("template:")).map((entry) => entry.group));
    expect([...groups]).toEqual(["BioWork", "Ranking & Scoring"]);
  });

  it("lists a config's tags once each for search", () => {
    expect(configTags(config)).toBe("View Image BrushLabels Label");
  });
});
