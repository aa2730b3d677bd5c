// Export snapshot routes in Label Studio's shapes:
//   GET/POST /api/projects/{id}/exports             list (newest first), create (runs as a job)
//   GET/DELETE /api/projects/{id}/exports/{pk}      one snapshot
//   GET /api/projects/{id}/exports/{pk}/download    the file in any format (?exportType=)
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>

#include "core/json.h"
#include "core/log.h"
#include "jobs/job_queue.h"
#include "labeling/datamanager/task_query.h"
#include "labeling/datamanager/view_store.h"
#include "labeling/export/export_options.h"
#include "labeling/export/export_run.h"
#include "labeling/export/snapshot_job.h"
#include "labeling/export/snapshot_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;
using exporting::Snapshot;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kSnapshotSchema = R"({"type":"object","properties":{
  "id":{"type":"integer"},"title":{"type":"string"},"created_by":{"type":["object","null"]},
  "created_at":{"type":"string"},"finished_at":{"type":["string","null"]},
  "status":{"type":"string","enum":["created","in_progress","failed","completed"]},
  "md5":{"type":"string"},"counters":{"type":"object"},"converted_formats":{"type":"array"},
  "job":{"type":["integer","null"]},"error":{"type":["string","null"]}}})";

constexpr const char* kCreateSchema = R"({"type":"object","properties":{
  "title":{"type":"string"},
  "task_filter_options":{"type":"object","properties":{"only_with_annotations":{"type":"boolean"},
    "view":{"type":["integer","null"]},"skipped":{"enum":["only","exclude",null]},
    "finished":{"enum":["only","exclude",null]},"annotated":{"enum":["only","exclude",null]}}},
  "annotation_filter_options":{"type":"object","properties":{"usual":{"type":"boolean"},
    "ground_truth":{"type":"boolean"},"skipped":{"type":"boolean"}}},
  "serialization_options":{"type":"object","properties":{"annotations__completed_by":{"type":"object",
    "properties":{"only_id":{"type":"boolean"}}}}}}})";

// Streams an ExportRun as a response body.
class RunStream : public http::BodyStream {
 public:
  explicit RunStream(std::unique_ptr<exporting::ExportRun> run) : run_(std::move(run)) {}
  Result<bool> Next(std::string& chunk) override { return run_->Next(chunk); }

 private:
  std::unique_ptr<exporting::ExportRun> run_;
};

std::string LocalStamp(Micros micros) {
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:04}-{:02}-{:02}-{:02}-{:02}", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday,
                     local.tm_hour, local.tm_min);
}

Result<bj::object> SnapshotJson(Connection& connection, const Snapshot& snapshot) {
  TALLY_ASSIGN_OR_RETURN(created_by, UserBriefJson(connection, snapshot.created_by));
  return bj::object{
      {"id", snapshot.id},
      {"title", snapshot.title},
      {"created_by", created_by},
      {"created_at", FormatIsoMicros(snapshot.created_at)},
      {"finished_at", snapshot.finished_at ? bj::value(FormatIsoMicros(*snapshot.finished_at)) : bj::value(nullptr)},
      {"status", snapshot.status},
      {"md5", snapshot.md5},
      {"counters", bj::object{{"task_number", snapshot.task_count}}},
      {"converted_formats", bj::array()},
      {"job", snapshot.job_id ? bj::value(*snapshot.job_id) : bj::value(nullptr)},
      {"error", snapshot.error ? bj::value(*snapshot.error) : bj::value(nullptr)},
  };
}

// Streams a file as it is on disk, 1 MiB per chunk.
class FileStream : public http::BodyStream {
 public:
  explicit FileStream(fs::path path) : path_(std::move(path)) {}

  Result<bool> Next(std::string& chunk) override {
    if (!in_.is_open()) {
      in_.open(path_, std::ios::binary);
      if (!in_) return Error::NotFound("The export file is missing; create the export again.");
    }
    std::string piece(1 << 20, '\0');
    in_.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    chunk.append(piece.data(), static_cast<size_t>(in_.gcount()));
    if (in_.bad()) return Error::Internal("reading export file " + path_.string() + " failed");
    return !in_.eof();
  }

