#include "evals/metrics_query.h"

#include <fmt/format.h>

#include <array>

#include "evals/metrics_views.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, Aggregation>, 12> kAggregations{{
    {"sum", Aggregation::kSum},
    {"avg", Aggregation::kAvg},
    {"count", Aggregation::kCount},
    {"max", Aggregation::kMax},
    {"min", Aggregation::kMin},
    {"p50", Aggregation::kP50},
    {"p75", Aggregation::kP75},
    {"p90", Aggregation::kP90},
    {"p95", Aggregation::kP95},
    {"p99", Aggregation::kP99},
    {"histogram", Aggregation::kHistogram},
    {"uniq", Aggregation::kUniq},
}};

constexpr std::array<std::pair<std::string_view, Granularity>, 5> kGranularities{{
    {"minute", Granularity::kMinute},
    {"hour", Granularity::kHour},
    {"day", Granularity::kDay},
    {"week", Granularity::kWeek},
    {"month", Granularity::kMonth},
}};

std::string Field(std::string_view path) { return fmt::format("query.{}", path); }

Result<std::string> RequireText(const bj::object& object, std::string_view key, const std::string& path) {
  const bj::value* value = object.if_contains(key);
  if (!value || !value->is_string() || value->as_string().empty()) {
    return Error::InvalidField(path, "is required and must be a non-empty string");
  }
  return std::string(value->as_string());
}

// An optional array member: absent or null is empty.
Result<bj::array> OptionalArray(const bj::object& object, std::string_view key) {
  const bj::value* value = object.if_contains(key);
  if (!value || value->is_null()) return bj::array{};
  if (!value->is_array()) return Error::InvalidField(Field(key), "must be an array");
  return value->as_array();
}

Result<const bj::object*> ObjectAt(const bj::array& array, size_t index, std::string_view key) {
  if (!array[index].is_object()) {
    return Error::InvalidField(Field(fmt::format("{}.{}", key, index)), "must be an object");
  }
  return &array[index].as_object();
}

Result<Micros> RequireTimestamp(const bj::object& object, std::string_view key) {
  TALLY_ASSIGN_OR_RETURN(text, RequireText(object, key, Field(key)));
  auto parsed = ParseIsoTimestamp(text);
  if (!parsed) {
    return Error::InvalidField(Field(key), "must be an ISO 8601 datetime with a zone, e.g. 2026-01-01T00:00:00.000Z");
  }
  return *parsed;
}

Result<std::vector<std::string>> ParseDimensions(const bj::object& object, const ViewDef& view,
                                                 MetricsApiVersion version) {
  TALLY_ASSIGN_OR_RETURN(array, OptionalArray(object, "dimensions"));
  std::vector<std::string> dimensions;
  for (size_t i = 0; i < array.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(entry, ObjectAt(array, i, "dimensions"));
    const std::string path = Field(fmt::format("dimensions.{}.field", i));
    TALLY_ASSIGN_OR_RETURN(name, RequireText(*entry, "field", path));
    if (view.IsUnsupported(name)) {
      return Error::InvalidField(path, fmt::format("'{}' is not recorded by this server; group by another field", name));
    }
    if (!view.FindDimension(name, version)) {
      return Error::InvalidField(path, fmt::format("'{}' is not a dimension of the {} view", name, view.name));
    }
    if (std::find(dimensions.begin(), dimensions.end(), name) != dimensions.end()) {
      return Error::InvalidField(path, fmt::format("'{}' is listed twice; list each dimension once", name));
    }
    dimensions.push_back(name);
  }
  return dimensions;
}

