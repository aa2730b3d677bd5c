#include "app/system_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/log.h"
#include "core/time.h"

namespace tally::app {

namespace bj = boost::json;
using http::Auth;
using http::Dispatch;
using http::Request;
using http::Response;

namespace {
constexpr Micros kStaleAfter = 3'000'000;
}

HealthMonitor::HealthMonitor(store::Database& database) : database_(database) {
  if (database_.Ping()) last_ok_micros_.store(NowMicros());
  thread_ = std::thread([this] { Loop(); });
}

HealthMonitor::~HealthMonitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  thread_.join();
}

bool HealthMonitor::healthy() const { return NowMicros() - last_ok_micros_.load() < kStaleAfter; }

void HealthMonitor::Loop() {
  bool was_healthy = true;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto ping = database_.Ping();
    if (ping) {
      last_ok_micros_.store(NowMicros());
      if (!was_healthy) TALLY_LOG_INFO("event=database_recovered");
      was_healthy = true;
    } else if (was_healthy) {
      // Logged once per outage, not once per second.
      TALLY_LOG_ERROR("event=database_unreachable detail=\"{}\"", ping.error().detail);
      was_healthy = false;
    }
    lock.lock();
    stop_signal_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

void AddSystemRoutes(http::Router& router, HealthMonitor& health, http::Metrics& metrics, store::Database& database) {
  const char* backend = database.dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql";

  auto label_studio_health = [&health](Request&) -> Result<Response> {
    if (!health.healthy()) return Response::Json(bj::object{{"status", "DOWN"}}, 503).WithHeader("Retry-After", "1");
    return Response::Text(R"({"status":"UP"})", "application/json");
  };
  const char* health_schema = R"({"type":"object","properties":{"status":{"enum":["UP","DOWN"]}}})";
  for (const char* pattern : {"/health", "/api/health"}) {
    router.Add({.method = "GET", .pattern = pattern, .auth = Auth::kNone, .dispatch = Dispatch::kInline,
                .doc = {.summary = "Liveness: UP when the database answers", .tag = "Meta",
                        .response_schema = health_schema},
                .handler = label_studio_health});
  }

  auto langfuse_health = [&health](Request&) -> Result<Response> {
    const std::string version = TALLY_VERSION;
    if (!health.healthy()) {
      return Response::Json(bj::object{{"status", "Database not available"}, {"version", version}}, 503);
    }
    return Response::Json(bj::object{{"status", "OK"}, {"version", version}});
  };
  const char* langfuse_schema = R"({"type":"object","properties":{"status":{"type":"string"},"version":{"type":"string"}}})";
  router.Add({.method = "GET", .pattern = "/api/public/health", .auth = Auth::kNone, .dispatch = Dispatch::kInline,
              .doc = {.summary = "Langfuse health check", .tag = "Meta", .response_schema = langfuse_schema,
                      .query = {"failIfDatabaseUnavailable", "failIfNoRecentEvents"}},
              .handler = langfuse_health});
  router.Add({.method = "GET", .pattern = "/api/public/ready", .auth = Auth::kNone, .dispatch = Dispatch::kInline,
              .doc = {.summary = "Langfuse readiness check", .tag = "Meta", .response_schema = langfuse_schema},
              .handler = langfuse_health});

  router.Add({.method = "GET", .pattern = "/api/version", .auth = Auth::kNone, .dispatch = Dispatch::kInline,
              .doc = {.summary = "Server version and storage backend", .tag = "Meta",
                      .response_schema = R"({"type":"object","properties":{"release":{"type":"string"},
                        "tally":{"type":"object"}}})"},
              .handler = [backend](Request&) -> Result<Response> {
                return Response::Json(bj::object{{"release", TALLY_VERSION},
                                                  {"tally", {{"version", TALLY_VERSION}, {"database", backend}}}});
              }});

  router.Add({.method = "GET", .pattern = "/metrics", .auth = Auth::kNone, .dispatch = Dispatch::kPool,
              .doc = {.summary = "Prometheus metrics: requests, latency, jobs, database pool", .tag = "Meta"},
              .handler = [&metrics, &database](Request&) -> Result<Response> {
                std::string text = metrics.Render();
                const store::PoolStats pool = database.Stats();
                text += "# HELP tally_db_pool_connections Open database connections.\n";
                text += "# TYPE tally_db_pool_connections gauge\n";
                text += fmt::format("tally_db_pool_connections {}\n", pool.connections);
                text += "# HELP tally_db_pool_in_use Database connections borrowed right now.\n";
                text += "# TYPE tally_db_pool_in_use gauge\n";
                text += fmt::format("tally_db_pool_in_use {}\n", pool.in_use);
                text += "# HELP tally_db_pool_waits_total Borrows that waited for a free connection.\n";
                text += "# TYPE tally_db_pool_waits_total counter\n";
                text += fmt::format("tally_db_pool_waits_total {}\n", pool.waits);
                text += "# HELP tally_db_pool_timeouts_total Borrows that gave up waiting.\n";
                text += "# TYPE tally_db_pool_timeouts_total counter\n";
                text += fmt::format("tally_db_pool_timeouts_total {}\n", pool.timeouts);
                return Response::Text(std::move(text), "text/plain; version=0.0.4; charset=utf-8");
              }});
}

}  // namespace tally::app
