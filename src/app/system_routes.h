// Routes about the server itself: health for load balancers and both APIs'
// clients, version, and Prometheus metrics.
//
//   GET /health, /api/health    {"status":"UP"} or 503 {"status":"DOWN"}
//   GET /api/public/health      Langfuse: {"status":"OK","version":"…"} or 503
//   GET /api/public/ready       same check, for readiness probes
//   GET /api/version            {"release": "…", …}
//   GET /metrics                Prometheus text format
//
// Health answers from a monitor that pings the database once a second in
// the background, so a probe never waits on the database and a flood of
// probes cannot load it. The answer turns 503 when the last successful ping
// is older than three seconds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/metrics.h"
#include "http/router.h"
#include "store/database.h"

namespace tally::app {

class HealthMonitor {
 public:
  explicit HealthMonitor(store::Database& database);
  ~HealthMonitor();

  // True when the database answered a ping within the last three seconds.
  bool healthy() const;

 private:
  void Loop();

  store::Database& database_;
  std::atomic<int64_t> last_ok_micros_{0};
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread thread_;
};

void AddSystemRoutes(http::Router& router, HealthMonitor& health, http::Metrics& metrics, store::Database& database);

}  // namespace tally::app
