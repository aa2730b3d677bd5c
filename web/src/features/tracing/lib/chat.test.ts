import { describe, expect, it } from "vitest";
import { parseChat, previewText } from "./chat";

describe("parseChat", () => {
  it("reads a message list with roles", () => {
    const chat = parseChat([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
    expect(chat?.map((message) => [message.role, message.parts])).toEqual([
      ["system", [{ kind: "text", text: "Be brief." }]],
      ["user", [{ kind: "text", text: "Hi" }]],
    ]);
  });

  it("reads a request body and a single output message", () => {
    expect(parseChat({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })).toHaveLength(1);
    expect(parseChat({ role: "assistant", content: "Hello" })?.[0].role).toBe("assistant");
    expect(parseChat({ choices: [{ message: { role: "assistant", content: "Yo" } }] })?.[0].parts).toEqual([
      { kind: "text", text: "Yo" },
    ]);
  });

  it("reads OpenAI tool calls and tool results", () => {
    const chat = parseChat([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "12°C" },
    ]);
    expect(chat?.[0].toolCalls).toEqual([{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }]);
    expect(chat?.[0].parts).toEqual([]);
    expect(chat?.[1].toolCallId).toBe("call_1");
  });

  it("reads text and image parts", () => {
    const chat = parseChat([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
        ],
      },
    ]);
    expect(chat?.[0].parts).toEqual([
      { kind: "text", text: "What is this?" },
      { kind: "image", url: "https://example.com/cat.png" },
      { kind: "image", url: "data:image/png;base64,iVBOR" },
    ]);
  });

  it("keeps image parts without a web or data address as JSON", () => {
    const part = { type: "image_url", image_url: { url: "<Upload handling failed for LangfuseMedia>" } };
    expect(parseChat([{ role: "user", content: [part] }])?.[0].parts).toEqual([{ kind: "json", value: part }]);
  });

  it("rejects values that are not chats", () => {
    expect(parseChat("plain text")).toBeNull();
    expect(parseChat({ question: "Hi" })).toBeNull();
    expect(parseChat([])).toBeNull();
    expect(parseChat([{ role: "user", content: "ok" }, { text: "no role" }])).toBeNull();
    expect(parseChat([{ role: "user", content: 42 }])).toBeNull();
  });
});

describe("previewText", () => {
  it("shows the last user message of an input and the text of an output", () => {
    const input = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "What is 2+2?" },
    ];
    expect(previewText(input, "user")).toBe("What is 2+2?");
    expect(previewText({ role: "assistant", content: "4" })).toBe("4");
    expect(previewText({ answer: 4 })).toBe('{"answer":4}');
    expect(previewText(null)).toBe("");
  });
});
