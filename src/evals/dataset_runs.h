// Dataset runs and run items: storage and the Langfuse JSON shapes.
//
// A run is unique by name within its dataset and is created by its first
// run item. A run item links one dataset item to the trace (and optionally
// the observation) that processed it. The trace may not exist yet, because
// SDKs link the item while the traced task still runs.
//
// Thread-safety: free functions over the connection they are given.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "evals/datasets.h"

namespace tally::evals {

struct DatasetRun {
  std::string id;
  std::string dataset_id;
  std::string dataset_name;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> metadata;  // JSON text
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct DatasetRunItem {
  std::string id;
  std::string dataset_run_id;
  std::string dataset_run_name;
  std::string dataset_item_id;
  std::string trace_id;
  std::optional<std::string> observation_id;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// The body of POST /dataset-run-items after validation.
struct RunItemCreate {
  std::string run_name;
  std::optional<std::string> run_description;
  std::optional<std::string> metadata;  // JSON text
  std::string dataset_item_id;
  std::optional<std::string> trace_id;
  std::optional<std::string> observation_id;
  std::optional<Micros> created_at;
};

// Creates a run item, and its run when the dataset has none of that name (a
// description or metadata given updates an existing run). kNotFound when
// the item is missing or archived, or when only an observation id is given
// and no such observation is stored.
[[nodiscard]] Result<DatasetRunItem> CreateRunItem(Connection& connection, int64_t project_id,
                                                   const RunItemCreate& create);

// nullopt when the dataset has no run of that name.
[[nodiscard]] Result<std::optional<DatasetRun>> FindRun(Connection& connection, int64_t project_id,
                                                        const Dataset& dataset, const std::string& run_name);

// One page of a dataset's runs, newest first, and the total count.
[[nodiscard]] Result<std::pair<std::vector<DatasetRun>, int64_t>> ListRuns(Connection& connection, int64_t project_id,
                                                                          const Dataset& dataset, int64_t offset,
                                                                          int64_t limit);

// Run items of a run, oldest first; `limit` < 0 returns all of them. The
// second value is the total count.
[[nodiscard]] Result<std::pair<std::vector<DatasetRunItem>, int64_t>> ListRunItems(Connection& connection,
                                                                                  int64_t project_id,
                                                                                  const DatasetRun& run, int64_t offset,
                                                                                  int64_t limit);

// Deletes the run and its run items; run-level scores stay.
[[nodiscard]] Result<void> DeleteRun(Connection& connection, int64_t project_id, const DatasetRun& run);

boost::json::object DatasetRunJson(const DatasetRun& run);
boost::json::object DatasetRunItemJson(const DatasetRunItem& item);

}  // namespace tally::evals
