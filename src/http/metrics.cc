#include "http/metrics.h"

#include <fmt/format.h>
#include <thread>

namespace tally::http {

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status, double seconds) {
  Shard& shard = shards_[std::hash<std::thread::id>()(std::this_thread::get_id()) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.series.find(KeyView(route, method, status));
  if (it == shard.series.end()) it = shard.series.emplace(Key(route, method, status), Series{}).first;
  Series& series = it->second;
  ++series.count;
  series.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++series.buckets[i];
  }
}

void Metrics::AddSource(std::function<void(std::string& out)> source) { sources_.push_back(std::move(source)); }

namespace {

// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string Metrics::Render() const {
  std::map<Key, Series, KeyLess> merged;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, series] : shard.series) {
      Series& target = merged[key];
      target.count += series.count;
      target.sum += series.sum;
      for (size_t i = 0; i < kBuckets.size(); ++i) target.buckets[i] += series.buckets[i];
    }
  }

  std::string out;
  out += "# HELP tally_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
  out += "# TYPE tally_http_requests_total counter\n";
  for (const auto& [key, series] : merged) {
    const auto& [route, method, status] = key;
    out += fmt::format("tally_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       EscapeLabel(route), method, status, series.count);
  }

  out += "# HELP tally_http_request_duration_seconds Time from a request's first byte read to its answer.\n";
  out += "# TYPE tally_http_request_duration_seconds histogram\n";
  for (const auto& [key, series] : merged) {
    const auto& [route, method, status] = key;
    const std::string labels = fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", EscapeLabel(route), method, status);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("tally_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i],
                         series.buckets[i]);
    }
    out += fmt::format("tally_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, series.count);
    out += fmt::format("tally_http_request_duration_seconds_sum{{{}}} {}\n", labels, series.sum);
    out += fmt::format("tally_http_request_duration_seconds_count{{{}}} {}\n", labels, series.count);
  }

  out += "# HELP tally_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE tally_http_requests_in_flight gauge\n";
  out += fmt::format("tally_http_requests_in_flight {}\n", in_flight.load());
  out += "# HELP tally_http_requests_rejected_overload_total Requests answered 503 because the worker queue was full.\n";
  out += "# TYPE tally_http_requests_rejected_overload_total counter\n";
  out += fmt::format("tally_http_requests_rejected_overload_total {}\n", rejected_overload.load());

  for (const auto& source : sources_) source(out);
  return out;
}

}  // namespace tally::http