Result<std::vector<MetricSpec>> ParseMetrics(const bj::object& object, const ViewDef& view) {
  const bj::value* value = object.if_contains("metrics");
  if (!value || !value->is_array()) {
    return Error::InvalidField(Field("metrics"), "is required: send an array of {measure, aggregation}");
  }
  const bj::array& array = value->as_array();
  if (array.empty()) {
    return Error::InvalidField(Field("metrics"), "must list at least one {measure, aggregation}");
  }
  std::vector<MetricSpec> metrics;
  for (size_t i = 0; i < array.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(entry, ObjectAt(array, i, "metrics"));
    const std::string measure_path = Field(fmt::format("metrics.{}.measure", i));
    TALLY_ASSIGN_OR_RETURN(measure, RequireText(*entry, "measure", measure_path));
    if (view.IsUnsupported(measure)) {
      return Error::InvalidField(measure_path, fmt::format("'{}' is not recorded by this server", measure));
    }
    if (!view.FindMeasure(measure)) {
      return Error::InvalidField(measure_path, fmt::format("'{}' is not a measure of the {} view", measure, view.name));
    }
    const std::string aggregation_path = Field(fmt::format("metrics.{}.aggregation", i));
    TALLY_ASSIGN_OR_RETURN(aggregation_name, RequireText(*entry, "aggregation", aggregation_path));
    std::optional<Aggregation> aggregation;
    for (const auto& [name, known] : kAggregations) {
      if (name == aggregation_name) aggregation = known;
    }
    if (!aggregation) {
      return Error::InvalidField(aggregation_path,
                                 "must be one of sum, avg, count, max, min, p50, p75, p90, p95, p99, histogram, uniq");
    }
    MetricSpec metric{measure, *aggregation};
    for (const auto& earlier : metrics) {
      if (earlier.OutputName() == metric.OutputName()) {
        return Error::InvalidField(Field(fmt::format("metrics.{}", i)),
                                   fmt::format("'{}' is requested twice", metric.OutputName()));
      }
    }
    metrics.push_back(std::move(metric));
  }
  return metrics;
}

Result<std::vector<MetricsFilter>> ParseFilters(const bj::object& object) {
  TALLY_ASSIGN_OR_RETURN(array, OptionalArray(object, "filters"));
  std::vector<MetricsFilter> filters;
  for (size_t i = 0; i < array.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(entry, ObjectAt(array, i, "filters"));
    const std::string prefix = fmt::format("filters.{}.", i);
    MetricsFilter filter;
    TALLY_ASSIGN_OR_RETURN(column, RequireText(*entry, "column", Field(prefix + "column")));
    TALLY_ASSIGN_OR_RETURN(op, RequireText(*entry, "operator", Field(prefix + "operator")));
    TALLY_ASSIGN_OR_RETURN(type, RequireText(*entry, "type", Field(prefix + "type")));
    filter.column = std::move(column);
    filter.op = std::move(op);
    filter.type = std::move(type);
    if (const bj::value* key = entry->if_contains("key"); key && !key->is_null()) {
      if (!key->is_string()) return Error::InvalidField(Field(prefix + "key"), "must be a string");
      filter.key = std::string(key->as_string());
    }
    if (const bj::value* value = entry->if_contains("value")) filter.value = *value;
    filters.push_back(std::move(filter));
  }
  return filters;
}

Result<std::optional<Granularity>> ParseTimeDimension(const bj::object& object, Micros from, Micros to) {
  const bj::value* value = object.if_contains("timeDimension");
  if (!value || value->is_null()) return std::optional<Granularity>();
  if (!value->is_object()) {
    return Error::InvalidField(Field("timeDimension"), "must be an object {granularity} or null");
  }
  TALLY_ASSIGN_OR_RETURN(name, RequireText(value->as_object(), "granularity", Field("timeDimension.granularity")));
  if (name == "auto") return std::optional<Granularity>(AutoGranularity(from, to));
  for (const auto& [known_name, granularity] : kGranularities) {
    if (known_name == name) return std::optional<Granularity>(granularity);
  }
  return Error::InvalidField(Field("timeDimension.granularity"), "must be one of auto, minute, hour, day, week, month");
}

