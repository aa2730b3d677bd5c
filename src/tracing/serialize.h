// API objects of the read endpoints, built from rows of trace_store.h.
//
// Read-back shapes follow the reference system: datetimes as ISO UTC with
// milliseconds; input/output parsed as JSON where the stored text parses
// (a string that holds JSON text comes back as that JSON); metadata keys
// whose string values parse as JSON come back parsed; v2 observations return
// input/output as raw strings and prices as decimal strings.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include <set>
#include <string>

#include "store/database.h"
#include "tracing/models.h"
#include "tracing/trace_store.h"

namespace tally::tracing {

// Which parts of a trace object to fill (query `fields` of GET /traces).
struct TraceFields {
  bool io = true, scores = true, observations = true, metrics = true;
};
TraceFields ParseTraceFields(const std::optional<std::string>& fields);

// Trace with observation and score id lists (the list form); the caller
// replaces them with full objects for the single-trace form.
boost::json::object SerializeTrace(const store::Row& row, int64_t project_id, const TraceAggregates* aggregates,
                                   const TraceFields& fields);

// v1 observation. `model` is the matched definition, or nullptr; missing
// prices are null, or 0 with `zero_prices` (observations inside a trace).
boost::json::object SerializeObservation(const store::Row& row, int64_t project_id, const ModelDefinition* model,
                                         bool zero_prices);

// v2 observation with the field groups of `groups` ("core" always).
boost::json::object SerializeObservationV2(const store::Row& row, int64_t project_id, const ModelDefinition* model,
                                           const std::set<std::string>& groups);

// v1 score (GET /scores, embedded in GET /traces/{id}); `v2` adds sessionId
// and datasetRunId.
boost::json::object SerializeScore(const store::Row& row, int64_t project_id, bool v2);
// v3 score with the optional groups "details", "subject", "annotation".
boost::json::object SerializeScoreV3(const store::Row& row, int64_t project_id, const std::set<std::string>& groups);

boost::json::object SerializeSession(const store::Row& row, int64_t project_id);

// Finds a definition by id among the project's and the managed ones.
const ModelDefinition* FindModelById(const std::vector<ModelDefinition>& project_models, const std::string& id);

}  // namespace tally::tracing
