// Live publication of ingested traces, observations and scores on the
// WebSocket hub, for the UI's live view.
//
// Ingestion collects one LiveChange per entity it wrote (see ingestion.h).
// The route publishes them after the transaction commits, so a subscriber
// never hears of a row it cannot read yet. Topics are per project and
// stream: "project:<id>:traces", "project:<id>:observations" and
// "project:<id>:scores"; accounts::ProjectTopicCheck guards them.
//
// A change carries a summary of the record (ids, name, type, times, score
// value), never input, output or metadata: a subscriber reads the full
// object through the read API when it needs it. Each event's data is
// {"action": "upsert", "<kind>": {…summary…}}.
//
// Thread-safety: pure functions, and http::Hub is thread-safe.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "http/hub.h"
#include "tracing/event.h"

namespace tally::tracing {

struct LiveChange {
  EntityKind kind = EntityKind::kTrace;
  boost::json::object summary;
};

// The summary of a folded record of `kind` (see fold.h for the fields).
LiveChange SummarizeRecord(EntityKind kind, const boost::json::object& record);

// The hub topic of `kind` in `project_id`: "project:12:traces".
std::string LiveTopic(int64_t project_id, EntityKind kind);

// Publishes every change to its topic. Does nothing when `hub` is null (a
// server without WebSockets, or a test).
void PublishChanges(http::Hub* hub, int64_t project_id, const std::vector<LiveChange>& changes);

}  // namespace tally::tracing
