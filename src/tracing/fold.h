// The fold: computes a trace, observation or score from all of its events.
//
// The store keeps every event of an entity and recomputes the entity from all
// of them whenever one arrives, so arrival order across requests does not
// matter and re-sending an event (same envelope id) changes nothing.
//
// Order: envelope timestamp ascending; at equal timestamps creates before
// updates, then the earlier body timestamp/startTime, then the envelope id,
// so the result never depends on batch position.
//
// Field rules, applied left to right onto an empty record:
//   - immutable once set: trace id, timestamp, environment; observation id,
//     traceId, startTime, environment (and type, unless a create says
//     otherwise); score id, timestamp, traceId, environment;
//   - metadata: deep merge, later keys win;
//   - tags: set union, sorted;
//   - input/output: the last value that is not null, "", 0 or false;
//   - usageDetails/costDetails: a later non-empty map replaces the earlier;
//   - other fields: a later value overwrites, an absent one keeps. An
//     explicit null clears trace name, userId, sessionId, release, version and
//     observation name, model, level, as in the reference system; other
//     nulls are ignored.
// Afterwards an observation without level gets DEFAULT and an endTime before
// its startTime is clamped to it.
//
// Records are JSON objects keyed by the API's field names; times stay ISO
// strings (see event.h).
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include <vector>

#include "tracing/event.h"

namespace tally::tracing {

// Folds `events` (all of one entity, any order) into its record. Returns an
// empty object when `events` is empty.
boost::json::object FoldEvents(std::vector<Event> events);

// Deep-merges `patch` into `target`: nested objects merge, other values replace.
void DeepMerge(boost::json::object& target, const boost::json::object& patch);

}  // namespace tally::tracing
