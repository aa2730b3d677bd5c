// HTTP routes of the labeling subsystem, in Label Studio's shapes:
//   /api/projects…, /api/projects/validate, …/{id}/validate   (project_routes.cc)
//   /api/tasks…, /api/projects/{id}/tasks                      (task_routes.cc)
//   /api/tasks/{id}/annotations, /api/annotations/{id}…        (annotation_routes.cc)
//   /api/annotations/{id}/history                              (annotation_routes.cc)
//   /api/predictions…, /api/projects/{id}/import/predictions   (prediction_routes.cc)
//   /api/tasks/{id}/drafts, …/annotations/{id}/drafts, /api/drafts/{id} (draft_routes.cc)
//   /api/projects/{id}/import, …/imports/{id}, /data/upload/…  (import_routes.cc)
//   /api/projects/{id}/workflow, /api/tasks/{id}/transitions,
//   /api/annotation-reviews                                    (lifecycle_routes.cc)
//   /api/projects/{id}/next                                    (next_task/next_task_routes.cc)
//   /api/dm/views…                                             (datamanager/view_routes.cc)
//   /api/dm/actions                                            (datamanager/action_routes.cc)
//   /api/projects/{id}/export…, …/exports…                     (export/export_routes.cc)
//
// Roles: any member (annotator and up) reads projects and tasks and writes
// their own annotations and drafts. Managers and up also create, configure,
// import into and delete projects, change or delete tasks, and write
// predictions. Projects of other organizations return 404.
#pragma once

#include <filesystem>
#include <functional>

#include "http/router.h"
#include "integrations/outbound/client.h"
#include "jobs/worker_pool.h"
#include "labeling/export/export_options.h"
#include "labeling/export/snapshot_job.h"
#include "labeling/import/import_job.h"
#include "store/database.h"

namespace tally::labeling {

struct LabelingContext {
  store::Database& database;
  // Root of uploaded media: files go to <data_dir>/upload/<project id>/.
  std::filesystem::path data_dir;
  // Client for imports by URL. Without it those imports return 503.
  const integrations::OutboundClient* outbound = nullptr;
  // Finds the local files that exports may put in their archives. Empty:
  // exports leave local files out.
  exporting::LocalFileResolver resolve_local_file;
  // Drops this process's cached credentials, so a deleted project's key
  // pairs stop working at once. Empty: they work until the cache expires.
  std::function<void()> forget_credentials;
};

void AddProjectRoutes(http::Router& router, LabelingContext& context);
void AddTaskRoutes(http::Router& router, LabelingContext& context);
void AddAnnotationRoutes(http::Router& router, LabelingContext& context);
void AddPredictionRoutes(http::Router& router, LabelingContext& context);
void AddDraftRoutes(http::Router& router, LabelingContext& context);
void AddImportRoutes(http::Router& router, LabelingContext& context);
void AddLifecycleRoutes(http::Router& router, LabelingContext& context);
void AddNextTaskRoutes(http::Router& router, LabelingContext& context);
void AddDataManagerViewRoutes(http::Router& router, LabelingContext& context);
void AddDataManagerActionRoutes(http::Router& router, LabelingContext& context);
void AddExportRoutes(http::Router& router, LabelingContext& context);
void AddTraceTaskRoutes(http::Router& router, LabelingContext& context);

// Registers every labeling route. Handlers keep references to `database`
// only, so the context need not outlive this call.
inline void AddLabelingRoutes(http::Router& router, store::Database& database, std::filesystem::path data_dir,
                              const integrations::OutboundClient* outbound = nullptr,
                              exporting::LocalFileResolver resolve_local_file = {},
                              std::function<void()> forget_credentials = {}) {
  LabelingContext context{database, std::move(data_dir), outbound, std::move(resolve_local_file),
                          std::move(forget_credentials)};
  AddProjectRoutes(router, context);
  AddTaskRoutes(router, context);
  AddAnnotationRoutes(router, context);
  AddPredictionRoutes(router, context);
  AddDraftRoutes(router, context);
  AddImportRoutes(router, context);
  AddLifecycleRoutes(router, context);
  AddNextTaskRoutes(router, context);
  AddDataManagerViewRoutes(router, context);
  AddDataManagerActionRoutes(router, context);
  AddExportRoutes(router, context);
  AddTraceTaskRoutes(router, context);
}

// Registers the labeling job handlers (imports started with ?async=true,
// export snapshots).
// Call it in every process that runs job workers, before the pool starts.
inline void RegisterLabelingJobs(jobs::WorkerPool& pool, store::Database& database, std::filesystem::path data_dir) {
  RegisterImportJob(pool, database, data_dir);
  exporting::RegisterExportJob(pool, database, std::move(data_dir));
}

}  // namespace tally::labeling
