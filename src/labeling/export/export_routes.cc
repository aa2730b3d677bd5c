// Export routes in Label Studio's shapes:
//   GET /api/projects/{id}/export/formats   formats, usable ones first
//   GET /api/projects/{id}/export           the file, streamed with chunked transfer
// and the snapshot routes of snapshot_routes.cc.
#include <fmt/format.h>

#include <ctime>

#include "core/log.h"
#include "labeling/export/export_options.h"
#include "labeling/export/export_run.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"

namespace tally::labeling {

namespace bj = boost::json;
using exporting::ExportRun;
using http::Auth;
using http::Request;
using http::Response;

namespace {

// Adapts an ExportRun to the server's pull interface.
class ExportBodyStream : public http::BodyStream {
 public:
  ExportBodyStream(std::unique_ptr<ExportRun> run, int64_t project_id) : run_(std::move(run)), project_id_(project_id) {}

  Result<bool> Next(std::string& chunk) override {
    auto more = run_->Next(chunk);
    if (!more) {
      TALLY_LOG_ERROR("event=export_failed project_id={} format={} tasks={} error=\"{}\"", project_id_,
                      run_->format().name, run_->tasks_written(), more.error().detail);
    } else if (!*more) {
      TALLY_LOG_INFO("event=export_done project_id={} format={} tasks={}", project_id_, run_->format().name,
                     run_->tasks_written() / std::max(1, run_->passes()));
    }
    return more;
  }

 private:
  std::unique_ptr<ExportRun> run_;
  int64_t project_id_;
};

constexpr const char* kFormatsSchema = R"({"type":"array","items":{"type":"object","properties":{
  "name":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},
  "link":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},"disabled":{"type":"boolean"}},
  "required":["name","title","description"]}})";

}  // namespace

void AddSnapshotRoutes(http::Router& router, LabelingContext& context);

void AddExportRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;
  const std::filesystem::path data_dir = context.data_dir;
  const exporting::LocalFileResolver resolve_local_file = context.resolve_local_file;
  AddSnapshotRoutes(router, context);

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/export/formats", .auth = Auth::kUser,
              .doc = {.summary = "Export formats, with those the label config does not allow marked disabled",
                      .tag = "Export", .response_schema = kFormatsSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(project, db.Read([&](Connection& c) {
                  return AuthorizedProject(c, request.principal, project_id, kReadRole);
                }));
                TALLY_ASSIGN_OR_RETURN(schema, exporting::ProjectExportSchema(project));
                bj::array usable, disabled;
                for (const exporting::FormatInfo& format : exporting::Formats()) {
                  bj::object entry{{"name", format.name}, {"title", format.title},
                                   {"description", format.description},
                                   {"link", "https://labelstud.io/guide/export.html#" + format.name}};
                  if (!format.tags.empty()) {
                    bj::array tags;
                    for (const std::string& tag : format.tags) tags.push_back(bj::string(tag));
                    entry["tags"] = std::move(tags);
                  }
                  if (exporting::FormatAvailable(format, schema)) {
                    usable.push_back(std::move(entry));
                  } else {
                    entry["disabled"] = true;
                    disabled.push_back(std::move(entry));
                  }
                }
                for (auto& entry : disabled) usable.push_back(std::move(entry));
                return Response::Json(usable);
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/export", .auth = Auth::kUser,
              .doc = {.summary = "Export the project's tasks and annotations as a file, streamed",
                      .tag = "Export",
                      .response_schema = R"({"type":"string","format":"binary"})",
                      .query = {"exportType", "export_type", "download_all_tasks", "download_resources", "ids[]",
                                "usual", "ground_truth", "skipped"}},
              .handler = [&db, data_dir, resolve_local_file](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(parsed, exporting::ParseExportQuery(request, project_id));
                TALLY_ASSIGN_OR_RETURN(project, db.Read([&](Connection& c) {
                  return AuthorizedProject(c, request.principal, project_id, kReadRole);
                }));
                TALLY_ASSIGN_OR_RETURN(schema, exporting::ProjectExportSchema(project));
                TALLY_ASSIGN_OR_RETURN(format, exporting::CheckFormat(parsed.format, schema));
                const std::time_t now = std::time(nullptr);
                exporting::WriterOptions options = exporting::WriterOptionsAt(now);
                options.read_media =
                    exporting::ExportMediaReader(*format, parsed.download_resources, data_dir, project_id,
                                                 resolve_local_file);
                TALLY_ASSIGN_OR_RETURN(run, ExportRun::Create(db, parsed.selection, std::move(schema), format->name,
                                                              options));
                const bool archive = run->archive();
                const std::string file_name =
                    exporting::ExportFileName(project_id, *format, parsed.selection, now, archive);
                Response response =
                    Response::Stream(std::make_shared<ExportBodyStream>(std::move(run), project_id),
                                     exporting::ExportContentType(*format, archive));
                response.WithHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
                response.WithHeader("filename", file_name);
                response.WithHeader("Access-Control-Expose-Headers", "filename, Content-Disposition");
                return response;
              }});
}

}  // namespace tally::labeling
