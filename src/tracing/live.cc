#include "tracing/live.h"

#include <fmt/format.h>

namespace tally::tracing {

namespace bj = boost::json;

namespace {

// Copies the listed fields of `record` that are present.
bj::object Pick(const bj::object& record, std::initializer_list<std::string_view> keys) {
  bj::object out;
  for (std::string_view key : keys) {
    if (const bj::value* value = record.if_contains(key)) out[key] = *value;
  }
  return out;
}

std::string_view StreamName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kTrace: return "traces";
    case EntityKind::kObservation: return "observations";
    case EntityKind::kScore: return "scores";
  }
  return "traces";
}

}  // namespace

LiveChange SummarizeRecord(EntityKind kind, const bj::object& record) {
  switch (kind) {
    case EntityKind::kTrace:
      return {kind, Pick(record, {"id", "name", "timestamp", "userId", "sessionId", "environment", "release",
                                  "version", "tags"})};
    case EntityKind::kObservation:
      return {kind, Pick(record, {"id", "traceId", "parentObservationId", "type", "name", "startTime", "endTime",
                                  "level", "model", "environment", "promptName", "promptVersion", "totalCost"})};
    case EntityKind::kScore:
      return {kind, Pick(record, {"id", "traceId", "observationId", "sessionId", "name", "value", "stringValue",
                                  "dataType", "source", "timestamp"})};
  }
  return {kind, {}};
}

std::string LiveTopic(int64_t project_id, EntityKind kind) {
  return fmt::format("project:{}:{}", project_id, StreamName(kind));
}

void PublishChanges(http::Hub* hub, int64_t project_id, const std::vector<LiveChange>& changes) {
  if (!hub) return;
  for (const LiveChange& change : changes) {
    hub->Publish(LiveTopic(project_id, change.kind),
                 bj::object{{"action", "upsert"}, {EntityKindName(change.kind), change.summary}});
  }
}

}  // namespace tally::tracing
