// Experiments: two or more runs of one dataset compared item by item.
//
// For each dataset item and run, the comparison shows the output of the
// linked trace (or of the linked observation when the run item names one),
// its latency, its cost and every score on that trace. Per run it adds
// aggregates (mean of each numeric or boolean score, category counts of
// categorical scores, mean/p50/p95 latency, total cost) and their deltas
// against a baseline run, so the web UI renders the table without further
// arithmetic.
//
// Definitions:
//   - latency: seconds from the earliest observation start to the latest
//     observation end of the trace, or the linked observation's own end
//     minus start. It is null while any of them has no end time yet.
//   - cost: sum of the observations' total cost (the linked observation's
//     alone when the run item names one); null when none has a cost.
//   - p50/p95: linear interpolation between closest ranks (numpy's default).
//   - when a run links an item more than once, the latest run item counts.
//
// Thread-safety: free functions over the connection they are given.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "evals/dataset_runs.h"
#include "store/database.h"

namespace tally::evals {

// A run item with the output of the trace or observation it links (null
// while that is not ingested yet).
struct RunItemOutput {
  DatasetRunItem run_item;
  boost::json::value output;
};

struct ExperimentQuery {
  std::string dataset_name;
  std::vector<std::string> run_names;  // empty: every run of the dataset, newest first
  std::optional<std::string> baseline;  // default: the first run
  int64_t page = 1;                     // pages over dataset items; aggregates cover all
  int64_t limit = 50;
};

// Builds the comparison object (see experiments_routes.cc for its schema).
// kNotFound for an unknown dataset or run name; kInvalidArgument when the
// baseline is not among the compared runs or the dataset has no run.
[[nodiscard]] Result<boost::json::object> CompareRuns(store::Connection& connection, int64_t project_id,
                                                      const ExperimentQuery& query);

// The latest run item of each dataset item in `run`, with its output.
[[nodiscard]] Result<std::vector<RunItemOutput>> LoadRunOutputs(store::Connection& connection, int64_t project_id,
                                                               const DatasetRun& run);

// The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between
// closest ranks; nullopt for an empty list. Sorts `values`.
std::optional<double> Quantile(std::vector<double>& values, double q);

}  // namespace tally::evals
