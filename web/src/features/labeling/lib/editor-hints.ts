import type { ConfigNode, EditorConfig } from "./config";

// The kinds of node anywhere in the config tree.
function nodeKinds(node: ConfigNode, into: Set<string>): Set<string> {
  into.add(node.kind);
  if ("children" in node && Array.isArray(node.children)) {
    for (const child of node.children as ConfigNode[]) nodeKinds(child, into);
  }
  return into;
}

// Returns how to make regions on each kind of object the config shows. A
// config of choices and fields alone needs no hint.
export function editorHints(config: EditorConfig): string[] {
  const kinds = nodeKinds(config.root, new Set());
  const hints: string[] = [];
  if (config.controls.some((control) => control.kind === "labels" && control.shape)) {
    hints.push(
      "Click a label, then draw on the image. Click a region to select it: Delete removes it, the arrow keys move it " +
        "(Shift: ten pixels), Ctrl+C and Ctrl+V copy it. The wheel zooms; Pan drags the image. Ctrl+Z undoes.",
    );
  }
  // Boxes need a VideoRectangle. Without one, labels only mark frame ranges
  // on the timeline.
  if (kinds.has("video") && kinds.has("videorectangle")) {
    hints.push(
      "Click a label, then draw a box on the paused frame: it becomes a keyframe, and the frames between keyframes " +
        "follow by interpolation. Delete removes the selected region; Ctrl+Z undoes.",
    );
  } else if (kinds.has("video")) {
    hints.push(
      "Click a label, then drag across the timeline under the video to mark a range of frames. Delete removes the " +
        "selected range; Ctrl+Z undoes.",
    );
  }
  if (kinds.has("timeseries")) {
    hints.push("Click a label, then drag across a chart to mark a range, or click it to mark an instant.");
  }
  if (kinds.has("audio")) {
    hints.push("Click a label, then drag across the waveform to mark a segment. Delete removes the selected one.");
  }
  if (kinds.has("text") || kinds.has("hypertext") || kinds.has("paragraphs")) {
    hints.push(
      "Select text, then press a label's key or click it. Shift+arrows select from the keyboard once the text has " +
        "focus. Delete removes the selected region; Ctrl+Z undoes.",
    );
  }
  return hints;
}
