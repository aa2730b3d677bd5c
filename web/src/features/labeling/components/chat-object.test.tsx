// The Chat object in the editor: writing messages, the roles and limits of
// the Chat tag, and selecting a message for per-message controls.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { withTaskMessages } from "../lib/chat";
import { parseLabelConfig } from "../lib/config";
import { buildResult, emptyValues } from "../lib/results";
import { renderWithModel } from "./editor-harness";
import { LabelingEditor } from "./labeling-editor";

afterEach(cleanup);

const evalConfig = `<View>
  <Chat name="chat" value="$chat" minMessages="4" maxMessages="3" messageroles="user,assistant" editable="true"/>
</View>`;

const rlhfConfig = `<View>
  <Chat name="chat" value="$chat" editable="false"/>
  <View visibleWhen="no-region-selected"><Header value="Click on a message to evaluate"/></View>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Rating name="accuracy" toName="chat" perRegion="true"/>
  </View>
</View>`;

const conversation = {
  chat: [
    { role: "user", content: "Where are the export settings?" },
    { role: "assistant", content: "Open the project and choose Export." },
  ],
};

function renderEditor(xml: string, data: Record<string, unknown>) {
  const parsed = parseLabelConfig(xml, data);
  if (!parsed.ok) throw new Error(parsed.message);
  return { editorConfig: parsed.config, model: renderWithModel(parsed.config, data) };
}

function write(role: string, text: string) {
  fireEvent.change(screen.getByLabelText("Role"), { target: { value: role } });
  fireEvent.change(screen.getByLabelText(`Message as ${role}`), { target: { value: text } });
  fireEvent.click(screen.getByRole("button", { name: "Send" }));
}

// chat_red_team's structure: questions per role, and one more question
// once the assistant's outcome is a refusal.
const redTeamConfig = `<View>
  <Chat name="chat" value="$chat" editable="false"/>
  <View visibleWhen="region-selected" whenRole="user">
    <Choices name="user_risk" toName="chat" perRegion="true"><Choice value="0 - Benign"/><Choice value="2 - Risky"/></Choices>
  </View>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Choices name="assistant_outcome" toName="chat" perRegion="true"><Choice value="Compliant"/><Choice value="Safe-refusal"/></Choices>
    <View visibleWhen="choice-selected" whenTagName="assistant_outcome" whenChoiceValue="Safe-refusal">
      <Choices name="assistant_refusal_quality" toName="chat" perRegion="true"><Choice value="Clear"/><Choice value="Hostile"/></Choices>
    </View>
  </View>
</View>`;

describe("ChatObject", () => {
  it("adds messages as the chosen roles", () => {
    const { editorConfig, model } = renderEditor(evalConfig, { chat: [] });
    write("user", "Hi, is my order late?");
    write("assistant", "Let me check that for you.");

    const messages = screen.getAllByRole("listitem");
    expect(messages.map((message) => message.textContent)).toEqual(["userHi, is my order late?✎", "assistantLet me check that for you.✎"]);
    const result = buildResult(editorConfig, model().state.values);
    expect(result.map((item) => [item.type, item.from_name, item.to_name, item.value])).toEqual([
      ["chatmessage", "chat", "chat", { chatmessage: expect.objectContaining({ role: "user", content: "Hi, is my order late?" }) }],
      ["chatmessage", "chat", "chat", { chatmessage: expect.objectContaining({ role: "assistant", content: "Let me check that for you." }) }],
    ]);
    expect(typeof (result[0].value.chatmessage as { createdAt: unknown }).createdAt).toBe("number");
  });

  it("edits written messages when editable", () => {
    const { model } = renderEditor(evalConfig, { chat: [] });
    write("user", "Helo");
    fireEvent.click(screen.getByRole("button", { name: "Edit user message" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Edit user message" }), { target: { value: "Hello" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(model().state.values.chatMessages.map((message) => message.content)).toEqual(["Hello"]);
  });

  it("stops at maxMessages", () => {
    renderEditor(evalConfig, { chat: [] });
    write("user", "one");
    write("assistant", "two");
    expect(screen.getByText(/2 messages, at least 4 needed to submit, at most 3/)).toBeTruthy();
    write("user", "three");
    expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
  });

  it("shows task messages read-only", () => {
    const parsed = parseLabelConfig(rlhfConfig, conversation);
    if (!parsed.ok) throw new Error(parsed.message);
    render(<LabelingEditor config={parsed.config} data={conversation} />);
    expect(screen.getByText("Open the project and choose Export.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Edit/ })).toBeNull();
    // Without messageroles and llm the annotator may still write as both roles.
    expect(screen.getByLabelText("Role")).toBeTruthy();
  });

  it("shows each role's questions", () => {
    const { editorConfig, model } = renderEditor(redTeamConfig, conversation);
    act(() => model().dispatch({ type: "loaded", values: withTaskMessages(editorConfig, conversation, emptyValues) }));

    fireEvent.click(screen.getByRole("button", { name: /Where are the export settings/ }));
    expect(screen.getByRole("group", { name: /user_risk/ })).toBeTruthy();
    expect(screen.queryByRole("group", { name: /assistant_outcome/ })).toBeNull();
    fireEvent.click(screen.getByLabelText("2 - Risky"));

    fireEvent.click(screen.getByRole("button", { name: /Open the project and choose Export/ }));
    expect(screen.queryByRole("group", { name: /user_risk/ })).toBeNull();
    expect(screen.queryByRole("group", { name: /assistant_refusal_quality/ })).toBeNull();
    fireEvent.click(screen.getByLabelText("Safe-refusal"));
    fireEvent.click(screen.getByLabelText("Clear"));

    const result = buildResult(editorConfig, model().state.values);
    expect(result.map((item) => [item.id, item.from_name, item.type, item.value])).toEqual([
      ["chat-task-0", "chat", "chatmessage", { chatmessage: { role: "user", content: "Where are the export settings?" } }],
      ["chat-task-1", "chat", "chatmessage", { chatmessage: { role: "assistant", content: "Open the project and choose Export." } }],
      ["chat-task-0", "user_risk", "choices", { choices: ["2 - Risky"] }],
      ["chat-task-1", "assistant_outcome", "choices", { choices: ["Safe-refusal"] }],
      ["chat-task-1", "assistant_refusal_quality", "choices", { choices: ["Clear"] }],
    ]);
  });

  it("answers about the selected assistant message", () => {
    const { editorConfig, model } = renderEditor(rlhfConfig, conversation);
    // The labeling screen loads the task's messages into the model.
    act(() => model().dispatch({ type: "loaded", values: withTaskMessages(editorConfig, conversation, emptyValues) }));
    expect(screen.getByText("Click on a message to evaluate")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: /Where are the export settings/ }));
    expect(screen.queryByRole("button", { name: "4 of 5" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: /Open the project and choose Export/ }));
    const rating = screen.getByRole("group", { name: /accuracy/ });
    fireEvent.click(within(rating).getByRole("button", { name: "4 of 5" }));

    const result = buildResult(editorConfig, model().state.values);
    expect(result).toEqual([
      {
        id: "chat-task-1",
        from_name: "chat",
        to_name: "chat",
        type: "chatmessage",
        origin: "manual",
        value: { chatmessage: { role: "assistant", content: "Open the project and choose Export." } },
      },
      { id: "chat-task-1", from_name: "accuracy", to_name: "chat", type: "rating", origin: "manual", value: { rating: 4 } },
    ]);
  });
});
