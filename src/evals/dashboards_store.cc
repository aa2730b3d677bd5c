#include "evals/dashboards_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "core/crypto.h"
#include "core/json.h"

namespace tally::evals {

namespace bj = boost::json;
using store::Row;

namespace {

constexpr std::array<std::string_view, 6> kWidgetTypes = {"time_series", "bar",       "table",
                                                          "number",      "histogram", "agreement"};
constexpr int64_t kGridColumns = 12;
constexpr int64_t kMaxWidgetHeight = 48;
constexpr size_t kMaxWidgets = 50;

std::string Path(size_t index, std::string_view key) { return fmt::format("widgets.{}.{}", index, key); }

Result<int64_t> LayoutNumber(const bj::object& layout, std::string_view key, int64_t min, int64_t max, size_t index) {
  const bj::value* value = layout.if_contains(key);
  if (!value || !value->is_int64() || value->as_int64() < min || value->as_int64() > max) {
    return Error::InvalidField(Path(index, fmt::format("layout.{}", key)),
                               fmt::format("must be an integer from {} to {}", min, max));
  }
  return value->as_int64();
}

Result<bj::object> ParseWidget(const bj::value& value, size_t index) {
  if (!value.is_object()) return Error::InvalidField(fmt::format("widgets.{}", index), "must be an object");
  const bj::object& in = value.as_object();
  bj::object widget;

  const bj::value* id = in.if_contains("id");
  if (id && !id->is_null() && (!id->is_string() || id->as_string().empty() || id->as_string().size() > 64)) {
    return Error::InvalidField(Path(index, "id"), "must be a string of 1 to 64 characters");
  }
  widget["id"] = id && id->is_string() ? bj::value(id->as_string()) : bj::value("w-" + RandomHex(6));

  const bj::value* name = in.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty() || name->as_string().size() > 200) {
    return Error::InvalidField(Path(index, "name"), "is required: a string of 1 to 200 characters");
  }
  widget["name"] = *name;
  const bj::value* description = in.if_contains("description");
  widget["description"] = description && description->is_string() ? *description : bj::value("");

  const bj::value* type = in.if_contains("type");
  const bool known_type = type && type->is_string() &&
                          std::find(kWidgetTypes.begin(), kWidgetTypes.end(), std::string_view(type->as_string())) !=
                              kWidgetTypes.end();
  if (!known_type) {
    return Error::InvalidField(Path(index, "type"),
                               "must be one of time_series, bar, table, number, histogram, agreement");
  }
  widget["type"] = *type;

  if (type->as_string() != "agreement") {
    const bj::value* query = in.if_contains("query");
    if (!query || !query->is_object()) return Error::InvalidField(Path(index, "query"), "is required: a metrics query");
    bj::object stored = query->as_object();
    stored.erase("fromTimestamp");
    stored.erase("toTimestamp");
    widget["query"] = stored;
    // Parse once over a placeholder range so unknown names fail now, not
    // when the dashboard is viewed.
    auto parsed = WidgetQuery(widget, 0, 1);
    if (!parsed) {
      Error error = parsed.error();
      for (auto& field : error.fields) field.field = fmt::format("widgets.{}.{}", index, field.field);
      return error;
    }
    if (type->as_string() == "time_series" && !parsed->granularity) {
      return Error::InvalidField(Path(index, "query.timeDimension"), "is required for a time_series widget");
    }
    if (type->as_string() == "histogram" &&
        std::none_of(parsed->metrics.begin(), parsed->metrics.end(),
                     [](const MetricSpec& m) { return m.aggregation == Aggregation::kHistogram; })) {
      return Error::InvalidField(Path(index, "query.metrics"), "a histogram widget needs a histogram aggregation");
    }
  }

