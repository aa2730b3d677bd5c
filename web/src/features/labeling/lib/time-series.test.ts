import { describe, expect, it } from "vitest";
import { decimate, parseCsv, parseTime, timeSeriesFromCsv, timeSeriesFromJson, type TimeSeriesOptions } from "./time-series";

const channel = (column: string) => ({ column, legend: column, units: "", strokeColor: "#1f77b4" });
const options: TimeSeriesOptions = { timeColumn: "time", timeFormat: null, sep: ",", channels: [channel("velocity")] };

describe("parseCsv", () => {
  it("splits fields and rows", () => {
    expect(parseCsv("a,b\n1,2\r\n3,4\n", ",")).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
  });

  it("reads quoted fields with separators, quotes and line breaks", () => {
    expect(parseCsv('a;b\n"x;y";"say ""hi""\nthere"', ";")).toEqual([["a", "b"], ["x;y", 'say "hi"\nthere']]);
  });
});

describe("parseTime", () => {
  it("reads Label Studio's template format as UTC milliseconds", () => {
    expect(parseTime("2021-03-01 00:00:00.000000", "%Y-%m-%d %H:%M:%S.%f")).toBe(Date.UTC(2021, 2, 1));
    expect(parseTime("2021-03-01 10:20:30.25", "%Y-%m-%d %H:%M:%S.%f")).toBe(Date.UTC(2021, 2, 1, 10, 20, 30, 250));
  });

  it("reads 12-hour clocks, month names and two-digit years", () => {
    expect(parseTime("05 Mar 99 07:15 PM", "%d %b %y %I:%M %p")).toBe(Date.UTC(1999, 2, 5, 19, 15));
  });

  it("returns null for text in another format", () => {
    expect(parseTime("2021/03/01", "%Y-%m-%d")).toBeNull();
    expect(parseTime("2021-13-01", "%Y-%m-%d")).toBeNull();
    expect(parseTime("2021-03-01 extra", "%Y-%m-%d")).toBeNull();
  });

  it("raises on a directive it does not read", () => {
    expect(() => parseTime("Monday", "%A")).toThrow(/%A is not supported/);
  });
});

describe("timeSeriesFromCsv", () => {
  it("reads a numeric time column and a channel", () => {
    const parsed = timeSeriesFromCsv("time,velocity,other\n0,1.5,x\n10,,y\n20,3,z\n", options);
    expect(parsed.ok && parsed.data.times).toEqual([0, 10, 20]);
    expect(parsed.ok && parsed.data.values.velocity).toEqual([1.5, Number.NaN, 3]);
  });

  it("reads dated times with the time format", () => {
    const parsed = timeSeriesFromCsv("time,velocity\n2021-03-01 00:00:01.5,1\n", { ...options, timeFormat: "%Y-%m-%d %H:%M:%S.%f" });
    expect(parsed.ok && parsed.data.times).toEqual([Date.UTC(2021, 2, 1, 0, 0, 1, 500)]);
  });

  it("counts rows from 0 without a time column", () => {
    const parsed = timeSeriesFromCsv("velocity\n5\n6\n", { ...options, timeColumn: null });
    expect(parsed.ok && parsed.data.times).toEqual([0, 1]);
  });

  it("names a missing channel column and the columns there are", () => {
    const parsed = timeSeriesFromCsv("time,speed\n0,1\n", options);
    expect(parsed).toEqual({ ok: false, message: "The data has no column “velocity” for a Channel; its columns are time, speed." });
  });

  it("names the row of a time that does not parse", () => {
    const parsed = timeSeriesFromCsv("time,velocity\n0,1\nsoon,2\n", options);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toBe("Row 2 of the time column “time” is “soon”, not a number.");
  });

  it("rejects times out of order", () => {
    const parsed = timeSeriesFromCsv("time,velocity\n5,1\n3,2\n", options);
    expect(!parsed.ok && parsed.message).toMatch(/goes back in time at row 2/);
  });
});

describe("timeSeriesFromJson", () => {
  it("reads an object of columns", () => {
    const parsed = timeSeriesFromJson({ time: [1, 2], velocity: [3, 4] }, options);
    expect(parsed.ok && parsed.data).toEqual({ times: [1, 2], values: { velocity: [3, 4] } });
  });

  it("rejects columns of different lengths", () => {
    const parsed = timeSeriesFromJson({ time: [1, 2], velocity: [3] }, options);
    expect(!parsed.ok && parsed.message).toBe("The time-series column “velocity” has 1 values, others have 2.");
  });
});

describe("decimate", () => {
  it("keeps the min and max of each pixel column in time order", () => {
    const times = [0, 1, 2, 3, 4, 5, 6, 7];
    const values = [5, 9, 1, 5, 2, 2, 8, 0];
    expect(decimate(times, values, 0, 8, 2)).toEqual([[1, 9], [2, 1], [6, 8], [7, 0]]);
  });

  it("keeps every point when there are fewer points than columns", () => {
    expect(decimate([0, 1, 2], [3, 4, 5], 0, 2, 100)).toEqual([[0, 3], [1, 4], [2, 5]]);
  });
});
