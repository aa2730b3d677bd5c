#include "evals/datasets_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <set>

#include "core/json.h"
#include "core/log.h"
#include "evals/dataset_runs.h"
#include "evals/datasets.h"
#include "tracing/route_helpers.h"

namespace tally::evals {

namespace bj = boost::json;
using tracing::Page;

namespace {

constexpr const char* kDatasetSchema = R"({
  "type": "object", "required": ["id", "name", "projectId", "createdAt", "updatedAt"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "description": {"type": ["string", "null"]},
    "metadata": {}, "inputSchema": {}, "expectedOutputSchema": {}, "projectId": {"type": "string"},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"},
    "items": {"type": "array", "description": "legacy routes only"}, "runs": {"type": "array", "description": "legacy routes only"}
  }
})";

constexpr const char* kDatasetCreateSchema = R"({
  "type": "object", "required": ["name"],
  "properties": {
    "name": {"type": "string", "description": "Unique in the project; an existing dataset of this name is updated"},
    "description": {"type": ["string", "null"]}, "metadata": {},
    "inputSchema": {"description": "JSON Schema of item inputs; stored, not yet enforced"},
    "expectedOutputSchema": {"description": "JSON Schema of expected outputs; stored, not yet enforced"}
  }
})";

constexpr const char* kItemSchema = R"({
  "type": "object", "required": ["id", "status", "datasetId", "datasetName", "createdAt", "updatedAt", "mediaReferences"],
  "properties": {
    "id": {"type": "string"}, "status": {"type": "string", "enum": ["ACTIVE", "ARCHIVED"]},
    "input": {}, "expectedOutput": {}, "metadata": {},
    "sourceTraceId": {"type": ["string", "null"]}, "sourceObservationId": {"type": ["string", "null"]},
    "datasetId": {"type": "string"}, "datasetName": {"type": "string"},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"},
    "mediaReferences": {"type": "array"}
  }
})";

constexpr const char* kItemCreateSchema = R"({
  "type": "object", "required": ["datasetName"],
  "properties": {
    "datasetName": {"type": "string"}, "id": {"type": "string", "maxLength": 255, "description": "Upsert key; generated when absent"},
    "input": {}, "expectedOutput": {}, "metadata": {},
    "sourceTraceId": {"type": "string"}, "sourceObservationId": {"type": "string"},
    "status": {"type": "string", "enum": ["ACTIVE", "ARCHIVED"]}
  }
})";

constexpr const char* kRunSchema = R"({
  "type": "object", "required": ["id", "name", "datasetId", "datasetName", "createdAt", "updatedAt"],
  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "description": {"type": ["string", "null"]},
    "metadata": {}, "datasetId": {"type": "string"}, "datasetName": {"type": "string"},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"},
    "datasetRunItems": {"type": "array", "description": "single-run read only"}
  }
})";

constexpr const char* kRunItemSchema = R"({
  "type": "object", "required": ["id", "datasetRunId", "datasetRunName", "datasetItemId", "traceId"],
  "properties": {
    "id": {"type": "string"}, "datasetRunId": {"type": "string"}, "datasetRunName": {"type": "string"},
    "datasetItemId": {"type": "string"}, "traceId": {"type": "string"}, "observationId": {"type": ["string", "null"]},
    "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}
  }
})";

constexpr const char* kRunItemCreateSchema = R"({
  "type": "object", "required": ["runName", "datasetItemId"], "additionalProperties": false,
  "properties": {
    "runName": {"type": "string"}, "runDescription": {"type": "string"}, "metadata": {},
    "datasetItemId": {"type": "string"}, "traceId": {"type": "string"}, "observationId": {"type": "string"},
    "datasetVersion": {"type": "string", "format": "date-time"}, "createdAt": {"type": "string", "format": "date-time"}
  }
})";

constexpr const char* kPagedSchema = R"({
  "type": "object", "required": ["data", "meta"],
  "properties": {"data": {"type": "array"}, "meta": {"type": "object", "properties": {
    "page": {"type": "integer"}, "limit": {"type": "integer"}, "totalItems": {"type": "integer"}, "totalPages": {"type": "integer"}}}}
})";

constexpr const char* kMessageSchema = R"({"type": "object", "properties": {"message": {"type": "string"}}})";

