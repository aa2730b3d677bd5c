import { describe, expect, it } from "vitest";
import { ApiError } from "../../../api/client";
import { checkMlBackendEdit, serverEditErrors } from "./ml-backend-form";

const valid = { url: "http://ml-backend:9090", title: "Classifier", timeout: "100" };

describe("checkMlBackendEdit", () => {
  it("accepts http and https URLs", () => {
    expect(checkMlBackendEdit(valid)).toEqual({});
    expect(checkMlBackendEdit({ ...valid, url: " https://models.example.com/v2 " })).toEqual({});
  });

  it("rejects an empty, malformed or non-http URL", () => {
    expect(checkMlBackendEdit({ ...valid, url: "  " }).url).toBe("Enter the backend's URL.");
    expect(checkMlBackendEdit({ ...valid, url: "ml-backend:9090/" }).url).toMatch(/http:\/\/ or https:\/\//);
    expect(checkMlBackendEdit({ ...valid, url: "not a url" }).url).toMatch(/http:\/\/ or https:\/\//);
    expect(checkMlBackendEdit({ ...valid, url: "ftp://ml-backend" }).url).toMatch(/http:\/\/ or https:\/\//);
  });

  it("rejects a URL over 2048 characters", () => {
    const url = "http://ml-backend/" + "a".repeat(2040);
    expect(checkMlBackendEdit({ ...valid, url }).url).toBe("The URL is 2058 characters long; the limit is 2048.");
  });

  it("needs a title of at most 500 characters", () => {
    expect(checkMlBackendEdit({ ...valid, title: "" }).title).toBe("Enter a title.");
    expect(checkMlBackendEdit({ ...valid, title: "t".repeat(501) }).title).toMatch(/the limit is 500/);
  });

  it("takes an empty or positive timeout", () => {
    expect(checkMlBackendEdit({ ...valid, timeout: "" })).toEqual({});
    expect(checkMlBackendEdit({ ...valid, timeout: "2.5" })).toEqual({});
    expect(checkMlBackendEdit({ ...valid, timeout: "0" }).timeout).toMatch(/positive number/);
    expect(checkMlBackendEdit({ ...valid, timeout: "-3" }).timeout).toMatch(/positive number/);
    expect(checkMlBackendEdit({ ...valid, timeout: "soon" }).timeout).toMatch(/positive number/);
  });
});

describe("serverEditErrors", () => {
  it("places the server's field errors under the fields", () => {
    const error = new ApiError("invalid", 400, "Validation error", {
      url: ["Host 169.254.169.254 is not allowed."],
      timeout: ["Must be seconds above 0 and at most 3600."],
    });
    expect(serverEditErrors(error)).toEqual({
      url: "Host 169.254.169.254 is not allowed.",
      timeout: "Must be seconds above 0 and at most 3600.",
    });
  });

  it("returns nothing for errors without fields", () => {
    expect(serverEditErrors(new ApiError("forbidden", 403, "Forbidden"))).toEqual({});
    expect(serverEditErrors(new Error("boom"))).toEqual({});
    expect(serverEditErrors(null)).toEqual({});
  });
});
