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
