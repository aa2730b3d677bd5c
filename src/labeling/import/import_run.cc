#include "labeling/import/import_run.h"

#include <fmt/format.h>

#include <fstream>

#include "core/crypto.h"
#include "labeling/config/data_keys.h"
#include "labeling/import/delimited.h"
#include "labeling/import/json_items.h"
#include "labeling/import/multipart.h"
#include "labeling/route_support.h"
#include "labeling/webhook_events.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;

std::string LowerExtension(const std::string& filename) {
  std::string extension = fs::path(filename).extension().string();
  for (char& ch : extension) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return extension;
}

std::string SafeFileName(const std::string& filename) {
  std::string name = fs::path(filename).filename().string();
  for (char& ch : name) {
    const bool safe = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
    if (!safe) ch = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "file";

  // File systems take names of at most 255 bytes, and the stored name gets
  // an 8-character prefix: keep the start and the extension.
  constexpr size_t kMaxName = 200;
  if (name.size() > kMaxName) {
    const std::string extension = fs::path(name).extension().string();
    const size_t keep = extension.size() < kMaxName / 2 ? extension.size() : 0;
    name = name.substr(0, kMaxName - keep) + (keep > 0 ? extension : "");
  }
  return name;
}

namespace {

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
  if (!out) {
    return Error::Internal(fmt::format("cannot write an uploaded file under {}", path.parent_path().string()));
  }
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

// Returns the outcome stored by an earlier run of the same job, or nullopt.
Result<std::optional<ImportOutcome>> EarlierRun(Connection& c, int64_t job_id) {
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT outcome FROM import_runs WHERE job_id = ?", {job_id}));
  if (!row) return std::optional<ImportOutcome>();
  boost::system::error_code ec;
  bj::value stored = bj::parse(row->Text(0), ec);
  if (ec || !stored.is_object()) return Error::Internal(fmt::format("unreadable import_runs row for job {}", job_id));
  ImportOutcome outcome;
  const bj::object& object = stored.as_object();
  outcome.summary.task_count = object.at("task_count").as_int64();
  outcome.summary.annotation_count = object.at("annotation_count").as_int64();
  outcome.summary.prediction_count = object.at("prediction_count").as_int64();
  outcome.summary.task_ids = bj::value_to<std::vector<int64_t>>(object.at("task_ids"));
  outcome.summary.data_columns = bj::value_to<std::set<std::string, std::less<>>>(object.at("data_columns"));
  outcome.file_upload_ids = bj::value_to<std::vector<int64_t>>(object.at("file_upload_ids"));
  outcome.found_formats = bj::value_to<std::map<std::string, int64_t>>(object.at("found_formats"));
  outcome.could_be_tasks_list = object.at("could_be_tasks_list").as_bool();
  return std::optional<ImportOutcome>(std::move(outcome));
}

Result<void> RecordRun(Connection& c, int64_t job_id, int64_t project_id, const ImportOutcome& outcome) {
  bj::object stored = ImportResponseJson(outcome, 0, /*return_task_ids=*/true);
  TALLY_TRY(c.Execute("INSERT INTO import_runs (job_id, project_id, outcome, created_at) VALUES (?, ?, ?, ?)",
                      {job_id, project_id, bj::serialize(stored), NowMicros()}));
  return Ok();
}

}  // namespace

namespace {

// Bodies from this size on are parsed on a second thread while this one
// inserts; below it a thread costs more than it saves.
constexpr size_t kParseAheadBytes = 1 << 20;

// Feeds the items of a JSON body (a list or one task) to the importer.
Result<void> ImportJsonItems(const ImportRequest& request, TaskImporter& importer,
                             const std::function<void(size_t)>& progress) {
  auto add = [&](bj::value& item) { return importer.AddItem(item); };
  if (!request.body_stream && request.body.size() < kParseAheadBytes) {
    return ForEachJsonItem(request.body, add, progress);
  }

  // The body in memory (or mapped) is read in slices, then the stream if
  // there is one.
  constexpr size_t kSlice = 1 << 20;
  size_t sliced = 0;
  std::string received;
  auto next_piece = [&](std::string_view& piece) -> Result<bool> {
    if (sliced < request.body.size()) {
      piece = request.body.substr(sliced, kSlice);
      sliced += piece.size();
      return sliced < request.body.size() || request.body_stream != nullptr;
    }
    if (!request.body_stream) return false;
    received.clear();
    TALLY_ASSIGN_OR_RETURN(more, request.body_stream->Next(received));
    piece = received;
    return more;
  };
  return ForEachJsonItemAhead(next_piece, add, progress);
}

}  // namespace

Result<ImportOutcome> RunImport(store::Database& db, const fs::path& data_dir, const ImportRequest& request) {
  const std::string boundary = MultipartBoundary(request.content_type);
  std::vector<MultipartPart> parts;
  if (!boundary.empty()) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseMultipart(request.body, boundary));
    parts = std::move(parsed);
  }
  auto progress = [&](size_t done) {
    if (request.on_progress) request.on_progress(done, request.body.size());
  };

  ImportOutcome outcome;
  WrittenFiles written;
  TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
    if (request.job_id) {
      TALLY_ASSIGN_OR_RETURN(earlier, EarlierRun(c, *request.job_id));
      if (earlier) {
        outcome = std::move(*earlier);
        return Ok();
      }
    }
    TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, request.project_id, kManageRole));
    TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
    // Task ids are always kept: TASKS_CREATED webhooks name every new task.
    TaskImporter importer(c, project, config, request.principal.user_id, /*keep_task_ids=*/true);
    importer.SetPreannotatedFields(request.preannotated_fields);

    if (boundary.empty()) {
      TALLY_TRY(ImportJsonItems(request, importer, progress));
    } else {
      TALLY_ASSIGN_OR_RETURN(files, ReadUploadedFiles(parts, config));
      size_t done = 0;
      for (const UploadedFile& file : files) {
        outcome.found_formats[file.extension] += 1;
        outcome.could_be_tasks_list = outcome.could_be_tasks_list || file.kind == FileKind::kCsv ||
                                      file.kind == FileKind::kTsv || file.kind == FileKind::kText;
        TALLY_ASSIGN_OR_RETURN(upload, StoreUpload(c, data_dir, project.id, request.principal.user_id, file, written));
        outcome.file_upload_ids.push_back(upload.first);
        TALLY_TRY(ImportFile(importer, file, upload.first, upload.second));
        done += file.content.size();
        progress(done);
      }
    }
    TALLY_ASSIGN_OR_RETURN(summary, importer.Finish());
    outcome.summary = std::move(summary);
    TALLY_TRY(EmitTasksCreated(c, project, outcome.summary.task_ids));
    if (request.job_id) TALLY_TRY(RecordRun(c, *request.job_id, project.id, outcome));
    return Ok();
  }));
  written.Commit();
  progress(request.body.size());
  return outcome;
}

bj::object ImportResponseJson(const ImportOutcome& outcome, double duration, bool return_task_ids) {
  const ImportSummary& summary = outcome.summary;
  bj::object body{{"task_count", summary.task_count},
                  {"annotation_count", summary.annotation_count},
                  {"prediction_count", summary.prediction_count},
                  {"duration", duration},
                  {"file_upload_ids", bj::value_from(outcome.file_upload_ids)},
                  {"could_be_tasks_list", outcome.could_be_tasks_list},
                  {"found_formats", bj::value_from(outcome.found_formats)},
                  {"data_columns", bj::value_from(summary.data_columns)}};
  if (return_task_ids) body["task_ids"] = bj::value_from(summary.task_ids);
  return body;
}

}  // namespace tally::labeling
