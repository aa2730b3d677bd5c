// One session replayed as a conversation: its traces in time order, each
// as the input it received and the output it gave, with a link to the
// trace for the details.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchSession, type Trace } from "../api/traces";
import { parseChat } from "../lib/chat";
import { formatCost, formatDuration } from "../lib/timeline";
import { ChatView, IoView } from "./io-view";

export function SessionPage() {
  return (
    <ProjectPage active="sessions" className="page session-page">
      {(project) => <SessionView project={project} />}
    </ProjectPage>
  );
}

// The input of a turn: for a chat, only the messages after the last
// assistant reply, since earlier turns already showed the history.
function newMessages(input: unknown) {
  const chat = parseChat(input);
  if (!chat) return null;
  const lastAssistant = chat.map((message) => message.role).lastIndexOf("assistant");
  return chat.slice(lastAssistant + 1);
}

function Turn({ projectId, trace, index }: { projectId: number; trace: Trace; index: number }) {
  const inputMessages = newMessages(trace.input);
  const outputMessages = parseChat(trace.output);
  return (
    <li className="session-turn" data-trace-id={trace.id}>
      <header className="session-turn-header">
        <span className="muted">#{index + 1}</span>{" "}
        <Link to={`/projects/${projectId}/traces/${encodeURIComponent(trace.id)}`}>{trace.name ?? trace.id}</Link>{" "}
        <span className="muted">
          {new Date(trace.timestamp).toLocaleString()} · {formatDuration((trace.latency ?? 0) * 1000)} ·{" "}
          {formatCost(trace.totalCost)}
        </span>
      </header>
      <div className="session-turn-body">
        <div className="session-input">
          {inputMessages && inputMessages.length > 0 ? <ChatView messages={inputMessages} /> : <IoView label="Input" value={trace.input} />}
        </div>
        <div className="session-output">
          {outputMessages ? <ChatView messages={outputMessages} /> : <IoView label="Output" value={trace.output} />}
        </div>
      </div>
    </li>
  );
}

function SessionView({ project }: { project: Project }) {
  const sessionId = useParams().sessionId ?? "";
  const session = useQuery({ queryKey: ["session", project.id, sessionId], queryFn: () => fetchSession(project.id, sessionId) });
  if (session.isPending) return <Loading what="the session" />;
  if (session.error) {
    return <ErrorState message={describeError(session.error, "load the session")} onRetry={() => session.refetch()} />;
  }
  const traces = [...session.data.traces].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return (
    <>
      <nav className="tracing-breadcrumbs" aria-label="Breadcrumb">
        <Link to={`/projects/${project.id}/sessions`}>Sessions</Link> / <span>{sessionId}</span>
      </nav>
      {traces.length === 0 ? (
        <Empty>This session has no traces.</Empty>
      ) : (
        <ol className="session-turns" aria-label="Conversation">
          {traces.map((trace, index) => (
            <Turn key={trace.id} projectId={project.id} trace={trace} index={index} />
          ))}
        </ol>
      )}
    </>
  );
}
