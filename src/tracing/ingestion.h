// Ingestion: validates events, stores them and refolds the entities they
// touch, all in one write transaction, so an acknowledged event is committed.
//
// Data flow: raw batch entry -> ValidateEvent (event.h) -> score checks
// against score configs -> tracing_events upsert -> FoldEvents (fold.h) of
// each touched entity over all of its stored events -> usage total and cost
// (models.h) for observations -> trace/observation/score rows.
//
// Thread-safety: the functions are safe from any thread; they borrow a write
// connection for the duration of the call.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "store/database.h"
#include "tracing/event.h"
#include "tracing/live.h"

namespace tally::tracing {

// One entry of the 207 response: status 201 for a stored event, otherwise the
// per-event error with its client-safe message.
struct EventOutcome {
  std::string id;  // envelope id, or "unknown"
  int status = 201;
  std::string message;  // errors only: "Invalid request data", "Authentication error", …
  std::string error;    // errors only: what was wrong with the event
};

struct IngestionResult {
  std::vector<EventOutcome> successes;
  std::vector<EventOutcome> errors;
  std::vector<LiveChange> changes;  // one per entity written, for PublishChanges after commit
};

// Validates every entry of `batch` and stores the valid ones. Invalid entries
// become per-event errors and never stop the others. `scores_only` is set for
// a public-key caller (only score-create allowed). Fails only when the
// database fails, in which case nothing of the batch is stored.
[[nodiscard]] Result<IngestionResult> IngestBatch(store::Database& database, int64_t project_id,
                                                  const boost::json::array& batch, bool scores_only);

// Stores events that are already valid (the OTLP path) in one transaction.
// Returns one change per entity written.
[[nodiscard]] Result<std::vector<LiveChange>> StoreEvents(store::Database& database, int64_t project_id, std::vector<Event> events);

// Validates score-create events (ingestion envelopes) like IngestBatch and
// stores them inside the caller's write transaction, for subsystems whose
// own writes produce scores (annotations on tasks made from traces): both
// commit or roll back together. Any invalid event fails the whole call with
// its error, and the caller rolls back.
[[nodiscard]] Result<std::vector<LiveChange>> StoreScoresIn(store::Connection& connection, int64_t project_id,
                                                            const boost::json::array& envelopes);

}  // namespace tally::tracing
