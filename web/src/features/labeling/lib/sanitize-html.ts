// HyperText's HTML made safe to show inside the app, as Label Studio does
// by default (sanitizeHtml="true"): no scripts, no event handlers, no
// javascript:, vbscript: or data: URLs (except data: images in <img>), no frames, forms
// or elements that change the page's base or metadata, and no <style>
// elements, which would restyle the whole app. Embedded documents (<embed>,
// <object>) stay only with an http(s) source of another origin, because
// templates show PDF pages that way, while a page of the app's own origin
// (an uploaded HTML file, say) would run its scripts with the user's session.
const removedTags = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "portal",
  "fencedframe",
  "applet",
  "form",
  "base",
  "link",
  "meta",
  "noscript",
  "template",
  // Raw-text elements: their content is serialized unescaped, so markup
  // hidden in it as text can come back as elements when the output is parsed
  // again (mutation XSS).
  "xmp",
  "noembed",
  "noframes",
  "plaintext",
]);
const embeddingTags = new Set(["embed", "object"]);
// SVG animation elements can set an attribute after sanitizing, so those
// targeting an href (to a javascript: URL) or an event handler are removed.
const animationTags = new Set(["animate", "set", "animatemotion", "animatetransform"]);
const urlAttributes = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster", "codebase", "background"]);
// Elements whose source may be a data: image, which the browser decodes
// without running anything.
const imageSourceTags = new Set(["img", "image"]);
const maxSanitizePasses = 4;

// The URL as the browser's URL parser reads it: leading and trailing C0
// controls and spaces are stripped and tabs and line breaks inside are
// removed, so "\u0001java\tscript:" still means "javascript:".
function normalizedUrl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
}

function urlScheme(value: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(normalizedUrl(value));
  return match ? match[1].toLowerCase() : null;
}

function isSafeUrl(value: string, tag: string, attributeName: string): boolean {
  const scheme = urlScheme(value);
  if (scheme === "javascript" || scheme === "vbscript") return false;
  if (scheme === "data") {
    const isImageSource = imageSourceTags.has(tag) && (attributeName === "src" || attributeName === "href" || attributeName === "xlink:href");
    return isImageSource && /^data:image\//i.test(normalizedUrl(value));
  }
  return true;
}

// Whether an <embed> or <object> may stay: each source it names is an
// http(s) URL of an origin other than the app's. Relative sources count as
// the app's origin, as the browser would resolve them.
function isForeignHttpEmbed(element: Element, appUrl: string): boolean {
  const sources = ["src", "data"].map((name) => element.getAttribute(name)).filter((value): value is string => value !== null);
  if (sources.length === 0) return false;
  const appOrigin = new URL(appUrl).origin;
  return sources.every((source) => {
    try {
      const url = new URL(normalizedUrl(source), appUrl);
      return (url.protocol === "http:" || url.protocol === "https:") && url.origin !== appOrigin;
    } catch {
      return false;
    }
  });
}

function isUnsafeAnimation(element: Element): boolean {
  const target = (element.getAttribute("attributeName") ?? element.getAttribute("attributename") ?? "").trim().toLowerCase();
  return target.endsWith("href") || target.startsWith("on");
}

function sanitizeOnce(html: string, appUrl: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const element of Array.from(doc.body.querySelectorAll("*"))) {
    const tag = element.tagName.toLowerCase();
    if (removedTags.has(tag) || (animationTags.has(tag) && isUnsafeAnimation(element))) {
      element.remove();
      continue;
    }
    // A codebase or classid would let an <object> load from another base URL.
    if (embeddingTags.has(tag) && (element.hasAttribute("codebase") || element.hasAttribute("classid") || !isForeignHttpEmbed(element, appUrl))) {
      element.remove();
      continue;
    }
    for (const attribute of Array.from(element.attributes)) {
      const attributeName = attribute.name.toLowerCase();
      if (attributeName.startsWith("on") || attributeName === "srcdoc") element.removeAttribute(attribute.name);
      else if (urlAttributes.has(attributeName) && !isSafeUrl(attribute.value, tag, attributeName)) element.removeAttribute(attribute.name);
    }
  }
  return doc.body.innerHTML;
}

// The sanitized markup of `html`, as the body's inner HTML. `appUrl` is the
// address the app runs at, whose origin embeds may not load.
//
// Serializing and parsing again can change the tree (mutation XSS through
// foreign content such as <math><mglyph>), so the result is sanitized again
// until a pass changes nothing. The returned markup is then parsed into a
// tree the sanitizer would keep as it is. Markup that keeps changing yields "".
export function sanitizeHtml(html: string, appUrl: string = document.baseURI): string {
  let current = sanitizeOnce(html, appUrl);
  for (let pass = 1; pass < maxSanitizePasses; pass++) {
    const next = sanitizeOnce(current, appUrl);
    if (next === current) return current;
    current = next;
  }
  return "";
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
