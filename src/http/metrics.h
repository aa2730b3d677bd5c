// Prometheus metrics for GET /metrics: request counts and a latency histogram
// by route pattern, method and status, plus gauges that other subsystems
// contribute through callbacks (job counts, database pool use).
//
// Thread-safety: ObserveRequest may be called from any thread; series are
// sharded by thread to keep IO threads from contending on one lock.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tally::http {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  // Records one finished request. `route` is the pattern ("/api/projects/{id:int}"),
  // never the concrete path, so the number of series stays bounded.
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);

  // Adds a callback that appends Prometheus text lines (with HELP and TYPE)
  // at scrape time. Register before the server starts.
  void AddSource(std::function<void(std::string& out)> source);

  // Renders everything in the Prometheus text exposition format 0.0.4.
  std::string Render() const;

  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> rejected_overload{0};

 private:
  struct Series {
    int64_t count = 0;
    double sum = 0;
    std::array<int64_t, kBuckets.size()> buckets{};
  };
  using Key = std::tuple<std::string, std::string, int>;
  using KeyView = std::tuple<std::string_view, std::string_view, int>;
  // Compares keys and views alike, so the hot path looks a series up without
  // allocating its strings.
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return KeyView(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
             KeyView(std::get<0>(b), std::get<1>(b), std::get<2>(b));
    }
  };
  struct Shard {
    mutable std::mutex mutex;
    std::map<Key, Series, KeyLess> series;
  };
  static constexpr size_t kShards = 16;
  std::array<Shard, kShards> shards_;
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace tally::http
