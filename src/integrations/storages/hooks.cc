// Wires labeling's storage hooks to the StorageService.
#include "integrations/routes.h"
#include "labeling/storage_hooks.h"

namespace tally::integrations {

void InstallStorageHooks(storages::StorageService& service) {
  labeling::StorageHooks hooks;
  hooks.annotation_written = [](store::Connection& connection, const labeling::Project& project,
                                int64_t annotation_id, bool deleted) {
    return storages::StorageService::EnqueueAnnotationExport(connection, project, annotation_id, deleted);
  };
  hooks.exports_deletions = [](store::Connection& connection, const labeling::Project& project) -> Result<bool> {
    TALLY_ASSIGN_OR_RETURN(targets, storages::ListStorages(connection, project.id, storages::kExportRole));
    for (const auto& storage : targets) {
      if (storage.settings.Flag("can_delete_objects", false)) return true;
    }
    return false;
  };
  hooks.resolve_task_data = [&service](store::Connection& connection, int64_t project_id, int64_t task_id,
                                       boost::json::object& data) {
    return service.ResolveTaskData(connection, project_id, task_id, data);
  };
  labeling::SetStorageHooks(std::move(hooks));
}

}  // namespace tally::integrations
