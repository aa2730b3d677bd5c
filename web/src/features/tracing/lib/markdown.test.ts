import { describe, expect, it } from "vitest";
import { looksLikeMarkdown, parseInline, parseMarkdown, safeHref } from "./markdown";

describe("looksLikeMarkdown", () => {
  it("detects headings, lists, fences and emphasis but not prose", () => {
    expect(looksLikeMarkdown("# Title\ntext")).toBe(true);
    expect(looksLikeMarkdown("Steps:\n- one\n- two")).toBe(true);
    expect(looksLikeMarkdown("```js\nx\n```")).toBe(true);
    expect(looksLikeMarkdown("This is **important**.")).toBe(true);
    expect(looksLikeMarkdown("The answer is 4.")).toBe(false);
  });
});

describe("parseMarkdown", () => {
  it("splits blocks", () => {
    const blocks = parseMarkdown("## Plan\n\n1. Read\n2. Write\n\n```py\nprint(1)\n```\n> quoted\n\n---\nEnd");
    expect(blocks.map((block) => block.kind)).toEqual(["heading", "list", "code", "quote", "rule", "paragraph"]);
    expect(blocks[1]).toMatchObject({ kind: "list", ordered: true });
    expect(blocks[2]).toEqual({ kind: "code", language: "py", text: "print(1)" });
  });

  it("keeps raw HTML as text", () => {
    expect(parseMarkdown("<img src=x onerror=alert(1)>")).toEqual([
      { kind: "paragraph", content: [{ kind: "text", text: "<img src=x onerror=alert(1)>" }] },
    ]);
  });
});

describe("parseInline and safeHref", () => {
  it("reads code, strong, emphasis and links", () => {
    expect(parseInline("use `x` **now** or *later* [docs](https://example.com)")).toEqual([
      { kind: "text", text: "use " },
      { kind: "code", text: "x" },
      { kind: "text", text: " " },
      { kind: "strong", children: [{ kind: "text", text: "now" }] },
      { kind: "text", text: " or " },
      { kind: "em", children: [{ kind: "text", text: "later" }] },
      { kind: "text", text: " " },
      { kind: "link", href: "https://example.com", children: [{ kind: "text", text: "docs" }] },
    ]);
  });

  it("leaves script links as text", () => {
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(parseInline("[x](javascript:alert(1))")[0].kind).toBe("text");
  });
});
