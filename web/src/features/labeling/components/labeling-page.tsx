// The labeling screen: loads a task (the one in ?task= or the next one),
// shows it in the editor, and submits, updates or skips its annotation.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { ApiError, describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { projectKey } from "../../projects/api/query-keys";
import { requestChatReply } from "../api/chat-replies";
import { fetchTaskDraft, type Draft } from "../api/drafts";
import { useDraftAutosave, type DraftStatus } from "../hooks/use-draft-autosave";
import { useEditorModel } from "../hooks/use-editor-model";
import { useLabelingPresence } from "../hooks/use-labeling-presence";
import {
  bestPrediction,
  createAnnotation,
  fetchAnnotations,
  fetchNextTask,
  fetchPredictions,
  fetchTask,
  updateAnnotation,
  type Annotation,
  type Prediction,
  type Task,
} from "../api/tasks";
import { useCurrentUser } from "../../auth/hooks/use-current-user";
import { chatProblems, withTaskMessages } from "../lib/chat";
import { parseLabelConfig, type EditorConfig } from "../lib/config";
import { editorHints } from "../lib/editor-hints";
import { isTypingTarget, matchesHotkey, standardKeys } from "../lib/hotkeys";
import { buildResult, missingRequired, readResult } from "../lib/results";
import { hiddenControls } from "../lib/visibility";
import { LabelingEditor } from "./labeling-editor";
import { PresenceList } from "./presence-list";

interface Loaded {
  task: Task;
  annotation: Annotation | null; // the caller's latest annotation, updated instead of adding one
  prediction: Prediction | null; // pre-fills the editor when there is no annotation or draft
  draft: Draft | null; // the caller's unsubmitted work on a new annotation
}

function TaskEditor({
  project,
  config,
  loaded,
  onDone,
}: {
  project: Project;
  config: EditorConfig;
  loaded: Loaded;
  onDone: (how: "submitted" | "updated" | "skipped") => void;
}) {
  const model = useEditorModel();
  const ids = useRef<Record<string, string>>({});
  const startedAt = useRef(performance.now());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { dispatch } = model;
  const requestReply = useCallback(
    async (chat: string, messages: { role: string; content: string }[]) => {
      try {
        return await requestChatReply(project.id, loaded.task.id, chat, messages);
      } catch (caught) {
        // A missing connection (409) and a failing model (503) carry the
        // server's own explanation, which the generic wording would hide.
        const explained = caught instanceof ApiError && (caught.code === "conflict" || caught.code === "unavailable");
        throw new Error(explained ? `Could not get the model's reply: ${caught.message}` : describeError(caught, "get the model's reply"));
      }
    },
    [project.id, loaded.task.id],
  );
  const leadTime = () => (performance.now() - startedAt.current) / 1000;
  const draft = useDraftAutosave({
    taskId: loaded.task.id,
    initialDraftId: loaded.draft?.id ?? null,
    state: model.state,
    buildResult: () => buildResult(config, model.state.values, ids.current),
    leadTime,
    // Not while saving: a draft written after its annotation would outlive it.
    enabled: !loaded.annotation && !busy,
  });

  useEffect(() => {
    ids.current = {};
    let values;
    if (loaded.annotation) values = readResult(config, loaded.annotation.result, ids.current);
    else if (loaded.draft) values = readResult(config, loaded.draft.result, ids.current);
    else values = readResult(config, loaded.prediction?.result ?? [], ids.current, true);
    dispatch({ type: "loaded", values: withTaskMessages(config, loaded.task.data, values) });
    startedAt.current = performance.now();
  }, [loaded, config, dispatch]);

  const save = useCallback(
    async (how: "submit" | "skip") => {
      if (busy) return;
      setError(null);
      const hidden = hiddenControls(config, model.state.values, model.selectedRegionId);
      const result = how === "skip" ? [] : buildResult(config, model.state.values, ids.current, hidden);
      if (how === "submit") {
        const missing = missingRequired(config, model.state.values, hidden);
        if (missing.length > 0) {
          setError(`Fill in ${missing.join(", ")} before submitting.`);
          return;
        }
        const chatProblem = chatProblems(config, loaded.task.data, model.state.values)[0];
        if (chatProblem) {
          setError(chatProblem);
          return;
        }
      }
      const lead_time = leadTime();
      const draft_id = draft.draftId.current ?? undefined;
      setBusy(true);
      try {
        if (how === "skip") {
          await createAnnotation(loaded.task.id, { result: [], was_cancelled: true, lead_time, draft_id });
          onDone("skipped");
        } else if (loaded.annotation) {
          await updateAnnotation(loaded.annotation.id, { result, lead_time });
          onDone("updated");
        } else {
          const parent_prediction = loaded.draft ? undefined : loaded.prediction?.id;
          await createAnnotation(loaded.task.id, { result, lead_time, draft_id, parent_prediction });
          onDone("submitted");
        }
      } catch (caught) {
        setError(describeError(caught, how === "skip" ? "skip the task" : "save the annotation"));
      } finally {
        setBusy(false);
      }
    },
    // leadTime and draft.draftId read refs, so they need no dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [busy, config, model.state.values, model.selectedRegionId, loaded, onDone],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (matchesHotkey(event, standardKeys.submit)) {
        event.preventDefault();
        void save("submit");
      } else if (matchesHotkey(event, standardKeys.skip) && project.show_skip_button && !isTypingTarget(event.target)) {
        event.preventDefault();
        void save("skip");
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [save, project.show_skip_button]);

  return (
    <div className="labeling-layout">
      <div className="labeling-main card">
        <div className="task-caption muted">
          Task #{loaded.task.id}
          {loaded.annotation && ` · editing annotation #${loaded.annotation.id}`}
        </div>
        {!loaded.annotation && loaded.draft && (
          <p className="notice" role="status">
            Restored your draft from {new Date(loaded.draft.updated_at).toLocaleString()}.
          </p>
        )}
        {!loaded.annotation && !loaded.draft && loaded.prediction && (
          <p className="notice" role="status">
            Pre-filled from a prediction (model version “{loaded.prediction.model_version || "none"}”). Accept it as it
            is or change it, then submit.
          </p>
        )}
        <LabelingEditor config={config} data={loaded.task.data} model={model} hotkeys requestChatReply={requestReply} />
      </div>
      <aside className="labeling-actions card">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="primary" disabled={busy} onClick={() => void save("submit")}>
          {loaded.annotation ? "Update" : "Submit"} <kbd>Ctrl+Enter</kbd>
        </button>
        {project.show_skip_button && !loaded.annotation && (
          <button type="button" disabled={busy} onClick={() => void save("skip")}>
            Skip <kbd>Ctrl+Space</kbd>
          </button>
        )}
        {!loaded.annotation && <DraftLine status={draft.status} />}
        <div className="button-row">
          <button type="button" onClick={() => dispatch({ type: "undo" })} disabled={model.state.past.length === 0}>
            Undo
          </button>
          <button type="button" onClick={() => dispatch({ type: "redo" })} disabled={model.state.future.length === 0}>
            Redo
          </button>
        </div>
        {editorHints(config).map((hint) => (
          <p className="hint" key={hint}>
            {hint}
          </p>
        ))}
      </aside>
    </div>
  );
}

