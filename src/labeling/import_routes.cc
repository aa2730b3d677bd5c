// Import: POST /api/projects/{id}/import with a JSON body or uploaded files
// (in the request, or as a job with ?async=true), the state of an import
// job, and GET /data/upload/… to serve uploaded media.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/crypto.h"
#include "core/log.h"
#include "core/mapped_file.h"
#include "http/byte_range.h"
#include "jobs/job_queue.h"
#include "labeling/import/import_job.h"
#include "labeling/import/import_run.h"
#include "labeling/route_support.h"
#include "labeling/import/url_import.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;
using http::Auth;
using http::ByteRange;
using http::ParseByteRange;
using http::Request;
using http::Response;

namespace {

// Label Studio's DATA_UPLOAD_MAX_MEMORY_SIZE default. TALLY_IMPORT_MAX_BYTES
// overrides it.
constexpr size_t kDefaultImportBodyLimit = size_t{250} << 20;

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

// A file under the data directory that is removed with this object unless
// it was moved away (an import job takes it over).
struct TemporaryFile {
  explicit TemporaryFile(fs::path file) : path(std::move(file)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
  fs::path path;
};

// Writes the rest of a streamed body to `path`.
Result<void> SpoolBody(http::BodyStream& stream, const fs::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error::Unavailable("The server cannot store this upload right now; retry later");
  std::string piece;
  for (bool more = true; more;) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    piece.clear();
    TALLY_ASSIGN_OR_RETURN(next, stream.Next(piece));
    more = next;
  }
  out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  out.close();
  if (!out) return Error::Unavailable("The server cannot store this upload right now; retry later");
  return Ok();
}

// Label Studio Enterprise's import object, from the job that runs it.
bj::object ImportStatusJson(const jobs::Job& job) {
  std::string status = "created";
  if (job.status == jobs::JobStatus::kRunning) status = "in_progress";
  if (job.status == jobs::JobStatus::kSucceeded) status = "completed";
  if (job.status == jobs::JobStatus::kFailed || job.status == jobs::JobStatus::kCancelled) status = "failed";
  bj::object body{{"id", job.id},
                  {"project", job.project_id ? bj::value(*job.project_id) : bj::value(nullptr)},
                  {"status", status},
                  {"progress", job.progress},
                  {"error", job.error ? bj::value(*job.error) : bj::value(nullptr)},
                  {"created_at", FormatIsoMicros(job.created_at)},
                  {"finished_at", job.finished_at ? bj::value(FormatIsoMicros(*job.finished_at)) : bj::value(nullptr)}};
  if (job.result && job.result->is_object()) {
    for (const auto& entry : job.result->as_object()) body[entry.key()] = entry.value();
  }
  return body;
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

  const integrations::OutboundClient* outbound = context.outbound;
  auto import_handler = [&db, data_dir, outbound, body_limit](Request& request) -> Result<Response> {
    const auto started = std::chrono::steady_clock::now();
    TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
    if (!QueryFlag(request, "commit_to_project", true)) {
      return Error::InvalidField("commit_to_project", "Uploading files without creating tasks is not supported.");
    }
    std::string content_type(request.Header("content-type"));
    std::string_view body = request.body;
    std::string body_file = request.body_file;

    // The server streams a large JSON body only from a client that sends
    // fast (a slow client's body arrives in a file), so the import reads it
    // while it arrives. The project is checked first, so a request the
    // import would reject reads no more than the server's read-ahead. A job
    // needs the body in a file.
    http::BodyStream* stream = nullptr;
    std::optional<TemporaryFile> stream_file;
    if (request.body_stream) {
      TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
        TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kManageRole));
        return Ok();
      }));
      if (!QueryFlag(request, "async")) {
        stream = request.body_stream.get();
      } else {
        stream_file.emplace(data_dir / "tmp" / ("import-body-" + RandomHex(12)));
        std::error_code ignored;
        fs::create_directories(stream_file->path.parent_path(), ignored);
        TALLY_TRY(SpoolBody(*request.body_stream, stream_file->path));
        body_file = stream_file->path.string();
      }
    }

    // A body in a file is read through a map whose pages are dropped as the
    // import moves past them.
    std::optional<MappedFile> spooled;
    if (!body_file.empty()) {
      TALLY_ASSIGN_OR_RETURN(mapped, MappedFile::Open(body_file));
      spooled.emplace(std::move(mapped));
      body = spooled->view();
    }
    std::string downloaded;  // a URL import's file, alive as long as `import`
    if (content_type.starts_with("application/x-www-form-urlencoded")) {
      if (outbound == nullptr) return Error::Unavailable("Importing from a URL is not available in this process.");
      // Check the caller's right to import before fetching anything for them.
      TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
        TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kManageRole));
        return Ok();
      }));
      TALLY_ASSIGN_OR_RETURN(resolved, ResolveUrlImport(body, *outbound, body_limit));
      downloaded = std::move(resolved.body);
      body = downloaded;
      content_type = std::move(resolved.content_type);
    }

    ImportRequest import{.project_id = project_id,
                         .principal = request.principal,
                         .body = body,
                         .body_stream = stream,
                         .content_type = content_type,
                         .return_task_ids = QueryFlag(request, "return_task_ids")};
    if (spooled) import.on_progress = [&spooled](size_t done, size_t) { spooled->Release(done); };
    for (const std::string& value : request.QueryAll("preannotated_from_fields")) {
      size_t start = 0;
      while (start <= value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        if (end > start) import.preannotated_fields.push_back(value.substr(start, end - start));
        start = end + 1;
      }
    }

    // Tally's addition: ?async=true runs the import as a job and returns its
    // id at once, as Label Studio Enterprise does.
    if (QueryFlag(request, "async")) {
      // A spooled upload is moved into place rather than written again; a body
      // downloaded from a URL is not in that file.
      const std::string spooled_file = downloaded.empty() ? body_file : std::string();
      TALLY_ASSIGN_OR_RETURN(job_id, EnqueueImportJob(db, data_dir, import, spooled_file));
      TALLY_LOG_INFO("event=import_job_enqueued project_id={} job_id={} bytes={} by_user_id={}", project_id, job_id,
                     import.body.size(), request.principal.user_id);
      return Response::Json(bj::object{{"import", job_id}, {"job", job_id}, {"status", "created"}}, 202);
    }

    TALLY_ASSIGN_OR_RETURN(outcome, RunImport(db, data_dir, import));
    const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    TALLY_LOG_INFO("event=tasks_imported project_id={} task_count={} annotation_count={} prediction_count={} "
                   "files={} body={} duration_ms={} by_user_id={}",
                   project_id, outcome.summary.task_count, outcome.summary.annotation_count,
                   outcome.summary.prediction_count, outcome.file_upload_ids.size(),
                   stream ? "streamed" : (spooled ? "file" : "memory"), static_cast<int64_t>(duration * 1000),
                   request.principal.user_id);
    return Response::Json(ImportResponseJson(outcome, duration, import.return_task_ids), 201);
  };

  const char* kImportRequestSchema = R"({"oneOf":[{"type":"array","items":{"type":"object"}},{"type":"object"}],
    "description":"A JSON list of tasks or one task, or multipart/form-data with task files or media files"})";
  const char* kImportResponseSchema = R"({"type":"object","properties":{"task_count":{"type":"integer"},
    "annotation_count":{"type":"integer"},"prediction_count":{"type":"integer"},"duration":{"type":"number"},
    "file_upload_ids":{"type":"array"},"could_be_tasks_list":{"type":"boolean"},"found_formats":{"type":"object"},
    "data_columns":{"type":"array"},"task_ids":{"type":"array"}}})";
  for (const char* pattern : {"/api/projects/{id:int}/import", "/api/projects/{id:int}/tasks/bulk"}) {
    router.Add({.method = "POST", .pattern = pattern, .auth = Auth::kUser, .body_limit = body_limit,
                .spool_body = true,
                .stream_body_types = {"application/json"},
                .doc = {.summary = "Import tasks, with annotations and predictions, all or nothing (managers)",
                        .tag = "Import", .request_schema = kImportRequestSchema,
                        .response_schema = kImportResponseSchema, .success_status = 201,
                        .query = {"return_task_ids", "async", "preannotated_from_fields"}},
                .handler = import_handler});
  }


  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/imports/{import_id:int}", .auth = Auth::kUser,
              .doc = {.summary = "State of an import started with ?async=true", .tag = "Import",
                      .response_schema = R"({"type":"object","properties":{"id":{"type":"integer"},
                        "project":{"type":"integer"},"status":{"type":"string",
                        "enum":["created","in_progress","failed","completed"]},"progress":{"type":"integer"},
                        "error":{"type":["string","null"]},"task_count":{"type":"integer"}}})"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(import_id, request.IdParam("import_id"));
                TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  return Ok();
                }));
                jobs::JobQueue queue(db);
                auto job = queue.Get(import_id);
                if (!job && job.error().IsNotFound()) return Error::NotFound("Not found.");
                if (!job) return job.error();
                if (job->kind != kImportJobKind || job->project_id != project_id) return Error::NotFound("Not found.");
                return Response::Json(ImportStatusJson(*job));
              }});

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
                std::error_code size_error;
                const uint64_t size = fs::file_size(path, size_error);
                if (!in || size_error) return Error::NotFound("Not found.");
                // Uploads are users' files, like objects of storages. nosniff
                // keeps the browser on this type. The CSP sandbox gives an
                // uploaded HTML or SVG page an opaque origin without scripts,
                // so it cannot act as a page of Tally's origin.
                const std::string content_type = ContentTypeOf(LowerExtension(name));

                // A range reads only its bytes, so seeking in a long video
                // does not load the whole file.
                const ByteRange range = ParseByteRange(request.Header("range"), size);
                if (range.kind == ByteRange::Kind::kUnsatisfiable) {
                  return Response::Text("", content_type, 416)
                      .WithHeader("X-Content-Type-Options", "nosniff")
                      .WithHeader("Content-Security-Policy", "sandbox")
                      .WithHeader("Content-Range", fmt::format("bytes */{}", size));
                }
                if (range.kind == ByteRange::Kind::kRange) {
                  std::string part(range.last - range.first + 1, '\0');
                  in.seekg(static_cast<std::streamoff>(range.first));
                  if (!in.read(part.data(), static_cast<std::streamsize>(part.size()))) {
                    return Error::Internal(fmt::format("short read of upload {} in project {}", name, project_id));
                  }
                  return Response::Text(std::move(part), content_type, 206)
                      .WithHeader("X-Content-Type-Options", "nosniff")
                      .WithHeader("Content-Security-Policy", "sandbox")
                      .WithHeader("Accept-Ranges", "bytes")
                      .WithHeader("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last, size));
                }
                // NOTE: a request without a range reads the whole file into
                // memory, which for long videos costs their full size per request.
                std::ostringstream content;
                content << in.rdbuf();
                return Response::Text(content.str(), content_type)
                    .WithHeader("X-Content-Type-Options", "nosniff")
                    .WithHeader("Content-Security-Policy", "sandbox")
                    .WithHeader("Accept-Ranges", "bytes");
              }});
}

}  // namespace tally::labeling
