// SQL for the tracing tables: the event log, the folded traces, observations,
// scores and sessions, and the queries behind the read APIs.
//
// Every function takes a borrowed Connection, so callers choose the
// transaction: ingestion writes one batch in one Write(), reads use Read().
// Rows come back as store::Row with the column lists below; serialize.h turns
// them into API objects. All queries are scoped to one project.
//
// Thread-safety: stateless; the Connection rules of store/database.h apply.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/database.h"
#include "tracing/event.h"
#include "tracing/filter.h"

namespace tally::tracing {

// ----- Event log and folded records (ingestion) -----

// Serializes concurrent writers of the same entities until the transaction
// ends. On PostgreSQL two batches for one entity could otherwise each fold
// without the other's uncommitted events and the later commit would drop
// fields; SQLite already runs one writer at a time, so this does nothing
// there. Entities are locked in sorted order so batches cannot deadlock.
// REQUIRES: a write transaction is open on `c`.
[[nodiscard]] Result<void> LockEntities(store::Connection& c, int64_t project_id,
                                        const std::set<std::pair<EntityKind, std::string>>& entities);

// Inserts the events, replacing any earlier event with the same envelope id
// of the same entity.
[[nodiscard]] Result<void> UpsertEvents(store::Connection& c, int64_t project_id, const std::vector<Event>& events);

// Every stored event of one entity, in no particular order.
[[nodiscard]] Result<std::vector<Event>> LoadEvents(store::Connection& c, int64_t project_id, EntityKind kind,
                                                    const std::string& entity_id);

// Writes a folded record (see fold.h) over the stored row, keeping the row's
// created_at. A trace also replaces its tag rows and creates its session.
[[nodiscard]] Result<void> UpsertTrace(store::Connection& c, int64_t project_id, const boost::json::object& trace,
                                       Micros now);
[[nodiscard]] Result<void> UpsertObservation(store::Connection& c, int64_t project_id,
                                             const boost::json::object& observation, Micros now);
[[nodiscard]] Result<void> UpsertScore(store::Connection& c, int64_t project_id, const boost::json::object& score,
                                       Micros now);

// The id of prompt version (name, version) in the project, or nullopt when
// there is none. Reads the `prompts` table of src/prompts: ingestion resolves
// a generation's prompt link with it, and tracing must not link the prompts
// library, which builds its per-version metrics on this one.
[[nodiscard]] Result<std::optional<std::string>> FindPromptId(store::Connection& c, int64_t project_id,
                                                              const std::string& name, int64_t version);

// Creates a trace with only id, timestamp and environment unless it exists.
[[nodiscard]] Result<void> EnsureTrace(store::Connection& c, int64_t project_id, const std::string& trace_id,
                                       Micros timestamp, const std::string& environment, Micros now);

// ----- Reads -----

extern const char* const kTraceColumns;        // for SerializeTrace
extern const char* const kObservationColumns;  // for SerializeObservation
extern const char* const kScoreColumns;        // for SerializeScore

// Columns the structured `filter` parameter accepts, with their condition types.
const std::map<std::string, std::vector<std::string>>& TraceFilterColumns();
const std::map<std::string, std::vector<std::string>>& ObservationFilterColumns();

struct Page {
  int64_t page = 1;   // 1-based
  int64_t limit = 50;
};

struct TraceQuery {
  Page page;
  std::optional<std::string> user_id, name, session_id, version, release;
  std::optional<Micros> from_timestamp, to_timestamp;  // from inclusive, to exclusive
  std::vector<std::string> tags;          // all of
  std::vector<std::string> environments;  // any of
  std::string order_column = "timestamp";  // a column name checked by the caller
  bool descending = true;
  std::vector<FilterCondition> filters;    // parsed with kTraceFilterColumns
  // Free text: traces whose id, name, user id, session id, tags, metadata,
  // input or output contain it, ignoring ASCII case.
  std::optional<std::string> search;
};

struct ObservationQuery {
  Page page;
  std::optional<std::string> name, user_id, type, trace_id, level, parent_observation_id, version;
  bool roots_only = false;  // parentObservationId given empty: observations without a parent
  std::optional<bool> is_root;
  std::optional<std::string> session_id;
  std::vector<std::string> environments;
  std::optional<Micros> from_start_time, to_start_time;
  // Cursor position for the v2 list: rows strictly after (start_time, id) in
  // descending order.
  std::optional<std::pair<Micros, std::string>> after;
  std::vector<FilterCondition> filters;  // parsed with kObservationFilterColumns
};

struct ScoreQuery {
  Page page;
  std::optional<std::string> user_id, name, source, config_id, session_id, dataset_run_id, trace_id, queue_id,
      data_type, author_user_id, string_value;
  std::vector<std::string> ids, observation_ids, environments, trace_tags;
  std::optional<Micros> from_timestamp, to_timestamp;
  std::optional<std::string> value_operator;  // SQL comparison operator, checked by the caller
  std::optional<double> value, value_min, value_max;
  bool exclude_corrections = false;
  std::optional<std::pair<Micros, std::string>> after;  // v3 cursor
};

struct SessionQuery {
  Page page;
  std::optional<Micros> from_timestamp, to_timestamp;
  std::vector<std::string> environments;
};

struct RowList {
  std::vector<store::Row> rows;
  int64_t total = 0;  // rows matching the filters, for offset pagination
  // Set by ListTraces when its total summed many PostgreSQL counter deltas,
  // so the caller should run CompactTraceCounts.
  bool compaction_due = false;
};

[[nodiscard]] Result<std::optional<store::Row>> FindTrace(store::Connection& c, int64_t project_id,
                                                          const std::string& id);
[[nodiscard]] Result<RowList> ListTraces(store::Connection& c, int64_t project_id, const TraceQuery& query);

// Folds the project's trace_counts, trace_tag_counts and trace_name_counts
// deltas into one row per key on PostgreSQL, dropping keys whose count is 0. Does nothing on
// SQLite, whose triggers keep one row per key, or while another compaction
// of the project runs. REQUIRES: a write transaction is open on `c`.
[[nodiscard]] Result<void> CompactTraceCounts(store::Connection& c, int64_t project_id);

// Per-trace aggregates for the trace objects: observation and score ids,
// latency in seconds and total cost.
struct TraceAggregates {
  std::vector<std::string> observation_ids, score_ids;
  double latency = 0;
  double total_cost = 0;
};
[[nodiscard]] Result<std::map<std::string, TraceAggregates>> LoadTraceAggregates(
    store::Connection& c, int64_t project_id, const std::vector<std::string>& trace_ids);

[[nodiscard]] Result<std::optional<store::Row>> FindObservation(store::Connection& c, int64_t project_id,
                                                                const std::string& id);
[[nodiscard]] Result<std::vector<store::Row>> ObservationsOfTrace(store::Connection& c, int64_t project_id,
                                                                  const std::string& trace_id);
// With `count` false the total stays 0 and `limit` rows are fetched (v2 lists).
[[nodiscard]] Result<RowList> ListObservations(store::Connection& c, int64_t project_id, const ObservationQuery& query,
                                               bool count);

[[nodiscard]] Result<std::optional<store::Row>> FindScore(store::Connection& c, int64_t project_id,
                                                          const std::string& id);
[[nodiscard]] Result<std::vector<store::Row>> ScoresOfTrace(store::Connection& c, int64_t project_id,
                                                            const std::string& trace_id);
// Trace fields shown with v2 scores, by trace id: columns id, user_id, tags,
// environment, session_id. Ids without a trace are absent from the map.
[[nodiscard]] Result<std::map<std::string, store::Row>> LoadScoreTraces(store::Connection& c, int64_t project_id,
                                                                        const std::vector<std::string>& trace_ids);
[[nodiscard]] Result<RowList> ListScores(store::Connection& c, int64_t project_id, const ScoreQuery& query, bool count);

[[nodiscard]] Result<std::optional<store::Row>> FindSession(store::Connection& c, int64_t project_id,
                                                            const std::string& id);
[[nodiscard]] Result<RowList> ListSessions(store::Connection& c, int64_t project_id, const SessionQuery& query);
[[nodiscard]] Result<std::vector<store::Row>> TracesOfSession(store::Connection& c, int64_t project_id,
                                                              const std::string& session_id);

// ----- Deletes -----

// Deletes traces with their observations, scores, tags, comments and stored
// events.
// Returns how many traces existed.
[[nodiscard]] Result<int64_t> DeleteTraces(store::Connection& c, int64_t project_id,
                                           const std::vector<std::string>& trace_ids);
// Deletes a score and its events; false when it did not exist.
[[nodiscard]] Result<bool> DeleteScore(store::Connection& c, int64_t project_id, const std::string& id);

}  // namespace tally::tracing