Result<std::vector<MetricsOrder>> ParseOrderBy(const bj::object& object, const MetricsQuery& query) {
  TALLY_ASSIGN_OR_RETURN(array, OptionalArray(object, "orderBy"));
  std::vector<MetricsOrder> order_by;
  for (size_t i = 0; i < array.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(entry, ObjectAt(array, i, "orderBy"));
    const std::string prefix = fmt::format("orderBy.{}.", i);
    TALLY_ASSIGN_OR_RETURN(field, RequireText(*entry, "field", Field(prefix + "field")));
    bool known = std::find(query.dimensions.begin(), query.dimensions.end(), field) != query.dimensions.end();
    known = known || (field == "time_dimension" && query.granularity);
    for (const auto& metric : query.metrics) known = known || metric.OutputName() == field || metric.measure == field;
    if (!known) {
      return Error::InvalidField(Field(prefix + "field"),
                                 fmt::format("'{}' is neither a requested dimension nor a requested metric "
                                             "(metrics are named <aggregation>_<measure>, e.g. sum_totalCost)",
                                             field));
    }
    bool descending = false;
    if (const bj::value* direction = entry->if_contains("direction"); direction && !direction->is_null()) {
      if (!direction->is_string() || (direction->as_string() != "asc" && direction->as_string() != "desc")) {
        return Error::InvalidField(Field(prefix + "direction"), "must be asc or desc");
      }
      descending = direction->as_string() == "desc";
    }
    order_by.push_back({field, descending});
  }
  return order_by;
}

Result<void> ParseConfig(const bj::object& object, MetricsQuery& query) {
  const bj::value* value = object.if_contains("config");
  if (!value || value->is_null()) return Ok();
  if (!value->is_object()) return Error::InvalidField(Field("config"), "must be an object");
  const bj::object& config = value->as_object();
  if (const bj::value* bins = config.if_contains("bins"); bins && !bins->is_null()) {
    if (!bins->is_int64() && !bins->is_uint64()) return Error::InvalidField(Field("config.bins"), "must be an integer");
    const int64_t count = bins->is_int64() ? bins->as_int64() : static_cast<int64_t>(bins->as_uint64());
    if (count < 1 || count > 100) return Error::InvalidField(Field("config.bins"), "must be between 1 and 100");
    query.bins = count;
  }
  if (const bj::value* limit = config.if_contains("row_limit"); limit && !limit->is_null()) {
    if (!limit->is_int64() && !limit->is_uint64()) {
      return Error::InvalidField(Field("config.row_limit"), "must be an integer");
    }
    const int64_t count = limit->is_int64() ? limit->as_int64() : static_cast<int64_t>(limit->as_uint64());
    if (count < 1 || count > 1000) return Error::InvalidField(Field("config.row_limit"), "must be between 1 and 1000");
    query.row_limit = count;
  }
  return Ok();
}

// v2 groups by an id-like dimension only in a top-N query, because such a
// grouping otherwise returns one row per trace or observation.
Result<void> CheckHighCardinality(const MetricsQuery& query, const ViewDef& view, bool explicit_limit) {
  for (size_t i = 0; i < query.dimensions.size(); ++i) {
    const DimensionDef* dimension = view.FindDimension(query.dimensions[i], query.version);
    if (!dimension->high_cardinality) continue;
    bool descending_on_metric = false;
    for (const auto& order : query.order_by) {
      for (const auto& metric : query.metrics) {
        if (order.descending && (order.field == metric.OutputName() || order.field == metric.measure)) {
          descending_on_metric = true;
        }
      }
    }
    if (!query.granularity && explicit_limit && descending_on_metric) continue;
    return Error::InvalidField(
        Field(fmt::format("dimensions.{}.field", i)),
        fmt::format("'{}' has too many values to group by; use it in a top-N query (no timeDimension, "
                    "config.row_limit set, orderBy desc on a requested metric) or as a filter",
                    dimension->name));
  }
  return Ok();
}

}  // namespace

