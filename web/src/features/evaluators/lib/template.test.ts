import { describe, expect, it } from "vitest";
import { judgeVariables, mappingForApi, syncMappings } from "./template";

describe("judgeVariables", () => {
  it.each([
    ["Question: {{question}} Answer: {{ answer }}", ["question", "answer"]],
    ["{{\tspaced\t}} {{spaced}}", ["spaced"]],
    ["{{metadata.user-id}} {{a_b}}", ["metadata.user-id", "a_b"]],
    ["{{not valid}} {{}} {{ }}", []],
    ["{{{{inner}}", ["inner"]],
    ["{{unclosed", []],
  ])("reads %j", (template, expected) => {
    expect(judgeVariables(template)).toEqual(expected);
  });
});

describe("syncMappings", () => {
  it("keeps, adds and drops mappings as the template changes", () => {
    const kept = { variable: "question", source: "input", jsonPath: "$.q" };
    const dropped = { variable: "old", source: "metadata" };
    expect(syncMappings("{{answer}} {{question}}", [kept, dropped])).toEqual([
      { variable: "answer", source: "output" },
      kept,
    ]);
  });
});

describe("mappingForApi", () => {
  it("leaves out empty optional fields", () => {
    expect(mappingForApi({ variable: "a", source: "input", jsonPath: " ", observationName: "" })).toEqual({
      variable: "a",
      source: "input",
    });
    expect(mappingForApi({ variable: "a", source: "output", jsonPath: " $.x ", observationName: "llm" })).toEqual({
      variable: "a",
      source: "output",
      jsonPath: "$.x",
      observationName: "llm",
    });
  });
});
