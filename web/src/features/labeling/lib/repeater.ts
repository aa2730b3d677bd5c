// Repeater: `<Repeater on="$pages" indexFlag="{{idx}}">` repeats its
// children once per item of the task's `pages` list, replacing the index
// flag (default "{{idx}}") with 0, 1, … in every attribute, so
// `name="page_{{idx}}"` becomes page_0, page_1, …, as Label Studio names
// them in results.
//
// A `value` that becomes a path into the data (`$pages[0].url`) is resolved
// here and written as a literal when it leads to a string, because the
// editor reads `$key` values as top-level keys only.
// NOTE: a path that leads to a list or an object (a Paragraphs or Table
// inside a Repeater) is left as it is and shows as a missing field.
//
// With `mode="pagination"` the copies of each item are grouped in their own
// View under a View marked `paginated`, and the editor shows one item at a
// time with page controls, as Label Studio does. Every item's controls stay
// in the config, so the result is the same as without pagination.

const defaultIndexFlag = "{{idx}}";

// Marks the View that contains one child View per item of a paginated
// Repeater. The name cannot clash with Label Studio's attributes, which
// have no dashes.
export const paginationAttribute = "tally-repeater-pages";

// The value at a path such as `pages[0].url` or `pages.0.url`, or undefined.
export function valueAtPath(data: Record<string, unknown>, path: string): unknown {
  let current: unknown = data;
  for (const part of path.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

// `list` is the data key of the Repeater's list (its `on` without "$").
function substitute(element: Element, flag: string, index: number, list: string, data: Record<string, unknown> | null) {
  for (const attribute of Array.from(element.attributes)) {
    if (!attribute.value.includes(flag)) continue;
    let value = attribute.value.split(flag).join(String(index));
    if (attribute.name === "value" && value.startsWith("$")) {
      const resolved = data ? valueAtPath(data, value.slice(1)) : undefined;
      if (typeof resolved === "string") value = resolved;
      // Read without data, the object depends on the list's own task field,
      // which is what the Data Manager and missing-field checks look for.
      else if (!data && value.startsWith(`$${list}[`)) value = `$${list}`;
    }
    element.setAttribute(attribute.name, value);
  }
  for (const child of Array.from(element.children)) substitute(child, flag, index, list, data);
}

// Replaces every Repeater under `root` (in place) by copies of its children,
// one per item of its list in `data`. Without data (a config read for its
// controls only) each Repeater is expanded once, with index 0.
export function expandRepeaters(root: Element, data: Record<string, unknown> | null) {
  for (let repeater = root.getElementsByTagName("Repeater")[0]; repeater; repeater = root.getElementsByTagName("Repeater")[0]) {
    const flag = repeater.getAttribute("indexFlag") || defaultIndexFlag;
    const on = (repeater.getAttribute("on") ?? "").replace(/^\$/, "");
    const list = data ? valueAtPath(data, on) : [null];
    const count = Array.isArray(list) ? list.length : 0;
    const document = repeater.ownerDocument;
    const paginated = repeater.getAttribute("mode") === "pagination";
    const copies = document.createElement("View");
    if (paginated) copies.setAttribute(paginationAttribute, "true");
    for (let index = 0; index < count; index++) {
      const page = paginated ? document.createElement("View") : copies;
      for (const child of Array.from(repeater.children)) {
        const copy = child.cloneNode(true) as Element;
        substitute(copy, flag, index, on, data);
        page.appendChild(copy);
      }
      if (paginated) copies.appendChild(page);
    }
    repeater.parentNode!.replaceChild(copies, repeater);
  }
}
