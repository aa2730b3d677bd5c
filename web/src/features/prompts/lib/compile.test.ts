// The shared vectors the server's compiler passes too, so a preview in the
// browser shows exactly what the SDKs and the server produce.
import { describe, expect, it } from "vitest";
import vectors from "../../../../../src/prompts/compile_vectors.json";
import { compileChatMessages, renderTemplate, type TemplateEngine } from "./compile";

interface TextCase {
  name: string;
  engine: TemplateEngine;
  template: string;
  variables: Record<string, unknown>;
  expected?: string;
  error?: boolean;
}

interface ChatCase {
  name: string;
  engine: TemplateEngine;
  messages: unknown[];
  variables: Record<string, unknown>;
  placeholders: Record<string, unknown>;
  expected?: unknown[];
  error?: boolean;
}

describe("renderTemplate against the shared vectors", () => {
  it.each((vectors.text as TextCase[]).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = renderTemplate(c.template, c.variables, c.engine);
    if (c.error) {
      expect(result.ok).toBe(false);
    } else {
      expect(result).toEqual({ ok: true, value: c.expected });
    }
  });
});

describe("compileChatMessages against the shared vectors", () => {
  it.each((vectors.chat as ChatCase[]).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = compileChatMessages(c.messages, c.variables, c.placeholders, c.engine);
    if (c.error) {
      expect(result.ok).toBe(false);
    } else {
      expect(result).toEqual({ ok: true, value: c.expected });
    }
  });

  it("does not change the caller's messages", () => {
    const history = [{ role: "user", content: "Hi {{who}}" }];
    compileChatMessages([{ type: "placeholder", name: "h" }], { who: "Ada" }, { h: history }, "mustache");
    expect(history[0].content).toBe("Hi {{who}}");
  });
});
