// One trace: the observation tree with its timeline on the left, the
// selected trace or observation on the right. `?observation=<id>` selects
// an observation and expands its ancestors, so any observation has a link.
// Scores and observations that ingestion publishes for this trace refetch
// it. NOTE: scores that annotations on a labeling task derive are not
// published on the hub, so they show when the trace loads again or the
// window regains focus.
import { useMemo, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchTrace } from "../api/traces";
import { useLiveTopics } from "../hooks/use-live-topic";
import { ancestorIds, buildObservationTree } from "../lib/observation-tree";
import { timelineScale } from "../lib/timeline";
import { CommentsSection } from "./comments-section";
import { NodeDetail } from "./node-detail";
import { ObservationWaterfall } from "./observation-waterfall";
import { ScoreForm } from "./score-form";
import { SendToLabelingDialog } from "./send-to-labeling-dialog";

export function TraceDetailPage() {
  return (
    <ProjectPage active="traces" className="page trace-page">
      {(project) => <TraceView project={project} />}
    </ProjectPage>
  );
}

function traceKey(projectId: number, traceId: string) {
  return ["trace", projectId, traceId] as const;
}

function TraceView({ project }: { project: Project }) {
  const projectId = project.id;
  const traceId = useParams().traceId ?? "";
  const [params, setParams] = useSearchParams();
  const selectedId = params.get("observation");
  const queryClient = useQueryClient();
  // Refetching on focus brings in annotation scores made in another tab.
  const trace = useQuery({
    queryKey: traceKey(projectId, traceId),
    queryFn: ({ signal }) => fetchTrace(projectId, traceId, signal),
    refetchOnWindowFocus: true,
  });
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [scoring, setScoring] = useState(false);
  const [sending, setSending] = useState(false);

  const refetch = () => void queryClient.invalidateQueries({ queryKey: traceKey(projectId, traceId) });
  useLiveTopics(
    [`project:${projectId}:scores`, `project:${projectId}:observations`],
    true,
    (_topic, data) => {
      // Events carry a summary with the trace id; other traces' events are
      // ignored.
      const record = data as { score?: { traceId?: string }; observation?: { traceId?: string } } | null;
      if (record?.score?.traceId === traceId || record?.observation?.traceId === traceId) refetch();
    },
    refetch,
  );

  const observations = trace.data?.observations ?? [];
  const roots = useMemo(() => buildObservationTree(observations), [observations]);
  const scale = useMemo(
    () => (trace.data ? timelineScale(trace.data.timestamp, observations) : { startMs: 0, durationMs: 1 }),
    [trace.data, observations],
  );

  if (trace.isPending) return <Loading what="the trace" />;
  if (trace.error) return <ErrorState message={describeError(trace.error, "load the trace")} onRetry={() => trace.refetch()} />;

  const data = trace.data;
  const observation = observations.find((item) => item.id === selectedId) ?? null;
  // A deep link into a collapsed branch shows it: the selected
  // observation's ancestors stay open.
  const openPath = new Set(observation ? ancestorIds(observations, observation.id) : []);
  const shownCollapsed = new Set([...collapsed].filter((id) => !openPath.has(id)));
  const scores = data.scores.filter((score) =>
    observation ? score.observationId === observation.id : !score.observationId,
  );

  const select = (id: string | null) => setParams(id ? { observation: id } : {}, { replace: true });
  const toggle = (id: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const subjectLabel = observation ? `observation ${observation.name ?? observation.id}` : `trace ${data.name ?? data.id}`;

  return (
    <>
      <nav className="tracing-breadcrumbs" aria-label="Breadcrumb">
        <Link to={`/projects/${projectId}/traces`}>Traces</Link> / <span>{data.name ?? data.id}</span>
        {selectedId && !observation && <span className="form-error"> · Observation {selectedId} is not part of this trace.</span>}
      </nav>
      <div className="trace-split">
        <ObservationWaterfall
          trace={data}
          roots={roots}
          scale={scale}
          selectedId={observation?.id ?? null}
          collapsed={shownCollapsed}
          onSelect={select}
          onToggle={toggle}
        />
        <NodeDetail
          projectId={projectId}
          trace={data}
          observation={observation}
          scores={scores}
          comments={
            <CommentsSection
              key={observation ? `o:${observation.id}` : "trace"}
              projectId={projectId}
              objectType={observation ? "OBSERVATION" : "TRACE"}
              objectId={observation?.id ?? data.id}
            />
          }
          actions={
            <>
              <button type="button" onClick={() => setScoring(true)}>
                Add score
              </button>
              <button type="button" onClick={() => setSending(true)}>
                Send to labeling
              </button>
            </>
          }
        />
      </div>
      <Dialog title={`Score ${subjectLabel}`} open={scoring} onClose={() => setScoring(false)}>
        <ScoreForm
          projectId={projectId}
          traceId={data.id}
          observationId={observation?.id}
          onSaved={() => {
            setScoring(false);
            refetch();
          }}
        />
      </Dialog>
      <SendToLabelingDialog
        open={sending}
        onClose={() => setSending(false)}
        traceProjectId={projectId}
        description={`the ${subjectLabel}`}
        resolveRefs={async () =>
          observation
            ? { traceIds: [], observations: [{ traceId: data.id, observationId: observation.id }] }
            : { traceIds: [data.id], observations: [] }
        }
      />
    </>
  );
}
