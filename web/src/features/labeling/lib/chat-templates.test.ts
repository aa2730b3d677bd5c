// The result items Label Studio's chat templates produce in this editor:
// their controls point at the Chat object and store their usual shapes.
// The templates are read from ../shared at run time; without it the checks
// are skipped with a message.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLabelConfig } from "./config";
import { buildResult, emptyValues } from "./results";
import { hiddenControls } from "./visibility";

const galleryDir = resolve(import.meta.dirname, "../../../../../../shared/reference/label-studio-templates");
const present = existsSync(galleryDir);
if (!present) console.warn(`chat templates: ${galleryDir} is missing, so these checks are skipped`);

describe.skipIf(!present)("chat templates", () => {
  const files = present ? readdirSync(galleryDir).filter((name) => name.startsWith("chat__")) : [];

  it("parse with every tag shown", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const parsed = parseLabelConfig(readFileSync(`${galleryDir}/${file}`, "utf8"));
      expect([file, parsed.ok && parsed.config.unsupportedTags]).toEqual([file, []]);
    }
  });

  it("store a conversation rating and comment against the chat", () => {
    const parsed = parseLabelConfig(readFileSync(`${galleryDir}/chat__chat_rlhf.xml`, "utf8"));
    if (!parsed.ok) throw new Error(parsed.message);
    const values = { ...emptyValues, ratings: { rating: 4 }, textareas: { conversation_comment: ["Clear."] } };
    const hidden = hiddenControls(parsed.config, values, null);
    // The per-message controls answer about selected messages, so without
    // one they store nothing, and they are not hidden at submit.
    expect([...hidden]).not.toContain("assistant_response_accuracy");
    expect(buildResult(parsed.config, values, { rating: "r1", conversation_comment: "c1" }, hidden)).toEqual([
      { id: "r1", from_name: "rating", to_name: "chat", type: "rating", origin: "manual", value: { rating: 4 } },
      { id: "c1", from_name: "conversation_comment", to_name: "chat", type: "textarea", origin: "manual", value: { text: ["Clear."] } },
    ]);
  });

  it("store the evaluation choices of the LLM chat template", () => {
    const parsed = parseLabelConfig(readFileSync(`${galleryDir}/chat__chat_llm_eval.xml`, "utf8"));
    if (!parsed.ok) throw new Error(parsed.message);
    const values = { ...emptyValues, choices: { answered_rating: ["4 - Mostly yes - most of them were answered"], topics: ["Billing", "Other"] } };
    expect(buildResult(parsed.config, values, { answered_rating: "a1", topics: "t1" })).toEqual([
      { id: "a1", from_name: "answered_rating", to_name: "chat", type: "choices", origin: "manual", value: { choices: ["4 - Mostly yes - most of them were answered"] } },
      { id: "t1", from_name: "topics", to_name: "chat", type: "choices", origin: "manual", value: { choices: ["Billing", "Other"] } },
    ]);
  });
});
