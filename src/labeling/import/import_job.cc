#include "labeling/import/import_job.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "core/crypto.h"
#include "core/log.h"
#include "core/mapped_file.h"
#include "jobs/job_queue.h"
#include "labeling/route_support.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;

Result<int64_t> EnqueueImportJob(store::Database& db, const fs::path& data_dir, const ImportRequest& request,
                                 const std::string& body_file) {
  const std::string relative = fmt::format("imports/{}.body", RandomHex(16));
  const fs::path path = data_dir / relative;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Error::Internal(fmt::format("cannot create import directory: {}", ec.message()));
  if (!body_file.empty()) fs::rename(body_file, path, ec);
  if (body_file.empty() || ec) {
    std::ofstream out(path, std::ios::binary);
    out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    out.close();
    if (!out) return Error::Internal(fmt::format("cannot save import body to {}", path.string()));
  }

  const bj::object payload{{"project_id", request.project_id},
                           {"user_id", request.principal.user_id},
                           {"organization_id", request.principal.organization_id},
                           {"body_file", relative},
                           {"content_type", request.content_type},
                           {"return_task_ids", request.return_task_ids},
                           {"preannotated_fields", bj::value_from(request.preannotated_fields)}};
  auto job_id = db.Write([&](Connection& c) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, request.project_id, kManageRole));
    return jobs::JobQueue::EnqueueIn(c, kImportJobKind, payload,
                                     {.organization_id = project.organization_id,
                                      .project_id = project.id,
                                      .created_by = request.principal.user_id});
  });
  if (!job_id) fs::remove(path, ec);
  return job_id;
}

namespace {

Result<bj::value> RunImportJob(jobs::JobContext& context, store::Database& db, const fs::path& data_dir) {
  const auto started = std::chrono::steady_clock::now();
  const bj::value& payload = context.payload();
  if (!payload.is_object() || !payload.as_object().contains("body_file")) {
    return Error::Invalid("The import job's payload is incomplete.");
  }
  const bj::object& fields = payload.as_object();
  const fs::path path = data_dir / std::string(fields.at("body_file").as_string());

  auto mapped = MappedFile::Open(path.string());
  if (!mapped) return Error::Invalid("The uploaded import body is no longer available; import again.");
  MappedFile body = std::move(*mapped);

  ImportRequest request;
  request.project_id = fields.at("project_id").as_int64();
  request.principal.kind = http::Principal::Kind::kUser;
  request.principal.user_id = fields.at("user_id").as_int64();
  request.principal.organization_id = fields.at("organization_id").as_int64();
  request.body = body.view();
  request.content_type = std::string(fields.at("content_type").as_string());
  request.return_task_ids = fields.at("return_task_ids").as_bool();
  if (const bj::value* preannotated = fields.if_contains("preannotated_fields"); preannotated && preannotated->is_array()) {
    request.preannotated_fields = bj::value_to<std::vector<std::string>>(*preannotated);
  }
  request.job_id = context.job_id();
  // NOTE: on SQLite the import's transaction owns the only writer, so a
  // progress write from inside it would wait out the busy timeout every
  // thousand items; such jobs show 0 % until they finish. PostgreSQL
  // reports progress as the import reads the body.
  const bool report_progress = db.dialect() != store::Dialect::kSqlite;
  request.on_progress = [&context, &body, report_progress](size_t done, size_t total) {
    body.Release(done);
    // Progress is advisory: a cancel or lost lease shows up here as an
    // error, but the import's single transaction cannot stop part way, so it
    // runs to its end and the pool discards the outcome.
    if (report_progress && total > 0) (void)context.ReportProgress(static_cast<int>(done * 99 / total));
  };

  auto outcome = RunImport(db, data_dir, request);
  std::error_code ec;
  if (!outcome) {
    // Rejected items and lost access will not succeed on a retry, so the
    // saved body goes; storage failures keep it for the next attempt.
    const Errc code = outcome.error().code;
    if (code == Errc::kInvalidArgument || code == Errc::kNotFound || code == Errc::kForbidden) fs::remove(path, ec);
    return outcome.error();
  }
  fs::remove(path, ec);
  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  TALLY_LOG_INFO("event=tasks_imported project_id={} job_id={} task_count={} annotation_count={} prediction_count={} "
                 "bytes={} duration_ms={}",
                 request.project_id, context.job_id(), outcome->summary.task_count, outcome->summary.annotation_count,
                 outcome->summary.prediction_count, body.view().size(), static_cast<int64_t>(duration * 1000));
  return bj::value(ImportResponseJson(*outcome, duration, request.return_task_ids));
}

}  // namespace

void RegisterImportJob(jobs::WorkerPool& pool, store::Database& db, fs::path data_dir) {
  pool.Register(std::string(kImportJobKind), [&db, data_dir = std::move(data_dir)](jobs::JobContext& context) {
    return RunImportJob(context, db, data_dir);
  });
}

}  // namespace tally::labeling
