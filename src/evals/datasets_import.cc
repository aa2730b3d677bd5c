// Tally's own routes that fill a dataset from data the project already has.
// A trace's input becomes the item input and its output the expected output.
// A labeled task's data becomes the input, and the result of its ground-truth
// (else latest) annotation becomes the expected output.
//
// Item ids derive from the dataset and the source ("<dataset id>-trace-<trace
// id>", "<dataset id>-task-<task id>"), so importing the same source again
// updates its item instead of adding a copy. Each call runs in one write
// transaction: a missing trace fails the whole call and writes nothing.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "accounts/project_access.h"
#include "core/json.h"
#include "core/log.h"
#include "evals/datasets.h"
#include "evals/datasets_routes.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

// More trace ids than this in one call is a 400; send several calls.
constexpr size_t kMaxTracesPerCall = 1000;

constexpr const char* kImportSchema = R"({
  "type": "object", "required": ["dataset", "created", "updated"],
  "properties": {
    "dataset": {"type": "object", "description": "the Langfuse Dataset object"},
    "created": {"type": "integer", "description": "items added"},
    "updated": {"type": "integer", "description": "items that existed from an earlier import and were refreshed"},
    "skipped": {"type": "integer", "description": "tasks without a submitted annotation"}
  }
})";

constexpr const char* kFromTracesSchema = R"({
  "type": "object", "required": ["datasetName", "traceIds"],
  "properties": {
    "datasetName": {"type": "string", "description": "created when the project has no dataset of this name"},
    "traceIds": {"type": "array", "items": {"type": "string"}, "maxItems": 1000}
  }
})";

constexpr const char* kFromTasksSchema = R"({
  "type": "object", "required": ["datasetName", "labelingProjectId"],
  "properties": {
    "datasetName": {"type": "string", "description": "created when the project has no dataset of this name"},
    "labelingProjectId": {"type": "integer", "description": "a project of the same organization with labeled tasks"}
  }
})";

struct ImportCounts {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t skipped = 0;
};

// Upserts one item under a derived id and counts whether it was new.
Result<void> UpsertDerivedItem(store::Connection& connection, int64_t project_id, DatasetItemUpsert upsert,
                               ImportCounts& counts) {
  TALLY_ASSIGN_OR_RETURN(existing, FindDatasetItem(connection, project_id, upsert.id));
  TALLY_TRY(UpsertDatasetItem(connection, project_id, upsert));
  if (existing) {
    ++counts.updated;
  } else {
    ++counts.created;
  }
  return Ok();
}

Result<std::string> RequireDatasetName(const bj::object& body) {
  TALLY_ASSIGN_OR_RETURN(name, json::RequireString(body, "datasetName"));
  if (name.empty()) return Error::InvalidField("datasetName", "Must not be empty");
  return name;
}

http::Response ImportResponse(const Dataset& dataset, const ImportCounts& counts) {
  return http::Response::Json(bj::object{{"dataset", DatasetJson(dataset)},
                                         {"created", counts.created},
                                         {"updated", counts.updated},
                                         {"skipped", counts.skipped}});
}

Result<http::Response> FromTracesRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(dataset_name, RequireDatasetName(body));
  const bj::value* ids = body.if_contains("traceIds");
  if (!ids || !ids->is_array() || ids->as_array().empty()) {
    return Error::InvalidField("traceIds", "Send a non-empty array of trace ids");
  }
  if (ids->as_array().size() > kMaxTracesPerCall) {
    return Error::InvalidField("traceIds", fmt::format("At most {} trace ids per call; split the list", kMaxTracesPerCall));
  }
  std::vector<std::string> trace_ids;
  for (size_t i = 0; i < ids->as_array().size(); ++i) {
    const bj::value& id = ids->as_array()[i];
    if (!id.is_string() || id.as_string().empty()) {
      return Error::InvalidField(fmt::format("traceIds.{}", i), "Expected a non-empty trace id string");
    }
    trace_ids.emplace_back(id.as_string());
  }

  ImportCounts counts;
  TALLY_ASSIGN_OR_RETURN(dataset, database.Write([&](store::Connection& connection) -> Result<Dataset> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kManager));
    TALLY_ASSIGN_OR_RETURN(dataset, UpsertDataset(connection, project_id, DatasetUpsert{.name = dataset_name}));
    for (const std::string& trace_id : trace_ids) {
      TALLY_ASSIGN_OR_RETURN(trace, connection.QueryOne("SELECT input, output, metadata FROM traces "
                                                        "WHERE project_id = ? AND id = ?",
                                                        {project_id, trace_id}));
      if (!trace) return Error::NotFound(fmt::format("Trace '{}' not found in project {}", trace_id, project_id));
      DatasetItemUpsert upsert{.dataset_name = dataset.name,
                               .id = fmt::format("{}-trace-{}", dataset.id, trace_id),
                               .input = trace->OptionalText(0),
                               .expected_output = trace->OptionalText(1),
                               .metadata = trace->OptionalText(2),
                               .source_trace_id = trace_id};
      TALLY_TRY(UpsertDerivedItem(connection, project_id, std::move(upsert), counts));
    }
    return dataset;
  }));

  TALLY_LOG_INFO("event=dataset_items_from_traces request_id={} project_id={} dataset_id={} created={} updated={}",
                 request.request_id, project_id, dataset.id, counts.created, counts.updated);
  return ImportResponse(dataset, counts);
}

