// Tasks: the data manager list, single tasks, and deleting all of a project's
// tasks. Data manager actions on selected tasks are in datamanager/.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <limits>
#include <map>
#include <memory>
#include <set>

#include "core/json.h"
#include "core/log.h"
#include "labeling/config_checks.h"
#include "labeling/counters.h"
#include "labeling/datamanager/count_cache.h"
#include "labeling/datamanager/query_store.h"
#include "labeling/datamanager/view_query.h"
#include "labeling/lifecycle.h"
#include "labeling/prediction_store.h"
#include "labeling/route_support.h"
#include "labeling/routes.h"
#include "labeling/serialize.h"
#include "labeling/storage_hooks.h"
#include "labeling/webhook_events.h"

namespace tally::labeling {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;

namespace {

constexpr const char* kTaskSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "project":{"type":"integer"},"data":{"type":"object"},"meta":{},"is_labeled":{"type":"boolean"},
  "overlap":{"type":"integer"},"inner_id":{"type":"integer"},"total_annotations":{"type":"integer"},
  "cancelled_annotations":{"type":"integer"},"total_predictions":{"type":"integer"},
  "annotations":{"type":"array"},"predictions":{"type":"array"},"drafts":{"type":"array"}}})";

// Default page size of the data manager list. Label Studio sets no cap
// unless TASK_API_PAGE_SIZE_MAX is configured; this one caps pages so one
// request cannot load a whole large project into memory.
constexpr int64_t kDefaultTaskPageSize = 100;
constexpr int64_t kMaxTaskPageSize = 10000;

Result<int64_t> PositiveQuery(const Request& request, std::string_view name, int64_t fallback) {
  TALLY_ASSIGN_OR_RETURN(value, QueryInt(request, name));
  if (!value) return fallback;
  if (*value < 1) return Error::InvalidField(std::string(name), "Must be a positive integer.");
  return *value;
}

// The SQL offset of a 1-based page, saturated at INT64_MAX so that a huge
// page number lands past the end instead of wrapping to a negative offset.
int64_t PageOffset(int64_t page, int64_t page_size) {
  if (page - 1 > std::numeric_limits<int64_t>::max() / page_size) return std::numeric_limits<int64_t>::max();
  return (page - 1) * page_size;
}

// Adds the data manager's computed columns to each task body, and the full
// annotations and predictions when `include_all`.
Result<void> AddDataManagerColumns(Connection& c, const std::vector<Task>& tasks, bj::array& bodies,
                                   bool include_all, int64_t user_id) {
  std::vector<int64_t> ids;
  for (const Task& task : tasks) ids.push_back(task.id);
  TALLY_ASSIGN_OR_RETURN(annotations, ListAnnotationsOfTasks(c, ids));
  TALLY_ASSIGN_OR_RETURN(predictions, ListPredictionsOfTasks(c, ids));
  std::set<int64_t> with_drafts;
  if (!ids.empty()) {
    std::string sql = "SELECT DISTINCT task_id FROM drafts WHERE user_id = ? AND task_id IN (";
    store::Params params{user_id};
    for (size_t i = 0; i < ids.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.push_back(ids[i]);
    }
    sql += ")";
    TALLY_ASSIGN_OR_RETURN(rows, c.Query(sql, params));
    for (const store::Row& row : rows) with_drafts.insert(row.Int(0));
  }

  std::map<int64_t, std::vector<const Annotation*>> by_task;
  for (const Annotation& a : annotations) by_task[a.task_id].push_back(&a);
  std::map<int64_t, std::vector<const Prediction*>> predictions_by_task;
  for (const Prediction& p : predictions) predictions_by_task[p.task_id].push_back(&p);

  for (size_t i = 0; i < tasks.size(); ++i) {
    bj::object& body = bodies[i].as_object();
    const int64_t task_id = tasks[i].id;
    bj::array annotators, annotation_ids, annotation_bodies, prediction_bodies, model_versions;
    std::set<int64_t> seen_annotators;
    std::optional<Micros> completed_at;
    double lead_sum = 0;
    int64_t lead_count = 0;
    bool ground_truth = false;
    for (const Annotation* a : by_task[task_id]) {
      if (a->completed_by && seen_annotators.insert(*a->completed_by).second) annotators.push_back(*a->completed_by);
      annotation_ids.push_back(a->id);
      if (!completed_at || a->created_at > *completed_at) completed_at = a->created_at;
      if (a->lead_time) {
        lead_sum += *a->lead_time;
        ++lead_count;
      }
      ground_truth = ground_truth || a->ground_truth;
      if (include_all) annotation_bodies.push_back(AnnotationJson(*a));
    }
    double score_sum = 0;
    int64_t score_count = 0;
    std::set<std::string> versions;
    for (const Prediction* p : predictions_by_task[task_id]) {
      if (versions.insert(p->model_version).second) model_versions.push_back(bj::value(p->model_version));
      if (p->score) {
        score_sum += *p->score;
        ++score_count;
      }
      if (include_all) prediction_bodies.push_back(PredictionJson(*p));
    }

    body["annotators"] = std::move(annotators);
    body["annotations_ids"] = std::move(annotation_ids);
    body["completed_at"] = completed_at ? bj::value(FormatIsoMicros(*completed_at)) : bj::value(nullptr);
    body["avg_lead_time"] = lead_count ? bj::value(lead_sum / static_cast<double>(lead_count)) : bj::value(nullptr);
    body["ground_truth"] = ground_truth;
    body["predictions_score"] =
        score_count ? bj::value(score_sum / static_cast<double>(score_count)) : bj::value(nullptr);
    body["predictions_model_versions"] = std::move(model_versions);
    body["draft_exists"] = with_drafts.count(task_id) > 0;
    if (include_all) {
      body["annotations"] = std::move(annotation_bodies);
      body["predictions"] = std::move(prediction_bodies);
    }
  }
  return Ok();
}

