// One import request from body to committed tasks, shared by the import
// route (run inside the request) and the import job (run by a worker).
//
// RunImport parses the body (a JSON list or object, or multipart/form-data
// with task files and media), stores uploaded files under
// <data dir>/upload/<project id>/, and feeds every item to a TaskImporter in
// one write transaction. Files written for an import that fails are removed
// again.
//
// Thread-safety: reentrant; each call uses its own transaction.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "labeling/import/task_importer.h"
#include "store/database.h"

namespace tally::labeling {

struct ImportRequest {
  int64_t project_id = 0;
  http::Principal principal;  // must be a manager of the project
  std::string_view body;
  // When set, a JSON body goes on in this stream after `body` (the bytes
  // read ahead of it), and the import reads it while the client sends it.
  http::BodyStream* body_stream = nullptr;
  std::string content_type;
  bool return_task_ids = false;
  // Data fields to turn into predictions (?preannotated_from_fields).
  std::vector<std::string> preannotated_fields;
  // Set when a job runs the import. The job id is recorded with the import,
  // so a job that runs again after a crash returns the first run's outcome
  // instead of importing twice.
  std::optional<int64_t> job_id;
  // Called now and then with the bytes of `body` read so far; may be empty.
  std::function<void(size_t done, size_t total)> on_progress;
};

struct ImportOutcome {
  ImportSummary summary;
  std::vector<int64_t> file_upload_ids;
  std::map<std::string, int64_t> found_formats;  // extension → files
  bool could_be_tasks_list = false;              // a CSV, TSV or TXT file was uploaded
};

// Runs the import. Fails with invalid_argument for a body that cannot be read
// or items that fail their checks (nothing is written), not_found or
// forbidden from the access check, and store errors unchanged.
[[nodiscard]] Result<ImportOutcome> RunImport(store::Database& database, const std::filesystem::path& data_dir,
                                              const ImportRequest& request);

// Label Studio's import response: task_count, annotation_count,
// prediction_count, duration (seconds), file_upload_ids, could_be_tasks_list,
// found_formats, data_columns, and task_ids when requested.
boost::json::object ImportResponseJson(const ImportOutcome& outcome, double duration, bool return_task_ids);

// The stored file name for an upload: the last path component with every
// character outside [A-Za-z0-9._-] replaced by '_', safe in a URL and a path.
std::string SafeFileName(const std::string& filename);

// The file name's extension in lower case, with its dot: ".csv".
std::string LowerExtension(const std::string& filename);

}  // namespace tally::labeling