// Dataset items may carry large inputs; Langfuse accepts 4.5 MB bodies here.
constexpr size_t kItemBodyLimit = 4'500'000;
constexpr size_t kMaxItemIdLength = 255;

int64_t Offset(const Page& page) { return (page.page - 1) * page.limit; }

// An optional string field that may also be null.
Result<std::optional<std::string>> NullableString(const bj::object& body, std::string_view key) {
  return json::OptionalString(body, key);
}

// An optional JSON field: absent and null both give nullopt.
std::optional<std::string> JsonField(const bj::object& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  return StoredJson(it->value());
}

Result<std::string> RequireName(const bj::object& body, std::string_view key) {
  TALLY_ASSIGN_OR_RETURN(name, json::RequireString(body, key));
  if (name.empty()) return Error::InvalidField(std::string(key), "Must not be empty");
  return name;
}

Result<DatasetUpsert> ParseDatasetUpsert(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(text));
  DatasetUpsert upsert;
  TALLY_ASSIGN_OR_RETURN(name, RequireName(body, "name"));
  upsert.name = std::move(name);
  TALLY_ASSIGN_OR_RETURN(description, NullableString(body, "description"));
  upsert.description = std::move(description);
  upsert.metadata = JsonField(body, "metadata");
  upsert.input_schema = JsonField(body, "inputSchema");
  upsert.expected_output_schema = JsonField(body, "expectedOutputSchema");
  for (const char* key : {"inputSchema", "expectedOutputSchema"}) {
    auto it = body.find(key);
    if (it != body.end() && !it->value().is_null() && !it->value().is_object() && !it->value().is_bool()) {
      return Error::InvalidField(key, "Expected a JSON Schema object");
    }
  }
  return upsert;
}

Result<DatasetItemUpsert> ParseItemUpsert(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, tracing::ParseDeepJson(text));
  if (!body.is_object()) return Error::Invalid("Request body must be a JSON object");
  const bj::object& object = body.as_object();
  DatasetItemUpsert upsert;
  TALLY_ASSIGN_OR_RETURN(dataset_name, RequireName(object, "datasetName"));
  upsert.dataset_name = std::move(dataset_name);
  TALLY_ASSIGN_OR_RETURN(id, NullableString(object, "id"));
  if (id) {
    if (id->empty()) return Error::InvalidField("id", "Must not be empty; leave id out to get a generated one");
    if (id->size() > kMaxItemIdLength) {
      return Error::InvalidField("id", fmt::format("Must be at most {} characters", kMaxItemIdLength));
    }
    upsert.id = std::move(*id);
  }
  TALLY_ASSIGN_OR_RETURN(status, NullableString(object, "status"));
  upsert.status = std::move(status);
  upsert.input = JsonField(object, "input");
  upsert.expected_output = JsonField(object, "expectedOutput");
  upsert.metadata = JsonField(object, "metadata");
  TALLY_ASSIGN_OR_RETURN(source_trace_id, NullableString(object, "sourceTraceId"));
  upsert.source_trace_id = std::move(source_trace_id);
  TALLY_ASSIGN_OR_RETURN(source_observation_id, NullableString(object, "sourceObservationId"));
  upsert.source_observation_id = std::move(source_observation_id);
  return upsert;
}

Result<std::optional<Micros>> OptionalTime(const bj::object& body, std::string_view key) {
  TALLY_ASSIGN_OR_RETURN(text, json::OptionalString(body, key));
  if (!text) return std::optional<Micros>();
  auto parsed = ParseIsoTimestamp(*text);
  if (!parsed) {
    return Error::InvalidField(std::string(key), "Invalid datetime: send ISO 8601 with a zone, e.g. 2024-01-01T00:00:00Z");
  }
  return std::optional<Micros>(*parsed);
}