  const bj::value* layout_value = in.if_contains("layout");
  if (!layout_value || !layout_value->is_object()) {
    return Error::InvalidField(Path(index, "layout"), "is required: {x, y, w, h} on a 12-column grid");
  }
  const bj::object& layout = layout_value->as_object();
  TALLY_ASSIGN_OR_RETURN(x, LayoutNumber(layout, "x", 0, kGridColumns - 1, index));
  TALLY_ASSIGN_OR_RETURN(y, LayoutNumber(layout, "y", 0, 10'000, index));
  TALLY_ASSIGN_OR_RETURN(w, LayoutNumber(layout, "w", 1, kGridColumns, index));
  TALLY_ASSIGN_OR_RETURN(h, LayoutNumber(layout, "h", 1, kMaxWidgetHeight, index));
  if (x + w > kGridColumns) {
    return Error::InvalidField(Path(index, "layout.w"), fmt::format("x + w must be at most {}", kGridColumns));
  }
  widget["layout"] = bj::object{{"x", x}, {"y", y}, {"w", w}, {"h", h}};
  return widget;
}

Dashboard ReadDashboard(const Row& row) {
  Dashboard dashboard;
  dashboard.id = row.Text(0);
  dashboard.project_id = row.Int(1);
  dashboard.name = row.Text(2);
  dashboard.description = row.Text(3);
  dashboard.default_key = row.OptionalText(4);
  boost::system::error_code ec;
  bj::value widgets = bj::parse(row.Text(5, "[]"), ec);
  if (!ec && widgets.is_array()) dashboard.widgets = std::move(widgets.as_array());
  dashboard.created_by = row.OptionalInt(6);
  dashboard.created_at = row.Int(7);
  dashboard.updated_at = row.Int(8);
  return dashboard;
}

constexpr const char* kColumns =
    "id, project_id, name, description, default_key, widgets, created_by, created_at, updated_at";

// One widget of a default dashboard; `query` is JSON text.
bj::object DefaultWidget(std::string id, std::string name, std::string type, std::string_view query, int64_t x,
                         int64_t y, int64_t w = 6, int64_t h = 4) {
  bj::object widget{{"id", std::move(id)}, {"name", std::move(name)}, {"description", ""}, {"type", std::move(type)}};
  if (!query.empty()) widget["query"] = bj::parse(query);
  widget["layout"] = bj::object{{"x", x}, {"y", y}, {"w", w}, {"h", h}};
  return widget;
}

struct DefaultDashboard {
  std::string key;
  std::string name;
  std::string description;
  bj::array widgets;
};

std::vector<DefaultDashboard> TracingDefaults() {
  std::vector<DefaultDashboard> out;
  out.push_back({"cost", "Cost by model", "Spend of generations per model", {}});
  out.back().widgets = {
      DefaultWidget("cost-over-time", "Cost by model", "time_series",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "totalCost", "aggregation": "sum"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("cost-total", "Total cost", "number",
                    R"({"view": "observations", "metrics": [{"measure": "totalCost", "aggregation": "sum"}]})", 0, 4),
      DefaultWidget("cost-table", "Cost per model", "table",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "totalCost", "aggregation": "sum"},
                                    {"measure": "count", "aggregation": "count"}],
                        "orderBy": [{"field": "sum_totalCost", "direction": "desc"}]})", 6, 4),
  };
  out.push_back({"tokens", "Tokens", "Input and output tokens of generations", {}});
  out.back().widgets = {
      DefaultWidget("tokens-over-time", "Tokens by model", "time_series",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "inputTokens", "aggregation": "sum"},
                                    {"measure": "outputTokens", "aggregation": "sum"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("tokens-by-model", "Total tokens per model", "bar",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "totalTokens", "aggregation": "sum"}]})", 0, 4, 12),
  };
  out.push_back({"latency", "Latency percentiles", "Generation latency in milliseconds", {}});
  out.back().widgets = {
      DefaultWidget("latency-p95", "p95 latency by model", "time_series",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "latency", "aggregation": "p95"}],
                        "filters": [{"column": "type", "operator": "any of", "value": ["GENERATION"],
                                     "type": "stringOptions"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("latency-table", "Latency percentiles by model", "table",
                    R"({"view": "observations", "dimensions": [{"field": "providedModelName"}],
                        "metrics": [{"measure": "latency", "aggregation": "p50"},
                                    {"measure": "latency", "aggregation": "p90"},
                                    {"measure": "latency", "aggregation": "p95"},
                                    {"measure": "latency", "aggregation": "p99"}]})", 0, 4),
      DefaultWidget("latency-histogram", "Latency distribution", "histogram",
                    R"({"view": "observations", "metrics": [{"measure": "latency", "aggregation": "histogram"}],
                        "config": {"bins": 20}})", 6, 4),
  };
  out.push_back({"volume", "Trace volume", "Traces and observations over time", {}});
  out.back().widgets = {
      DefaultWidget("traces-over-time", "Traces", "time_series",
                    R"({"view": "traces", "metrics": [{"measure": "count", "aggregation": "count"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0),
      DefaultWidget("traces-by-name", "Traces by name", "bar",
                    R"({"view": "traces", "dimensions": [{"field": "name"}],
                        "metrics": [{"measure": "count", "aggregation": "count"}],
                        "orderBy": [{"field": "count_count", "direction": "desc"}], "config": {"row_limit": 20}})",
                    6, 0),
  };
  out.push_back({"errors", "Error rate", "Observations by level; ERROR is the error count", {}});
  out.back().widgets = {
      DefaultWidget("levels-over-time", "Observations by level", "time_series",
                    R"({"view": "observations", "dimensions": [{"field": "level"}],
                        "metrics": [{"measure": "count", "aggregation": "count"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("errors-total", "Errors", "number",
                    R"({"view": "observations", "metrics": [{"measure": "count", "aggregation": "count"}],
                        "filters": [{"column": "level", "operator": "any of", "value": ["ERROR"],
                                     "type": "stringOptions"}]})", 0, 4),
  };
  out.push_back({"scores", "Score trends", "Numeric scores averaged per name", {}});
  out.back().widgets = {
      DefaultWidget("scores-over-time", "Average score by name", "time_series",
                    R"({"view": "scores-numeric", "dimensions": [{"field": "name"}],
                        "metrics": [{"measure": "value", "aggregation": "avg"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("categorical-scores", "Categorical scores", "bar",
                    R"({"view": "scores-categorical", "dimensions": [{"field": "name"}, {"field": "stringValue"}],
                        "metrics": [{"measure": "count", "aggregation": "count"}]})", 0, 4, 12),
  };
  return out;
}

std::vector<DefaultDashboard> LabelingDefaults() {
  std::vector<DefaultDashboard> out;
  out.push_back({"throughput", "Labeling throughput", "Annotations submitted over time and per annotator", {}});
  out.back().widgets = {
      DefaultWidget("annotations-over-time", "Annotations", "time_series",
                    R"({"view": "annotations", "metrics": [{"measure": "count", "aggregation": "count"}],
                        "timeDimension": {"granularity": "auto"}})", 0, 0, 12),
      DefaultWidget("annotations-by-annotator", "Annotations per annotator", "bar",
                    R"({"view": "annotations", "dimensions": [{"field": "completedBy"}],
                        "metrics": [{"measure": "count", "aggregation": "count"},
                                    {"measure": "leadTime", "aggregation": "avg"}]})", 0, 4),
  };
  out.push_back({"agreement", "Annotator agreement", "Inter-annotator agreement of tasks with overlap", {}});
  out.back().widgets = {DefaultWidget("agreement", "Agreement", "agreement", "", 0, 0, 12)};
  return out;
}

}  // namespace

