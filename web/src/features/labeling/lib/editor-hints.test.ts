import { describe, expect, it } from "vitest";
import { parseLabelConfig } from "./config";
import { editorHints } from "./editor-hints";

function hintsFor(xml: string): string[] {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return editorHints(parsed.config);
}

describe("editorHints", () => {
  it("explains keyframes for video and ranges for time series, not text selection", () => {
    const video = hintsFor(`<View><Labels name="l" toName="v"><Label value="Car"/></Labels>
      <Video name="v" value="$video"/><VideoRectangle name="box" toName="v"/></View>`);
    expect(video.some((hint) => hint.includes("keyframe"))).toBe(true);
    expect(video.some((hint) => hint.startsWith("Select text"))).toBe(false);

    const series = hintsFor(`<View><TimeSeriesLabels name="l" toName="ts"><Label value="Run"/></TimeSeriesLabels>
      <TimeSeries name="ts" value="$csv" valueType="url"><Channel column="x"/></TimeSeries></View>`);
    expect(series).toEqual(["Click a label, then drag across a chart to mark a range, or click it to mark an instant."]);
  });

  it("explains timeline ranges, not boxes, for video with only TimelineLabels", () => {
    const timeline = hintsFor(`<View><Video name="v" value="$video"/>
      <TimelineLabels name="t" toName="v"><Label value="Moving"/></TimelineLabels></View>`);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatch(/timeline/);
    expect(timeline[0]).not.toMatch(/box/);
  });

  it("keeps the text hint for text and none for a form without regions", () => {
    const text = hintsFor(`<View><Labels name="l" toName="t"><Label value="Person"/></Labels><Text name="t" value="$text"/></View>`);
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(/^Select text/);
    expect(hintsFor(`<View><Rating name="r" toName="r"/></View>`)).toEqual([]);
  });
});