// Reads data, meta and allow_skip from a task body; data is checked against
// the project's config.
Result<TaskPatch> ReadTaskPatch(const bj::object& body, const Project& project, bool require_data) {
  TaskPatch patch;
  const bj::value* data = body.if_contains("data");
  if (data && !data->is_null()) {
    if (!data->is_object()) return Error::InvalidField("data", "Task data must be a JSON object.");
    TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
    std::vector<FieldError> errors;
    CheckTaskData(config, data->as_object(), "data", "", errors);
    if (!errors.empty()) {
      Error error = Error::InvalidField(errors[0].field, errors[0].message);
      error.fields = std::move(errors);
      return error;
    }
    patch.data = data->as_object();
  } else if (require_data) {
    return Error::InvalidField("data", "This field is required.");
  }

  if (const bj::value* meta = body.if_contains("meta"); meta && !meta->is_null()) {
    if (!meta->is_object() && !meta->is_array()) return Error::InvalidField("meta", "Must be an object or a list.");
    patch.meta = *meta;
  }
  TALLY_ASSIGN_OR_RETURN(allow_skip, json::OptionalBool(body, "allow_skip"));
  patch.allow_skip = allow_skip;
  return patch;
}

// The task with its annotations (skips included), predictions and the
// caller's drafts, as GET /api/tasks/{id} returns it.
Result<bj::object> RenderFullTask(Connection& c, const Task& task, int64_t user_id) {
  bj::object body = TaskJson(task);
  TALLY_ASSIGN_OR_RETURN(annotations, ListTaskAnnotations(c, task.id, /*include_skipped=*/true));
  TALLY_ASSIGN_OR_RETURN(predictions, ListPredictions(c, task.id, 0));
  TALLY_ASSIGN_OR_RETURN(drafts, ListUserDraftsOfTask(c, task.id, user_id));
  bj::array annotation_bodies, prediction_bodies, draft_bodies;
  for (const Annotation& a : annotations) annotation_bodies.push_back(AnnotationJson(a));
  for (const Prediction& p : predictions) prediction_bodies.push_back(PredictionJson(p));
  for (const Draft& d : drafts) draft_bodies.push_back(DraftJson(d));
  body["annotations"] = std::move(annotation_bodies);
  body["predictions"] = std::move(prediction_bodies);
  body["drafts"] = std::move(draft_bodies);
  TALLY_TRY(ResolveTaskUris(c, task.project_id, task.id, body));
  return body;
}

}  // namespace

