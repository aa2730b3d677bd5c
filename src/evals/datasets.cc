#include "evals/datasets.h"

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::evals {

namespace bj = boost::json;
using store::OrNull;
using store::Params;
using store::Row;

namespace {

constexpr const char* kDatasetColumns =
    "id, project_id, name, description, metadata, input_schema, expected_output_schema, created_at, updated_at";

// Item columns prefixed with `i.` and the dataset's name, for a join on datasets `d`.
constexpr const char* kItemColumns =
    "i.id, i.dataset_id, d.name, i.status, i.input, i.expected_output, i.metadata, i.source_trace_id, "
    "i.source_observation_id, i.created_at, i.updated_at";

Dataset DatasetFromRow(const Row& row) {
  return Dataset{.id = row.Text(0),
                 .project_id = row.Int(1),
                 .name = row.Text(2),
                 .description = row.OptionalText(3),
                 .metadata = row.OptionalText(4),
                 .input_schema = row.OptionalText(5),
                 .expected_output_schema = row.OptionalText(6),
                 .created_at = row.Int(7),
                 .updated_at = row.Int(8)};
}

DatasetItem ItemFromRow(const Row& row) {
  return DatasetItem{.id = row.Text(0),
                     .dataset_id = row.Text(1),
                     .dataset_name = row.Text(2),
                     .status = row.Text(3),
                     .input = row.OptionalText(4),
                     .expected_output = row.OptionalText(5),
                     .metadata = row.OptionalText(6),
                     .source_trace_id = row.OptionalText(7),
                     .source_observation_id = row.OptionalText(8),
                     .created_at = row.Int(9),
                     .updated_at = row.Int(10)};
}

// Appends the item's state from `valid_from` on to its history. Two writes
// in the same microsecond keep the later one.
Result<void> RecordItemVersion(Connection& connection, int64_t project_id, const DatasetItem& item, Micros valid_from,
                               bool deleted) {
  TALLY_TRY(connection.Execute(
      "INSERT INTO dataset_item_versions (project_id, item_id, valid_from, dataset_id, status, input, expected_output, "
      "metadata, source_trace_id, source_observation_id, created_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (project_id, item_id, valid_from) DO UPDATE SET status = excluded.status, input = excluded.input, "
      "expected_output = excluded.expected_output, metadata = excluded.metadata, "
      "source_trace_id = excluded.source_trace_id, source_observation_id = excluded.source_observation_id, "
      "deleted = excluded.deleted",
      {project_id, item.id, valid_from, item.dataset_id, item.status, OrNull(item.input), OrNull(item.expected_output),
       OrNull(item.metadata), OrNull(item.source_trace_id), OrNull(item.source_observation_id), item.created_at,
       store::Bool(deleted)}));
  return Ok();
}

// One page of a dataset's items as they were at `query.version`.
Result<std::pair<std::vector<DatasetItem>, int64_t>> ListItemVersions(Connection& connection, int64_t project_id,
                                                                      const ItemQuery& query) {
  const std::string from =
      "FROM dataset_item_versions v JOIN datasets d ON d.project_id = v.project_id AND d.id = v.dataset_id "
      "WHERE v.project_id = ? AND v.dataset_id = ? AND v.valid_from = (SELECT MAX(w.valid_from) FROM "
      "dataset_item_versions w WHERE w.project_id = v.project_id AND w.item_id = v.item_id AND w.valid_from <= ?) "
      "AND v.deleted = 0 AND v.status = 'ACTIVE'";
  Params params{project_id, *query.dataset_id, *query.version};
  std::string filters;
  if (query.source_trace_id) {
    filters += " AND v.source_trace_id = ?";
    params.emplace_back(*query.source_trace_id);
  }
  if (query.source_observation_id) {
    filters += " AND v.source_observation_id = ?";
    params.emplace_back(*query.source_observation_id);
  }
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne(fmt::format("SELECT COUNT(*) {}{}", from, filters), params));
  params.emplace_back(query.limit);
  params.emplace_back(query.offset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT v.item_id, v.dataset_id, d.name, v.status, v.input, "
                                                            "v.expected_output, v.metadata, v.source_trace_id, "
                                                            "v.source_observation_id, v.created_at, v.valid_from {}{} "
                                                            "ORDER BY v.created_at DESC, v.item_id DESC LIMIT ? OFFSET ?",
                                                            from, filters),
                                                params));
  std::vector<DatasetItem> items;
  for (const Row& row : rows) items.push_back(ItemFromRow(row));
  return std::make_pair(std::move(items), count ? count->Int(0) : 0);
}

bj::value OptionalString(const std::optional<std::string>& text) {
  return text ? bj::value(*text) : bj::value(nullptr);
}

}  // namespace

bj::value ParseStoredJson(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 10000;
  bj::value value = bj::parse(*text, ec, {}, options);
  if (ec) return bj::value(*text);
  return value;
}

std::optional<std::string> StoredJson(const bj::value& value) {
  if (value.is_null()) return std::nullopt;
  return json::Serialize(value);
}

