#include "evals/dashboards_live.h"

#include <fmt/format.h>

#include <ctime>

#include "accounts/project_access.h"
#include "core/log.h"
#include "evals/dashboards_store.h"
#include "evals/metrics_sql.h"
#include "evals/metrics_store.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr std::string_view kPrefix = "dashboard:";
constexpr Micros kDefaultRange = 24 * 3'600'000'000LL;
constexpr std::array<std::string_view, 3> kStreams = {"traces", "observations", "scores"};

std::string DashboardIdOf(std::string_view topic) { return std::string(topic.substr(kPrefix.size())); }

std::string FeedTopic(int64_t project_id, std::string_view stream) {
  return fmt::format("project:{}:{}", project_id, stream);
}

// The start of the bucket of `granularity` holding `t`, and of the next one.
std::pair<Micros, Micros> BucketOf(Micros t, Granularity granularity) {
  constexpr Micros kMinute = 60'000'000;
  constexpr Micros kDay = 1440 * kMinute;
  auto floor_to = [t](Micros width, Micros offset) {
    const Micros start = ((t - offset) / width) * width + offset;
    return std::pair{start, start + width};
  };
  switch (granularity) {
    case Granularity::kMinute: return floor_to(kMinute, 0);
    case Granularity::kHour: return floor_to(60 * kMinute, 0);
    case Granularity::kDay: return floor_to(kDay, 0);
    case Granularity::kWeek: return floor_to(7 * kDay, 4 * kDay);  // weeks start on Monday
    case Granularity::kMonth: break;
  }
  const std::time_t seconds = static_cast<std::time_t>(t / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  utc.tm_mday = 1;
  utc.tm_hour = utc.tm_min = utc.tm_sec = 0;
  const Micros start = static_cast<Micros>(timegm(&utc)) * 1'000'000;
  utc.tm_mon += 1;
  return {start, static_cast<Micros>(timegm(&utc)) * 1'000'000};
}

// Whether ingestion of `touch` can change a widget over `view`.
template <class TouchT>
bool Affects(MetricsView view, const TouchT& touch) {
  switch (view) {
    case MetricsView::kTraces: return touch.traces || touch.observations || touch.scores;
    case MetricsView::kObservations: return touch.observations || touch.traces;
    case MetricsView::kScoresNumeric:
    case MetricsView::kScoresBoolean:
    case MetricsView::kScoresCategorical: return touch.scores || touch.traces || touch.observations;
    case MetricsView::kAnnotations: return false;
  }
  return false;
}

}  // namespace

// Hears one project's ingestion topics for the dashboards that follow it.
class DashboardLive::ProjectFeed : public http::Subscriber {
 public:
  ProjectFeed(std::weak_ptr<DashboardLive> owner, int64_t project_id)
      : owner_(std::move(owner)), project_id_(project_id) {}

  void Deliver(std::shared_ptr<const std::string> message) override {
    auto owner = owner_.lock();
    if (!owner) return;
    boost::system::error_code ec;
    const bj::value frame = bj::parse(*message, ec);
    if (ec || !frame.is_object()) return;
    const bj::value* topic = frame.as_object().if_contains("topic");
    const bj::value* data = frame.as_object().if_contains("data");
    if (!topic || !topic->is_string() || !data || !data->is_object()) return;
    const std::string_view name(topic->as_string());
    const std::string_view stream = name.substr(name.rfind(':') + 1);

    // The record's own time decides its bucket; a summary without one
    // counts as now.
    Micros timestamp = NowMicros();
    for (const auto& [key, record] : data->as_object()) {
      if (!record.is_object()) continue;
      for (const char* field : {"startTime", "timestamp"}) {
        const bj::value* value = record.as_object().if_contains(field);
        if (!value || !value->is_string()) continue;
        if (auto parsed = ParseIsoTimestamp(value->as_string())) timestamp = *parsed;
        break;
      }
    }
    owner->NoteIngestion(project_id_, stream, timestamp);
  }

 private:
  std::weak_ptr<DashboardLive> owner_;
  int64_t project_id_;
};

DashboardLive::DashboardLive(http::Hub& hub, store::Database& database)
    : hub_(hub), database_(database), thread_([this] { Run(); }) {}

