// Ingestion events: the unit every write to the tracing store is made of.
//
// Both write paths produce them: POST /api/public/ingestion receives them in
// a batch, and the OTLP decoder turns each span into one observation event
// and one trace event. ValidateEvent checks one raw event of a batch and
// returns it normalized, so everything downstream (the fold, the store) can
// trust its shape:
//   - datetimes are ISO strings in UTC with milliseconds (the reference
//     system parses with JavaScript's Date and keeps milliseconds);
//   - `environment` is normalized (see NormalizeEnvironment);
//   - generation `usage`, `usageDetails` and `costDetails` are folded into
//     the canonical `usageDetails`/`costDetails` maps (see usage.h);
//   - non-object `metadata` is wrapped as {"metadata": value}.
//
// Thread-safety: pure functions over values.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tally::tracing {

enum class EntityKind { kTrace, kObservation, kScore };

std::string_view EntityKindName(EntityKind kind);

struct Event {
  std::string id;          // envelope id, echoed in the 207 response
  std::string type;        // "trace-create", "span-update", …
  Micros timestamp = 0;    // envelope time; orders events of one entity
  EntityKind kind = EntityKind::kTrace;
  std::string entity_id;   // body.id
  boost::json::object body;  // normalized body
};

// What ValidateEvent made of one raw batch entry.
struct ValidatedEvent {
  enum class Outcome {
    kStore,    // store `event`
    kDrop,     // acknowledged with 201 but not stored (trace or score without body.id)
    kSilent,   // sdk-log: in neither list of the 207 response
  };
  Outcome outcome = Outcome::kStore;
  Event event;
};

// Checks and normalizes one entry of an ingestion batch. On failure the
// Error's message is the client-safe text for the per-event `error` field.
// `scores_only` is set for a public-key (Bearer) caller: any other event
// type is then an Errc::kUnauthorized error.
[[nodiscard]] Result<ValidatedEvent> ValidateEvent(const boost::json::value& raw, bool scores_only);

// The envelope id of a raw entry for the 207 response: its string `id`, or
// "unknown" when it has none.
std::string EnvelopeId(const boost::json::value& raw);

// Lowercases, strips leading "langfuse", "langfuse-" and "langfuse_"
// prefixes, cuts to 40 characters, and returns "default" when the result is
// empty or has characters outside [a-z0-9_-].
std::string NormalizeEnvironment(std::string_view environment);

// Truncates to whole milliseconds, as the reference system's Date does.
inline Micros TruncateToMillis(Micros t) { return t - ((t % 1000) + 1000) % 1000; }

// The ten observation types, upper case; true when `type` is one of them.
bool IsObservationType(std::string_view type);

}  // namespace tally::tracing
