// Per-version metrics of prompts: what the generations linked to each prompt
// version (see LinkPromptVersion in ingestion.cc) cost, how long they took,
// how many tokens they used and how they scored.
//
// Generations count when their `prompt_id` is one of the requested version
// ids. Scores count when they are NUMERIC or BOOLEAN and sit on one of those
// generations, or on the trace of one without naming an observation; a trace
// score counts once per version even when the trace contains several of its
// generations. CATEGORICAL, TEXT and CORRECTION scores have no mean and are
// left out.
//
// Thread-safety: stateless; the Connection rules of store/database.h apply.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace tally::tracing {

struct ScoreMean {
  double mean = 0;
  int64_t count = 0;  // scores averaged
};

struct PromptVersionMetrics {
  int64_t generation_count = 0;
  // Seconds from startTime to endTime over generations that have an end
  // time; nullopt when none has. Percentiles interpolate linearly between
  // the two nearest ranks, as PostgreSQL's percentile_cont does.
  std::optional<double> latency_median, latency_p95;
  // Token counts summed as the observation API derives them: input is every
  // usage key containing "input", output every key containing "output", and
  // total the `total` key (input + output when it is missing).
  int64_t input_tokens = 0, output_tokens = 0, total_tokens = 0;
  double total_cost = 0;  // sum of the generations' total costs, in USD
  std::map<std::string, ScoreMean> scores;  // by score name
};

// Metrics of each id in `prompt_ids`. Every requested id is in the result,
// with zero counts when no generation links to it. Fails only when the
// database fails.
//
// NOTE: latencies and usage of every linked generation are read into memory
// (about 100 bytes per generation) because SQLite has no percentile
// function; a version with tens of millions of generations responds slowly.
[[nodiscard]] Result<std::map<std::string, PromptVersionMetrics>> LoadPromptVersionMetrics(
    store::Connection& c, int64_t project_id, const std::vector<std::string>& prompt_ids);

// The percentile `fraction` (0 to 1) of `values` with linear interpolation;
// nullopt when `values` is empty. Sorts `values`.
std::optional<double> Percentile(std::vector<double>& values, double fraction);

}  // namespace tally::tracing
