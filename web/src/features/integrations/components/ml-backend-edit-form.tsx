// The edit form of one connected ML backend: its URL, title and timeout.
// Saving makes the server check the backend's health and call /setup again.
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { updateMlBackend, type MlBackend } from "../api/ml-backends";
import {
  checkMlBackendEdit,
  serverEditErrors,
  type MlBackendEdit,
  type MlBackendEditErrors,
} from "../lib/ml-backend-form";

export function MlBackendEditForm({
  backend,
  onSaved,
  onCancel,
}: {
  backend: MlBackend;
  onSaved: (saved: MlBackend) => void;
  onCancel: () => void;
}) {
  const [edit, setEdit] = useState<MlBackendEdit>({
    url: backend.url,
    title: backend.title,
    timeout: String(backend.timeout),
  });
  const [checkErrors, setCheckErrors] = useState<MlBackendEditErrors>({});
  const save = useMutation({
    mutationFn: () =>
      updateMlBackend(backend.id, {
        url: edit.url.trim(),
        title: edit.title.trim(),
        ...(edit.timeout.trim() !== "" ? { timeout: Number(edit.timeout) } : {}),
      }),
    onSuccess: onSaved,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const errors = checkMlBackendEdit(edit);
    setCheckErrors(errors);
    if (Object.keys(errors).length === 0) save.mutate();
  }

  const serverErrors = serverEditErrors(save.error);
  const errors = { ...serverErrors, ...checkErrors };
  // A failure the fields do not explain (a 403, an unreachable server) gets
  // one message under the form.
  const formError =
    save.error && Object.keys(serverErrors).length === 0 ? describeError(save.error, "save the ML backend") : null;

  function field(name: keyof MlBackendEdit, label: string, input: { type?: string; inputMode?: "decimal" }) {
    const errorId = `ml-backend-${backend.id}-${name}-error`;
    // The message sits outside the label, so the input's name stays the label text.
    return (
      <div className={name === "url" ? "stack grow" : "stack"}>
        <label>
          {label}
          <input
            type={input.type ?? "text"}
            inputMode={input.inputMode}
            value={edit[name]}
            onChange={(event) => setEdit({ ...edit, [name]: event.target.value })}
            aria-invalid={errors[name] ? true : undefined}
            aria-describedby={errors[name] ? errorId : undefined}
          />
        </label>
        {errors[name] && (
          <span id={errorId} className="form-error" role="alert">
            {errors[name]}
          </span>
        )}
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={submit} aria-label={`Edit ${backend.title}`} noValidate>
      <div className="inline-form">
        {field("url", "Backend URL", { type: "url" })}
        {field("title", "Title", {})}
        {field("timeout", "Timeout (seconds)", { inputMode: "decimal" })}
      </div>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={onCancel} disabled={save.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