void AddTaskRoutes(http::Router& router, LabelingContext& context) {
  store::Database& db = context.database;
  // One cache per database, because a count's key contains the project and
  // revision, which mean nothing in another database.
  auto count_cache = std::make_shared<TaskCountCache>();

  router.Add({.method = "GET", .pattern = "/api/tasks", .auth = Auth::kUser,
              .doc = {.summary = "A page of a project's tasks in the data manager's shape, filtered and ordered "
                                 "by a view or by ?query",
                      .tag = "Tasks",
                      .response_schema = R"({"type":"object","properties":{"tasks":{"type":"array"},
                        "total":{"type":"integer"},"total_annotations":{"type":"integer"},
                        "total_predictions":{"type":"integer"}}})",
                      .query = {"project", "page", "page_size", "fields", "view", "query"}},
              .handler = [&db, count_cache](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                TALLY_ASSIGN_OR_RETURN(page, PositiveQuery(request, "page", 1));
                TALLY_ASSIGN_OR_RETURN(page_size, PositiveQuery(request, "page_size", kDefaultTaskPageSize));
                page_size = std::min(page_size, kMaxTaskPageSize);
                const std::string fields = request.Query("fields").value_or("task_only");
                if (fields != "all" && fields != "task_only") {
                  return Error::InvalidField("fields", "Must be \"all\" or \"task_only\".");
                }
                TALLY_ASSIGN_OR_RETURN(view_id, QueryInt(request, "view"));
                TALLY_ASSIGN_OR_RETURN(query_object, QueryJsonObject(request, "query"));

                bool compaction_due = false;
                auto response = db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, *project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(query, ResolveTaskQuery(c, project.id, request.principal.user_id, view_id,
                                                                 query_object, "query.",
                                                                 ViewPrecedence::kRequestWins));
                  TALLY_ASSIGN_OR_RETURN(compiled, CompileTaskQuery(c.dialect(), project.id,
                                                                    request.principal.user_id, query, true));
                  // Without filters or selection the project's stored
                  // counters are the totals, so no count query runs.
                  TaskQueryTotals totals{project.counters.task_number,
                                         project.counters.total_annotations_number +
                                             project.counters.skipped_annotations_number,
                                         project.counters.total_predictions_number};
                  if (compiled.filtered) {
                    TALLY_ASSIGN_OR_RETURN(counted, CountMatchingTasksCached(c, compiled, project.id, *count_cache));
                    totals = counted.totals;
                    compaction_due = counted.compaction_due;
                  }
                  // The Label Studio SDK pages until it gets a 404, so a page
                  // past the end is an error, except the first of an empty project.
                  const int64_t offset = PageOffset(page, page_size);
                  if (page > 1 && offset >= totals.tasks) return Error::NotFound("Invalid page.");
                  TALLY_ASSIGN_OR_RETURN(ids, MatchingTaskPage(c, compiled, offset, page_size));
                  TALLY_ASSIGN_OR_RETURN(tasks, ListTasksByIds(c, ids));
                  bj::array bodies;
                  for (const Task& task : tasks) bodies.push_back(TaskJson(task));
                  if (QueryFlag(request, "resolve_uri")) {
                    for (size_t i = 0; i < tasks.size(); ++i) {
                      TALLY_TRY(ResolveTaskUris(c, tasks[i].project_id, tasks[i].id, bodies[i].as_object()));
                    }
                  }
                  TALLY_TRY(AddDataManagerColumns(c, tasks, bodies, fields == "all", request.principal.user_id));
                  return Response::Json(bj::object{{"tasks", std::move(bodies)},
                                                   {"total", totals.tasks},
                                                   {"total_annotations", totals.annotations},
                                                   {"total_predictions", totals.predictions}});
                });

                // The page is already built, so a failed compaction only
                // leaves the deltas for the next count to fold.
                if (response && compaction_due) {
                  auto compacted = db.Write([&](Connection& c) { return CompactTaskColumnCounts(c, *project_id); });
                  if (!compacted) {
                    TALLY_LOG_WARN("event=task_column_counts_compaction_failed project_id={} error=\"{}\"",
                                   *project_id, compacted.error().detail);
                  }
                }
                return response;
              }});

  router.Add({.method = "POST", .pattern = "/api/tasks", .auth = Auth::kUser,
              .doc = {.summary = "Create one task; its data must carry every key the label config reads (managers)",
                      .tag = "Tasks",
                      .request_schema = R"({"type":"object","required":["project","data"],"properties":{
                        "project":{"type":"integer"},"data":{"type":"object"},"meta":{"type":"object"}}})",
                      .response_schema = kTaskSchema, .success_status = 201},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(project_id, json::OptionalInt(body, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");

                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, *project_id, kManageRole));
                  TALLY_ASSIGN_OR_RETURN(patch, ReadTaskPatch(body, project, /*require_data=*/true));
                  NewTask task;
                  task.data = std::move(*patch.data);
                  if (patch.meta) task.meta = std::move(*patch.meta);
                  task.allow_skip = patch.allow_skip.value_or(true);
                  task.created_by = request.principal.user_id;
                  task.counts.overlap = project.maximum_annotations();
                  TALLY_ASSIGN_OR_RETURN(inner_id, NextInnerId(c, project.id));
                  TALLY_ASSIGN_OR_RETURN(task_id, InsertTask(c, project.id, inner_id, task, NowMicros()));
                  TALLY_TRY(AddTaskToProjectCounters(c, project.id, task.counts, 1));
                  if (project.overlap_cohort_percentage() < 100) {
                    TALLY_TRY(RecomputeProjectOverlaps(c, project));
                    TALLY_TRY(ReconcileTaskStates(c, project.id, request.principal.user_id));
                  }
                  TALLY_ASSIGN_OR_RETURN(stored, FindTask(c, task_id));
                  TALLY_TRY(EmitTasksCreated(c, project, {task_id}));
                  return RenderFullTask(c, *stored, request.principal.user_id);
                }));
                TALLY_LOG_INFO("event=task_created project_id={} task_id={} by_user_id={}", *project_id,
                               rendered.at("id").as_int64(), request.principal.user_id);
                return Response::Json(rendered, 201);
              }});

  router.Add({.method = "GET", .pattern = "/api/tasks/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "One task with its annotations, predictions and the caller's drafts",
                      .tag = "Tasks", .response_schema = kTaskSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, request.principal, task_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(body, RenderFullTask(c, found.task, request.principal.user_id));
                  return Response::Json(body);
                });
              }});

  router.Add({.method = "PATCH", .pattern = "/api/tasks/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Change a task's data, meta or allow_skip; data is checked again (managers)",
                      .tag = "Tasks",
                      .request_schema = R"({"type":"object","properties":{"data":{"type":"object"},
                        "meta":{"type":"object"},"allow_skip":{"type":"boolean"}}})",
                      .response_schema = kTaskSchema},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(rendered, db.Write([&](Connection& c) -> Result<bj::object> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, request.principal, task_id, kManageRole));
                  TALLY_ASSIGN_OR_RETURN(patch, ReadTaskPatch(body, found.project, /*require_data=*/false));
                  TALLY_TRY(UpdateTask(c, task_id, patch, request.principal.user_id));
                  TALLY_ASSIGN_OR_RETURN(stored, FindTask(c, task_id));
                  return RenderFullTask(c, *stored, request.principal.user_id);
                }));
                TALLY_LOG_INFO("event=task_updated task_id={} by_user_id={}", task_id, request.principal.user_id);
                return Response::Json(rendered);
              }});

  router.Add({.method = "DELETE", .pattern = "/api/tasks/{id:int}", .auth = Auth::kUser,
              .doc = {.summary = "Delete a task with its annotations, predictions and drafts (managers)",
                      .tag = "Tasks", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(found, AuthorizedTask(c, request.principal, task_id, kManageRole));
                  TALLY_ASSIGN_OR_RETURN(deleted, DeleteTask(c, found.project, task_id));
                  if (!deleted) return Error::NotFound("Not found.");
                  TALLY_TRY(EmitTasksDeleted(c, found.project, {task_id}));
                  return Ok();
                }));
                TALLY_LOG_INFO("event=task_deleted task_id={} by_user_id={}", task_id, request.principal.user_id);
                return Response::NoContent();
              }});

  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}/tasks", .auth = Auth::kUser,
              .doc = {.summary = "A page of a project's tasks as a plain list", .tag = "Tasks",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})",
                      .query = {"page", "page_size"}},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(page, PositiveQuery(request, "page", 1));
                TALLY_ASSIGN_OR_RETURN(page_size, PositiveQuery(request, "page_size", kDefaultTaskPageSize));
                page_size = std::min(page_size, kMaxTaskPageSize);
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kReadRole));
                  TALLY_ASSIGN_OR_RETURN(tasks, ListTasks(c, project.id, PageOffset(page, page_size), page_size));
                  bj::array bodies;
                  for (const Task& task : tasks) bodies.push_back(TaskJson(task));
                  return Response::Json(bodies);
                });
              }});

  router.Add({.method = "DELETE", .pattern = "/api/projects/{id:int}/tasks", .auth = Auth::kUser,
              .doc = {.summary = "Delete every task of a project (managers)", .tag = "Tasks", .success_status = 204},
              .handler = [&db](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(deleted, db.Write([&](Connection& c) -> Result<int64_t> {
                  TALLY_ASSIGN_OR_RETURN(project, AuthorizedProject(c, request.principal, project_id, kManageRole));
                  // Task ids are collected only when a webhook receives them.
                  std::vector<int64_t> task_ids;
                  TALLY_ASSIGN_OR_RETURN(notify, HasWebhookReceivers(c, project, "TASKS_DELETED"));
                  if (notify) {
                    TALLY_ASSIGN_OR_RETURN(tasks, ListTasks(c, project.id, 0, project.counters.task_number + 1));
                    for (const Task& task : tasks) task_ids.push_back(task.id);
                  }
                  TALLY_ASSIGN_OR_RETURN(deleted, DeleteTasks(c, project, {}));
                  TALLY_TRY(EmitTasksDeleted(c, project, task_ids));
                  return deleted;
                }));
                TALLY_LOG_INFO("event=tasks_deleted project_id={} count={} by_user_id={}", project_id, deleted,
                               request.principal.user_id);
                return Response::NoContent();
              }});
}

}  // namespace tally::labeling
