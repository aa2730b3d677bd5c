// A paginated Repeater in the editor: one item on screen at a time, and
// answers given on every page end up in the result.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen } from "@testing-library/react";
import { parseLabelConfig } from "../lib/config";
import { buildResult } from "../lib/results";
import { renderWithModel } from "./editor-harness";

afterEach(cleanup);

const config = `<View>
  <Repeater on="$items" mode="pagination">
    <Text name="text_{{idx}}" value="$items[{{idx}}].text"/>
    <Choices name="sentiment_{{idx}}" toName="text_{{idx}}">
      <Choice value="Positive"/>
      <Choice value="Negative"/>
    </Choices>
  </Repeater>
</View>`;
const data = { items: [{ text: "First item" }, { text: "Second item" }, { text: "Third item" }] };

function renderEditor() {
  const parsed = parseLabelConfig(config, data);
  if (!parsed.ok) throw new Error(parsed.message);
  return { config: parsed.config, model: renderWithModel(parsed.config, data) };
}

describe("RepeaterPages", () => {
  it("shows one item at a time", () => {
    renderEditor();
    expect(screen.getByText("First item")).toBeTruthy();
    expect(screen.queryByText("Second item")).toBeNull();
    expect(screen.getByRole("button", { name: "Previous" })).toHaveProperty("disabled", true);

    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(screen.queryByText("First item")).toBeNull();
    expect(screen.getByText("Second item")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Page number"), { target: { value: "3" } });
    expect(screen.getByText("Third item")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Next" })).toHaveProperty("disabled", true);
  });

  it("keeps answers from pages no longer shown", () => {
    const { config: editorConfig, model } = renderEditor();
    fireEvent.click(screen.getByLabelText("Positive"));
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    fireEvent.click(screen.getByLabelText("Negative"));

    const result = buildResult(editorConfig, model().state.values, { sentiment_0: "a", sentiment_1: "b" });
    expect(result).toEqual([
      { id: "a", from_name: "sentiment_0", to_name: "text_0", type: "choices", origin: "manual", value: { choices: ["Positive"] } },
      { id: "b", from_name: "sentiment_1", to_name: "text_1", type: "choices", origin: "manual", value: { choices: ["Negative"] } },
    ]);
  });
});