// The annotation each task contributes: ground truth first, then the most
// recently updated; cancelled (skipped) annotations never count.
struct ChosenAnnotation {
  int64_t task_id = 0;
  int64_t annotation_id = 0;
  std::optional<std::string> result;
  bool ground_truth = false;
};

Result<std::vector<ChosenAnnotation>> ChooseAnnotations(store::Connection& connection, int64_t labeling_project_id) {
  std::vector<ChosenAnnotation> chosen;
  // NOTE: every chosen annotation is held in memory; a project of millions
  // of tasks needs a paged import.
  TALLY_TRY(connection.ForEach(
      "SELECT task_id, id, result, ground_truth FROM annotations WHERE project_id = ? AND was_cancelled = 0 "
      "ORDER BY task_id, ground_truth DESC, updated_at DESC, id DESC",
      {labeling_project_id}, [&](const store::Row& row) {
        const int64_t task_id = row.Int(0);
        if (!chosen.empty() && chosen.back().task_id == task_id) return true;
        chosen.push_back(ChosenAnnotation{.task_id = task_id,
                                          .annotation_id = row.Int(1),
                                          .result = row.OptionalText(2),
                                          .ground_truth = row.Bool(3)});
        return true;
      }));
  return chosen;
}

Result<http::Response> FromTasksRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("project_id"));
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(dataset_name, RequireDatasetName(body));
  TALLY_ASSIGN_OR_RETURN(labeling_project_id, json::RequireInt(body, "labelingProjectId"));

  ImportCounts counts;
  TALLY_ASSIGN_OR_RETURN(dataset, database.Write([&](store::Connection& connection) -> Result<Dataset> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kManager));
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, labeling_project_id,
                                         accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(dataset, UpsertDataset(connection, project_id, DatasetUpsert{.name = dataset_name}));
    TALLY_ASSIGN_OR_RETURN(chosen, ChooseAnnotations(connection, labeling_project_id));
    TALLY_ASSIGN_OR_RETURN(task_count, connection.QueryOne("SELECT COUNT(*) FROM tasks WHERE project_id = ?",
                                                           {labeling_project_id}));
    counts.skipped = (task_count ? task_count->Int(0) : 0) - static_cast<int64_t>(chosen.size());

    for (const ChosenAnnotation& annotation : chosen) {
      TALLY_ASSIGN_OR_RETURN(task, connection.QueryOne("SELECT data FROM tasks WHERE id = ? AND project_id = ?",
                                                       {annotation.task_id, labeling_project_id}));
      if (!task) continue;
      bj::object metadata{{"labelingProjectId", labeling_project_id},
                          {"taskId", annotation.task_id},
                          {"annotationId", annotation.annotation_id},
                          {"groundTruth", annotation.ground_truth}};
      DatasetItemUpsert upsert{.dataset_name = dataset.name,
                               .id = fmt::format("{}-task-{}", dataset.id, annotation.task_id),
                               .input = task->OptionalText(0),
                               .expected_output = annotation.result.value_or("[]"),
                               .metadata = json::Serialize(metadata)};
      TALLY_TRY(UpsertDerivedItem(connection, project_id, std::move(upsert), counts));
    }
    return dataset;
  }));

  TALLY_LOG_INFO("event=dataset_items_from_tasks request_id={} project_id={} labeling_project_id={} dataset_id={} "
                 "created={} updated={} skipped={}",
                 request.request_id, project_id, labeling_project_id, dataset.id, counts.created, counts.updated,
                 counts.skipped);
  return ImportResponse(dataset, counts);
}

}  // namespace

void AddDatasetImportRoutes(http::Router& router, store::Database& database) {
  router.Add({.method = "POST",
              .pattern = "/api/evals/{project_id:int}/datasets/items-from-traces",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Add or refresh one dataset item per trace (input, output as expected output, metadata)",
                      .tag = "Datasets",
                      .request_schema = kFromTracesSchema,
                      .response_schema = kImportSchema},
              .handler = [&database](http::Request& request) { return FromTracesRoute(database, request); }});
  router.Add({.method = "POST",
              .pattern = "/api/evals/{project_id:int}/datasets/items-from-tasks",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Add or refresh one dataset item per labeled task of a labeling project",
                      .tag = "Datasets",
                      .request_schema = kFromTasksSchema,
                      .response_schema = kImportSchema},
              .handler = [&database](http::Request& request) { return FromTasksRoute(database, request); }});
}

}  // namespace tally::evals
