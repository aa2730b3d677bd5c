// Imports run as background jobs, for bodies too large to import within
// one request's time.
//
// The request's body is saved under <data dir>/imports/ and a job of kind
// kImportJobKind names the file. A worker runs RunImport on it with the
// job's id, so a run repeated after a crash returns the first run's outcome
// (import_runs). The job reports progress by bytes read and stores Label
// Studio's import response as its result. The saved body is removed once
// the job succeeds or fails for good.
//
// Thread-safety: EnqueueImportJob is reentrant; register the handler before
// the pool starts.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.h"
#include "jobs/worker_pool.h"
#include "labeling/import/import_run.h"
#include "store/database.h"

namespace tally::labeling {

inline constexpr std::string_view kImportJobKind = "labeling.import";

// Saves the body and enqueues the job after checking that the caller may
// import into the project. When `body_file` names the file already holding
// the body (a spooled upload on the same file system), that file is moved
// into place instead of writing the body again. Returns the job id. Fails with not_found or
// forbidden from the access check, and internal when the body cannot be
// saved (nothing is enqueued then).
[[nodiscard]] Result<int64_t> EnqueueImportJob(store::Database& database, const std::filesystem::path& data_dir,
                                               const ImportRequest& request,
                                               const std::string& body_file = {});

// Registers the import job handler on `pool`.
void RegisterImportJob(jobs::WorkerPool& pool, store::Database& database, std::filesystem::path data_dir);

}  // namespace tally::labeling
