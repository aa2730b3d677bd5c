import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/react";
import type { LabelOption } from "../lib/config";
import type { TextRegion } from "../lib/results";
import { TextObject, offsetInContainer, type PendingSpan } from "./text-object";

afterEach(cleanup);

const text = "Zoe\u0308 saw 👩‍👩‍👧 in 東京\r\nat noon.";
const colors = new Map<string, LabelOption>([["Place", { value: "Place", background: "#19a979" }]]);
const region = (id: string, needle: string, labels: string[]): TextRegion => {
  const at = text.indexOf(needle);
  const start = Array.from(text.slice(0, at)).length;
  return { id, fromName: "label", toName: "text", start, end: start + Array.from(needle).length, text: needle, labels };
};

function renderText(regions: TextRegion[], onSpanSelected = vi.fn()) {
  const view = render(
    <TextObject
      name="text"
      text={text}
      regions={regions}
      colors={colors}
      selectedRegionId={null}
      onSpanSelected={onSpanSelected}
      onRegionClick={() => {}}
    />,
  );
  return { container: view.container.querySelector<HTMLElement>(".text-object")!, onSpanSelected };
}

describe("TextObject", () => {
  it("renders the stored text verbatim, CRLF included", () => {
    const { container } = renderText([region("a", "東京", ["Place"])]);
    expect(container.textContent).toBe(text);
  });

  it("highlights exactly the stored span, also when regions overlap", () => {
    const { container } = renderText([region("a", "👩‍👩‍👧 in 東京", ["Place"]), region("b", "東京", ["Place"])]);
    const covered = (id: string) =>
      Array.from(container.querySelectorAll<HTMLElement>(".region-run"))
        .filter((run) => run.dataset.regionIds!.split(" ").includes(id))
        .map((run) => run.textContent)
        .join("");
    expect(covered("a")).toBe("👩‍👩‍👧 in 東京");
    expect(covered("b")).toBe("東京");
    expect(container.querySelectorAll(".region-overlap")).toHaveLength(1);
  });

  it("reports a mouse selection as a code point span widened to graphemes", () => {
    const { container, onSpanSelected } = renderText([]);
    const node = container.firstChild!.firstChild!; // the single text node
    const range = document.createRange();
    const family = text.indexOf("👩");
    range.setStart(node, family + 1); // inside the first surrogate pair
    range.setEnd(node, family + 3);
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    fireEvent.mouseUp(container);
    const span: PendingSpan = onSpanSelected.mock.calls.at(-1)![0];
    expect(span).toEqual({ toName: "text", start: 9, end: 14, text: "👩‍👩‍👧" });
  });

  it("measures DOM points across region runs", () => {
    const { container } = renderText([region("a", "東京", ["Place"])]);
    const runs = container.querySelectorAll(".region-run");
    const inRun = runs[0].firstChild!;
    expect(offsetInContainer(container, inRun, 1)).toBe(text.indexOf("東京") + 1);
    expect(offsetInContainer(container, container, container.childNodes.length)).toBe(text.length);
    expect(offsetInContainer(container, document.body, 0)).toBeNull();
  });
});
