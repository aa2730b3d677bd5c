import { describe, expect, it } from "vitest";
import { summarizeResult } from "./result-summary";

describe("summarizeResult", () => {
  it("writes one line per item", () => {
    expect(
      summarizeResult([
        { from_name: "sentiment", type: "choices", value: { choices: ["Positive", "Calm"] } },
        { from_name: "label", type: "labels", value: { start: 0, end: 3, text: "Ada", labels: ["Person"] } },
        { from_name: "note", type: "textarea", value: { text: ["first", "second"] } },
        { from_name: "stars", type: "rating", value: { rating: 4 } },
        { from_name: "tax", type: "taxonomy", value: { taxonomy: [["Animal", "Cat"]] } },
        { from_name: "box", type: "rectangle", value: { x: 1, y: 2 } },
        7,
      ]),
    ).toEqual([
      "sentiment: Positive, Calm",
      "label: Person “Ada” [0–3]",
      "note: “first”, “second”",
      "stars: 4",
      "tax: Animal / Cat",
      'box: {"x":1,"y":2}',
      "(unreadable item)",
    ]);
  });
});