 private:
  fs::path path_;
  std::ifstream in_;
};

// The view of `task_filter_options.view` for an export snapshot: it must be
// the caller's view of the project. Returns nullopt when the body names
// none.
Result<std::optional<exporting::ExportView>> SnapshotView(Connection& c, const bj::object& body, int64_t project_id,
                                                          int64_t user_id) {
  const bj::value* options = body.if_contains("task_filter_options");
  if (!options || !options->is_object()) return std::optional<exporting::ExportView>();
  const bj::value* view_id = options->get_object().if_contains("view");
  if (!view_id || view_id->is_null()) return std::optional<exporting::ExportView>();
  if (!view_id->is_int64()) {
    return Error::InvalidField("task_filter_options.view", "must be the id of a data manager view");
  }
  TALLY_ASSIGN_OR_RETURN(view, FindView(c, view_id->get_int64()));
  if (!view || view->project_id != project_id || view->user_id != user_id) {
    return Error::InvalidField("task_filter_options.view",
                               fmt::format("view {} is not one of your views of this project; list them with GET "
                                           "/api/dm/views?project={}",
                                           view_id->get_int64(), project_id));
  }
  // Keep only what selects tasks, and check that it parses now rather than
  // when the job runs.
  bj::object query;
  for (const char* key : {"filters", "selectedItems"}) {
    if (const bj::value* value = view->data.if_contains(key)) query[key] = *value;
  }
  TALLY_TRY(ParseTaskQuery(query, "task_filter_options.view."));
  return std::optional<exporting::ExportView>(exporting::ExportView{view->id, user_id, std::move(query)});
}

// A boolean at body[object][key], or `fallback`; invalid_argument naming
// "object.key" for another type.
Result<bool> BodyFlag(const bj::object& body, std::string_view object, std::string_view key, bool fallback) {
  const bj::value* group = body.if_contains(object);
  if (!group || group->is_null()) return fallback;
  if (!group->is_object()) return Error::InvalidField(std::string(object), "must be an object");
  const bj::value* value = group->get_object().if_contains(key);
  if (!value || value->is_null()) return fallback;
  if (!value->is_bool()) return Error::InvalidField(fmt::format("{}.{}", object, key), "must be true or false");
  return value->get_bool();
}

// task_filter_options[key]: "only", "exclude", or null or absent for no
// filter. invalid_argument naming "task_filter_options.key" otherwise.
Result<exporting::TaskStateFilter> BodyStateFilter(const bj::object& body, std::string_view key) {
  const bj::value* options = body.if_contains("task_filter_options");
  if (!options || !options->is_object()) return exporting::TaskStateFilter::kAny;
  const bj::value* value = options->get_object().if_contains(key);
  if (!value || value->is_null()) return exporting::TaskStateFilter::kAny;
  if (value->is_string() && value->get_string() == "only") return exporting::TaskStateFilter::kOnly;
  if (value->is_string() && value->get_string() == "exclude") return exporting::TaskStateFilter::kExclude;
  return Error::InvalidField(fmt::format("task_filter_options.{}", key),
                             fmt::format("must be \"only\", \"exclude\" or null, got {}", json::Serialize(*value)));
}

Result<Snapshot> SnapshotOfProject(Connection& c, const Request& request, Role role) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
  TALLY_ASSIGN_OR_RETURN(snapshot_id, request.IdParam("export_pk"));
  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, role));
  TALLY_ASSIGN_OR_RETURN(snapshot, exporting::FindSnapshot(c, snapshot_id));
  if (!snapshot || snapshot->project_id != project_id) return Error::NotFound("Not found.");
  return *snapshot;
}

}  // namespace

void AddSnapshotRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;
  const fs::path data_dir = context.data_dir;
  const exporting::LocalFileResolver resolve_local_file = context.resolve_local_file;

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/exports", .auth = Auth::kUser,
              .doc = {.summary = "Export snapshots of a project, newest first (at most 100)", .tag = "Export",
                      .response_schema = std::string(R"({"type":"array","items":)") + kSnapshotSchema + "}"},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(list, db.Read([&](Connection& c) -> Result<bj::array> {
                  TALLY_TRY(AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(snapshots, exporting::ListSnapshots(c, project_id));
                  bj::array out;
                  for (const Snapshot& snapshot : snapshots) {
                    TALLY_ASSIGN_OR_RETURN(json, SnapshotJson(c, snapshot));
                    out.push_back(std::move(json));
                  }
                  return out;
                }));
                return Response::Json(list);
              }});

  router.Add({.method = "POST", .pattern = "/api/projects/{id:int}/exports", .auth = Auth::kUser,
              .doc = {.summary = "Create an export snapshot; a background job writes it", .tag = "Export",
                      .request_schema = kCreateSchema, .response_schema = kSnapshotSchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                Snapshot snapshot;
                snapshot.project_id = project_id;
                snapshot.created_by = request.principal.user_id;
                snapshot.created_at = NowMicros();
                if (const bj::value* title = body.if_contains("title"); title && !title->is_null()) {
                  if (!title->is_string()) return Error::InvalidField("title", "must be a string");
                  // Label Studio stores snapshot titles in a column of 2,048 characters.
                  const bj::string& text = title->get_string();
                  const auto characters = std::count_if(text.begin(), text.end(), [](char byte) {
                    return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;  // not a UTF-8 continuation byte
                  });
                  if (characters > 2048) {
                    return Error::InvalidField("title", "must be at most 2,048 characters; shorten it");
                  }
                  snapshot.title = std::string(title->get_string());
                }
                exporting::ExportSelection& selection = snapshot.selection;
                selection.project_id = project_id;
                TALLY_ASSIGN_OR_RETURN(only_annotated,
                                       BodyFlag(body, "task_filter_options", "only_with_annotations", false));
                // Label Studio keeps the tasks whose annotations, after the
                // annotation filter, are not all gone.
                selection.all_tasks = true;
                selection.with_kept_annotations = only_annotated;
                TALLY_ASSIGN_OR_RETURN(skipped_tasks, BodyStateFilter(body, "skipped"));
                TALLY_ASSIGN_OR_RETURN(finished_tasks, BodyStateFilter(body, "finished"));
                TALLY_ASSIGN_OR_RETURN(annotated_tasks, BodyStateFilter(body, "annotated"));
                selection.skipped_tasks = skipped_tasks;
                selection.finished_tasks = finished_tasks;
                selection.annotated_tasks = annotated_tasks;
                TALLY_ASSIGN_OR_RETURN(usual, BodyFlag(body, "annotation_filter_options", "usual", true));
                TALLY_ASSIGN_OR_RETURN(ground_truth, BodyFlag(body, "annotation_filter_options", "ground_truth", true));
                TALLY_ASSIGN_OR_RETURN(skipped, BodyFlag(body, "annotation_filter_options", "skipped", true));
                selection.usual = usual;
                selection.ground_truth = ground_truth;
                selection.skipped = skipped;
                if (const bj::value* options = body.if_contains("serialization_options");
                    options && options->is_object()) {
                  TALLY_ASSIGN_OR_RETURN(only_id, BodyFlag(options->get_object(), "annotations__completed_by",
                                                           "only_id", false));
                  selection.completed_by_only_id = only_id;
                }

                TALLY_ASSIGN_OR_RETURN(created, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(view, SnapshotView(c, body, project_id, request.principal.user_id));
                  snapshot.selection.view = std::move(view);
                  if (snapshot.title.empty()) {
                    snapshot.title = fmt::format("{}-at-{}", project.title, LocalStamp(snapshot.created_at));
                  }
                  TALLY_ASSIGN_OR_RETURN(stored, exporting::InsertSnapshot(c, snapshot));
                  TALLY_ASSIGN_OR_RETURN(
                      job_id, jobs::JobQueue::EnqueueIn(c, exporting::kExportJobKind,
                                                        bj::object{{"export_id", stored.id}},
                                                        {.organization_id = project.organization_id,
                                                         .project_id = project.id,
                                                         .created_by = request.principal.user_id}));
                  TALLY_TRY(exporting::SetSnapshotJob(c, stored.id, job_id));
                  stored.job_id = job_id;
                  return SnapshotJson(c, stored);
                }));
                return Response::Json(created, 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/exports/{export_pk:int}", .auth = Auth::kUser,
              .doc = {.summary = "One export snapshot with its status", .tag = "Export",
                      .response_schema = kSnapshotSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(json, db.Read([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(snapshot, SnapshotOfProject(c, request, kReadRole));
                  return SnapshotJson(c, snapshot);
                }));
                return Response::Json(json);
              }});

  router.Add({.method = "DELETE", .pattern = "/api/projects/{id:int}/exports/{export_pk:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete an export snapshot and its file", .tag = "Export", .success_status = 204},
              .handler = [&db, data_dir](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(snapshot, db.Write([&](Connection& c) -> Result<Snapshot> {
                  TALLY_ASSIGN_OR_RETURN(found, SnapshotOfProject(c, request, kReadRole));
                  TALLY_TRY(exporting::DeleteSnapshot(c, found.id));
                  return found;
                }));
                std::error_code ec;
                fs::remove(exporting::SnapshotPath(data_dir, snapshot.project_id, snapshot.id), ec);
                return Response::NoContent();
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/exports/{export_pk:int}/download",
              .auth = Auth::kUser,
              .doc = {.summary = "Download a completed snapshot in any format, streamed", .tag = "Export",
                      .response_schema = R"({"type":"string","format":"binary"})",
                      .query = {"exportType", "download_resources"}},
              .handler = [&db, data_dir, resolve_local_file](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(found, db.Read([&](Connection& c) -> Result<std::pair<Snapshot, Project>> {
                  TALLY_ASSIGN_OR_RETURN(snapshot, SnapshotOfProject(c, request, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, snapshot.project_id,
                                                                    kReadRole));
                  return std::pair{snapshot, project};
                }));
                const auto& [snapshot, project] = found;
                if (snapshot.status != "completed") return Error::NotFound("Export is not completed");
                const std::string format_name = request.Query("exportType").value_or("JSON");
                TALLY_ASSIGN_OR_RETURN(resources, exporting::QueryBool(request, "download_resources"));
                TALLY_ASSIGN_OR_RETURN(schema, exporting::ProjectExportSchema(project));
                TALLY_ASSIGN_OR_RETURN(format, exporting::CheckFormat(format_name, schema));
                const std::time_t now = std::time(nullptr);
                const fs::path path = exporting::SnapshotPath(data_dir, snapshot.project_id, snapshot.id);
                if (std::error_code ec; !fs::exists(path, ec)) {
                  return Error::NotFound("The export file is missing; create the export again.");
                }
                if (format->name == "JSON") {
                  // The stored file is the JSON export: send its bytes, which
                  // the snapshot's md5 describes.
                  const std::string file_name =
                      exporting::ExportFileName(project.id, *format, snapshot.selection, now, false);
                  Response response = Response::Stream(std::make_shared<FileStream>(path),
                                                       exporting::ExportContentType(*format, false));
                  response.WithHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
                  response.WithHeader("filename", file_name);
                  return response;
                }
                exporting::WriterOptions options = exporting::WriterOptionsAt(now);
                options.read_media =
                    exporting::ExportMediaReader(*format, resources.value_or(true), data_dir, snapshot.project_id,
                                                 resolve_local_file);
                TALLY_ASSIGN_OR_RETURN(
                    run, exporting::ExportRun::Create(exporting::JsonFileTaskSource(path), std::move(schema),
                                                      format->name, options));
                const bool archive = run->archive();
                const std::string file_name =
                    exporting::ExportFileName(project.id, *format, snapshot.selection, now, archive);
                Response response = Response::Stream(std::make_shared<RunStream>(std::move(run)),
                                                     exporting::ExportContentType(*format, archive));
                response.WithHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
                response.WithHeader("filename", file_name);
                return response;
              }});
}

}  // namespace tally::labeling
