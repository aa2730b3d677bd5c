// Parsing of export requests shared by the HTTP routes and the CLI: query
// parameters into an ExportSelection, the project's schema, file names.
//
// Thread-safety: reentrant functions.
#pragma once

#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/message.h"
#include "labeling/export/export_store.h"
#include "labeling/export/schema.h"
#include "labeling/export/writer.h"
#include "labeling/project_store.h"

namespace tally::labeling::exporting {

// A boolean query value as Label Studio reads it: true/1/yes or
// false/0/no, any case. invalid_argument naming `name` otherwise.
[[nodiscard]] Result<std::optional<bool>> QueryBool(const http::Request& request, std::string_view name);

struct ExportRequest {
  std::string format = "JSON";
  ExportSelection selection;
  bool download_resources = true;
};

// Reads exportType (or export_type), download_all_tasks, download_resources,
// ids[] (or ids), and the annotation filter usual, ground_truth, skipped.
[[nodiscard]] Result<ExportRequest> ParseExportQuery(const http::Request& request, int64_t project_id);

// The project's config as an export schema.
[[nodiscard]] Result<ExportSchema> ProjectExportSchema(const Project& project);

// Fails with invalid_argument naming exportType when the config does not
// allow `format` (see FormatAvailable).
[[nodiscard]] Result<const FormatInfo*> CheckFormat(std::string_view format, const ExportSchema& schema);

// "project-<id>-at-<YYYY-MM-DD-HH-MM>-<8 hex>.<ext>" in local time, with
// ext "zip" for an archive and the format's own extension otherwise. The hex
// part names this request (project, format, selection, time).
std::string ExportFileName(int64_t project_id, const FormatInfo& format, const ExportSelection& selection,
                           std::time_t now, bool archive);

// The Content-Type of an export file.
std::string ExportContentType(const FormatInfo& format, bool archive);

// Maps the path of a task's local files reference ("/data/local-files/?d=<path>",
// <path> percent-decoded) to the file an export of `project_id` may read.
// The server's resolver applies the checks of GET /data/local-files (under
// TALLY_LOCAL_FILES_ROOT, no symlink out). It also requires the file to lie
// in one of the project's local files storages, and fails otherwise.
using LocalFileResolver =
    std::function<Result<std::filesystem::path>(int64_t project_id, const std::string& relative_path)>;

// The media reader of an export request: ProjectMediaReader when
// `download_resources` is on or the format always carries media
// (*_WITH_IMAGES), none otherwise.
std::function<std::optional<std::string>(const std::string&)> ExportMediaReader(
    const FormatInfo& format, bool download_resources, std::filesystem::path data_dir, int64_t project_id,
    LocalFileResolver resolve_local_file = {});

// Largest media file an export puts into its archive, the same limit GET
// /data/local-files applies. Larger files are left out and logged.
// NOTE: each file up to this size is still read whole into memory before
// it is compressed into the archive.
inline constexpr uintmax_t kMaxExportMediaBytes = 64 * 1024 * 1024;

// Reads the media of the project's tasks for WriterOptions::read_media:
// files uploaded to the project (references "/data/upload/<project id>/<file
// name>", stored under <data dir>/upload/<project id>/), and local files
// that `resolve_local_file` allows. Other references, such as URLs of other
// hosts or cloud storage, give nullopt, and so does a local file when
// `resolve_local_file` is empty.
// NOTE: media on other hosts and in cloud storage is not fetched.
std::function<std::optional<std::string>(const std::string&)> ProjectMediaReader(
    std::filesystem::path data_dir, int64_t project_id, LocalFileResolver resolve_local_file = {});

// COCO's info dates: "YYYY-MM-DD HH:MM:SS.ffffff" and the year, local time.
WriterOptions WriterOptionsAt(std::time_t now);

}  // namespace tally::labeling::exporting
