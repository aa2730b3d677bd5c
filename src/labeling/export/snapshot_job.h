// Export snapshot jobs (kind kExportJobKind): a worker writes the
// snapshot's JSON export to <data dir>/exports/<project id>/<id>.json
// through a temporary file, reporting progress by tasks written, and
// records the outcome on the snapshot row. A run repeated after a crash
// writes the file again from the start.
//
// Thread-safety: register the handler before the pool starts.
#pragma once

#include <filesystem>
#include <string_view>

#include "jobs/worker_pool.h"
#include "store/database.h"

namespace tally::labeling::exporting {

inline constexpr std::string_view kExportJobKind = "labeling.export";

// The file of a completed snapshot.
std::filesystem::path SnapshotPath(const std::filesystem::path& data_dir, int64_t project_id, int64_t snapshot_id);

void RegisterExportJob(jobs::WorkerPool& pool, store::Database& database, std::filesystem::path data_dir);

}  // namespace tally::labeling::exporting
