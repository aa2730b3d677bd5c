#include "tracing/prompt_metrics.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Params;
using store::Row;

namespace {

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += i ? ", ?" : "?";
  return text;
}

// Adds one generation's usage JSON to the version's token sums.
void AddUsage(PromptVersionMetrics& metrics, const std::string& usage_text) {
  boost::system::error_code ec;
  bj::value parsed = bj::parse(usage_text, ec);
  if (ec || !parsed.is_object()) return;
  const bj::object& usage = parsed.as_object();
  bool any_input = false, any_output = false;
  const auto input = static_cast<int64_t>(SumKeysContaining(usage, "input", any_input));
  const auto output = static_cast<int64_t>(SumKeysContaining(usage, "output", any_output));
  metrics.input_tokens += input;
  metrics.output_tokens += output;
  const bj::value* total = usage.if_contains("total");
  metrics.total_tokens += total ? static_cast<int64_t>(NumberOf(*total).value_or(0)) : input + output;
}

}  // namespace

std::optional<double> Percentile(std::vector<double>& values, double fraction) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = fraction * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<size_t>(std::floor(rank));
  const size_t upper = std::min(lower + 1, values.size() - 1);
  return values[lower] + (values[upper] - values[lower]) * (rank - static_cast<double>(lower));
}

Result<std::map<std::string, PromptVersionMetrics>> LoadPromptVersionMetrics(
    store::Connection& c, int64_t project_id, const std::vector<std::string>& prompt_ids) {
  std::map<std::string, PromptVersionMetrics> out;
  if (prompt_ids.empty()) return out;
  for (const auto& id : prompt_ids) out[id];
  Params params{project_id};
  params.insert(params.end(), prompt_ids.begin(), prompt_ids.end());
  const std::string in = "(" + Placeholders(prompt_ids.size()) + ")";

  // Generations: count, usage and cost, with latencies kept for percentiles.
  std::map<std::string, std::vector<double>> latencies;
  TALLY_TRY(c.ForEach("SELECT prompt_id, start_time, end_time, usage_details, total_cost FROM observations "
                      "WHERE project_id = ? AND type = 'GENERATION' AND prompt_id IN " + in,
                      params, [&](const Row& row) {
                        const std::string prompt_id = row.Text(0);
                        PromptVersionMetrics& metrics = out[prompt_id];
                        metrics.generation_count += 1;
                        if (!row.IsNull(2)) {
                          latencies[prompt_id].push_back(static_cast<double>(row.Int(2) - row.Int(1)) / 1e6);
                        }
                        AddUsage(metrics, row.Text(3, "{}"));
                        metrics.total_cost += row.Double(4);
                        return true;
                      }));
  for (auto& [prompt_id, values] : latencies) {
    PromptVersionMetrics& metrics = out[prompt_id];
    metrics.latency_median = Percentile(values, 0.5);
    metrics.latency_p95 = Percentile(values, 0.95);
  }

  // Scores on the generations, and on their traces without an observation.
  // DISTINCT keeps a trace score from counting once per generation of the
  // same version in that trace.
  TALLY_TRY(c.ForEach(
      "SELECT linked.prompt_id, linked.name, AVG(linked.value), COUNT(*) FROM ("
      "SELECT DISTINCT o.prompt_id, s.id, s.name, s.value FROM observations o JOIN scores s "
      "ON s.project_id = o.project_id AND (s.observation_id = o.id "
      "OR (s.observation_id IS NULL AND s.trace_id = o.trace_id)) "
      "WHERE o.project_id = ? AND o.type = 'GENERATION' AND o.prompt_id IN " + in +
          " AND s.data_type IN ('NUMERIC', 'BOOLEAN') AND s.value IS NOT NULL) linked "
          "GROUP BY linked.prompt_id, linked.name",
      params, [&](const Row& row) {
        out[row.Text(0)].scores[row.Text(1)] = ScoreMean{row.Double(2), row.Int(3)};
        return true;
      }));
  return out;
}

}  // namespace tally::tracing
