// The workflow section of project settings: review on or off, the overlap
// (annotations per task), extra task states such as needs_rework, and the
// project's own transitions between states. The server checks the whole
// definition on save; its errors are shown at the field they name.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../api/projects";
import { projectKey } from "../api/query-keys";
import { fetchWorkflow, saveWorkflow, taskEvents, workflowKey, type Workflow, type WorkflowTransition } from "../api/workflow";
import "./workflow-settings.css";

function FieldError({ errors, field }: { errors: Record<string, string[]>; field: string }) {
  const messages = errors[field];
  if (!messages) return null;
  return (
    <span className="field-error" role="alert" data-field={field}>
      {messages.join(" ")}
    </span>
  );
}

function WorkflowForm({ project, workflow }: { project: Project; workflow: Workflow }) {
  const [reviewRequired, setReviewRequired] = useState(workflow.review_required);
  const [overlap, setOverlap] = useState(workflow.maximum_annotations === null ? "" : String(workflow.maximum_annotations));
  const [states, setStates] = useState(workflow.extra_states.join(", "));
  const [transitions, setTransitions] = useState<WorkflowTransition[]>(workflow.custom_transitions);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const queryClient = useQueryClient();

  const extraStates = states
    .split(",")
    .map((state) => state.trim())
    .filter(Boolean);
  const allStates = [...workflow.states.filter((state) => !workflow.extra_states.includes(state)), ...extraStates];

  const save = useMutation({
    mutationFn: () =>
      saveWorkflow(project.id, {
        review_required: reviewRequired,
        maximum_annotations: overlap.trim() === "" ? null : Number(overlap),
        states: extraStates,
        transitions,
      }),
    onSuccess: async (saved) => {
      queryClient.setQueryData(workflowKey(project.id), saved);
      await queryClient.invalidateQueries({ queryKey: projectKey(project.id) });
      setErrors({});
      setMessage({ kind: "ok", text: "Workflow saved." });
    },
    onError: (error) => {
      setErrors(error instanceof ApiError ? error.fieldErrors : {});
      setMessage({ kind: "error", text: describeError(error, "save the workflow") });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    save.mutate();
  }

  const setTransition = (index: number, change: Partial<WorkflowTransition>) =>
    setTransitions((list) => list.map((transition, i) => (i === index ? { ...transition, ...change } : transition)));

  return (
    <form className="stack" onSubmit={submit} aria-label="Workflow">
      <label className="inline-label">
        <input type="checkbox" checked={reviewRequired} onChange={(event) => setReviewRequired(event.target.checked)} />
        Review required: a labeled task waits for a reviewer before it counts as done
      </label>
      <label>
        Annotations per task (overlap)
        <input
          type="number"
          min={1}
          step={1}
          value={overlap}
          placeholder="project default"
          onChange={(event) => setOverlap(event.target.value)}
          aria-describedby="overlap-hint"
        />
        <span id="overlap-hint" className="hint">
          Empty keeps the project's overlap setting. A number also changes the overlap of existing tasks.
        </span>
        <FieldError errors={errors} field="maximum_annotations" />
      </label>
      <label>
        Extra states
        <input value={states} placeholder="needs_rework, escalated" onChange={(event) => setStates(event.target.value)} />
        <span className="hint">Comma-separated names of a to z and _. Built in: {workflow.states.filter((s) => !workflow.extra_states.includes(s)).join(", ")}.</span>
        {Object.keys(errors)
          .filter((field) => field === "states" || field.startsWith("states."))
          .map((field) => (
            <FieldError key={field} errors={errors} field={field} />
          ))}
      </label>
      <fieldset className="workflow-transitions">
        <legend>Own transitions (replace the built-in one for the same state and event)</legend>
        {transitions.length === 0 && <p className="muted">None: the built-in transitions apply.</p>}
        {transitions.map((transition, index) => (
          <div key={index} className="workflow-transition" aria-label={`Transition ${index + 1}`}>
            <label>
              From
              <select aria-label="From" value={transition.from} onChange={(event) => setTransition(index, { from: event.target.value })}>
                {[...new Set([...allStates, transition.from])].map((state) => (
                  <option key={state}>{state}</option>
                ))}
              </select>
              <FieldError errors={errors} field={`transitions.${index}.from`} />
            </label>
            <label>
              On
              <select aria-label="On" value={transition.on} onChange={(event) => setTransition(index, { on: event.target.value })}>
                {taskEvents.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
              <FieldError errors={errors} field={`transitions.${index}.on`} />
            </label>
            <label>
              To
              <select aria-label="To" value={transition.to} onChange={(event) => setTransition(index, { to: event.target.value })}>
                {[...new Set([...allStates, transition.to])].map((state) => (
                  <option key={state}>{state}</option>
                ))}
              </select>
              <FieldError errors={errors} field={`transitions.${index}.to`} />
            </label>
            <button type="button" aria-label={`Remove transition ${index + 1}`} onClick={() => setTransitions((list) => list.filter((_, i) => i !== index))}>
              Remove
            </button>
            <FieldError errors={errors} field={`transitions.${index}`} />
          </div>
        ))}
        <button type="button" onClick={() => setTransitions((list) => [...list, { from: "labeled", on: "review_rejected", to: extraStates[0] ?? "in_progress" }])}>
          Add transition
        </button>
        <FieldError errors={errors} field="transitions" />
      </fieldset>
      <div className="form-footer">
        {message && (
          <p className={message.kind === "ok" ? "form-ok" : "form-error"} role={message.kind === "ok" ? "status" : "alert"}>
            {message.text}
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save workflow"}
        </button>
      </div>
    </form>
  );
}

export function WorkflowSettings({ project }: { project: Project }) {
  const workflow = useQuery({ queryKey: workflowKey(project.id), queryFn: () => fetchWorkflow(project.id) });
  return (
    <section className="card stack" aria-labelledby="workflow-heading">
      <h2 id="workflow-heading">Workflow</h2>
      {workflow.isPending && <Loading what="the workflow" />}
      {workflow.error && <ErrorState message={describeError(workflow.error, "load the workflow")} onRetry={() => workflow.refetch()} />}
      {workflow.data && <WorkflowForm key={project.id} project={project} workflow={workflow.data} />}
    </section>
  );
}
