// Datasets and dataset items: storage and the Langfuse JSON shapes.
//
// A dataset is unique by name within a project. Item ids are unique within
// the project (not the dataset), so an upsert names an item by id alone and
// an id that belongs to another dataset is a conflict. JSON fields (input,
// expected output, metadata, schemas) are kept as JSON text and parsed back
// on read.
//
// Every function takes a Connection borrowed inside Database::Read/Write, so
// a caller can combine several calls in one transaction.
//
// Thread-safety: free functions over the connection they are given.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"

namespace tally::evals {

using store::Connection;

struct Dataset {
  std::string id;
  int64_t project_id = 0;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> metadata;                // JSON text
  std::optional<std::string> input_schema;            // JSON text
  std::optional<std::string> expected_output_schema;  // JSON text
  Micros created_at = 0;
  Micros updated_at = 0;
};

// The body of POST /v2/datasets. Absent optionals leave an existing
// dataset's fields as they are.
struct DatasetUpsert {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> metadata;
  std::optional<std::string> input_schema;
  std::optional<std::string> expected_output_schema;
};

inline constexpr const char* kItemActive = "ACTIVE";
inline constexpr const char* kItemArchived = "ARCHIVED";

struct DatasetItem {
  std::string id;
  std::string dataset_id;
  std::string dataset_name;
  std::string status = kItemActive;
  std::optional<std::string> input;            // JSON text
  std::optional<std::string> expected_output;  // JSON text
  std::optional<std::string> metadata;         // JSON text
  std::optional<std::string> source_trace_id;
  std::optional<std::string> source_observation_id;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// The body of POST /dataset-items. A field left empty keeps the stored value
// of an existing item; `id` empty makes a new item with a fresh id.
struct DatasetItemUpsert {
  std::string dataset_name;
  std::string id;
  std::optional<std::string> status;
  std::optional<std::string> input;
  std::optional<std::string> expected_output;
  std::optional<std::string> metadata;
  std::optional<std::string> source_trace_id;
  std::optional<std::string> source_observation_id;
};

struct ItemQuery {
  std::optional<std::string> dataset_id;
  // Reads items as they were at this time (REQUIRES dataset_id): the state
  // each item had then, leaving out items created later or deleted before.
  std::optional<Micros> version;
  std::optional<std::string> source_trace_id;
  std::optional<std::string> source_observation_id;
  bool active_only = true;
  int64_t offset = 0;
  int64_t limit = 50;
};

// Creates the dataset, or updates the given fields of the one with that
// name. Returns the stored dataset.
[[nodiscard]] Result<Dataset> UpsertDataset(Connection& connection, int64_t project_id, const DatasetUpsert& upsert);

// nullopt when the project has no dataset of that name (or id).
[[nodiscard]] Result<std::optional<Dataset>> FindDatasetByName(Connection& connection, int64_t project_id,
                                                               const std::string& name);
[[nodiscard]] Result<std::optional<Dataset>> FindDatasetById(Connection& connection, int64_t project_id,
                                                             const std::string& id);

// One page of datasets, newest first, and the total count.
[[nodiscard]] Result<std::pair<std::vector<Dataset>, int64_t>> ListDatasets(Connection& connection, int64_t project_id,
                                                                            int64_t offset, int64_t limit);

// Creates or updates an item. kNotFound for an unknown dataset name,
// kConflict when `upsert.id` belongs to an item of another dataset,
// kInvalidArgument for an unknown status.
[[nodiscard]] Result<DatasetItem> UpsertDatasetItem(Connection& connection, int64_t project_id,
                                                    const DatasetItemUpsert& upsert);

// nullopt when the project has no item with that id.
[[nodiscard]] Result<std::optional<DatasetItem>> FindDatasetItem(Connection& connection, int64_t project_id,
                                                                 const std::string& id);

// One page of items, newest first, and the total count.
[[nodiscard]] Result<std::pair<std::vector<DatasetItem>, int64_t>> ListDatasetItems(Connection& connection,
                                                                                    int64_t project_id,
                                                                                    const ItemQuery& query);

// Deletes the item and its run items, and records the deletion in the
// item's history; false when there was no such item.
[[nodiscard]] Result<bool> DeleteDatasetItem(Connection& connection, int64_t project_id, const std::string& id);

// Parses stored JSON text back into a value: null for NULL, the text itself
// as a string if it is not valid JSON.
boost::json::value ParseStoredJson(const std::optional<std::string>& text);

// Serializes a request value for storage: nullopt for JSON null.
std::optional<std::string> StoredJson(const boost::json::value& value);

// The Langfuse Dataset and DatasetItem objects.
boost::json::object DatasetJson(const Dataset& dataset);
boost::json::object DatasetItemJson(const DatasetItem& item);

}  // namespace tally::evals
