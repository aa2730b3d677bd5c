import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "./sanitize-html";

describe("sanitizeHtml", () => {
  it("removes scripts, handlers and javascript URLs", () => {
    const clean = sanitizeHtml(`<p onclick="steal()">Hi <a href="javascript:steal()">x</a><script>steal()</script></p><iframe src="https://e.org"></iframe>`);
    expect(clean).toBe(`<p>Hi <a>x</a></p>`);
  });

  it("removes style elements but keeps style attributes", () => {
    expect(sanitizeHtml(`<style>body{display:none}</style><b style="color:red">b</b>`)).toBe(`<b style="color:red">b</b>`);
  });

  it("keeps http(s) embeds only", () => {
    expect(sanitizeHtml(`<embed src="https://example.org/a.pdf#page=1">`)).toBe(`<embed src="https://example.org/a.pdf#page=1">`);
    expect(sanitizeHtml(`<embed src="data:text/html,<script>x</script>">`)).toBe("");
  });

  // HTML parsing turns CRLF into LF before any sanitizing, in Label Studio
  // too, so HyperText offsets count a line break as one character.
  it("keeps the text content as HTML parsing gives it", () => {
    const html = `<div><h1>Title</h1><p>Line one\r\nLine two 👩‍👩‍👧</p></div>`;
    const element = document.createElement("div");
    element.innerHTML = sanitizeHtml(html);
    expect(element.textContent).toBe("TitleLine one\nLine two 👩‍👩‍👧");
  });
});
