// HyperText's HTML made safe to show inside the app, as Label Studio does
// by default (sanitizeHtml="true"): no scripts, no event handlers, no
// javascript: URLs, no frames, forms or elements that change the page's
// base or metadata, and no <style> elements, which would restyle the whole
// app. Embedded documents (<embed>, <object>) stay only with
// an http(s) source, because templates show PDF pages that way.
const removedTags = new Set(["script", "style", "iframe", "frame", "frameset", "form", "base", "link", "meta", "noscript", "template"]);
const embeddingTags = new Set(["embed", "object"]);
const urlAttributes = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster"]);

function isSafeUrl(value: string): boolean {
  const trimmed = value.trim().toLowerCase();
  return !trimmed.startsWith("javascript:") && !trimmed.startsWith("vbscript:") && !trimmed.startsWith("data:text/html");
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}

// The sanitized markup of `html`, as the body's inner HTML.
export function sanitizeHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const element of Array.from(doc.body.querySelectorAll("*"))) {
    const tag = element.tagName.toLowerCase();
    if (removedTags.has(tag)) {
      element.remove();
      continue;
    }
    if (embeddingTags.has(tag) && !isHttpUrl(element.getAttribute("src") ?? element.getAttribute("data") ?? "")) {
      element.remove();
      continue;
    }
    for (const attribute of Array.from(element.attributes)) {
      const attributeName = attribute.name.toLowerCase();
      if (attributeName.startsWith("on") || attributeName === "srcdoc") element.removeAttribute(attribute.name);
      else if (urlAttributes.has(attributeName) && !isSafeUrl(attribute.value)) element.removeAttribute(attribute.name);
    }
  }
  return doc.body.innerHTML;
}

// Makes the relative links and sources of `html` absolute against
// `baseUrl`, the address the HTML was fetched from, so its images and
// links point where its author meant rather than at the labeling app. Run it before
// sanitizeHtml, which then checks the absolute URLs.
export function resolveRelativeUrls(html: string, baseUrl: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const element of Array.from(doc.body.querySelectorAll("*"))) {
    for (const attribute of Array.from(element.attributes)) {
      if (!urlAttributes.has(attribute.name.toLowerCase())) continue;
      const value = attribute.value.trim();
      // Fragment links stay inside the page.
      if (value === "" || value.startsWith("#")) continue;
      try {
        element.setAttribute(attribute.name, new URL(value, baseUrl).href);
      } catch {
        // Not a URL even relative to the base: sanitizeHtml decides.
      }
    }
  }
  return doc.body.innerHTML;
}
