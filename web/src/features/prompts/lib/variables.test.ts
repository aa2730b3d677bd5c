import { describe, expect, it } from "vitest";
import { promptNeeds, promptReferences, templateVariables } from "./variables";

describe("templateVariables", () => {
  it.each([
    ["Hello {{name}}!", ["name"]],
    ["{{ spaced }} and {{spaced}}", ["spaced"]],
    ["{{{raw}}} {{&amp}}", ["raw", "amp"]],
    ["{{#items}}{{title}}{{/items}}", ["items", "title"]],
    ["{{^empty}}none{{/empty}}", ["empty"]],
    ["{{! a comment }}{{> partial}}{{.}}", []],
    ["{{user.name}}", ["user.name"]],
    ["no tags at all", []],
    ["{{unclosed", []],
  ])("reads %j", (text, expected) => {
    expect(templateVariables(text)).toEqual(expected);
  });
});

describe("promptReferences", () => {
  it("reads label and version tags", () => {
    const text = "A @@@langfusePrompt:name=base|label=production@@@ B @@@langfusePrompt:name=x/y|version=3@@@";
    expect(promptReferences(text)).toEqual([
      { tag: "@@@langfusePrompt:name=base|label=production@@@", name: "base", label: "production" },
      { tag: "@@@langfusePrompt:name=x/y|version=3@@@", name: "x/y", version: 3 },
    ]);
  });

  it("ignores tags without a name or selector", () => {
    expect(promptReferences("@@@langfusePrompt:label=a@@@ @@@langfusePrompt:name=b@@@")).toEqual([]);
    expect(promptReferences("@@@langfusePrompt:name=b|version=two@@@")).toEqual([]);
  });

  it("lists a repeated tag once", () => {
    expect(promptReferences("@@@langfusePrompt:name=a|label=x@@@ @@@langfusePrompt:name=a|label=x@@@")).toHaveLength(1);
  });
});

describe("promptNeeds", () => {
  it("collects from a text prompt", () => {
    expect(promptNeeds("Translate {{text}} to {{language}}")).toEqual({
      variables: ["text", "language"],
      placeholders: [],
      references: [],
    });
  });

  it("collects from chat messages and placeholders", () => {
    const needs = promptNeeds([
      { role: "system", content: "You are {{persona}}. @@@langfusePrompt:name=rules|label=latest@@@" },
      { type: "placeholder", name: "history" },
      { role: "user", content: "{{question}} {{persona}}" },
      { role: "user", content: [{ type: "image_url" }] },
    ]);
    expect(needs.variables).toEqual(["persona", "question"]);
    expect(needs.placeholders).toEqual(["history"]);
    expect(needs.references.map((reference) => reference.name)).toEqual(["rules"]);
  });

  it("needs nothing from other values", () => {
    expect(promptNeeds(null)).toEqual({ variables: [], placeholders: [], references: [] });
  });
});
