#include "labeling/storage_hooks.h"

namespace tally::labeling {

namespace {

StorageHooks& Hooks() {
  static StorageHooks hooks;
  return hooks;
}

}  // namespace

void SetStorageHooks(StorageHooks hooks) { Hooks() = std::move(hooks); }

Result<void> NotifyAnnotationWritten(Connection& connection, const Project& project, int64_t annotation_id,
                                     bool deleted) {
  if (!Hooks().annotation_written) return Ok();
  return Hooks().annotation_written(connection, project, annotation_id, deleted);
}

Result<bool> AnnotationDeletionsExported(Connection& connection, const Project& project) {
  if (!Hooks().exports_deletions) return false;
  return Hooks().exports_deletions(connection, project);
}

Result<void> ResolveTaskUris(Connection& connection, int64_t project_id, int64_t task_id,
                             boost::json::object& rendered_task) {
  if (!Hooks().resolve_task_data) return Ok();
  boost::json::value* data = rendered_task.if_contains("data");
  if (!data || !data->is_object()) return Ok();
  return Hooks().resolve_task_data(connection, project_id, task_id, data->as_object());
}

}  // namespace tally::labeling
