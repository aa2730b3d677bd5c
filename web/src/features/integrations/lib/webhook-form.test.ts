import { describe, expect, it } from "vitest";
import type { Delivery } from "../api/webhooks";
import { deliveryOutcome, formatHeaders, parseHeaders } from "./webhook-form";

describe("parseHeaders", () => {
  it("reads one header per line", () => {
    expect(parseHeaders("X-Team: labeling\n\n  Authorization: Bearer a:b  \n")).toEqual({
      headers: { "X-Team": "labeling", Authorization: "Bearer a:b" },
    });
  });

  it("names the line without a colon", () => {
    expect(parseHeaders("X-Ok: 1\nbroken")).toEqual({ error: 'Header line 2 needs the form "Name: value".' });
  });

  it("rejects odd names and repeats", () => {
    expect(parseHeaders("X Team: 1")).toEqual({
      error: "Header line 1: a name may contain only letters, digits, - and _.",
    });
    expect(parseHeaders("A: 1\nA: 2")).toEqual({ error: "Header line 2: A is given twice." });
  });

  it("round-trips with formatHeaders", () => {
    const headers = { A: "1", "X-B": "two words" };
    expect(parseHeaders(formatHeaders(headers))).toEqual({ headers });
  });
});

describe("deliveryOutcome", () => {
  const base: Delivery = {
    id: 1,
    webhook: 1,
    delivery_id: "d",
    action: "WEBHOOK_TEST",
    attempt: 1,
    status_code: 200,
    latency_ms: 12.34,
    error: null,
    job_id: null,
    is_test: true,
    created_at: "2026-01-01T00:00:00Z",
  };

  it("reports a success with its latency", () => {
    expect(deliveryOutcome(base)).toEqual({ ok: true, text: "200 in 12.3 ms" });
  });

  it("reports a failed status with the error", () => {
    expect(deliveryOutcome({ ...base, status_code: 500, error: "server error" })).toEqual({
      ok: false,
      text: "500 in 12.3 ms: server error",
    });
  });

  it("reports no response", () => {
    expect(deliveryOutcome({ ...base, status_code: null, latency_ms: null, error: "timed out" })).toEqual({
      ok: false,
      text: "No response: timed out",
    });
  });
});
