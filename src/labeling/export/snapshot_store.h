// Export snapshots (the export_snapshots table): a project's JSON export
// saved as a file by a labeling.export job and downloaded later in any
// format. See the 0008_export_snapshots migration for the columns.
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Read or Write.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "labeling/export/export_store.h"
#include "store/database.h"

namespace tally::labeling::exporting {

struct Snapshot {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string title;
  std::optional<int64_t> created_by;
  std::string status = "created";  // created, in_progress, completed, failed
  ExportSelection selection;
  std::optional<int64_t> job_id;
  int64_t task_count = 0;
  int64_t file_bytes = 0;
  std::string md5;  // hex md5 of the completed file; empty before
  std::optional<std::string> error;  // client-safe message of a failed run
  Micros created_at = 0;
  std::optional<Micros> finished_at;
};

// Inserts a snapshot in status "created" and returns it with its id.
[[nodiscard]] Result<Snapshot> InsertSnapshot(store::Connection& connection, Snapshot snapshot);
// The snapshot, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Snapshot>> FindSnapshot(store::Connection& connection, int64_t snapshot_id);
// The project's newest 100 snapshots, newest first.
[[nodiscard]] Result<std::vector<Snapshot>> ListSnapshots(store::Connection& connection, int64_t project_id);
[[nodiscard]] Result<void> SetSnapshotJob(store::Connection& connection, int64_t snapshot_id, int64_t job_id);
// Records a status change; finished_at is set for completed and failed.
[[nodiscard]] Result<void> SetSnapshotStatus(store::Connection& connection, int64_t snapshot_id,
                                             std::string_view status, int64_t task_count, int64_t file_bytes,
                                             const std::optional<std::string>& error, std::string_view md5 = {});
// Returns false when there was no such snapshot.
[[nodiscard]] Result<bool> DeleteSnapshot(store::Connection& connection, int64_t snapshot_id);

// The selection as stored, and back.
boost::json::object SelectionJson(const ExportSelection& selection);
ExportSelection SelectionFromJson(const boost::json::value& json, int64_t project_id);

}  // namespace tally::labeling::exporting