// The run item body is strict, as in Langfuse: an unknown key is a 400.
Result<RunItemCreate> ParseRunItemCreate(const std::string& text) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(text));
  static const std::set<std::string, std::less<>> kKnownKeys = {
      "runName", "runDescription", "metadata", "datasetItemId", "traceId", "observationId", "datasetVersion",
      "createdAt"};
  for (const auto& entry : body) {
    if (!kKnownKeys.contains(entry.key())) {
      return Error::InvalidField(std::string(entry.key()), "Unrecognized key; remove it from the request body");
    }
  }

  RunItemCreate create;
  TALLY_ASSIGN_OR_RETURN(run_name, RequireName(body, "runName"));
  create.run_name = std::move(run_name);
  TALLY_ASSIGN_OR_RETURN(item_id, RequireName(body, "datasetItemId"));
  create.dataset_item_id = std::move(item_id);
  TALLY_ASSIGN_OR_RETURN(description, NullableString(body, "runDescription"));
  create.run_description = std::move(description);
  create.metadata = JsonField(body, "metadata");
  TALLY_ASSIGN_OR_RETURN(trace_id, NullableString(body, "traceId"));
  TALLY_ASSIGN_OR_RETURN(observation_id, NullableString(body, "observationId"));
  if (trace_id && trace_id->empty()) trace_id.reset();
  if (observation_id && observation_id->empty()) observation_id.reset();
  if (!trace_id && !observation_id) {
    return Error::InvalidField("traceId", "Send traceId, observationId or both to link the item to a trace");
  }
  create.trace_id = std::move(trace_id);
  create.observation_id = std::move(observation_id);
  // NOTE: datasetVersion is only checked for its format. The run item links
  // the item by id and does not record which version of it the run used.
  TALLY_TRY(OptionalTime(body, "datasetVersion"));
  TALLY_ASSIGN_OR_RETURN(created_at, OptionalTime(body, "createdAt"));
  create.created_at = created_at;
  return create;
}

Result<Dataset> RequireDataset(store::Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetByName(connection, project_id, name));
  if (!dataset) return Error::NotFound(fmt::format("Dataset '{}' not found", name));
  return std::move(*dataset);
}

Result<DatasetRun> RequireRun(store::Connection& connection, int64_t project_id, const Dataset& dataset,
                              const std::string& run_name) {
  TALLY_ASSIGN_OR_RETURN(run, FindRun(connection, project_id, dataset, run_name));
  if (!run) return Error::NotFound(fmt::format("Dataset run '{}' not found in dataset '{}'", run_name, dataset.name));
  return std::move(*run);
}

// ---------------------------------------------------------------------------
// Datasets

// The legacy dataset object: `items` (full, active only) and `runs` (names),
// or both as id/name arrays in the legacy list.
Result<bj::object> LegacyDatasetJson(store::Connection& connection, int64_t project_id, const Dataset& dataset,
                                     bool full_items) {
  bj::object out = DatasetJson(dataset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query("SELECT id FROM dataset_items WHERE project_id = ? AND "
                                                "dataset_id = ? AND status = 'ACTIVE' ORDER BY created_at DESC, id DESC",
                                                {project_id, dataset.id}));
  bj::array items;
  for (const store::Row& row : rows) {
    if (!full_items) {
      items.push_back(bj::value(row.Text(0)));
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(item, FindDatasetItem(connection, project_id, row.Text(0)));
    if (item) items.push_back(DatasetItemJson(*item));
  }
  TALLY_ASSIGN_OR_RETURN(runs, connection.Query("SELECT name FROM dataset_runs WHERE project_id = ? AND "
                                                "dataset_id = ? ORDER BY created_at DESC, id DESC",
                                                {project_id, dataset.id}));
  bj::array run_names;
  for (const store::Row& row : runs) run_names.push_back(bj::value(row.Text(0)));
  out["items"] = std::move(items);
  out["runs"] = std::move(run_names);
  return out;
}

Result<http::Response> UpsertDatasetRoute(store::Database& database, const http::Request& request, bool legacy) {
  TALLY_ASSIGN_OR_RETURN(upsert, ParseDatasetUpsert(request.body));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(body, database.Write([&](store::Connection& connection) -> Result<bj::object> {
    TALLY_ASSIGN_OR_RETURN(dataset, UpsertDataset(connection, project_id, upsert));
    if (legacy) return LegacyDatasetJson(connection, project_id, dataset, true);
    return DatasetJson(dataset);
  }));
  TALLY_LOG_INFO("event=dataset_upserted request_id={} project_id={} dataset_id={}", request.request_id, project_id,
                 body.at("id").as_string().c_str());
  return http::Response::Json(body);
}

Result<http::Response> ListDatasetsRoute(store::Database& database, http::Request& request, bool legacy) {
  // The legacy list counts pages from 0 as well as from 1; 0 is the first page.
  if (legacy && request.Query("page") == std::optional<std::string>("0")) request.query.erase("page");
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(list, ListDatasets(connection, project_id, Offset(page), page.limit));
    bj::array data;
    for (const Dataset& dataset : list.first) {
      if (!legacy) {
        data.push_back(DatasetJson(dataset));
        continue;
      }
      TALLY_ASSIGN_OR_RETURN(object, LegacyDatasetJson(connection, project_id, dataset, false));
      data.push_back(std::move(object));
    }
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", tracing::PageMeta(page, list.second)}});
  });
}

