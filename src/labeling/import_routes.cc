// Import: POST /api/projects/{id}/import with a JSON body or uploaded files,
// and GET /data/upload/… to serve uploaded media.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/crypto.h"
#include "core/log.h"
#include "labeling/config/data_keys.h"
#include "labeling/import/delimited.h"
#include "labeling/import/json_items.h"
#include "labeling/import/multipart.h"
#include "labeling/import/task_importer.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;
using http::Auth;
using http::Request;
using http::Response;

namespace {

// Label Studio's DATA_UPLOAD_MAX_MEMORY_SIZE default. TALLY_IMPORT_MAX_BYTES
// overrides it.
constexpr size_t kDefaultImportBodyLimit = size_t{250} << 20;

enum class FileKind { kJson, kJsonLines, kCsv, kTsv, kText, kHyperText, kMedia };

// Extensions Label Studio's SUPPORTED_EXTENSIONS allows, plus .jsonl.
std::optional<FileKind> KindOfExtension(const std::string& extension) {
  static const std::map<std::string, FileKind> kinds = {
      {".json", FileKind::kJson},       {".jsonl", FileKind::kJsonLines}, {".csv", FileKind::kCsv},
      {".tsv", FileKind::kTsv},         {".txt", FileKind::kText},        {".html", FileKind::kHyperText},
      {".htm", FileKind::kHyperText},   {".xml", FileKind::kHyperText},   {".bmp", FileKind::kMedia},
      {".flac", FileKind::kMedia},      {".gif", FileKind::kMedia},       {".jpg", FileKind::kMedia},
      {".jpeg", FileKind::kMedia},      {".m4a", FileKind::kMedia},       {".mp3", FileKind::kMedia},
      {".ogg", FileKind::kMedia},       {".png", FileKind::kMedia},       {".svg", FileKind::kMedia},
      {".wav", FileKind::kMedia},       {".mp4", FileKind::kMedia},       {".webm", FileKind::kMedia},
      {".webp", FileKind::kMedia},
  };
  auto it = kinds.find(extension);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

std::string ContentTypeOf(const std::string& extension) {
  static const std::map<std::string, std::string> types = {
      {".json", "application/json"}, {".jsonl", "application/jsonl"}, {".csv", "text/csv"},
      {".tsv", "text/tab-separated-values"}, {".txt", "text/plain; charset=utf-8"},
      {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"}, {".xml", "application/xml"},
      {".bmp", "image/bmp"}, {".flac", "audio/flac"}, {".gif", "image/gif"}, {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"}, {".m4a", "audio/mp4"}, {".mp3", "audio/mpeg"}, {".ogg", "audio/ogg"},
      {".png", "image/png"}, {".svg", "image/svg+xml"}, {".wav", "audio/wav"}, {".mp4", "video/mp4"},
      {".webm", "video/webm"}, {".webp", "image/webp"},
  };
  auto it = types.find(extension);
  return it == types.end() ? "application/octet-stream" : it->second;
}

std::string LowerExtension(const std::string& filename) {
  std::string extension = fs::path(filename).extension().string();
  for (char& ch : extension) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return extension;
}

// The file name as stored: the last path component with every character
// outside [A-Za-z0-9._-] replaced by '_', so it is safe in a URL and a path.
std::string SafeFileName(const std::string& filename) {
  std::string name = fs::path(filename).filename().string();
  for (char& ch : name) {
    const bool safe = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
    if (!safe) ch = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "file";
  return name;
}

struct UploadedFile {
  std::string filename;
  std::string extension;
  FileKind kind;
  std::string_view content;
};

// Files written during an import, removed again unless the import commits.
class WrittenFiles {
 public:
  ~WrittenFiles() {
    if (committed_) return;
    for (const fs::path& path : paths_) {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
  }
  void Add(fs::path path) { paths_.push_back(std::move(path)); }
  void Commit() { committed_ = true; }

 private:
  std::vector<fs::path> paths_;
  bool committed_ = false;
};

// Stores an uploaded file under <data_dir>/upload/<project>/ as
// "<8 hex>-<name>" and records it in file_uploads. Returns the upload id and
// the URL path that serves it.
Result<std::pair<int64_t, std::string>> StoreUpload(Connection& c, const fs::path& data_dir, int64_t project_id,
                                                    int64_t user_id, const UploadedFile& file, WrittenFiles& written) {
  const std::string relative =
      fmt::format("upload/{}/{}-{}", project_id, RandomHex(4), SafeFileName(file.filename));
  const fs::path path = data_dir / relative;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Error::Internal(fmt::format("cannot create upload directory: {}", ec.message()));

  std::ofstream out(path, std::ios::binary);
  out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
  out.close();
  if (!out) return Error::Internal(fmt::format("cannot write uploaded file {}", path.string()));
  written.Add(path);

  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("INSERT INTO file_uploads (project_id, user_id, file, created_at)"
                                         " VALUES (?, ?, ?, ?) RETURNING id",
                                         {project_id, user_id, relative, NowMicros()}));
  return std::make_pair(row->Int(0), "/data/" + relative);
}

// Feeds one uploaded file's tasks to the importer.
Result<void> ImportFile(TaskImporter& importer, const UploadedFile& file, int64_t upload_id,
                        const std::string& media_url) {
  const std::string field = "file." + file.filename;
  switch (file.kind) {
    case FileKind::kJson:
    case FileKind::kJsonLines: {
      auto on_item = [&](bj::value& item) { return importer.AddItem(item, upload_id); };
      auto read = file.kind == FileKind::kJson ? ForEachJsonItem(file.content, on_item)
                                               : ForEachJsonLine(file.content, on_item);
      if (!read) {
        if (!read.error().Is(Errc::kInvalidArgument)) return read.error();
        importer.AddRequestError(field, fmt::format("{}: {}", file.filename, read.error().message));
      }
      return Ok();
    }
    case FileKind::kCsv:
    case FileKind::kTsv: {
      const char separator = file.kind == FileKind::kTsv ? '\t' : DetectCsvSeparator(file.content);
      std::vector<std::string> header;
      auto read = ForEachDelimitedRecord(file.content, separator, [&](std::vector<std::string>& cells,
                                                                      size_t line) -> Result<void> {
        if (header.empty()) {
          header = std::move(cells);
          return Ok();
        }
        if (cells.size() > header.size()) {
          importer.AddRequestError(field, fmt::format("{}: line {} has {} cells but the header has {}",
                                                      file.filename, line, cells.size(), header.size()));
          return Ok();
        }
        bj::object data;
        for (size_t i = 0; i < header.size(); ++i) data[header[i]] = i < cells.size() ? cells[i] : std::string();
        return importer.AddData(std::move(data), upload_id);
      });
      if (!read) {
        if (!read.error().Is(Errc::kInvalidArgument)) return read.error();
        importer.AddRequestError(field, fmt::format("{}: {}", file.filename, read.error().message));
      }
      return Ok();
    }
    case FileKind::kText:
      return ForEachTextLine(file.content, [&](std::string_view line) {
        return importer.AddData(bj::object{{kUndefinedDataKey, line}}, upload_id);
      });
    case FileKind::kHyperText:
      return importer.AddData(bj::object{{kUndefinedDataKey, file.content}}, upload_id);
    case FileKind::kMedia:
      return importer.AddData(bj::object{{kUndefinedDataKey, media_url}}, upload_id);
  }
  return Ok();
}

// Reads the files of a multipart body and checks what can be checked before
// the transaction: extensions, text encodings, and that raw files go to a
// config with one data key.
Result<std::vector<UploadedFile>> ReadUploadedFiles(const std::vector<MultipartPart>& parts,
                                                    const LabelConfig& config) {
  std::vector<UploadedFile> files;
  for (const MultipartPart& part : parts) {
    if (part.filename.empty()) continue;
    UploadedFile file;
    file.filename = part.filename;
    file.extension = LowerExtension(part.filename);
    auto kind = KindOfExtension(file.extension);
    if (!kind) {
      return Error::InvalidField("file", fmt::format("{} extension is not supported",
                                                     file.extension.empty() ? part.filename : file.extension));
    }
    file.kind = *kind;
    file.content = part.content;
    if (file.kind != FileKind::kMedia && !IsValidUtf8(file.content)) {
      return Error::InvalidField("file", fmt::format("{} is not valid UTF-8 text", part.filename));
    }
    const bool single_value = file.kind == FileKind::kMedia || file.kind == FileKind::kText ||
                              file.kind == FileKind::kHyperText;
    if (single_value && InferDataTypes(config).size() > 1) {
      return Error::InvalidField(
          "file", "Your label config has more than one data key and direct file upload supports only one data key. "
                  "To import data with multiple data keys, use a JSON or CSV file.");
    }
    files.push_back(file);
  }
  if (files.empty()) return Error::InvalidField("file", "No files were uploaded.");
  return files;
}

size_t ImportBodyLimit() {
  if (const char* text = std::getenv("TALLY_IMPORT_MAX_BYTES")) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end && *end == '\0' && value > 0) return static_cast<size_t>(value);
  }
  return kDefaultImportBodyLimit;
}

}  // namespace

void AddImportRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;
  const fs::path data_dir = context.data_dir;
  const size_t body_limit = ImportBodyLimit();

  auto import_handler = [&db, data_dir](Request& request) -> Result<Response> {
    const auto started = std::chrono::steady_clock::now();
    TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
    const bool return_task_ids = QueryFlag(request, "return_task_ids");
    if (!QueryFlag(request, "commit_to_project", true)) {
      return Error::InvalidField("commit_to_project", "Uploading files without creating tasks is not supported.");
    }
    if (request.Query("preannotated_from_fields")) {
      return Error::InvalidField("preannotated_from_fields", "Creating predictions from data fields is not supported.");
    }
    const std::string content_type(request.Header("content-type"));
    const std::string boundary = MultipartBoundary(content_type);
    if (content_type.starts_with("application/x-www-form-urlencoded")) {
      return Error::InvalidField("url", "Importing tasks from a URL is not supported; upload the file instead.");
    }
    std::vector<MultipartPart> parts;
    if (!boundary.empty()) {
      TALLY_ASSIGN_OR_RETURN(parsed, ParseMultipart(request.body, boundary));
      parts = std::move(parsed);
    }

    std::map<std::string, int64_t> found_formats;
    std::vector<int64_t> upload_ids;
    bool could_be_tasks_list = false;
    WrittenFiles written;

    TALLY_ASSIGN_OR_RETURN(summary, db.Write([&](Connection& c) -> Result<ImportSummary> {
      TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
      TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
      TaskImporter importer(c, project, config, request.principal.user_id, return_task_ids);

      if (boundary.empty()) {
        auto read = ForEachJsonItem(request.body, [&](bj::value& item) { return importer.AddItem(item); });
        if (!read) return read.error();
        return importer.Finish();
      }

      TALLY_ASSIGN_OR_RETURN(files, ReadUploadedFiles(parts, config));
      for (const UploadedFile& file : files) {
        found_formats[file.extension] += 1;
        could_be_tasks_list = could_be_tasks_list || file.kind == FileKind::kCsv || file.kind == FileKind::kTsv ||
                              file.kind == FileKind::kText;
        TALLY_ASSIGN_OR_RETURN(upload, StoreUpload(c, data_dir, project.id, request.principal.user_id, file, written));
        upload_ids.push_back(upload.first);
        TALLY_TRY(ImportFile(importer, file, upload.first, upload.second));
      }
      return importer.Finish();
    }));
    written.Commit();

    const double duration =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    bj::object body{{"task_count", summary.task_count},
                    {"annotation_count", summary.annotation_count},
                    {"prediction_count", summary.prediction_count},
                    {"duration", duration},
                    {"file_upload_ids", bj::value_from(upload_ids)},
                    {"could_be_tasks_list", could_be_tasks_list},
                    {"found_formats", bj::value_from(found_formats)},
                    {"data_columns", bj::value_from(summary.data_columns)}};
    if (return_task_ids) body["task_ids"] = bj::value_from(summary.task_ids);
    TALLY_LOG_INFO("event=tasks_imported project_id={} task_count={} annotation_count={} prediction_count={} "
                   "files={} bytes={} duration_ms={} by_user_id={}",
                   project_id, summary.task_count, summary.annotation_count, summary.prediction_count,
                   upload_ids.size(), request.body.size(), static_cast<int64_t>(duration * 1000),
                   request.principal.user_id);
    return Response::Json(body, 201);
  };

  const char* kImportRequestSchema = R"({"oneOf":[{"type":"array","items":{"type":"object"}},{"type":"object"}],
    "description":"A JSON list of tasks or one task, or multipart/form-data with task files or media files"})";
  const char* kImportResponseSchema = R"({"type":"object","properties":{"task_count":{"type":"integer"},
    "annotation_count":{"type":"integer"},"prediction_count":{"type":"integer"},"duration":{"type":"number"},
    "file_upload_ids":{"type":"array"},"could_be_tasks_list":{"type":"boolean"},"found_formats":{"type":"object"},
    "data_columns":{"type":"array"},"task_ids":{"type":"array"}}})";
  for (const char* pattern : {"/api/projects/{id:int}/import", "/api/projects/{id:int}/tasks/bulk"}) {
    router.Add({.method = "POST", .pattern = pattern, .auth = Auth::kUser, .body_limit = body_limit,
                .doc = {.summary = "Import tasks, with annotations and predictions, all or nothing (managers)",
                        .tag = "Import", .request_schema = kImportRequestSchema,
                        .response_schema = kImportResponseSchema, .success_status = 201,
                        .query = {"return_task_ids"}},
                .handler = import_handler});
  }

  router.Add({.method = "GET", .pattern = "/data/upload/{project:int}/{name}", .auth = Auth::kUser,
              .doc = {.summary = "An uploaded file of a project", .tag = "Import",
                      .response_schema = R"({"type":"string","format":"binary"})"},
              .handler = [&db, data_dir](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project"));
                const std::string name = request.path_params["name"];
                if (name.empty() || name != SafeFileName(name)) return Error::NotFound("Not found.");
                TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  return Ok();
                }));
                const fs::path path = data_dir / "upload" / std::to_string(project_id) / name;
                std::ifstream in(path, std::ios::binary);
                if (!in) return Error::NotFound("Not found.");
                std::ostringstream content;
                content << in.rdbuf();
                return Response::Text(content.str(), ContentTypeOf(LowerExtension(name)));
              }});
}

}  // namespace tally::labeling
