#include "jobs/job_routes.h"

#include <boost/json.hpp>

#include "core/time.h"

namespace tally::jobs {

namespace bj = boost::json;

namespace {

constexpr const char* kJobSchema = R"({
  "type": "object",
  "required": ["id", "kind", "status", "progress", "attempts", "max_attempts", "error", "result", "project_id",
               "created_by", "run_at", "created_at", "started_at", "finished_at", "updated_at"],
  "properties": {
    "id": {"type": "integer"},
    "kind": {"type": "string", "description": "What the job does, e.g. export or import."},
    "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100,
                 "description": "Percent done in the current attempt; 100 once succeeded."},
    "attempts": {"type": "integer", "minimum": 0, "description": "Runs started so far, including the current one."},
    "max_attempts": {"type": "integer", "minimum": 1},
    "error": {"type": ["string", "null"], "description": "Why the last attempt failed; kept while the job is retried."},
    "result": {"description": "What the job produced, set once it succeeded; null before."},
    "project_id": {"type": ["integer", "null"]},
    "created_by": {"type": ["integer", "null"]},
    "run_at": {"type": "string", "format": "date-time", "description": "Not started before this time."},
    "created_at": {"type": "string", "format": "date-time"},
    "started_at": {"type": ["string", "null"], "format": "date-time", "description": "Start of the latest attempt."},
    "finished_at": {"type": ["string", "null"], "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"}
  }
})";

bj::value OptionalTime(const std::optional<Micros>& time) {
  if (!time) return nullptr;
  return bj::value(FormatIsoMicros(*time));
}

template <class T>
bj::value OptionalValue(const std::optional<T>& value) {
  if (!value) return nullptr;
  return bj::value(*value);
}

// Loads a job the requesting user may see. Any miss reads "Not found." so a
// caller cannot tell another organization's job from a missing one.
Result<Job> LoadVisibleJob(JobQueue& queue, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(job_id, request.IdParam("id"));
  auto job = queue.Get(job_id);
  if (!job) {
    if (job.error().IsNotFound()) return Error::NotFound("Not found.");
    return job.error();
  }
  const int64_t organization_id = request.principal.organization_id;
  if (organization_id == 0 || job->organization_id != organization_id) return Error::NotFound("Not found.");
  return std::move(*job);
}

}  // namespace

bj::object JobToJson(const Job& job) {
  bj::object out;
  out["id"] = job.id;
  out["kind"] = job.kind;
  out["status"] = JobStatusName(job.status);
  out["progress"] = job.progress;
  out["attempts"] = job.attempts;
  out["max_attempts"] = job.max_attempts;
  out["error"] = OptionalValue(job.error);
  out["result"] = job.result ? *job.result : bj::value(nullptr);
  out["project_id"] = OptionalValue(job.project_id);
  out["created_by"] = OptionalValue(job.created_by);
  out["run_at"] = FormatIsoMicros(job.run_at);
  out["created_at"] = FormatIsoMicros(job.created_at);
  out["started_at"] = OptionalTime(job.started_at);
  out["finished_at"] = OptionalTime(job.finished_at);
  out["updated_at"] = FormatIsoMicros(job.updated_at);
  return out;
}

void AddJobRoutes(http::Router& router, JobQueue& queue) {
  router.Add({.method = "GET",
              .pattern = "/api/jobs/{id:int}",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Get a background job's status, progress and result",
                      .tag = "Jobs",
                      .request_schema = {},
                      .response_schema = kJobSchema,
                      .query = {}},
              .handler = [&queue](http::Request& request) -> Result<http::Response> {
                TALLY_ASSIGN_OR_RETURN(job, LoadVisibleJob(queue, request));
                return http::Response::Json(JobToJson(job));
              }});

  router.Add({.method = "POST",
              .pattern = "/api/jobs/{id:int}/cancel",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Cancel a queued or running background job",
                      .tag = "Jobs",
                      .request_schema = {},
                      .response_schema = kJobSchema,
                      .query = {}},
              .handler = [&queue](http::Request& request) -> Result<http::Response> {
                // NOTE: any member of the organization may cancel any of its
                // jobs; roles are not checked yet.
                TALLY_ASSIGN_OR_RETURN(visible, LoadVisibleJob(queue, request));
                TALLY_ASSIGN_OR_RETURN(job, queue.Cancel(visible.id));
                return http::Response::Json(JobToJson(job));
              }});
}

}  // namespace tally::jobs