DashboardLive::~DashboardLive() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<DashboardLive> DashboardLive::Install(http::Hub& hub, store::Database& database) {
  auto live = std::make_shared<DashboardLive>(hub, database);
  hub.AddTopicFamily(std::string(kPrefix), [&database](const http::Principal& principal,
                                                       std::string_view topic) -> Result<void> {
    const std::string id = DashboardIdOf(topic);
    return database.Read([&](store::Connection& c) -> Result<void> {
      TALLY_ASSIGN_OR_RETURN(dashboard, FindDashboard(c, id));
      if (!dashboard) return Error::NotFound("Dashboard not found");
      TALLY_TRY(accounts::AuthorizeProject(c, principal, dashboard->project_id, accounts::Role::kAnnotator));
      return Ok();
    });
  });
  hub.AddTopicHandler(live);
  return live;
}

bool DashboardLive::Handles(std::string_view topic) const { return topic.starts_with(kPrefix); }

void DashboardLive::OnSubscribed(const http::Principal& principal, const std::string& topic,
                                 const std::shared_ptr<http::Subscriber>& subscriber) {
  const std::string id = DashboardIdOf(topic);
  auto dashboard = database_.Read([&](store::Connection& c) { return FindDashboard(c, id); });
  if (!dashboard || !*dashboard) return;
  const int64_t project_id = (*dashboard)->project_id;

  std::shared_ptr<ProjectFeed> new_feed;
  {
    std::lock_guard lock(mutex_);
    auto& [project, viewers] = dashboards_[id];
    project = project_id;
    viewers[subscriber.get()] = Viewer{subscriber, std::nullopt, std::nullopt};
    if (!feeds_.contains(project_id)) {
      new_feed = std::make_shared<ProjectFeed>(weak_from_this(), project_id);
      feeds_[project_id] = new_feed;
    }
  }
  if (!new_feed) return;
  // The viewer passed the dashboard's check, so it may read the project's
  // ingestion topics too.
  for (std::string_view stream : kStreams) {
    auto subscribed = hub_.Subscribe(principal, FeedTopic(project_id, stream), new_feed);
    if (!subscribed) {
      TALLY_LOG_WARN("event=dashboard_feed_failed project_id={} stream={} error=\"{}\"", project_id, stream,
                     subscribed.error().message);
    }
  }
  TALLY_LOG_INFO("event=dashboard_feed_started project_id={} dashboard_id={}", project_id, id);
}

void DashboardLive::OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) {
  const std::string id = DashboardIdOf(topic);
  std::shared_ptr<ProjectFeed> idle_feed;
  int64_t project_id = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = dashboards_.find(id);
    if (found == dashboards_.end()) return;
    project_id = found->second.first;
    found->second.second.erase(subscriber);
    if (found->second.second.empty()) dashboards_.erase(found);
    const bool project_watched = std::any_of(dashboards_.begin(), dashboards_.end(),
                                             [&](const auto& entry) { return entry.second.first == project_id; });
    if (!project_watched) {
      auto feed = feeds_.find(project_id);
      if (feed != feeds_.end()) {
        idle_feed = feed->second;
        feeds_.erase(feed);
      }
      pending_.erase(project_id);
    }
  }
  if (idle_feed) {
    hub_.UnsubscribeAll(idle_feed.get());
    TALLY_LOG_INFO("event=dashboard_feed_stopped project_id={}", project_id);
  }
}

Result<void> DashboardLive::OnMessage(const http::Principal&, const std::string& topic, const bj::value& data,
                                      const http::Subscriber* sender) {
  if (!data.is_object()) return Error::InvalidField("data", "must be an object {from, to?}");
  const bj::object& range = data.as_object();
  auto time_of = [&](std::string_view key) -> Result<std::optional<Micros>> {
    const bj::value* value = range.if_contains(key);
    if (!value || value->is_null()) return std::optional<Micros>();
    auto parsed = value->is_string() ? ParseIsoTimestamp(value->as_string()) : std::nullopt;
    if (!parsed) return Error::InvalidField(std::string("data.") + std::string(key), "must be an ISO 8601 datetime");
    return std::optional<Micros>(*parsed);
  };
  TALLY_ASSIGN_OR_RETURN(from, time_of("from"));
  TALLY_ASSIGN_OR_RETURN(to, time_of("to"));
  if (from && to && *from >= *to) return Error::InvalidField("data.from", "must be before data.to");

  std::lock_guard lock(mutex_);
  auto found = dashboards_.find(DashboardIdOf(topic));
  if (found == dashboards_.end()) return Error::NotFound("Subscribe to the dashboard first");
  auto viewer = found->second.second.find(sender);
  if (viewer == found->second.second.end()) return Error::NotFound("Subscribe to the dashboard first");
  viewer->second.from = from;
  viewer->second.to = to;
  return Ok();
}

