// Evaluators of a project: LLM connections, the judge rules that score new
// traces, and the form that creates a rule with a dry run. Built-in
// evaluators for dataset runs sit on each dataset's Runs view.
import { useQuery } from "@tanstack/react-query";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchLlmConnections } from "../api/evaluators";
import { ConnectionsSection } from "./connections-section";
import { RuleEditor } from "./rule-editor";
import { RulesSection } from "./rules-section";

function Evaluators({ projectId }: { projectId: number }) {
  const connections = useQuery({ queryKey: ["llm-connections", projectId], queryFn: () => fetchLlmConnections(projectId) });
  const list = connections.data ?? [];
  return (
    <div className="stack">
      <RulesSection projectId={projectId} connections={list} />
      <RuleEditor projectId={projectId} connections={list} />
      <ConnectionsSection projectId={projectId} connections={connections} />
    </div>
  );
}

export function EvaluatorsPage() {
  return <ProjectPage active="evaluators">{(project) => <Evaluators projectId={project.id} />}</ProjectPage>;
}