function DraftLine({ status }: { status: DraftStatus }) {
  switch (status.kind) {
    case "idle":
      return null;
    case "saving":
      return <p className="hint">Saving draft…</p>;
    case "saved":
      return (
        <p className="hint" role="status">
          Draft saved at {status.at.toLocaleTimeString()}
        </p>
      );
    case "error":
      return (
        <p className="form-error" role="alert">
          {status.message}
        </p>
      );
  }
}

export function LabelingPage() {
  return <ProjectPage active="label">{(project) => <LabelingStream project={project} />}</ProjectPage>;
}

function LabelingStream({ project }: { project: Project }) {
  const projectId = project.id;
  const [params, setParams] = useSearchParams();
  const taskParam = params.get("task");
  const queryClient = useQueryClient();
  const [done, setDone] = useState<{ how: string; taskId: number } | null>(null);
  const userId = useCurrentUser().data?.id;

  const loaded = useQuery({
    queryKey: ["labeling", projectId, taskParam ?? "next"],
    enabled: userId !== undefined,
    queryFn: async (): Promise<Loaded | null> => {
      let task: Task;
      let predictions: Prediction[];
      if (taskParam) {
        task = await fetchTask(Number(taskParam));
        predictions = await fetchPredictions(task.id);
      } else {
        const next = await fetchNextTask(projectId);
        if (!next) return null;
        ({ task, predictions } = next);
      }
      const [annotations, draft] = await Promise.all([fetchAnnotations(task.id), fetchTaskDraft(task.id)]);
      const own = annotations.filter((annotation) => annotation.completed_by === userId);
      return {
        task,
        annotation: own.length > 0 ? own[own.length - 1] : null,
        prediction: bestPrediction(predictions),
        draft,
      };
    },
    staleTime: 0,
    gcTime: 0,
  });

  // The task's data decides how often a Repeater repeats, so the config is
  // read again for each task.
  const taskData = loaded.data?.task.data ?? null;
  const parsed = useMemo(() => parseLabelConfig(project.label_config, taskData), [project.label_config, taskData]);
  const presence = useLabelingPresence(projectId, loaded.data?.task.id ?? null);

  const onDone = useCallback(
    (how: "submitted" | "updated" | "skipped") => {
      const taskId = loaded.data?.task.id ?? 0;
      setDone({ how, taskId });
      void queryClient.invalidateQueries({ queryKey: projectKey(projectId) });
      void queryClient.invalidateQueries({ queryKey: ["tasks", projectId] });
      if (taskParam) setParams({}, { replace: true });
      else void loaded.refetch();
    },
    [loaded, queryClient, projectId, taskParam, setParams],
  );

  return (
    <>
      <PresenceList participants={presence.participants} self={presence.self} ownTaskId={loaded.data?.task.id ?? null} />
      {done && (
        <p className="form-ok" role="status">
          Task #{done.taskId} {done.how}.
        </p>
      )}
      {!parsed.ok && (
        <ErrorState message={`This project's label config cannot be shown: ${parsed.message} Fix it in Settings.`} />
      )}
      {parsed.ok && (loaded.isPending || loaded.isFetching) && <Loading what="the next task" />}
      {parsed.ok && loaded.error && (
        <ErrorState message={describeError(loaded.error, "load the task")} onRetry={() => loaded.refetch()} />
      )}
      {parsed.ok && loaded.data === null && !loaded.isFetching && (
        <div className="state state-empty">
          <p>No task is left for you in this project. Tasks that other annotators hold now come back if they release them.</p>
          <Link to={`/projects/${projectId}/data`}>Open the Data Manager</Link>
        </div>
      )}
      {parsed.ok && loaded.data && !loaded.isFetching && (
        <TaskEditor key={loaded.data.task.id} project={project} config={parsed.config} loaded={loaded.data} onDone={onDone} />
      )}
    </>
  );
}