Result<http::Response> GetDatasetRoute(store::Database& database, const http::Request& request, bool legacy) {
  const std::string name = tracing::PathParam(request, "datasetName");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(dataset, RequireDataset(connection, project_id, name));
    if (!legacy) return http::Response::Json(DatasetJson(dataset));
    TALLY_ASSIGN_OR_RETURN(object, LegacyDatasetJson(connection, project_id, dataset, true));
    return http::Response::Json(object);
  });
}

// ---------------------------------------------------------------------------
// Dataset items

Result<http::Response> UpsertItemRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(upsert, ParseItemUpsert(request.body));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(item, database.Write([&](store::Connection& connection) {
    return UpsertDatasetItem(connection, project_id, upsert);
  }));
  TALLY_LOG_INFO("event=dataset_item_upserted request_id={} project_id={} dataset_id={} item_id={}",
                 request.request_id, project_id, item.dataset_id, item.id);
  return http::Response::Json(DatasetItemJson(item));
}

Result<http::Response> ListItemsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  TALLY_ASSIGN_OR_RETURN(version, tracing::ParseTimeParam(request, "version"));
  auto dataset_name = tracing::TextParam(request, "datasetName");
  if (version && !dataset_name) {
    return Error::InvalidField("version", "Reading items at a version needs datasetName as well");
  }
  const int64_t project_id = request.principal.project_id;
  ItemQuery query{.version = version,
                  .source_trace_id = tracing::TextParam(request, "sourceTraceId"),
                  .source_observation_id = tracing::TextParam(request, "sourceObservationId"),
                  .offset = Offset(page),
                  .limit = page.limit};
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    if (dataset_name) {
      TALLY_ASSIGN_OR_RETURN(dataset, RequireDataset(connection, project_id, *dataset_name));
      query.dataset_id = dataset.id;
    }
    TALLY_ASSIGN_OR_RETURN(list, ListDatasetItems(connection, project_id, query));
    bj::array data;
    for (const DatasetItem& item : list.first) data.push_back(DatasetItemJson(item));
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", tracing::PageMeta(page, list.second)}});
  });
}

Result<http::Response> GetItemRoute(store::Database& database, const http::Request& request) {
  const std::string id = tracing::PathParam(request, "id");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(item, database.Read([&](store::Connection& connection) {
    return FindDatasetItem(connection, project_id, id);
  }));
  if (!item) return Error::NotFound(fmt::format("Dataset item '{}' not found", id));
  return http::Response::Json(DatasetItemJson(*item));
}

Result<http::Response> DeleteItemRoute(store::Database& database, const http::Request& request) {
  const std::string id = tracing::PathParam(request, "id");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(deleted, database.Write([&](store::Connection& connection) {
    return DeleteDatasetItem(connection, project_id, id);
  }));
  if (!deleted) return Error::NotFound(fmt::format("Dataset item '{}' not found", id));
  TALLY_LOG_INFO("event=dataset_item_deleted request_id={} project_id={} item_id={}", request.request_id, project_id, id);
  return http::Response::Json(bj::object{{"message", "Dataset item successfully deleted"}});
}

// ---------------------------------------------------------------------------
// Runs and run items

Result<http::Response> CreateRunItemRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(create, ParseRunItemCreate(request.body));
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(run_item, database.Write([&](store::Connection& connection) {
    return CreateRunItem(connection, project_id, create);
  }));
  TALLY_LOG_INFO("event=dataset_run_item_created request_id={} project_id={} run_id={} item_id={} trace_id={}",
                 request.request_id, project_id, run_item.dataset_run_id, run_item.dataset_item_id, run_item.trace_id);
  return http::Response::Json(DatasetRunItemJson(run_item));
}

