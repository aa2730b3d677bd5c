// Live widget updates of dashboards over the WebSocket hub.
//
// A client subscribes to "dashboard:<id>" on /api/ws (any member of the
// dashboard's project, or the project's key pair). While a dashboard has
// subscribers, this class follows its project's ingestion topics
// ("project:<id>:traces|observations|scores", see tracing/live.h) through
// one internal subscriber per project. Ingestion events are only queued.
// A background thread flushes each project at most once per kBatchWindow
// and runs each affected widget's query again over the smallest range that
// covers the new data:
//   - widgets with a time dimension: only the buckets the new events fall
//     in, sent as {"mode": "merge"}: the client replaces those buckets;
//   - other widgets: the subscriber's range, sent as {"mode": "replace"}.
// Each update is one event on the dashboard topic, sent to each subscriber
// with its own range:
//   {"action": "widget_update", "dashboard", "widget", "mode", "from", "to", "rows": […]}
// A subscriber sets its range with a message {"from": ISO, "to": ISO?}
// (no `to`: up to now); the default is the last 24 hours.
//
// Thread-safety: every method may be called from any thread. The flush
// thread stops in the destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/time.h"
#include "http/hub.h"
#include "store/database.h"

namespace tally::evals {

class DashboardLive : public http::TopicHandler, public std::enable_shared_from_this<DashboardLive> {
 public:
  // The shortest time between two flushes of one project's dashboards.
  static constexpr std::chrono::milliseconds kBatchWindow{250};

  // `hub` and `database` must outlive this object.
  DashboardLive(http::Hub& hub, store::Database& database);
  ~DashboardLive() override;

  // Registers the "dashboard:" topic family and this handler on `hub`.
  static std::shared_ptr<DashboardLive> Install(http::Hub& hub, store::Database& database);

  bool Handles(std::string_view topic) const override;
  void OnSubscribed(const http::Principal& principal, const std::string& topic,
                    const std::shared_ptr<http::Subscriber>& subscriber) override;
  void OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) override;
  [[nodiscard]] Result<void> OnMessage(const http::Principal& principal, const std::string& topic,
                                       const boost::json::value& data, const http::Subscriber* sender) override;

  // Called by a project feed for each ingestion event it hears.
  void NoteIngestion(int64_t project_id, std::string_view stream, Micros timestamp);

 private:
  struct Viewer {
    std::weak_ptr<http::Subscriber> subscriber;
    std::optional<Micros> from;  // nullopt: the last 24 hours
    std::optional<Micros> to;    // nullopt: now
  };
  struct Touch {
    bool traces = false, observations = false, scores = false;
    Micros first = 0, last = 0;
  };
  class ProjectFeed;

  void Run();
  void FlushProject(int64_t project_id, const Touch& touch);

  http::Hub& hub_;
  store::Database& database_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  // dashboard id -> (its project, subscriber -> viewer)
  std::map<std::string, std::pair<int64_t, std::map<const http::Subscriber*, Viewer>>> dashboards_;
  std::map<int64_t, std::shared_ptr<ProjectFeed>> feeds_;
  std::map<int64_t, Touch> pending_;
  std::map<int64_t, std::chrono::steady_clock::time_point> last_flush_;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace tally::evals