Result<bj::array> ParseWidgets(const bj::value& value) {
  if (!value.is_array()) return Error::InvalidField("widgets", "must be an array of widgets");
  const bj::array& in = value.as_array();
  if (in.size() > kMaxWidgets) {
    return Error::InvalidField("widgets", fmt::format("at most {} widgets fit one dashboard", kMaxWidgets));
  }
  bj::array widgets;
  std::set<std::string> ids;
  for (size_t i = 0; i < in.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(widget, ParseWidget(in[i], i));
    if (!ids.insert(std::string(widget.at("id").as_string())).second) {
      return Error::InvalidField(Path(i, "id"), "is used by another widget of this dashboard");
    }
    widgets.push_back(std::move(widget));
  }
  return widgets;
}

Result<MetricsQuery> WidgetQuery(const bj::object& widget, Micros from, Micros to) {
  const bj::value* query = widget.if_contains("query");
  if (!query || !query->is_object()) return Error::Invalid("This widget has no metrics query");
  bj::object ranged = query->as_object();
  ranged["fromTimestamp"] = FormatIsoMicros(from);
  ranged["toTimestamp"] = FormatIsoMicros(to);
  return ParseMetricsQuery(ranged, MetricsApiVersion::kDashboard);
}

Result<int> EnsureDefaultDashboards(store::Connection& connection, int64_t project_id) {
  std::set<std::string> existing;
  TALLY_TRY(connection.ForEach("SELECT default_key FROM dashboards WHERE project_id = ? AND default_key IS NOT NULL",
                               {project_id}, [&](const Row& row) {
                                 existing.insert(row.Text(0));
                                 return true;
                               }));
  TALLY_ASSIGN_OR_RETURN(project, connection.QueryOne("SELECT label_config FROM projects WHERE id = ?", {project_id}));
  if (!project) return Error::NotFound("Project not found");
  std::vector<DefaultDashboard> defaults = TracingDefaults();
  const std::string label_config = project->Text(0);
  if (!label_config.empty() && label_config != "<View></View>") {
    for (auto& dashboard : LabelingDefaults()) defaults.push_back(std::move(dashboard));
  }

  int created = 0;
  // Spaced a microsecond apart so the list keeps the order above.
  Micros now = NowMicros();
  for (auto& definition : defaults) {
    if (existing.count(definition.key)) continue;
    Dashboard dashboard;
    dashboard.id = NewUuidV7();
    dashboard.project_id = project_id;
    dashboard.name = definition.name;
    dashboard.description = definition.description;
    dashboard.default_key = definition.key;
    dashboard.widgets = std::move(definition.widgets);
    dashboard.created_at = dashboard.updated_at = now++;
    // Two first views racing: the unique index keeps one copy, and the
    // loser's insert does nothing.
    TALLY_ASSIGN_OR_RETURN(inserted, connection.Execute(
        fmt::format("INSERT INTO dashboards ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (project_id, default_key) WHERE default_key IS NOT NULL DO NOTHING",
                    kColumns),
        {dashboard.id, dashboard.project_id, dashboard.name, dashboard.description, *dashboard.default_key,
         json::Serialize(dashboard.widgets), nullptr, dashboard.created_at, dashboard.updated_at}));
    created += static_cast<int>(inserted);
  }
  return created;
}

