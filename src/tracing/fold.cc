#include "tracing/fold.h"

#include <algorithm>
#include <set>

namespace tally::tracing {

namespace bj = boost::json;

namespace {

bool IsUpdate(const Event& event) { return event.type.ends_with("-update"); }

std::string BodyTime(const Event& event) {
  for (const char* key : {"timestamp", "startTime"}) {
    const bj::value* value = event.body.if_contains(key);
    if (value && value->is_string()) return std::string(value->as_string());
  }
  return {};
}

bool Truthy(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null: return false;
    case bj::kind::bool_: return value.as_bool();
    case bj::kind::int64: return value.as_int64() != 0;
    case bj::kind::uint64: return value.as_uint64() != 0;
    case bj::kind::double_: return value.as_double() != 0;
    case bj::kind::string: return !value.as_string().empty();
    default: return true;
  }
}

bool Contains(std::initializer_list<std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

struct Rules {
  std::initializer_list<std::string_view> immutable;
  std::initializer_list<std::string_view> null_clears;
  const char* time_key;  // body time that defaults to the envelope timestamp
};

const Rules& RulesFor(EntityKind kind) {
  static const Rules kTrace{{"id", "timestamp", "environment"},
                            {"name", "userId", "sessionId", "release", "version"},
                            "timestamp"};
  static const Rules kObservation{{"id", "traceId", "startTime", "environment"}, {"name", "model", "level"}, "startTime"};
  static const Rules kScore{{"id", "timestamp", "traceId", "environment"}, {}, "timestamp"};
  switch (kind) {
    case EntityKind::kTrace: return kTrace;
    case EntityKind::kObservation: return kObservation;
    case EntityKind::kScore: return kScore;
  }
  return kTrace;
}

void UnionTags(bj::object& record, const bj::value& tags) {
  if (!tags.is_array()) return;
  std::set<std::string> merged;
  if (const bj::value* current = record.if_contains("tags"); current && current->is_array()) {
    for (const auto& tag : current->as_array()) {
      if (tag.is_string()) merged.emplace(tag.as_string());
    }
  }
  for (const auto& tag : tags.as_array()) {
    if (tag.is_string()) merged.emplace(tag.as_string());
  }
  bj::array out;
  for (const auto& tag : merged) out.emplace_back(tag);
  record["tags"] = std::move(out);
}

void Apply(bj::object& record, const Event& event, const Rules& rules) {
  for (const auto& member : event.body) {
    const std::string_view key = member.key();
    const bj::value& value = member.value();

    if (Contains(rules.immutable, key)) {
      if (!value.is_null() && !record.contains(key)) record[key] = value;
    } else if (key == "type") {
      // A create fixes the observation type; an update only fills it in.
      if (!IsUpdate(event) || !record.contains("type")) record[key] = value;
    } else if (key == "metadata") {
      if (!value.is_object()) continue;
      bj::value& target = record["metadata"];
      if (!target.is_object()) target = bj::object();
      DeepMerge(target.as_object(), value.as_object());
    } else if (key == "tags") {
      UnionTags(record, value);
    } else if (key == "input" || key == "output") {
      if (Truthy(value)) record[key] = value;
    } else if (key == "usageDetails" || key == "costDetails") {
      if (value.is_object() && !value.as_object().empty()) record[key] = value;
    } else if (value.is_null()) {
      if (Contains(rules.null_clears, key)) record[key] = nullptr;
    } else {
      record[key] = value;
    }
  }
}

}  // namespace

void DeepMerge(bj::object& target, const bj::object& patch) {
  for (const auto& member : patch) {
    bj::value* current = target.if_contains(member.key());
    if (current && current->is_object() && member.value().is_object()) {
      DeepMerge(current->as_object(), member.value().as_object());
    } else {
      target[member.key()] = member.value();
    }
  }
}

bj::object FoldEvents(std::vector<Event> events) {
  bj::object record;
  if (events.empty()) return record;

  std::vector<std::string> body_times;
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    if (IsUpdate(a) != IsUpdate(b)) return !IsUpdate(a);
    const std::string a_time = BodyTime(a), b_time = BodyTime(b);
    if (a_time != b_time) return a_time < b_time;
    return a.id < b.id;
  });

  const Rules& rules = RulesFor(events.front().kind);
  for (Event& event : events) {
    // Body times default to the envelope time; scores have only that one.
    const bj::value* time = event.body.if_contains(rules.time_key);
    if (event.kind == EntityKind::kScore || !time || time->is_null()) {
      event.body[rules.time_key] = FormatIsoMillis(event.timestamp);
    }
    Apply(record, event, rules);
  }

  if (events.front().kind == EntityKind::kObservation) {
    const bj::value* level = record.if_contains("level");
    if (!level || level->is_null()) record["level"] = "DEFAULT";
    const bj::value* end = record.if_contains("endTime");
    const bj::value* start = record.if_contains("startTime");
    if (end && end->is_string() && start && start->is_string() && end->as_string() < start->as_string()) {
      record["endTime"] = *start;
    }
  }
  return record;
}

}  // namespace tally::tracing
