import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Widget } from "../api/dashboards";
import { WidgetEditor } from "./widget-editor";

afterEach(cleanup);

function renderEditor(widget: Widget | null = null) {
  const onSave = vi.fn();
  render(<WidgetEditor widget={widget} error={null} saving={false} onSave={onSave} onCancel={() => undefined} />);
  return onSave;
}

function choose(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label, { exact: false, selector: "select" }), { target: { value } });
}

describe("WidgetEditor", () => {
  it("builds a bar query with a filter", () => {
    const onSave = renderEditor();
    fireEvent.change(screen.getByRole("textbox", { name: "Name" }), { target: { value: "Errors by model" } });
    choose("Chart", "bar");
    choose("View", "observations");
    choose("Measure", "count");
    choose("Aggregation", "count");
    choose("Group by", "providedModelName");
    fireEvent.click(screen.getByRole("button", { name: "Add filter" }));
    choose("Column", "level");
    choose("Operator", "any of");
    fireEvent.change(screen.getByRole("textbox", { name: "Value" }), { target: { value: "ERROR, WARNING" } });
    fireEvent.click(screen.getByRole("button", { name: "Add widget" }));

    expect(onSave).toHaveBeenCalledTimes(1);
    expect(onSave).toHaveBeenCalledWith({
      name: "Errors by model",
      type: "bar",
      query: {
        view: "observations",
        dimensions: [{ field: "providedModelName" }],
        metrics: [{ measure: "count", aggregation: "count" }],
        filters: [{ column: "level", operator: "any of", type: "stringOptions", value: ["ERROR", "WARNING"] }],
      },
    });
  });

  it("names a filter value that does not fit", () => {
    const onSave = renderEditor();
    fireEvent.change(screen.getByRole("textbox", { name: "Name" }), { target: { value: "By prompt version" } });
    choose("View", "observations");
    fireEvent.click(screen.getByRole("button", { name: "Add filter" }));
    choose("Column", "promptVersion");
    choose("Operator", ">=");
    fireEvent.change(screen.getByRole("textbox", { name: "Value" }), { target: { value: "two" } });
    fireEvent.click(screen.getByRole("button", { name: "Add widget" }));

    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toBe("Prompt version takes a number.");
  });

  it("opens a stored widget with its fields", () => {
    const onSave = renderEditor({
      id: "latency",
      name: "p95 latency",
      type: "time_series",
      query: {
        view: "observations",
        metrics: [{ measure: "latency", aggregation: "p95" }],
        timeDimension: { granularity: "hour" },
        filters: [{ column: "type", operator: "any of", type: "stringOptions", value: ["GENERATION"] }],
      },
      layout: { x: 0, y: 0, w: 12, h: 4 },
    });
    expect((screen.getByRole("textbox", { name: "Value" }) as HTMLInputElement).value).toBe("GENERATION");
    fireEvent.click(screen.getByRole("button", { name: "Save widget" }));

    expect(onSave).toHaveBeenCalledWith({
      name: "p95 latency",
      type: "time_series",
      query: {
        view: "observations",
        dimensions: [],
        metrics: [{ measure: "latency", aggregation: "p95" }],
        filters: [{ column: "type", operator: "any of", type: "stringOptions", value: ["GENERATION"] }],
        timeDimension: { granularity: "hour" },
      },
    });
  });
});
