// The review screen for one task: each annotation shown read-only in the
// editor, with its review history and Accept / Reject with a comment.
import { useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { fetchAnnotations, fetchTask, type Annotation, type Task } from "../../labeling/api/tasks";
import { LabelingEditor } from "../../labeling/components/labeling-editor";
import { useEditorModel } from "../../labeling/hooks/use-editor-model";
import { parseLabelConfig, type EditorConfig } from "../../labeling/lib/config";
import { withTaskMessages } from "../../labeling/lib/chat";
import { readResult } from "../../labeling/lib/results";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { createReview, fetchReviews } from "../api/reviews";

function AnnotationReview({ config, task, annotation }: { config: EditorConfig; task: Task; annotation: Annotation }) {
  const model = useEditorModel();
  const { dispatch } = model;
  const [comment, setComment] = useState("");
  const queryClient = useQueryClient();
  const reviews = useQuery({ queryKey: ["reviews", annotation.id], queryFn: () => fetchReviews(annotation.id) });
  const review = useMutation({
    mutationFn: (accepted: boolean) => createReview(annotation.id, accepted, comment),
    onSuccess: () => {
      setComment("");
      void queryClient.invalidateQueries({ queryKey: ["reviews", annotation.id] });
    },
  });

  useEffect(() => {
    dispatch({ type: "loaded", values: withTaskMessages(config, task.data, readResult(config, annotation.result)) });
  }, [annotation, config, task.data, dispatch]);

  return (
    <div className="labeling-layout">
      <div className="labeling-main card">
        <div className="task-caption muted">
          Task #{task.id} · annotation #{annotation.id} by user {annotation.completed_by ?? "unknown"}
          {annotation.was_cancelled && " · skipped"}
        </div>
        <LabelingEditor config={config} data={task.data} model={model} readOnly />
      </div>
      <aside className="labeling-actions card" aria-label="Review">
        <label>
          Comment
          <textarea rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        <div className="button-row">
          <button type="button" className="primary" disabled={review.isPending} onClick={() => review.mutate(true)}>
            Accept
          </button>
          <button type="button" className="danger" disabled={review.isPending} onClick={() => review.mutate(false)}>
            Reject
          </button>
        </div>
        {review.error && (
          <p className="form-error" role="alert">
            {describeError(review.error, "save the review")}
          </p>
        )}
        <h3>Reviews</h3>
        {reviews.isPending && <Loading what="reviews" />}
        {reviews.error && <ErrorState message={describeError(reviews.error, "load the reviews")} />}
        {reviews.data && reviews.data.length === 0 && <p className="muted">Not reviewed yet.</p>}
        {reviews.data && reviews.data.length > 0 && (
          <ul className="review-list" aria-label="Reviews of this annotation">
            {reviews.data.map((item) => (
              <li key={item.id}>
                <strong>{item.accepted ? "Accepted" : "Rejected"}</strong>{" "}
                <span className="muted">{new Date(item.created_at).toLocaleString()}</span>
                {item.comment && <p>{item.comment}</p>}
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}

function TaskReview({ project }: { project: Project }) {
  const [params, setParams] = useSearchParams();
  const taskId = Number(params.get("task"));
  const loaded = useQuery({
    queryKey: ["review", taskId],
    queryFn: async () => ({ task: await fetchTask(taskId), annotations: await fetchAnnotations(taskId) }),
    enabled: Number.isInteger(taskId) && taskId > 0,
  });
  // A Repeater repeats once per item of the task's list, so the config is read with its data.
  const taskData = loaded.data?.task.data ?? null;
  const parsed = useMemo(() => parseLabelConfig(project.label_config, taskData), [project.label_config, taskData]);
  const chosenId = Number(params.get("annotation")) || loaded.data?.annotations[0]?.id;
  const chosen = loaded.data?.annotations.find((annotation) => annotation.id === chosenId);

  if (!Number.isInteger(taskId) || taskId <= 0) {
    return <Empty>Open a task to review from the Data Manager.</Empty>;
  }
  if (!parsed.ok) return <ErrorState message={`This project's label config cannot be shown: ${parsed.message}`} />;
  if (loaded.isPending) return <Loading what="the task and its annotations" />;
  if (loaded.error) return <ErrorState message={describeError(loaded.error, "load the task")} onRetry={() => loaded.refetch()} />;
  if (loaded.data.annotations.length === 0) {
    return (
      <Empty>
        Task #{taskId} has no annotations to review. <Link to={`/projects/${project.id}/label?task=${taskId}`}>Label it</Link>
      </Empty>
    );
  }
  return (
    <>
      <div className="view-tabs" role="tablist" aria-label="Annotations of the task">
        {loaded.data.annotations.map((annotation) => (
          <button
            key={annotation.id}
            type="button"
            role="tab"
            className="view-tab"
            aria-selected={annotation.id === chosen?.id}
            onClick={() => setParams({ task: String(taskId), annotation: String(annotation.id) })}
          >
            Annotation #{annotation.id}
          </button>
        ))}
      </div>
      {chosen && <AnnotationReview key={chosen.id} config={parsed.config} task={loaded.data.task} annotation={chosen} />}
    </>
  );
}

export function ReviewPage() {
  return <ProjectPage active="review">{(project) => <TaskReview project={project} />}</ProjectPage>;
}
