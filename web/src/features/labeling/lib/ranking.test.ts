import { describe, expect, it } from "vitest";
import { currentRanking, listItems, moveToBucket, moveWithin, storedRanking, unassigned } from "./ranking";

const items = listItems([
  { id: "mdn", title: "MDN", body: "docs" },
  { id: 2, title: "Wiki" },
  { title: "no id" },
  { id: "blog", title: "Blog", body: "post" },
]);

describe("ranking", () => {
  it("reads List items and skips entries without an id", () => {
    expect(items.map((item) => item.id)).toEqual(["mdn", "2", "blog"]);
  });

  it("starts in data order under the Ranker's name without buckets", () => {
    const ranking = currentRanking("rank", [], items, undefined);
    expect(ranking).toEqual({ rank: ["mdn", "2", "blog"] });
    expect(moveWithin(ranking, "blog", -1)).toEqual({ rank: ["mdn", "blog", "2"] });
    expect(moveWithin(ranking, "mdn", -1)).toEqual(ranking);
  });

  it("uses the default bucket, or an unassigned column left out of the result", () => {
    const buckets = [
      { name: "best", title: "Best", isDefault: false },
      { name: "ads", title: "Ads", isDefault: false },
    ];
    const ranking = currentRanking("rank", buckets, items, undefined);
    expect(ranking).toEqual({ best: [], ads: [], [unassigned]: ["mdn", "2", "blog"] });
    const moved = moveToBucket(moveToBucket(ranking, "mdn", "best"), "blog", "ads");
    expect(storedRanking(moved)).toEqual({ best: ["mdn"], ads: ["blog"] });

    const withDefault = currentRanking("rank", [{ ...buckets[0], isDefault: true }, buckets[1]], items, undefined);
    expect(withDefault).toEqual({ best: ["mdn", "2", "blog"], ads: [] });
  });

  it("restores a stored ranking and places items it lacks", () => {
    const buckets = [{ name: "best", title: "Best", isDefault: false }];
    expect(currentRanking("rank", buckets, items, { best: ["blog", "gone"] })).toEqual({
      best: ["blog"],
      [unassigned]: ["mdn", "2"],
    });
    expect(currentRanking("rank", [], items, { list: ["blog", "mdn"] })).toEqual({ rank: ["blog", "mdn", "2"] });
  });
});