std::string MetricSpec::OutputName() const { return fmt::format("{}_{}", AggregationName(aggregation), measure); }

std::string_view AggregationName(Aggregation aggregation) {
  for (const auto& [name, known] : kAggregations) {
    if (known == aggregation) return name;
  }
  return "count";
}

std::string_view GranularityName(Granularity granularity) {
  for (const auto& [name, known] : kGranularities) {
    if (known == granularity) return name;
  }
  return "day";
}

std::optional<double> PercentileFraction(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kP50: return 0.50;
    case Aggregation::kP75: return 0.75;
    case Aggregation::kP90: return 0.90;
    case Aggregation::kP95: return 0.95;
    case Aggregation::kP99: return 0.99;
    default: return std::nullopt;
  }
}

Granularity AutoGranularity(Micros from, Micros to) {
  constexpr Micros kMinute = 60'000'000;
  constexpr std::array<std::pair<Granularity, Micros>, 4> kWidths{{
      {Granularity::kMinute, kMinute},
      {Granularity::kHour, 60 * kMinute},
      {Granularity::kDay, 24 * 60 * kMinute},
      {Granularity::kWeek, 7 * 24 * 60 * kMinute},
  }};
  const Micros range = to - from;
  for (const auto& [granularity, width] : kWidths) {
    if (range / width <= 100) return granularity;
  }
  return Granularity::kMonth;
}

Result<MetricsQuery> ParseMetricsQuery(const bj::value& value, MetricsApiVersion version) {
  if (!value.is_object()) return Error::InvalidField("query", "must be a JSON object");
  const bj::object& object = value.as_object();
  MetricsQuery query;
  query.version = version;

  TALLY_ASSIGN_OR_RETURN(view_name, RequireText(object, "view", Field("view")));
  auto view_kind = ParseViewName(view_name);
  const bool rejected = view_kind && ((version == MetricsApiVersion::kV2 && *view_kind == MetricsView::kTraces) ||
                                      (version != MetricsApiVersion::kDashboard && *view_kind == MetricsView::kAnnotations));
  if (!view_kind || rejected) {
    return Error::InvalidField(Field("view"),
                               version == MetricsApiVersion::kV2
                                   ? "must be one of observations, scores-numeric, scores-boolean, scores-categorical"
                                   : "must be one of traces, observations, scores-numeric, scores-boolean, "
                                     "scores-categorical");
  }
  query.view = *view_kind;
  const ViewDef& view = ViewOf(query.view);

  TALLY_ASSIGN_OR_RETURN(from, RequireTimestamp(object, "fromTimestamp"));
  TALLY_ASSIGN_OR_RETURN(to, RequireTimestamp(object, "toTimestamp"));
  if (from >= to) return Error::InvalidField(Field("fromTimestamp"), "fromTimestamp must be before toTimestamp");
  query.from = from;
  query.to = to;

  TALLY_ASSIGN_OR_RETURN(dimensions, ParseDimensions(object, view, version));
  query.dimensions = std::move(dimensions);
  TALLY_ASSIGN_OR_RETURN(metrics, ParseMetrics(object, view));
  query.metrics = std::move(metrics);
  TALLY_ASSIGN_OR_RETURN(filters, ParseFilters(object));
  query.filters = std::move(filters);
  TALLY_ASSIGN_OR_RETURN(granularity, ParseTimeDimension(object, from, to));
  query.granularity = granularity;
  TALLY_ASSIGN_OR_RETURN(order_by, ParseOrderBy(object, query));
  query.order_by = std::move(order_by);
  TALLY_TRY(ParseConfig(object, query));

  if (version == MetricsApiVersion::kV2) {
    TALLY_TRY(CheckHighCardinality(query, view, query.row_limit.has_value()));
    if (!query.row_limit) query.row_limit = 100;
  }
  return query;
}

}  // namespace tally::evals
