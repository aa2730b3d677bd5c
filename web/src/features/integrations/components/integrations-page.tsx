// A project's integrations: ML backends, cloud storage (the storage
// feature's section), webhooks, and the agreement and annotator statistics
// of its labeling work.
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { StorageSection } from "../../storage/components/storage-section";
import { AgreementSection } from "./agreement-section";
import { MlBackendsSection } from "./ml-backends-section";
import { WebhooksSection } from "./webhooks-section";

export function IntegrationsPage() {
  return <ProjectPage active="integrations">{(project) => <Integrations project={project} />}</ProjectPage>;
}

function Integrations({ project }: { project: Project }) {
  return (
    <div className="stack integrations">
      <MlBackendsSection project={project} />
      <StorageSection projectId={project.id} />
      <WebhooksSection project={project} />
      <AgreementSection project={project} />
    </div>
  );
}
