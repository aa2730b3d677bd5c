import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { useEffect } from "react";
import { parseLabelConfig } from "../lib/config";
import { emptyValues, type EditorValues } from "../lib/results";
import { isPerRegionControl } from "../lib/selectable-regions";
import { useEditorModel, type EditorModel } from "../hooks/use-editor-model";
import { PerRegionControl, toggleRegionChoice } from "./per-region-controls";

afterEach(cleanup);

const parsed = parseLabelConfig(`<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="label" toName="audio"><Label value="Speech"/><Label value="Noise"/></Labels>
  <Choices name="sentiment" toName="audio" perRegion="true" whenTagName="label" whenLabelValue="Speech">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
  <Rating name="clarity" toName="audio" perRegion="true" maxRating="3"/>
  <DateTime name="recorded" toName="audio" only="date" perRegion="true"/>
  <Taxonomy name="topic" toName="audio" perRegion="true" leafsOnly="true">
    <Choice value="Sport"><Choice value="Final"/></Choice>
  </Taxonomy>
</View>`);
if (!parsed.ok) throw new Error(parsed.message);
const controls = parsed.config.controls.filter(isPerRegionControl);

const loaded: EditorValues = {
  ...emptyValues,
  audioRegions: [
    { id: "s1", fromName: "label", toName: "audio", start: 0, end: 1, labels: ["Speech"] },
    { id: "n1", fromName: "label", toName: "audio", start: 2, end: 3, labels: ["Noise"] },
  ],
};

// Renders the per-region controls over a model loaded with two segments,
// and hands the model out so a test can select a region and read values.
function Harness({ onModel }: { onModel: (model: EditorModel) => void }) {
  const model = useEditorModel();
  const { dispatch } = model;
  useEffect(() => dispatch({ type: "loaded", values: loaded }), [dispatch]);
  onModel(model);
  return (
    <>
      {controls.map((node) => (
        <PerRegionControl key={node.name} node={node} model={model} readOnly={false} />
      ))}
    </>
  );
}

function renderHarness() {
  let model: EditorModel | null = null;
  const view = render(<Harness onModel={(current) => (model = current)} />);
  return { view, model: () => model! };
}

describe("PerRegionControl", () => {
  it("shows nothing without a selected region", () => {
    const { view } = renderHarness();
    expect(view.container.querySelectorAll(".per-region")).toHaveLength(0);
  });

  it("edits the selected region's answers", () => {
    const { view, model } = renderHarness();
    act(() => model().selectRegion("s1"));
    expect(view.container.querySelectorAll(".per-region")).toHaveLength(4);

    fireEvent.click(view.getByLabelText("Negative"));
    fireEvent.click(view.getByRole("button", { name: "2 of 3" }));
    expect(model().state.values.regionAnswers).toEqual({ s1: { sentiment: { choices: ["Negative"] }, clarity: { rating: 2 } } });

    // A second click on the chosen star clears the rating.
    fireEvent.click(view.getByRole("button", { name: "2 of 3" }));
    expect(model().state.values.regionAnswers.s1).toEqual({ sentiment: { choices: ["Negative"] } });
  });

  it("edits DateTime and Taxonomy answers", () => {
    const { view, model } = renderHarness();
    act(() => model().selectRegion("n1"));
    const date = view.container.querySelector<HTMLInputElement>(".datetime.per-region input")!;
    expect(date.type).toBe("date");
    fireEvent.change(date, { target: { value: "2024-05-01" } });
    // leafsOnly: only the leaf can be chosen.
    expect(view.getByLabelText("Sport").hasAttribute("disabled")).toBe(true);
    fireEvent.click(view.getByLabelText("Final"));
    expect(model().state.values.regionAnswers.n1).toEqual({ recorded: { datetime: "2024-05-01" }, topic: { taxonomy: [["Sport", "Final"]] } });

    fireEvent.change(date, { target: { value: "" } });
    fireEvent.click(view.getByLabelText("Final"));
    expect(model().state.values.regionAnswers.n1).toEqual({});
  });

  it("follows the control's whenLabelValue", () => {
    const { view, model } = renderHarness();
    act(() => model().selectRegion("n1"));
    expect(view.queryByLabelText("Negative")).toBeNull();
    expect(view.getByRole("button", { name: "1 of 3" })).toBeTruthy();
  });
});

describe("toggleRegionChoice", () => {
  it("answers only for a region the control describes", () => {
    const { model } = renderHarness();
    const sentiment = controls.find((control) => control.name === "sentiment");
    if (sentiment?.kind !== "choices") throw new Error("sentiment is not a Choices control");
    const positive = sentiment.options[0];

    expect(model().selectedRegionId).toBeNull();
    act(() => expect(toggleRegionChoice(model(), sentiment, positive)).toBe(false));
    act(() => model().selectRegion("n1")); // Noise: sentiment is for Speech only
    act(() => expect(toggleRegionChoice(model(), sentiment, positive)).toBe(false));
    expect(model().state.values.regionAnswers).toEqual({});

    act(() => model().selectRegion("s1"));
    act(() => expect(toggleRegionChoice(model(), sentiment, positive)).toBe(true));
    expect(model().state.values.regionAnswers).toEqual({ s1: { sentiment: { choices: ["Positive"] } } });
    act(() => expect(toggleRegionChoice(model(), sentiment, positive)).toBe(true));
    expect(model().state.values.regionAnswers).toEqual({ s1: {} });
  });
});