void DashboardLive::NoteIngestion(int64_t project_id, std::string_view stream, Micros timestamp) {
  {
    std::lock_guard lock(mutex_);
    if (!feeds_.contains(project_id)) return;
    auto [entry, inserted] = pending_.try_emplace(project_id);
    Touch& touch = entry->second;
    if (inserted) touch.first = touch.last = timestamp;
    touch.first = std::min(touch.first, timestamp);
    touch.last = std::max(touch.last, timestamp);
    touch.traces = touch.traces || stream == "traces";
    touch.observations = touch.observations || stream == "observations";
    touch.scores = touch.scores || stream == "scores";
  }
  wake_.notify_one();
}

void DashboardLive::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) break;

    // Take the projects whose window has passed; wait for the others.
    const auto now = std::chrono::steady_clock::now();
    auto next_due = now + kBatchWindow;
    std::map<int64_t, Touch> due;
    for (auto it = pending_.begin(); it != pending_.end();) {
      const auto last = last_flush_.find(it->first);
      const auto ready_at = last == last_flush_.end() ? now : last->second + kBatchWindow;
      if (ready_at <= now) {
        due.insert(*it);
        last_flush_[it->first] = now;
        it = pending_.erase(it);
      } else {
        next_due = std::min(next_due, ready_at);
        ++it;
      }
    }
    if (due.empty()) {
      wake_.wait_until(lock, next_due, [&] { return stopping_; });
      continue;
    }
    lock.unlock();
    for (const auto& [project_id, touch] : due) FlushProject(project_id, touch);
    lock.lock();
  }
}

void DashboardLive::FlushProject(int64_t project_id, const Touch& touch) {
  // Snapshot the viewers of this project's dashboards.
  std::map<std::string, std::vector<std::pair<std::shared_ptr<http::Subscriber>, Viewer>>> viewers;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : dashboards_) {
      if (entry.first != project_id) continue;
      for (const auto& [key, viewer] : entry.second) {
        if (auto subscriber = viewer.subscriber.lock()) viewers[id].emplace_back(subscriber, viewer);
      }
    }
  }

  const auto started = std::chrono::steady_clock::now();
  int updates = 0;
  for (const auto& [id, subscribers] : viewers) {
    auto loaded = database_.Read([&](store::Connection& c) { return FindDashboard(c, id); });
    if (!loaded) {
      TALLY_LOG_WARN("event=dashboard_live_failed dashboard_id={} error=\"{}\" detail=\"{}\"", id,
                     loaded.error().message, loaded.error().detail);
      continue;
    }
    if (!*loaded) continue;
    const std::string topic = std::string(kPrefix) + id;
    for (const auto& widget_value : (*loaded)->widgets) {
      const bj::object& widget = widget_value.as_object();
      if (!widget.contains("query")) continue;
      // Results per distinct range, shared by the viewers that use it.
      std::map<std::pair<Micros, Micros>, bj::array> results;
      for (const auto& [subscriber, viewer] : subscribers) {
        const Micros to = viewer.to.value_or(NowMicros() + 1);
        const Micros from = viewer.from.value_or(to - kDefaultRange);
        auto query = WidgetQuery(widget, from, to);
        if (!query || !Affects(query->view, touch)) continue;

        bool merge = false;
        if (query->granularity) {
          // Only the buckets the new events fall in, within the range.
          query->from = std::max(from, BucketOf(touch.first, *query->granularity).first);
          query->to = std::min(to, BucketOf(touch.last, *query->granularity).second);
          if (query->from >= query->to) continue;
          merge = true;
        }
        const std::pair key{query->from, query->to};
        if (!results.contains(key)) {
          auto rows = database_.Read([&](store::Connection& c) { return RunMetricsQuery(c, project_id, *query); });
          if (!rows) {
            TALLY_LOG_WARN("event=dashboard_live_failed dashboard_id={} widget={} error=\"{}\" detail=\"{}\"", id,
                           widget.at("id").as_string(), rows.error().message, rows.error().detail);
            continue;
          }
          results[key] = std::move(*rows);
        }
        bj::object update{{"action", "widget_update"},
                          {"dashboard", id},
                          {"widget", widget.at("id")},
                          {"mode", merge ? "merge" : "replace"},
                          {"from", FormatIsoMillis(query->from)},
                          {"to", FormatIsoMillis(query->to)},
                          {"rows", results[key]}};
        hub_.SendTo(*subscriber, topic, update);
        ++updates;
      }
    }
  }
  [[maybe_unused]] const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  TALLY_LOG_DEBUG("event=dashboard_live_flush project_id={} dashboards={} updates={} duration_ms={}", project_id,
                  viewers.size(), updates, elapsed);
}

}  // namespace tally::evals