Result<http::Response> ListRunItemsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  auto dataset_id = tracing::TextParam(request, "datasetId");
  if (!dataset_id) return Error::InvalidField("datasetId", "Required: add ?datasetId=<dataset id> to the URL");
  auto run_name = tracing::TextParam(request, "runName");
  if (!run_name) return Error::InvalidField("runName", "Required: add &runName=<run name> to the URL");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetById(connection, project_id, *dataset_id));
    if (!dataset) return Error::NotFound(fmt::format("Dataset with id '{}' not found", *dataset_id));
    TALLY_ASSIGN_OR_RETURN(run, RequireRun(connection, project_id, *dataset, *run_name));
    TALLY_ASSIGN_OR_RETURN(list, ListRunItems(connection, project_id, run, Offset(page), page.limit));
    bj::array data;
    for (const DatasetRunItem& item : list.first) data.push_back(DatasetRunItemJson(item));
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", tracing::PageMeta(page, list.second)}});
  });
}

Result<http::Response> ListRunsRoute(store::Database& database, const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(page, tracing::ParsePage(request));
  const std::string name = tracing::PathParam(request, "datasetName");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(dataset, RequireDataset(connection, project_id, name));
    TALLY_ASSIGN_OR_RETURN(list, ListRuns(connection, project_id, dataset, Offset(page), page.limit));
    bj::array data;
    for (const DatasetRun& run : list.first) data.push_back(DatasetRunJson(run));
    return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", tracing::PageMeta(page, list.second)}});
  });
}

Result<http::Response> GetRunRoute(store::Database& database, const http::Request& request) {
  const std::string name = tracing::PathParam(request, "datasetName");
  const std::string run_name = tracing::PathParam(request, "runName");
  const int64_t project_id = request.principal.project_id;
  return database.Read([&](store::Connection& connection) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(dataset, RequireDataset(connection, project_id, name));
    TALLY_ASSIGN_OR_RETURN(run, RequireRun(connection, project_id, dataset, run_name));
    TALLY_ASSIGN_OR_RETURN(list, ListRunItems(connection, project_id, run, 0, -1));
    bj::object out = DatasetRunJson(run);
    bj::array items;
    for (const DatasetRunItem& item : list.first) items.push_back(DatasetRunItemJson(item));
    out["datasetRunItems"] = std::move(items);
    return http::Response::Json(out);
  });
}

Result<http::Response> DeleteRunRoute(store::Database& database, const http::Request& request) {
  const std::string name = tracing::PathParam(request, "datasetName");
  const std::string run_name = tracing::PathParam(request, "runName");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(run_id, database.Write([&](store::Connection& connection) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(dataset, RequireDataset(connection, project_id, name));
    TALLY_ASSIGN_OR_RETURN(run, RequireRun(connection, project_id, dataset, run_name));
    TALLY_TRY(DeleteRun(connection, project_id, run));
    return run.id;
  }));
  TALLY_LOG_INFO("event=dataset_run_deleted request_id={} project_id={} run_id={}", request.request_id, project_id,
                 run_id);
  return http::Response::Json(bj::object{{"message", "Dataset run successfully deleted"}});
}

}  // namespace