Result<Dataset> UpsertDataset(Connection& connection, int64_t project_id, const DatasetUpsert& upsert) {
  TALLY_ASSIGN_OR_RETURN(existing, FindDatasetByName(connection, project_id, upsert.name));
  const Micros now = NowMicros();
  if (!existing) {
    Dataset dataset{.id = NewUuidV7(),
                    .project_id = project_id,
                    .name = upsert.name,
                    .description = upsert.description,
                    .metadata = upsert.metadata,
                    .input_schema = upsert.input_schema,
                    .expected_output_schema = upsert.expected_output_schema,
                    .created_at = now,
                    .updated_at = now};
    TALLY_TRY(connection.Execute(
        fmt::format("INSERT INTO datasets ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", kDatasetColumns),
        {dataset.id, project_id, dataset.name, OrNull(dataset.description), OrNull(dataset.metadata),
         OrNull(dataset.input_schema), OrNull(dataset.expected_output_schema), now, now}));
    return dataset;
  }

  Dataset dataset = std::move(*existing);
  if (upsert.description) dataset.description = upsert.description;
  if (upsert.metadata) dataset.metadata = upsert.metadata;
  if (upsert.input_schema) dataset.input_schema = upsert.input_schema;
  if (upsert.expected_output_schema) dataset.expected_output_schema = upsert.expected_output_schema;
  dataset.updated_at = now;
  TALLY_TRY(connection.Execute(
      "UPDATE datasets SET description = ?, metadata = ?, input_schema = ?, expected_output_schema = ?, "
      "updated_at = ? WHERE project_id = ? AND id = ?",
      {OrNull(dataset.description), OrNull(dataset.metadata), OrNull(dataset.input_schema),
       OrNull(dataset.expected_output_schema), now, project_id, dataset.id}));
  return dataset;
}

Result<std::optional<Dataset>> FindDatasetByName(Connection& connection, int64_t project_id, const std::string& name) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  fmt::format("SELECT {} FROM datasets WHERE project_id = ? AND name = ?", kDatasetColumns),
                                  {project_id, name}));
  if (!row) return std::optional<Dataset>();
  return std::optional<Dataset>(DatasetFromRow(*row));
}

Result<std::optional<Dataset>> FindDatasetById(Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  fmt::format("SELECT {} FROM datasets WHERE project_id = ? AND id = ?", kDatasetColumns),
                                  {project_id, id}));
  if (!row) return std::optional<Dataset>();
  return std::optional<Dataset>(DatasetFromRow(*row));
}

Result<std::pair<std::vector<Dataset>, int64_t>> ListDatasets(Connection& connection, int64_t project_id,
                                                              int64_t offset, int64_t limit) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM datasets WHERE project_id = ? "
                                                            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                                            kDatasetColumns),
                                                {project_id, limit, offset}));
  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne("SELECT COUNT(*) FROM datasets WHERE project_id = ?", {project_id}));
  std::vector<Dataset> datasets;
  for (const Row& row : rows) datasets.push_back(DatasetFromRow(row));
  return std::make_pair(std::move(datasets), count ? count->Int(0) : 0);
}

Result<DatasetItem> UpsertDatasetItem(Connection& connection, int64_t project_id, const DatasetItemUpsert& upsert) {
  if (upsert.status && *upsert.status != kItemActive && *upsert.status != kItemArchived) {
    return Error::InvalidField("status", fmt::format("Invalid status '{}': send ACTIVE or ARCHIVED", *upsert.status));
  }
  TALLY_ASSIGN_OR_RETURN(dataset, FindDatasetByName(connection, project_id, upsert.dataset_name));
  if (!dataset) return Error::NotFound(fmt::format("Dataset '{}' not found", upsert.dataset_name));

  std::optional<DatasetItem> existing;
  if (!upsert.id.empty()) {
    TALLY_ASSIGN_OR_RETURN(found, FindDatasetItem(connection, project_id, upsert.id));
    existing = std::move(found);
  }
  if (existing && existing->dataset_id != dataset->id) {
    return Error::Conflict(fmt::format("Dataset item '{}' already belongs to dataset '{}'; choose another id",
                                       upsert.id, existing->dataset_name));
  }

  const Micros now = NowMicros();
  if (!existing) {
    DatasetItem item{.id = upsert.id.empty() ? NewUuidV4() : upsert.id,
                     .dataset_id = dataset->id,
                     .dataset_name = dataset->name,
                     .status = upsert.status.value_or(kItemActive),
                     .input = upsert.input,
                     .expected_output = upsert.expected_output,
                     .metadata = upsert.metadata,
                     .source_trace_id = upsert.source_trace_id,
                     .source_observation_id = upsert.source_observation_id,
                     .created_at = now,
                     .updated_at = now};
    TALLY_TRY(connection.Execute(
        "INSERT INTO dataset_items (project_id, id, dataset_id, status, input, expected_output, metadata, "
        "source_trace_id, source_observation_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {project_id, item.id, item.dataset_id, item.status, OrNull(item.input), OrNull(item.expected_output),
         OrNull(item.metadata), OrNull(item.source_trace_id), OrNull(item.source_observation_id), now, now}));
    TALLY_TRY(RecordItemVersion(connection, project_id, item, now, false));
    return item;
  }

  DatasetItem item = std::move(*existing);
  if (upsert.status) item.status = *upsert.status;
  if (upsert.input) item.input = upsert.input;
  if (upsert.expected_output) item.expected_output = upsert.expected_output;
  if (upsert.metadata) item.metadata = upsert.metadata;
  if (upsert.source_trace_id) item.source_trace_id = upsert.source_trace_id;
  if (upsert.source_observation_id) item.source_observation_id = upsert.source_observation_id;
  item.updated_at = now;
  TALLY_TRY(connection.Execute(
      "UPDATE dataset_items SET status = ?, input = ?, expected_output = ?, metadata = ?, source_trace_id = ?, "
      "source_observation_id = ?, updated_at = ? WHERE project_id = ? AND id = ?",
      {item.status, OrNull(item.input), OrNull(item.expected_output), OrNull(item.metadata),
       OrNull(item.source_trace_id), OrNull(item.source_observation_id), now, project_id, item.id}));
  TALLY_TRY(RecordItemVersion(connection, project_id, item, now, false));
  return item;
}

