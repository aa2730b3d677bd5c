import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MlBackend } from "../api/ml-backends";
import { MlBackendEditForm } from "./ml-backend-edit-form";

afterEach(cleanup);

const backend: MlBackend = {
  id: 3,
  project: 1,
  url: "http://ml-backend:9090",
  title: "Classifier",
  description: "",
  state: "CO",
  readable_state: "Connected",
  error_message: null,
  model_version: "v1",
  is_interactive: false,
  auth_method: "NONE",
  basic_auth_user: null,
  basic_auth_pass_is_set: false,
  timeout: 100,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
};

function renderForm() {
  const onSaved = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MlBackendEditForm backend={backend} onSaved={onSaved} onCancel={() => undefined} />
    </QueryClientProvider>,
  );
  return onSaved;
}

describe("MlBackendEditForm", () => {
  it("starts from the backend's values", () => {
    renderForm();
    expect(screen.getByLabelText("Backend URL")).toHaveProperty("value", "http://ml-backend:9090");
    expect(screen.getByLabelText("Title")).toHaveProperty("value", "Classifier");
    expect(screen.getByLabelText("Timeout (seconds)")).toHaveProperty("value", "100");
  });

  it("shows the field errors and sends nothing for a bad URL", () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const onSaved = renderForm();
    fireEvent.change(screen.getByLabelText("Backend URL"), { target: { value: "ftp://ml-backend" } });
    fireEvent.change(screen.getByLabelText("Timeout (seconds)"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));

    const alerts = screen.getAllByRole("alert").map((alert) => alert.textContent);
    expect(alerts).toContain("Enter an http:// or https:// URL, such as http://ml-backend:9090.");
    expect(alerts).toContain("Enter the timeout in seconds as a positive number, or leave it empty.");
    expect(screen.getByLabelText("Backend URL").getAttribute("aria-invalid")).toBe("true");
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(onSaved).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
