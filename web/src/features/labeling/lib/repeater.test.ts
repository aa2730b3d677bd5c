import { describe, expect, it } from "vitest";
import { parseLabelConfig } from "./config";
import { buildResult, emptyValues } from "./results";
import { valueAtPath } from "./repeater";

const pages = `<View>
  <Repeater on="$document" indexFlag="{{idx}}" mode="pagination">
    <Image name="page_{{idx}}" value="$document[{{idx}}].page"/>
    <Rating name="rating_{{idx}}" toName="page_{{idx}}"/>
  </Repeater>
</View>`;

describe("Repeater", () => {
  it("repeats its children once per item with the index in names", () => {
    const data = { document: [{ page: "https://example.org/1.jpg" }, { page: "https://example.org/2.jpg" }] };
    const parsed = parseLabelConfig(pages, data);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.config.unsupportedTags).toEqual([]);
    expect(parsed.config.controls.map((control) => [control.name, "toName" in control ? control.toName : ""])).toEqual([
      ["rating_0", "page_0"],
      ["rating_1", "page_1"],
    ]);
    const root = parsed.config.root;
    if (root.kind !== "view") throw new Error("root");
    const copies = root.children[0];
    if (copies.kind !== "view") throw new Error("copies");
    // Pagination groups each item's tags in a page of their own.
    expect(copies.paginated).toBe(true);
    const images = copies.children.map((page) => (page.kind === "view" ? page.children.filter((node) => node.kind === "image") : []));
    expect(images).toEqual([
      [{ kind: "image", name: "page_0", valueKey: null, literal: "https://example.org/1.jpg", valueList: false }],
      [{ kind: "image", name: "page_1", valueKey: null, literal: "https://example.org/2.jpg", valueList: false }],
    ]);
  });

  it("lays items out in one view without pagination", () => {
    const parsed = parseLabelConfig(pages.replace(' mode="pagination"', ""), { document: [{ page: "a" }, { page: "b" }] });
    if (!parsed.ok) throw new Error(parsed.message);
    const root = parsed.config.root;
    if (root.kind !== "view") throw new Error("root");
    const copies = root.children[0];
    if (copies.kind !== "view") throw new Error("copies");
    expect(copies.paginated).toBeUndefined();
    expect(copies.children.map((node) => node.kind)).toEqual(["image", "rating", "image", "rating"]);
  });

  it("stores the same result with and without pagination", () => {
    const data = { document: [{ page: "a" }, { page: "b" }] };
    const values = { ...emptyValues, ratings: { rating_0: 2, rating_1: 5 } };
    const ids = { rating_0: "r0", rating_1: "r1" };
    const paginated = parseLabelConfig(pages, data);
    const flat = parseLabelConfig(pages.replace(' mode="pagination"', ""), data);
    if (!paginated.ok || !flat.ok) throw new Error("parse");
    expect(buildResult(paginated.config, values, ids)).toEqual(buildResult(flat.config, values, ids));
    expect(buildResult(paginated.config, values, ids).map((item) => item.from_name)).toEqual(["rating_0", "rating_1"]);
  });

  it("stores results under the expanded names", () => {
    const parsed = parseLabelConfig(pages, { document: [{ page: "a" }, { page: "b" }] });
    if (!parsed.ok) throw new Error(parsed.message);
    const result = buildResult(parsed.config, { ...emptyValues, ratings: { rating_1: 4 } }, { rating_1: "r1" });
    expect(result).toEqual([{ id: "r1", from_name: "rating_1", to_name: "page_1", type: "rating", origin: "manual", value: { rating: 4 } }]);
  });

  it("repeats nothing for a missing list and once without data", () => {
    const empty = parseLabelConfig(pages, {});
    expect(empty.ok && empty.config.controls).toEqual([]);
    const once = parseLabelConfig(pages);
    expect(once.ok && once.config.controls.map((control) => control.name)).toEqual(["rating_0"]);
    // Without data the object reads the list's own field.
    expect(once.ok && once.config.dataKeys).toEqual(["document"]);
  });

  it("reads nested paths", () => {
    expect(valueAtPath({ a: [{ b: "x" }] }, "a[0].b")).toBe("x");
    expect(valueAtPath({ a: [{ b: "x" }] }, "a.0.b")).toBe("x");
    expect(valueAtPath({ a: [] }, "a[3].b")).toBeUndefined();
  });
});