Result<std::optional<DatasetItem>> FindDatasetItem(Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM dataset_items i JOIN datasets d "
                                                              "ON d.project_id = i.project_id AND d.id = i.dataset_id "
                                                              "WHERE i.project_id = ? AND i.id = ?",
                                                              kItemColumns),
                                                  {project_id, id}));
  if (!row) return std::optional<DatasetItem>();
  return std::optional<DatasetItem>(ItemFromRow(*row));
}

Result<std::pair<std::vector<DatasetItem>, int64_t>> ListDatasetItems(Connection& connection, int64_t project_id,
                                                                      const ItemQuery& query) {
  if (query.version) return ListItemVersions(connection, project_id, query);
  std::string where = "i.project_id = ?";
  Params params{project_id};
  if (query.dataset_id) {
    where += " AND i.dataset_id = ?";
    params.emplace_back(*query.dataset_id);
  }
  if (query.source_trace_id) {
    where += " AND i.source_trace_id = ?";
    params.emplace_back(*query.source_trace_id);
  }
  if (query.source_observation_id) {
    where += " AND i.source_observation_id = ?";
    params.emplace_back(*query.source_observation_id);
  }
  if (query.active_only) where += " AND i.status = 'ACTIVE'";
  const std::string from = "FROM dataset_items i JOIN datasets d ON d.project_id = i.project_id AND d.id = i.dataset_id";

  TALLY_ASSIGN_OR_RETURN(count, connection.QueryOne(fmt::format("SELECT COUNT(*) {} WHERE {}", from, where), params));
  params.emplace_back(query.limit);
  params.emplace_back(query.offset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} {} WHERE {} ORDER BY i.created_at DESC, i.id DESC "
                                                            "LIMIT ? OFFSET ?",
                                                            kItemColumns, from, where),
                                                params));
  std::vector<DatasetItem> items;
  for (const Row& row : rows) items.push_back(ItemFromRow(row));
  return std::make_pair(std::move(items), count ? count->Int(0) : 0);
}

Result<bool> DeleteDatasetItem(Connection& connection, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(item, FindDatasetItem(connection, project_id, id));
  if (!item) return false;
  TALLY_TRY(RecordItemVersion(connection, project_id, *item, NowMicros(), true));
  TALLY_TRY(connection.Execute("DELETE FROM dataset_run_items WHERE project_id = ? AND dataset_item_id = ?",
                               {project_id, id}));
  TALLY_ASSIGN_OR_RETURN(deleted,
                         connection.Execute("DELETE FROM dataset_items WHERE project_id = ? AND id = ?", {project_id, id}));
  return deleted > 0;
}

bj::object DatasetJson(const Dataset& dataset) {
  return bj::object{{"id", dataset.id},
                    {"name", dataset.name},
                    {"description", OptionalString(dataset.description)},
                    {"metadata", ParseStoredJson(dataset.metadata)},
                    {"inputSchema", ParseStoredJson(dataset.input_schema)},
                    {"expectedOutputSchema", ParseStoredJson(dataset.expected_output_schema)},
                    {"projectId", std::to_string(dataset.project_id)},
                    {"createdAt", FormatIsoMillis(dataset.created_at)},
                    {"updatedAt", FormatIsoMillis(dataset.updated_at)}};
}

bj::object DatasetItemJson(const DatasetItem& item) {
  return bj::object{{"id", item.id},
                    {"status", item.status},
                    {"input", ParseStoredJson(item.input)},
                    {"expectedOutput", ParseStoredJson(item.expected_output)},
                    {"metadata", ParseStoredJson(item.metadata)},
                    {"sourceTraceId", OptionalString(item.source_trace_id)},
                    {"sourceObservationId", OptionalString(item.source_observation_id)},
                    {"datasetId", item.dataset_id},
                    {"datasetName", item.dataset_name},
                    {"createdAt", FormatIsoMillis(item.created_at)},
                    {"updatedAt", FormatIsoMillis(item.updated_at)},
                    {"mediaReferences", bj::array()}};
}

}  // namespace tally::evals
