// Dashboards: per-project sets of widgets, each a metrics query (see
// metrics_query.h, with the Tally-only `annotations` view allowed) drawn as
// a chart, placed on a 12-column grid.
//
// Widget JSON, as stored and served:
//   {"id": "w-…", "name": "Cost by model", "description": "",
//    "type": "time_series" | "bar" | "table" | "number" | "histogram" | "agreement",
//    "query": {view, dimensions, metrics, filters, timeDimension, orderBy, config}
//             (no fromTimestamp/toTimestamp: the viewer picks the range;
//              absent for "agreement", which shows the project's agreement),
//    "layout": {"x": 0..11, "y": >= 0, "w": 1..12, "h": 1..48}}
//
// Default dashboards are created on the first list of a project: cost by
// model, tokens, latency percentiles, trace volume, error rate and score
// trends. Labeling projects also get throughput and agreement; a project
// counts as labeling when its label config is not the empty "<View></View>".
//
// Thread-safety: stateless functions on a borrowed Connection.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "evals/metrics_query.h"
#include "store/database.h"

namespace tally::evals {

struct Dashboard {
  std::string id;
  int64_t project_id = 0;
  std::string name;
  std::string description;
  std::optional<std::string> default_key;
  boost::json::array widgets;
  std::optional<int64_t> created_by;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// Checks `widgets` (the request's `widgets` array) and returns them
// normalized: ids filled in where absent, queries parsed once to reject
// unknown names. Errors name the field ("widgets.2.layout.w").
[[nodiscard]] Result<boost::json::array> ParseWidgets(const boost::json::value& widgets);

// The query of a widget over [from, to). kInvalidArgument for a widget
// without a query (agreement).
[[nodiscard]] Result<MetricsQuery> WidgetQuery(const boost::json::object& widget, Micros from, Micros to);

// Creates the default dashboards the project lacks. Returns how many it made.
[[nodiscard]] Result<int> EnsureDefaultDashboards(store::Connection& connection, int64_t project_id);

[[nodiscard]] Result<std::vector<Dashboard>> ListDashboards(store::Connection& connection, int64_t project_id);
// nullopt when there is no dashboard `id`.
[[nodiscard]] Result<std::optional<Dashboard>> FindDashboard(store::Connection& connection, const std::string& id);
[[nodiscard]] Result<void> InsertDashboard(store::Connection& connection, const Dashboard& dashboard);
// Writes name, description, widgets and updated_at; kNotFound when absent.
[[nodiscard]] Result<void> UpdateDashboard(store::Connection& connection, const Dashboard& dashboard);
// kNotFound when absent.
[[nodiscard]] Result<void> DeleteDashboard(store::Connection& connection, const std::string& id);

boost::json::object SerializeDashboard(const Dashboard& dashboard);

}  // namespace tally::evals
