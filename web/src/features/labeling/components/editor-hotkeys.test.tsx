import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { parseLabelConfig } from "../lib/config";
import { emptyValues } from "../lib/results";
import { renderWithModel } from "./editor-harness";

afterEach(cleanup);

const parsed = parseLabelConfig(`<View>
  <Text name="text" value="$text"/>
  <Labels name="label" toName="text"><Label value="Person"/></Labels>
  <Choices name="role" toName="text" perRegion="true"><Choice value="Author"/><Choice value="Editor"/></Choices>
  <Taxonomy name="topic" toName="text" perRegion="true"><Choice value="Sport"/></Taxonomy>
  <TextArea name="note" toName="text" perRegion="true"/>
</View>`);
if (!parsed.ok) throw new Error(parsed.message);
const config = parsed.config;

// Renders the editor with hotkeys on and one selected "Person" span.
function renderSelectedSpan() {
  const model = renderWithModel(config, { text: "Ada wrote it." }, { hotkeys: true });
  act(() =>
    model().dispatch({
      type: "loaded",
      values: { ...emptyValues, regions: [{ id: "p1", fromName: "label", toName: "text", start: 0, end: 3, text: "Ada", labels: ["Person"] }] },
    }),
  );
  act(() => model().selectRegion("p1"));
  expect(model().selectedRegionId).toBe("p1");
  return model;
}

describe("editor Escape key", () => {
  it.each([
    ["radio button", "Author"],
    ["checkbox", "Sport"],
  ])("deselects from a per-region %s", (_, label) => {
    const model = renderSelectedSpan();
    const input = screen.getByLabelText(label);
    input.focus();
    fireEvent.keyDown(input, { key: "Escape" });
    expect(model().selectedRegionId).toBeNull();
  });

  it("leaves the selection from a text field", () => {
    const model = renderSelectedSpan();
    const note = screen.getByRole("textbox");
    note.focus();
    fireEvent.keyDown(note, { key: "Escape" });
    expect(model().selectedRegionId).toBe("p1");
  });

  it("ignores other keys on a radio button", () => {
    const model = renderSelectedSpan();
    const radio = screen.getByLabelText("Author");
    radio.focus();
    fireEvent.keyDown(radio, { key: "Delete" });
    expect(model().state.values.regions).toHaveLength(1);
    expect(model().selectedRegionId).toBe("p1");
  });
});
