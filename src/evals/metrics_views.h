// The views of the metrics query language and how each of their dimensions
// and measures maps onto the stored traces, observations and scores tables.
//
// Table aliases in the SQL fragments: `t` traces, `o` observations, `s`
// scores. A fragment that needs a table other than the view's own names it
// in `joins`; the compiler adds the LEFT JOIN once. Timestamps are
// microseconds since the epoch; latency measures are milliseconds, as the
// Langfuse metrics API reports them.
//
// Thread-safety: the catalogue is immutable after static initialization.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evals/metrics_query.h"
#include "store/database.h"

namespace tally::evals {

enum JoinFlags : unsigned { kJoinNone = 0, kJoinTrace = 1, kJoinObservation = 2 };

// The type of a dimension's values, which decides the filters it accepts
// and how the response prints it.
enum class ColumnKind { kText, kNumber, kBoolean, kTags };

struct DimensionDef {
  std::string name;
  std::string sqlite;
  std::string postgres;
  unsigned joins = kJoinNone;
  ColumnKind kind = ColumnKind::kText;
  // v2 rejects these as group-by dimensions outside top-N queries.
  bool high_cardinality = false;
  bool v2_only = false;

  const std::string& Sql(store::Dialect dialect) const {
    return dialect == store::Dialect::kSqlite ? sqlite : postgres;
  }
};

struct MeasureDef {
  std::string name;
  std::string sqlite;
  std::string postgres;
  unsigned joins = kJoinNone;
  // A count of distinct values (uniqueUserIds): aggregated as
  // COUNT(DISTINCT …) whatever aggregation the query names.
  bool distinct_count = false;

  const std::string& Sql(store::Dialect dialect) const {
    return dialect == store::Dialect::kSqlite ? sqlite : postgres;
  }
};

struct ViewDef {
  MetricsView view;
  std::string name;           // "observations"
  std::string from;           // "observations o"
  std::string alias;          // "o"
  std::string time_column;    // "o.start_time"
  std::string time_name;      // the filter name of the time column: "startTime"
  std::string trace_id;       // the column holding the trace id: "o.trace_id"
  std::string metadata;       // the metadata JSON column: "o.metadata"
  std::string scope;          // an extra WHERE condition ("s.data_type = 'NUMERIC'"), or empty
  std::vector<DimensionDef> dimensions;
  std::vector<MeasureDef> measures;
  // Names the reference system lists but this store has no data for; a
  // query naming one is rejected with a message saying so.
  std::vector<std::string> unsupported;

  const DimensionDef* FindDimension(std::string_view name, MetricsApiVersion version) const;
  const MeasureDef* FindMeasure(std::string_view name) const;
  bool IsUnsupported(std::string_view name) const;
};

const ViewDef& ViewOf(MetricsView view);

// Parses a view name ("scores-numeric"); nullopt for an unknown one.
std::optional<MetricsView> ParseViewName(std::string_view name);

// The LEFT JOIN clauses for `joins` on `view`.
std::string JoinClauses(const ViewDef& view, unsigned joins);

}  // namespace tally::evals
