// The `tally export` and `tally import` commands: the same export and import
// paths as the HTTP routes, run against the database directly, for projects
// too large to move over HTTP comfortably.
//
// Progress goes to `progress`: a redrawn bar when it is a terminal, plain
// "export: N/M tasks" lines otherwise (logs, CI).
//
// Thread-safety: run from the main thread of the CLI.
#pragma once

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "labeling/export/export_options.h"
#include "store/database.h"

namespace tally::labeling::exporting {

struct ExportCommand {
  int64_t project_id = 0;
  std::string format = "JSON";
  std::filesystem::path out;
  bool all_tasks = false;  // also tasks without annotations
  // Put media into archive formats (Label Studio's download_resources):
  // uploads, read under data_dir/upload/, and the local files that
  // resolve_local_file allows (none when it is empty).
  bool download_resources = true;
  std::filesystem::path data_dir;
  LocalFileResolver resolve_local_file;
};

// Writes the export to `out` (through a temporary file renamed at the end,
// so a failed export leaves no partial file). Returns the exit code: 0, or
// 1 after printing the error to `errors`.
int RunExportCommand(store::Database& database, const ExportCommand& command, std::FILE* progress,
                     std::ostream& errors);

// Imports task files (JSON, CSV, TSV, TXT) into a project as its creator
// would through the API, all or nothing. Returns the exit code.
int RunImportCommand(store::Database& database, const std::filesystem::path& data_dir, int64_t project_id,
                     const std::vector<std::filesystem::path>& files, std::FILE* progress, std::ostream& output,
                     std::ostream& errors);

}  // namespace tally::labeling::exporting
