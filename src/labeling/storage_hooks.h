// Calls from labeling into storages, which live in src/integrations and
// depend on labeling, so labeling reaches them through hooks set at start-up
// (as with ml_hooks.h). Without hooks every call here does nothing.
//
// Thread-safety: SetStorageHooks runs once while the process is wired,
// before any request or job; afterwards the hooks are only read.
#pragma once

#include <boost/json.hpp>

#include <functional>

#include "core/result.h"
#include "labeling/project_store.h"

namespace tally::labeling {

struct StorageHooks {
  // Queues the export of an annotation that was created or updated
  // (`deleted` false) or deleted to the project's target storages, inside
  // the caller's write transaction.
  std::function<Result<void>(Connection& connection, const Project& project, int64_t annotation_id, bool deleted)>
      annotation_written;

  // Whether deleting an annotation of the project must reach
  // annotation_written, because a target storage deletes its objects.
  std::function<Result<bool>(Connection& connection, const Project& project)> exports_deletions;

  // Rewrites cloud URIs in a task's data for a reader (presigned or proxy URLs).
  std::function<Result<void>(Connection& connection, int64_t project_id, int64_t task_id, boost::json::object& data)>
      resolve_task_data;
};

void SetStorageHooks(StorageHooks hooks);

// Calls annotation_written when set.
[[nodiscard]] Result<void> NotifyAnnotationWritten(Connection& connection, const Project& project,
                                                   int64_t annotation_id, bool deleted);

// Calls exports_deletions when set; false otherwise.
[[nodiscard]] Result<bool> AnnotationDeletionsExported(Connection& connection, const Project& project);

// Calls resolve_task_data on body["data"] of a rendered task when set.
[[nodiscard]] Result<void> ResolveTaskUris(Connection& connection, int64_t project_id, int64_t task_id,
                                           boost::json::object& rendered_task);

}  // namespace tally::labeling
