// Chat conversations as editor state and chatmessage result items.
import { describe, expect, it } from "vitest";
import { editorReducer, initialEditorState } from "./annotation-model";
import { chatOptions, chatProblems, taskMessageId, withTaskMessages } from "./chat";
import { parseLabelConfig } from "./config";
import { buildResult, emptyValues, readResult } from "./results";
import { hiddenControls } from "./visibility";

const rlhf = `<View>
  <Chat name="chat" value="$chat" minMessages="2" maxMessages="$max" editable="user"/>
  <Rating name="rating" toName="chat"/>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Rating name="accuracy" toName="chat" perRegion="true"/>
    <Choices name="tone" toName="chat" perRegion="true" choice="multiple">
      <Choice value="Too formal"/>
      <Choice value="Appropriate"/>
    </Choices>
    <TextArea name="note" toName="chat" perRegion="true"/>
  </View>
</View>`;
const data = {
  chat: [
    { role: "user", content: "How do I add an annotator?" },
    { role: "assistant", content: "Invite them from the members page." },
  ],
  max: 4,
};

function config(xml = rlhf) {
  const parsed = parseLabelConfig(xml, data);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

function attributes(values: Record<string, string>) {
  return (name: string) => values[name] ?? null;
}

describe("chatOptions", () => {
  it("uses Label Studio's role defaults", () => {
    expect(chatOptions(attributes({})).messageRoles).toEqual(["user", "assistant"]);
    expect(chatOptions(attributes({ llm: "openai/gpt-4.1-nano" })).messageRoles).toEqual(["user"]);
    expect(chatOptions(attributes({ messageRoles: "user|system, assistant" })).messageRoles).toEqual(["user", "system", "assistant"]);
  });

  it("reads editable as a flag or roles", () => {
    expect(chatOptions(attributes({})).editable).toBe(false);
    expect(chatOptions(attributes({ editable: "true" })).editable).toBe(true);
    expect(chatOptions(attributes({ editable: "false" })).editable).toBe(false);
    expect(chatOptions(attributes({ editable: "user,assistant" })).editable).toEqual(["user", "assistant"]);
  });

  it("reads limits as numbers or task fields", () => {
    const options = chatOptions(attributes({ minMessages: "4", maxMessages: "$max" }));
    expect(options.minMessages).toBe(4);
    expect(options.maxMessages).toEqual({ dataKey: "max" });
    expect(chatOptions(attributes({ minMessages: "many" })).minMessages).toBeNull();
  });

  it("is read from the config in any letter case", () => {
    const parsed = config(`<View><Chat name="c" value="$chat" llm="openai/gpt-5" minmessages="3" messageroles="user"/></View>`);
    expect(parsed.root.kind).toBe("view");
    expect(parsed.root.kind === "view" ? parsed.root.children[0] : undefined).toMatchObject({
      kind: "chat",
      options: { llm: "openai/gpt-5", minMessages: 3, messageRoles: ["user"] },
    });
  });
});

describe("chat messages", () => {
  it("put the task's messages first", () => {
    const values = withTaskMessages(config(), data, emptyValues);
    expect(values.chatMessages.map((message) => [message.id, message.role, message.fromTask])).toEqual([
      [taskMessageId("chat", 0), "user", true],
      [taskMessageId("chat", 1), "assistant", true],
    ]);
  });

  it("store written messages, not unanswered task ones", () => {
    const loaded = withTaskMessages(config(), data, emptyValues);
    const written = { id: "m1", toName: "chat", role: "user", content: "And a reviewer?", createdAt: 1757612363718, fromTask: false };
    const values = { ...loaded, chatMessages: [...loaded.chatMessages, written] };
    expect(buildResult(config(), values)).toEqual([
      {
        id: "m1",
        from_name: "chat",
        to_name: "chat",
        type: "chatmessage",
        origin: "manual",
        value: { chatmessage: { role: "user", content: "And a reviewer?", createdAt: 1757612363718 } },
      },
    ]);
  });

  it("store an answered task message with its answers", () => {
    const assistant = taskMessageId("chat", 1);
    const loaded = withTaskMessages(config(), data, emptyValues);
    const values = {
      ...loaded,
      regionAnswers: { [assistant]: { accuracy: { rating: 4 }, tone: { choices: ["Appropriate"] } } },
      regionTexts: { [assistant]: { note: ["Short but right."] } },
    };
    const result = buildResult(config(), values, {}, hiddenControls(config(), values, null));
    expect(result).toContainEqual({
      id: assistant,
      from_name: "chat",
      to_name: "chat",
      type: "chatmessage",
      origin: "manual",
      value: { chatmessage: { role: "assistant", content: "Invite them from the members page." } },
    });
    expect(result).toContainEqual(expect.objectContaining({ id: assistant, from_name: "accuracy", to_name: "chat", type: "rating", value: { rating: 4 } }));
    expect(result).toContainEqual(expect.objectContaining({ id: assistant, from_name: "tone", type: "choices", value: { choices: ["Appropriate"] } }));
    expect(result).toContainEqual(expect.objectContaining({ id: assistant, from_name: "note", type: "textarea", value: { text: ["Short but right."] } }));
    expect(result.filter((item) => item.type === "chatmessage")).toHaveLength(1);
  });

  it("read back without doubling task messages", () => {
    const assistant = taskMessageId("chat", 1);
    const stored = [
      { id: assistant, from_name: "chat", to_name: "chat", type: "chatmessage", value: { chatmessage: { role: "assistant", content: "Invite them from the members page." } } },
      { id: assistant, from_name: "accuracy", to_name: "chat", type: "rating", value: { rating: 5 } },
      { id: "m1", from_name: "chat", to_name: "chat", type: "chatmessage", value: { chatmessage: { role: "user", content: "Thanks", createdAt: 5 } } },
    ];
    const values = withTaskMessages(config(), data, readResult(config(), stored));
    expect(values.chatMessages.map((message) => [message.id, message.fromTask])).toEqual([
      [taskMessageId("chat", 0), true],
      [assistant, true],
      ["m1", false],
    ]);
    expect(values.regionAnswers[assistant]).toEqual({ accuracy: { rating: 5 } });
    expect(values.foreign).toEqual([]);
    expect(buildResult(config(), values).map((item) => [item.id, item.type])).toEqual([
      [assistant, "chatmessage"],
      ["m1", "chatmessage"],
      [assistant, "rating"],
    ]);
  });

  it("keep task messages when deleted", () => {
    const loaded = { ...initialEditorState, values: withTaskMessages(config(), data, emptyValues) };
    const afterTask = editorReducer(loaded, { type: "region-removed", id: taskMessageId("chat", 0) });
    expect(afterTask.values.chatMessages).toHaveLength(2);

    const written = { id: "m1", toName: "chat", role: "user", content: "Hi", fromTask: false };
    const added = editorReducer(loaded, { type: "chat-message-added", message: written });
    const edited = editorReducer(added, { type: "chat-message-changed", id: "m1", content: "Hello" });
    expect(edited.values.chatMessages[2].content).toBe("Hello");
    const removed = editorReducer(edited, { type: "region-removed", id: "m1" });
    expect(removed.values.chatMessages.map((message) => message.id)).not.toContain("m1");
  });
});

describe("chatProblems", () => {
  it("checks minMessages and maxMessages", () => {
    const one = withTaskMessages(config(), { chat: [data.chat[0]], max: 4 }, emptyValues);
    expect(chatProblems(config(), { max: 4 }, one)).toEqual(["The chat “chat” needs at least 2 messages, and it has 1."]);

    const two = withTaskMessages(config(), data, emptyValues);
    expect(chatProblems(config(), data, two)).toEqual([]);

    const extra = Array.from({ length: 3 }, (_, index) => ({ id: `m${index}`, toName: "chat", role: "user", content: "hi", fromTask: false }));
    const five = { ...two, chatMessages: [...two.chatMessages, ...extra] };
    expect(chatProblems(config(), data, five)).toEqual(["The chat “chat” allows at most 4 messages, and it has 5."]);
  });
});
