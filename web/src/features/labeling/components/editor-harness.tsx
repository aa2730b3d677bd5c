// Test support: renders LabelingEditor with a model the test can read and
// drive, as the labeling page does.
import { render } from "@testing-library/react";
import { useEditorModel, type EditorModel } from "../hooks/use-editor-model";
import type { EditorConfig } from "../lib/config";
import { LabelingEditor } from "./labeling-editor";

// Returns a function that gives the model as of the last render.
export function renderWithModel(config: EditorConfig, data: Record<string, unknown>, { hotkeys = false } = {}): () => EditorModel {
  let current: EditorModel | null = null;
  function Harness() {
    const model = useEditorModel();
    current = model;
    return <LabelingEditor config={config} data={data} model={model} hotkeys={hotkeys} />;
  }
  render(<Harness />);
  return () => current!;
}
