import { describe, expect, it } from "vitest";
import { paragraphSpan, paragraphsOf } from "../components/paragraphs-object";
import { hyperTextAnchor, hyperTextRange, nodeAtXPath, readAnchoredSpan, xpathOf } from "./anchored-spans";
import { parseLabelConfig, type EditorConfig } from "./config";
import { buildResult, emptyValues, readResult, type ResultItem } from "./results";

function config(xml: string): EditorConfig {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

function page(html: string): HTMLElement {
  const root = document.createElement("div");
  root.innerHTML = html;
  return root;
}

const html = `<div><h1>Title</h1><p>Hello <b>big</b> world 👩‍👩‍👧 end</p><p>Second line</p></div>`;

const hyperConfig = config(`<View>
  <HyperTextLabels name="ner" toName="text"><Label value="Title"/><Label value="Body"/></HyperTextLabels>
  <HyperText name="text" value="$html"/>
</View>`);

const paragraphConfig = config(`<View>
  <ParagraphLabels name="ner" toName="dialogue"><Label value="Question"/></ParagraphLabels>
  <Paragraphs name="dialogue" value="$dialogue" layout="dialogue"/>
</View>`);

describe("HyperText XPaths", () => {
  it("names text nodes by tag position and text() index", () => {
    const root = page(html);
    const world = root.querySelector("p")!.childNodes[2];
    expect(xpathOf(root, world)).toBe("/div[1]/p[1]/text()[2]");
    expect(nodeAtXPath(root, "/div[1]/p[1]/text()[2]")).toBe(world);
    expect(nodeAtXPath(root, "/div[1]/p[2]/text()[1]")?.textContent).toBe("Second line");
    expect(nodeAtXPath(root, "/div[1]/p[7]/text()[1]")).toBeNull();
  });

  it("anchors a span across elements in code points", () => {
    const root = page(html);
    // "Title" is 5 code points, "Hello " 6, "big" 3: "big world" starts at 11.
    const anchor = hyperTextAnchor(root, 11, 20)!;
    expect(anchor).toEqual({
      kind: "hypertext",
      startXPath: "/div[1]/p[1]/b[1]/text()[1]",
      endXPath: "/div[1]/p[1]/text()[2]",
      startOffset: 0,
      endOffset: 6,
      globalStart: 11,
      globalEnd: 20,
    });
    expect(hyperTextRange(root, anchor)).toEqual({ start: 11, end: 20 });
  });

  it("counts an emoji ZWJ sequence in code points", () => {
    const root = page(html);
    const text = root.textContent!;
    const family = "👩‍👩‍👧";
    const utf16Start = text.indexOf(family);
    const start = [...text.slice(0, utf16Start)].length;
    const end = start + [...family].length; // five code points
    const anchor = hyperTextAnchor(root, start, end)!;
    expect(anchor.startXPath).toBe("/div[1]/p[1]/text()[2]");
    expect(anchor.endOffset - anchor.startOffset).toBe(5);
    expect(hyperTextRange(root, anchor)).toEqual({ start, end });
  });

  it("rejects empty spans", () => {
    expect(hyperTextAnchor(page(html), 4, 4)).toBeNull();
  });
});

describe("HyperTextLabels results", () => {
  const stored: ResultItem = {
    id: "ht1",
    from_name: "ner",
    to_name: "text",
    type: "hypertextlabels",
    origin: "manual",
    value: {
      start: "/div[1]/p[1]/b[1]/text()[1]",
      end: "/div[1]/p[1]/text()[2]",
      startOffset: 0,
      endOffset: 6,
      globalOffsets: { start: 11, end: 20 },
      text: "big world",
      hypertextlabels: ["Body"],
    },
  };

  it("builds the spec's shape from a new span", () => {
    const root = page(html);
    const anchor = hyperTextAnchor(root, 11, 20)!;
    const region = { id: "ht1", fromName: "ner", toName: "text", start: 11, end: 20, text: "big world", labels: ["Body"], anchor };
    expect(buildResult(hyperConfig, { ...emptyValues, regions: [region] })).toEqual([stored]);
  });

  it("reads and writes a stored item unchanged", () => {
    expect(buildResult(hyperConfig, readResult(hyperConfig, [stored]))).toEqual([stored]);
  });

  it("keeps an item without globalOffsets without them", () => {
    const { globalOffsets: _dropped, ...value } = stored.value;
    const old = { ...stored, value };
    expect(buildResult(hyperConfig, readResult(hyperConfig, [old]))).toEqual([old]);
  });

  it("repeats the XPath position in a per-region TextArea", () => {
    const withNote = config(`<View>
      <HyperTextLabels name="ner" toName="text"><Label value="Body"/></HyperTextLabels>
      <HyperText name="text" value="$html"/>
      <TextArea name="note" toName="text" perRegion="true"/>
    </View>`);
    const values = readResult(withNote, [stored]);
    values.regionTexts = { ht1: { note: ["check this"] } };
    const note = buildResult(withNote, values).find((item) => item.from_name === "note")!;
    expect(note).toEqual({
      id: "ht1",
      from_name: "note",
      to_name: "text",
      type: "textarea",
      origin: "manual",
      value: { ...stored.value, hypertextlabels: undefined, text: ["check this"] },
    } as unknown as ResultItem);
  });
});

describe("ParagraphLabels results", () => {
  const dialogue = paragraphsOf(
    [
      { author: "Ann", text: "Where is the station? 🚉" },
      { author: "Bob", text: "Two blocks north." },
      { author: "Ann", text: "Thanks!" },
    ],
    "author",
    "text",
  );

  it("spans inside one paragraph", () => {
    const span = paragraphSpan(dialogue, 0, 0, 0, 21)!;
    expect(span.text).toBe("Where is the station?");
    expect(span.anchor).toEqual({ kind: "paragraphs", startParagraph: 0, endParagraph: 0, startOffset: 0, endOffset: 21 });
  });

  it("spans across paragraphs with code-point offsets", () => {
    // Starting at the emoji (UTF-16 index 22) counts it as one code point.
    const span = paragraphSpan(dialogue, 0, 22, 1, 3)!;
    expect(span.anchor).toEqual({ kind: "paragraphs", startParagraph: 0, endParagraph: 1, startOffset: 22, endOffset: 3 });
    expect(span.text).toBe("🚉\nTwo");
    const region = { id: "p1", fromName: "ner", toName: "dialogue", start: 0, end: 1, text: span.text, labels: ["Question"], anchor: span.anchor };
    expect(buildResult(paragraphConfig, { ...emptyValues, regions: [region] })).toEqual([
      {
        id: "p1",
        from_name: "ner",
        to_name: "dialogue",
        type: "paragraphlabels",
        origin: "manual",
        value: { start: 0, end: 1, startOffset: 22, endOffset: 3, text: "🚉\nTwo", paragraphlabels: ["Question"] },
      },
    ]);
  });

  it("widens a selection inside an emoji to the whole emoji", () => {
    // UTF-16 index 23 is the low surrogate of the emoji.
    const span = paragraphSpan(dialogue, 0, 23, 0, 23 + 1)!;
    expect(span.text).toBe("🚉");
    expect(span.anchor).toMatchObject({ startOffset: 22, endOffset: 23 });
  });

  it("reads paragraph indexes written as numeric strings", () => {
    const region = readAnchoredSpan({
      id: "p2",
      from_name: "ner",
      to_name: "dialogue",
      type: "paragraphlabels",
      value: { start: "2", end: "2", startOffset: 0, endOffset: 6, text: "Thanks", paragraphlabels: ["Question"] },
    })!;
    expect(region.anchor).toEqual({ kind: "paragraphs", startParagraph: 2, endParagraph: 2, startOffset: 0, endOffset: 6 });
    expect(region.labels).toEqual(["Question"]);
  });

  it("leaves plain Text spans to the Text reader", () => {
    const item = { id: "t", from_name: "ner", to_name: "text", type: "labels", value: { start: 0, end: 4, text: "Ann ", labels: ["X"] } };
    expect(readAnchoredSpan(item)).toBeNull();
  });
});
