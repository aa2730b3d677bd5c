import { describe, expect, it } from "vitest";
import { resolveRelativeUrls, sanitizeHtml } from "./sanitize-html";

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

  const appUrl = "http://127.0.0.1:8080/projects/3/label";

  // Regression: an <object> of the app's own origin showed an uploaded HTML
  // page whose scripts ran with the user's session.
  it("removes embeds of the app's own origin", () => {
    const cases = [
      `<object data="http://127.0.0.1:8080/data/upload/3/a1-evil.html"></object>`,
      `<object data="/data/upload/3/a1-evil.html"></object>`,
      `<embed src="//127.0.0.1:8080/data/upload/3/a1-evil.html">`,
      `<embed src="a1-evil.html">`,
      `<object data="https://example.org/a.pdf" src="/data/upload/3/a1-evil.html"></object>`,
      `<object data="&#1;/data/upload/3/a1-evil.html"></object>`,
      `<object codebase="http://127.0.0.1:8080/data/upload/3/" data="https://example.org/a.pdf"></object>`,
      `<object data="data:image/svg+xml,<svg onload='parent.pwned=1'/>"></object>`,
      `<portal src="/data/upload/3/a1-evil.html"></portal>`,
    ];
    for (const html of cases) expect(sanitizeHtml(html, appUrl), html).toBe("");
  });

  it("removes relative embeds resolved to the app's origin", () => {
    const fetched = resolveRelativeUrls(`<p>Report</p><object data="a1-evil.html"></object>`, "http://127.0.0.1:8080/data/upload/3/a2-page.html");
    expect(sanitizeHtml(fetched, appUrl)).toBe("<p>Report</p>");
  });

  it("keeps embeds of other origins", () => {
    const pdf = `<object data="https://example.org/a.pdf" type="application/pdf"></object>`;
    expect(sanitizeHtml(pdf, appUrl)).toBe(pdf);
    const otherPort = `<embed src="http://127.0.0.1:9090/a.pdf">`;
    expect(sanitizeHtml(otherPort, appUrl)).toBe(otherPort);
  });

  // Regression: "java&#9;script:" and "&#1;javascript:" passed a check that
  // only trimmed spaces, while browsers strip those characters.
  it("removes script URLs however browsers spell them", () => {
    const hrefs = [
      "javascript:steal()",
      " JavaScript:steal()",
      "java&#9;script:steal()",
      "java&#10;script:steal()",
      "java\nscript:steal()",
      "&#13;javascript:steal()",
      "&#1;javascript:steal()",
      "&#x20;&#x1f;javascript:steal()",
      "vb&#9;script:msgbox(1)",
      "data:text/html,<script>steal()</script>",
      "da&#9;ta:text/html;base64,PHNjcmlwdD4=",
      "data:image/svg+xml,<svg onload='steal()'/>",
    ];
    for (const href of hrefs) expect(sanitizeHtml(`<a href="${href}">x</a>`, appUrl), href).toBe("<a>x</a>");
  });

  it("keeps data images and ordinary links", () => {
    const image = `<img src="data:image/png;base64,iVBORw0KGgo=">`;
    expect(sanitizeHtml(image, appUrl)).toBe(image);
    const link = `<a href="https://example.org/javascript:x">x</a>`;
    expect(sanitizeHtml(link, appUrl)).toBe(link);
  });

  // Markup that parses differently once serialized (mutation XSS), or that
  // hides handlers in SVG animation. The clean output is parsed again as the
  // HyperText view does, and the result must contain no handler or script.
  it("resists mutation and SVG vectors", () => {
    const vectors = [
      `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=steal()&gt;">`,
      `<math><mtext><table><mglyph><xmp><!--</xmp><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=steal()&gt;">`,
      `<math><mtext><table><mglyph><noembed><!--</noembed><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=steal()&gt;">`,
      `<math><mtext><table><mglyph><noframes><!--</noframes><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=steal()&gt;">`,
      `<svg></p><xmp><a id="</xmp><img src=1 onerror=steal()>">`,
      `<svg></p><noembed><a id="</noembed><img src=1 onerror=steal()>">`,
      `<svg><p><noembed><a id="</noembed><img src=1 onerror=steal()>">`,
      `<math><mi><xmp><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=steal() src=1>">`,
      `<form><math><mtext></form><form><mglyph><svg><mtext><xmp><path id="</xmp><img onerror=steal() src>">`,
      `<noscript><p title="</noscript><img src=x onerror=steal()>"></noscript>`,
      `<plaintext><img src=x onerror=steal()>`,
      `<svg><set attributeName="onload" to="steal()"/></svg>`,
      `<svg><a><animate attributeName="href" values="javascript:steal()"/><text>x</text></a></svg>`,
      `<svg><use href="data:image/svg+xml,<svg id='x'><image href='x' onerror='steal()'/></svg>#x"/></svg>`,
      `<math><maction actiontype="statusline" xlink:href="javascript:steal()">x</maction></math>`,
    ];
    for (const html of vectors) {
      const clean = sanitizeHtml(html, appUrl);
      const rendered = document.createElement("div");
      rendered.innerHTML = clean;
      const elements = Array.from(rendered.querySelectorAll("*"));
      const handlers = elements.flatMap((element) => Array.from(element.attributes).filter((attribute) => attribute.name.toLowerCase().startsWith("on")));
      expect(handlers.map((attribute) => attribute.name), html).toEqual([]);
      expect(rendered.querySelectorAll("script, xmp, noembed, noframes, plaintext, noscript, set, animate").length, html).toBe(0);
      expect(clean, html).not.toMatch(/javascript:|data:image\/svg/i);
      expect(sanitizeHtml(clean, appUrl), html).toBe(clean);
    }
  });
});

