// Selecting text from the keyboard in the span objects (Text, HyperText,
// Paragraphs): with the object focused, the arrow keys move the caret and
// Shift+arrows extend the selection, one grapheme at a time.
import type { KeyboardEvent } from "react";

// Handles an arrow key inside `container` and calls `onChange` after the
// selection moved. `home` is where the caret starts when the selection lies
// outside the container (its first text by default).
export function moveSelectionByKey(event: KeyboardEvent<HTMLElement>, container: HTMLElement | null, onChange: () => void, home?: Node | null) {
  const selection = window.getSelection();
  if (!selection || !container) return;
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  event.preventDefault();
  if (selection.rangeCount === 0 || !container.contains(selection.anchorNode)) {
    selection.collapse(home ?? container, 0);
  }
  const direction = event.key === "ArrowRight" ? "forward" : "backward";
  // Selection.modify moves by grapheme ("character") in Chromium and Firefox.
  const modify = (selection as Selection & { modify?: (a: string, d: string, g: string) => void }).modify;
  modify?.call(selection, event.shiftKey ? "extend" : "move", direction, "character");
  onChange();
}