void AddDatasetRoutes(http::Router& router, store::Database& database) {
  auto bind = [&database](auto handler) {
    return [&database, handler](http::Request& request) { return handler(database, request); };
  };
  const auto key = http::Auth::kProjectKey;
  const std::vector<std::string> paged = {"page", "limit"};

  router.Add({.method = "POST", .pattern = "/api/public/v2/datasets", .auth = key,
              .doc = {.summary = "Create a dataset, or update the one with this name", .tag = "Datasets",
                      .request_schema = kDatasetCreateSchema, .response_schema = kDatasetSchema},
              .handler = [&database](http::Request& request) { return UpsertDatasetRoute(database, request, false); }});
  router.Add({.method = "GET", .pattern = "/api/public/v2/datasets", .auth = key,
              .doc = {.summary = "List datasets, newest first", .tag = "Datasets", .response_schema = kPagedSchema,
                      .query = paged},
              .handler = [&database](http::Request& request) { return ListDatasetsRoute(database, request, false); }});
  router.Add({.method = "GET", .pattern = "/api/public/v2/datasets/{datasetName}", .auth = key,
              .doc = {.summary = "Get a dataset by name", .tag = "Datasets", .response_schema = kDatasetSchema},
              .handler = [&database](http::Request& request) { return GetDatasetRoute(database, request, false); }});

  router.Add({.method = "POST", .pattern = "/api/public/datasets", .auth = key,
              .doc = {.summary = "Create or update a dataset (legacy form with items and runs)", .tag = "Datasets",
                      .request_schema = kDatasetCreateSchema, .response_schema = kDatasetSchema},
              .handler = [&database](http::Request& request) { return UpsertDatasetRoute(database, request, true); }});
  router.Add({.method = "GET", .pattern = "/api/public/datasets", .auth = key,
              .doc = {.summary = "List datasets with item ids and run names (legacy)", .tag = "Datasets",
                      .response_schema = kPagedSchema, .query = paged},
              .handler = [&database](http::Request& request) { return ListDatasetsRoute(database, request, true); }});
  router.Add({.method = "GET", .pattern = "/api/public/datasets/{datasetName}", .auth = key,
              .doc = {.summary = "Get a dataset with its active items and run names (legacy)", .tag = "Datasets",
                      .response_schema = kDatasetSchema},
              .handler = [&database](http::Request& request) { return GetDatasetRoute(database, request, true); }});

  router.Add({.method = "POST", .pattern = "/api/public/dataset-items", .auth = key, .body_limit = kItemBodyLimit,
              .doc = {.summary = "Create a dataset item, or update the one with this id", .tag = "Datasets",
                      .request_schema = kItemCreateSchema, .response_schema = kItemSchema},
              .handler = bind(UpsertItemRoute)});
  router.Add({.method = "GET", .pattern = "/api/public/dataset-items", .auth = key,
              .doc = {.summary = "List active dataset items, newest first", .tag = "Datasets",
                      .response_schema = kPagedSchema,
                      .query = {"datasetName", "sourceTraceId", "sourceObservationId", "version", "page", "limit"}},
              .handler = bind(ListItemsRoute)});
  router.Add({.method = "GET", .pattern = "/api/public/dataset-items/{id}", .auth = key,
              .doc = {.summary = "Get a dataset item, archived or not", .tag = "Datasets", .response_schema = kItemSchema},
              .handler = bind(GetItemRoute)});
  router.Add({.method = "DELETE", .pattern = "/api/public/dataset-items/{id}", .auth = key,
              .doc = {.summary = "Delete a dataset item and its run items", .tag = "Datasets",
                      .response_schema = kMessageSchema},
              .handler = bind(DeleteItemRoute)});

  router.Add({.method = "POST", .pattern = "/api/public/dataset-run-items", .auth = key,
              .doc = {.summary = "Link a dataset item to a trace in a run, creating the run if needed",
                      .tag = "Datasets", .request_schema = kRunItemCreateSchema, .response_schema = kRunItemSchema},
              .handler = bind(CreateRunItemRoute)});
  router.Add({.method = "GET", .pattern = "/api/public/dataset-run-items", .auth = key,
              .doc = {.summary = "List the run items of a dataset run, oldest first", .tag = "Datasets",
                      .response_schema = kPagedSchema, .query = {"datasetId", "runName", "page", "limit"}},
              .handler = bind(ListRunItemsRoute)});
  router.Add({.method = "GET", .pattern = "/api/public/datasets/{datasetName}/runs", .auth = key,
              .doc = {.summary = "List a dataset's runs, newest first", .tag = "Datasets",
                      .response_schema = kPagedSchema, .query = paged},
              .handler = bind(ListRunsRoute)});
  router.Add({.method = "GET", .pattern = "/api/public/datasets/{datasetName}/runs/{runName}", .auth = key,
              .doc = {.summary = "Get a dataset run with its run items", .tag = "Datasets",
                      .response_schema = kRunSchema},
              .handler = bind(GetRunRoute)});
  router.Add({.method = "DELETE", .pattern = "/api/public/datasets/{datasetName}/runs/{runName}", .auth = key,
              .doc = {.summary = "Delete a dataset run and its run items", .tag = "Datasets",
                      .response_schema = kMessageSchema},
              .handler = bind(DeleteRunRoute)});

  AddDatasetImportRoutes(router, database);
}

}  // namespace tally::evals