Result<std::vector<Dashboard>> ListDashboards(store::Connection& connection, int64_t project_id) {
  std::vector<Dashboard> out;
  TALLY_TRY(connection.ForEach(fmt::format("SELECT {} FROM dashboards WHERE project_id = ? ORDER BY created_at, id",
                                           kColumns),
                               {project_id}, [&](const Row& row) {
                                 out.push_back(ReadDashboard(row));
                                 return true;
                               }));
  return out;
}

Result<std::optional<Dashboard>> FindDashboard(store::Connection& connection, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM dashboards WHERE id = ?", kColumns), {id}));
  if (!row) return std::optional<Dashboard>();
  return std::optional<Dashboard>(ReadDashboard(*row));
}

Result<void> InsertDashboard(store::Connection& connection, const Dashboard& dashboard) {
  TALLY_TRY(connection.Execute(
      fmt::format("INSERT INTO dashboards ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns),
      {dashboard.id, dashboard.project_id, dashboard.name, dashboard.description, store::OrNull(dashboard.default_key),
       json::Serialize(dashboard.widgets), store::OrNull(dashboard.created_by), dashboard.created_at,
       dashboard.updated_at}));
  return Ok();
}

Result<void> UpdateDashboard(store::Connection& connection, const Dashboard& dashboard) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(
                                      "UPDATE dashboards SET name = ?, description = ?, widgets = ?, updated_at = ? "
                                      "WHERE id = ?",
                                      {dashboard.name, dashboard.description, json::Serialize(dashboard.widgets),
                                       dashboard.updated_at, dashboard.id}));
  if (changed == 0) return Error::NotFound("Dashboard not found");
  return Ok();
}

Result<void> DeleteDashboard(store::Connection& connection, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM dashboards WHERE id = ?", {id}));
  if (changed == 0) return Error::NotFound("Dashboard not found");
  return Ok();
}

bj::object SerializeDashboard(const Dashboard& dashboard) {
  bj::object out;
  out["id"] = dashboard.id;
  out["project"] = dashboard.project_id;
  out["name"] = dashboard.name;
  out["description"] = dashboard.description;
  out["default_key"] = dashboard.default_key ? bj::value(*dashboard.default_key) : bj::value(nullptr);
  out["widgets"] = dashboard.widgets;
  out["created_by"] = dashboard.created_by ? bj::value(*dashboard.created_by) : bj::value(nullptr);
  out["created_at"] = FormatIsoMicros(dashboard.created_at);
  out["updated_at"] = FormatIsoMicros(dashboard.updated_at);
  return out;
}

}  // namespace tally::evals
