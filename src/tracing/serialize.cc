#include "tracing/serialize.h"

#include "core/json.h"
#include "core/time.h"
#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Row;

namespace {

std::optional<bj::value> TryParse(std::string_view text) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 10000;
  bj::value value = bj::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return value;
}

// Stored JSON text back to a value; a string holding JSON text comes back as
// that JSON, as in the reference system.
bj::value ReadIo(const Row& row, std::string_view column) {
  auto text = row.OptionalText(row.Column(column));
  if (!text) return nullptr;
  auto value = TryParse(*text);
  if (!value) return bj::value(*text);
  if (value->is_string()) {
    if (auto inner = TryParse(value->as_string()); inner && (inner->is_object() || inner->is_array())) return *inner;
  }
  return *value;
}

// The stored text as the v2 API returns it: the string itself, or JSON text.
bj::value ReadIoRaw(const Row& row, std::string_view column) {
  auto text = row.OptionalText(row.Column(column));
  if (!text) return nullptr;
  auto value = TryParse(*text);
  if (value && value->is_string()) return *value;
  return bj::value(*text);
}

bj::object ReadObject(const Row& row, std::string_view column) {
  auto text = row.OptionalText(row.Column(column));
  if (!text) return {};
  auto value = TryParse(*text);
  if (!value || !value->is_object()) return {};
  return value->as_object();
}

bj::object ReadMetadata(const Row& row, std::string_view column) {
  bj::object metadata = ReadObject(row, column);
  for (auto& entry : metadata) {
    if (!entry.value().is_string()) continue;
    if (auto parsed = TryParse(entry.value().as_string())) entry.value() = std::move(*parsed);
  }
  return metadata;
}

bj::value Text(const Row& row, std::string_view column) {
  auto text = row.OptionalText(row.Column(column));
  return text ? bj::value(*text) : bj::value(nullptr);
}

bj::value Time(const Row& row, std::string_view column) {
  const size_t index = row.Column(column);
  if (row.IsNull(index)) return nullptr;
  return bj::value(FormatIsoMillis(row.Int(index)));
}

std::optional<double> Seconds(const Row& row, std::string_view from, std::string_view to) {
  const size_t a = row.Column(from), b = row.Column(to);
  if (row.IsNull(a) || row.IsNull(b)) return std::nullopt;
  return static_cast<double>(row.Int(b) - row.Int(a)) / 1e6;
}

bj::value OptionalNumber(std::optional<double> value) { return value ? bj::value(*value) : bj::value(nullptr); }

bj::value Price(const ModelDefinition* model, std::string_view key, bool zero_missing, bool as_text) {
  const PricingTier* tier = model ? model->DefaultTier() : nullptr;
  const bj::value* price = tier ? tier->prices.if_contains(key) : nullptr;
  if (!price) return zero_missing ? bj::value(0) : bj::value(nullptr);
  if (as_text) return bj::value(json::FormatNumber(NumberOf(*price).value_or(0)));
  return *price;
}

bj::value PromptVersion(const Row& row) {
  auto version = row.OptionalInt(row.Column("prompt_version"));
  return version ? bj::value(*version) : bj::value(nullptr);
}

}  // namespace

const ModelDefinition* FindModelById(const std::vector<ModelDefinition>& project_models, const std::string& id) {
  for (const auto& model : project_models) {
    if (model.id == id) return &model;
  }
  for (const auto& model : ManagedModels()) {
    if (model.id == id) return &model;
  }
  return nullptr;
}

TraceFields ParseTraceFields(const std::optional<std::string>& fields) {
  if (!fields) return {};
  TraceFields out{false, false, false, false};
  size_t start = 0;
  while (start <= fields->size()) {
    size_t end = fields->find(',', start);
    if (end == std::string::npos) end = fields->size();
    const std::string name = fields->substr(start, end - start);
    if (name == "io") out.io = true;
    if (name == "scores") out.scores = true;
    if (name == "observations") out.observations = true;
    if (name == "metrics") out.metrics = true;
    start = end + 1;
  }
  return out;
}

bj::object SerializeTrace(const Row& row, int64_t project_id, const TraceAggregates* aggregates,
                          const TraceFields& fields) {
  const std::string id = row.Text(row.Column("id"));
  const std::string project = std::to_string(project_id);
  bj::object out;
  out["id"] = id;
  out["timestamp"] = Time(row, "timestamp");
  out["name"] = Text(row, "name");
  out["input"] = fields.io ? ReadIo(row, "input") : bj::value(nullptr);
  out["output"] = fields.io ? ReadIo(row, "output") : bj::value(nullptr);
  out["sessionId"] = Text(row, "session_id");
  out["release"] = Text(row, "release");
  out["version"] = Text(row, "version");
  out["userId"] = Text(row, "user_id");
  out["metadata"] = fields.io ? ReadMetadata(row, "metadata") : bj::object();
  auto tags = TryParse(row.Text(row.Column("tags"), "[]"));
  out["tags"] = tags && tags->is_array() ? *tags : bj::array();
  out["public"] = row.Bool(row.Column("public"));
  out["bookmarked"] = row.Bool(row.Column("bookmarked"));
  out["environment"] = Text(row, "environment");
  out["projectId"] = project;
  out["externalId"] = nullptr;
  out["createdAt"] = Time(row, "created_at");
  out["updatedAt"] = Time(row, "updated_at");
  out["htmlPath"] = "/project/" + project + "/traces/" + id;
  out["latency"] = fields.metrics ? (aggregates ? aggregates->latency : 0.0) : -1.0;
  out["totalCost"] = fields.metrics ? (aggregates ? aggregates->total_cost : 0.0) : -1.0;
  bj::array observations, scores;
  if (aggregates && fields.observations) {
    for (const auto& observation_id : aggregates->observation_ids) observations.emplace_back(observation_id);
  }
  if (aggregates && fields.scores) {
    for (const auto& score_id : aggregates->score_ids) scores.emplace_back(score_id);
  }
  out["observations"] = std::move(observations);
  out["scores"] = std::move(scores);
  return out;
}

bj::object SerializeObservation(const Row& row, int64_t project_id, const ModelDefinition* model, bool zero_prices) {
  bj::object out;
  out["id"] = Text(row, "id");
  out["projectId"] = std::to_string(project_id);
  out["traceId"] = Text(row, "trace_id");
  out["parentObservationId"] = Text(row, "parent_observation_id");
  out["type"] = Text(row, "type");
  out["name"] = Text(row, "name");
  out["environment"] = Text(row, "environment");
  out["startTime"] = Time(row, "start_time");
  out["endTime"] = Time(row, "end_time");
  out["completionStartTime"] = Time(row, "completion_start_time");
  out["version"] = Text(row, "version");
  out["createdAt"] = Time(row, "created_at");
  out["updatedAt"] = Time(row, "updated_at");
  out["input"] = ReadIo(row, "input");
  out["output"] = ReadIo(row, "output");
  out["metadata"] = ReadMetadata(row, "metadata");
  out["level"] = Text(row, "level");
  out["statusMessage"] = Text(row, "status_message");
  out["model"] = Text(row, "model");
  out["modelParameters"] = ReadIo(row, "model_parameters");
  out["promptId"] = Text(row, "prompt_id");
  out["promptName"] = Text(row, "prompt_name");
  out["promptVersion"] = PromptVersion(row);

  // Usage and cost, with the derived legacy fields.
  const bj::object usage = ReadObject(row, "usage_details");
  const bj::object cost = ReadObject(row, "cost_details");
  out["usageDetails"] = usage;
  out["costDetails"] = cost;
  out["usagePricingTierName"] = Text(row, "pricing_tier_name");
  out["usagePricingTierId"] = Text(row, "pricing_tier_id");
  bool any_input = false, any_output = false;
  const double input = SumKeysContaining(usage, "input", any_input);
  const double output = SumKeysContaining(usage, "output", any_output);
  const double total = usage.contains("total") ? NumberOf(usage.at("total")).value_or(0) : 0;
  out["usage"] = bj::object{{"unit", "TOKENS"},
                            {"input", static_cast<int64_t>(input)},
                            {"output", static_cast<int64_t>(output)},
                            {"total", static_cast<int64_t>(total)}};
  out["unit"] = "TOKENS";
  out["promptTokens"] = static_cast<int64_t>(input);
  out["completionTokens"] = static_cast<int64_t>(output);
  out["totalTokens"] = static_cast<int64_t>(total);
  out["modelId"] = Text(row, "internal_model_id");
  out["inputPrice"] = Price(model, "input", zero_prices, false);
  out["outputPrice"] = Price(model, "output", zero_prices, false);
  out["totalPrice"] = Price(model, "total", zero_prices, false);
  bool any_input_cost = false, any_output_cost = false;
  const double input_cost = SumKeysContaining(cost, "input", any_input_cost);
  const double output_cost = SumKeysContaining(cost, "output", any_output_cost);
  out["calculatedInputCost"] = any_input_cost ? bj::value(input_cost) : bj::value(nullptr);
  out["calculatedOutputCost"] = any_output_cost ? bj::value(output_cost) : bj::value(nullptr);
  out["calculatedTotalCost"] = cost.contains("total") ? cost.at("total") : bj::value(0);
  out["latency"] = OptionalNumber(Seconds(row, "start_time", "end_time"));
  out["timeToFirstToken"] = OptionalNumber(Seconds(row, "start_time", "completion_start_time"));
  return out;
}

bj::object SerializeObservationV2(const Row& row, int64_t project_id, const ModelDefinition* model,
                                  const std::set<std::string>& groups) {
  auto has = [&](const char* group) { return groups.count(group) > 0; };
  bj::object out;
  out["id"] = Text(row, "id");
  out["traceId"] = Text(row, "trace_id");
  out["startTime"] = Time(row, "start_time");
  out["endTime"] = Time(row, "end_time");
  out["projectId"] = std::to_string(project_id);
  out["parentObservationId"] = Text(row, "parent_observation_id");
  out["type"] = Text(row, "type");
  if (has("basic")) {
    out["name"] = Text(row, "name");
    out["level"] = Text(row, "level");
    out["statusMessage"] = Text(row, "status_message");
    out["version"] = Text(row, "version");
    out["environment"] = Text(row, "environment");
    // OTel spans carry an explicit app-root marker; other observations are
    // roots when they have no parent.
    out["isRootObservation"] = row.Bool(row.Column("is_app_root")) || row.IsNull(row.Column("parent_observation_id"));
  }
  if (has("time")) {
    out["completionStartTime"] = Time(row, "completion_start_time");
    out["createdAt"] = Time(row, "created_at");
    out["updatedAt"] = Time(row, "updated_at");
  }
  if (has("io")) {
    out["input"] = ReadIoRaw(row, "input");
    out["output"] = ReadIoRaw(row, "output");
  }
  if (has("metadata")) out["metadata"] = ReadMetadata(row, "metadata");
  if (has("model")) {
    out["providedModelName"] = Text(row, "model");
    out["internalModelId"] = Text(row, "internal_model_id");
    out["modelParameters"] = ReadIo(row, "model_parameters");
  }
  if (has("usage")) {
    const bj::object cost = ReadObject(row, "cost_details");
    out["usageDetails"] = ReadObject(row, "usage_details");
    out["costDetails"] = cost;
    out["totalCost"] = cost.contains("total") ? cost.at("total") : bj::value(nullptr);
    out["usagePricingTierName"] = Text(row, "pricing_tier_name");
  }
  if (has("prompt")) {
    out["promptId"] = Text(row, "prompt_id");
    out["promptName"] = Text(row, "prompt_name");
    out["promptVersion"] = PromptVersion(row);
  }
  if (has("metrics")) {
    out["latency"] = OptionalNumber(Seconds(row, "start_time", "end_time"));
    out["timeToFirstToken"] = OptionalNumber(Seconds(row, "start_time", "completion_start_time"));
  }
  const bool with_model = has("model");
  out["modelId"] = with_model ? Text(row, "internal_model_id") : bj::value(nullptr);
  out["inputPrice"] = with_model ? Price(model, "input", false, true) : bj::value(nullptr);
  out["outputPrice"] = with_model ? Price(model, "output", false, true) : bj::value(nullptr);
  out["totalPrice"] = with_model ? Price(model, "total", false, true) : bj::value(nullptr);
  return out;
}

bj::object SerializeScore(const Row& row, int64_t project_id, bool v2) {
  bj::object out;
  out["id"] = Text(row, "id");
  out["projectId"] = std::to_string(project_id);
  out["traceId"] = Text(row, "trace_id");
  out["observationId"] = Text(row, "observation_id");
  if (v2) {
    out["sessionId"] = Text(row, "session_id");
    out["datasetRunId"] = Text(row, "dataset_run_id");
  }
  out["name"] = Text(row, "name");
  out["source"] = Text(row, "source");
  out["dataType"] = Text(row, "data_type");
  const std::string data_type = row.Text(row.Column("data_type"));
  if (data_type != "TEXT") {
    auto value = row.OptionalDouble(row.Column("value"));
    out["value"] = value ? bj::value(*value) : bj::value(0);
  }
  out["stringValue"] = Text(row, "string_value");
  out["timestamp"] = Time(row, "timestamp");
  out["createdAt"] = Time(row, "created_at");
  out["updatedAt"] = Time(row, "updated_at");
  out["authorUserId"] = Text(row, "author_user_id");
  out["comment"] = Text(row, "comment");
  out["metadata"] = ReadMetadata(row, "metadata");
  out["configId"] = Text(row, "config_id");
  out["queueId"] = Text(row, "queue_id");
  out["executionTraceId"] = nullptr;
  out["environment"] = Text(row, "environment");
  return out;
}

bj::object SerializeScoreV3(const Row& row, int64_t project_id, const std::set<std::string>& groups) {
  bj::object out;
  const std::string data_type = row.Text(row.Column("data_type"));
  out["id"] = Text(row, "id");
  out["projectId"] = std::to_string(project_id);
  out["name"] = Text(row, "name");
  out["dataType"] = data_type;
  if (data_type == "NUMERIC") {
    out["value"] = row.Double(row.Column("value"));
  } else if (data_type == "BOOLEAN") {
    out["value"] = row.Double(row.Column("value")) == 1;
  } else {
    out["value"] = row.Text(row.Column("string_value"));
  }
  out["source"] = Text(row, "source");
  out["timestamp"] = Time(row, "timestamp");
  out["environment"] = Text(row, "environment");
  out["createdAt"] = Time(row, "created_at");
  out["updatedAt"] = Time(row, "updated_at");
  if (groups.count("details")) {
    out["comment"] = Text(row, "comment");
    out["configId"] = Text(row, "config_id");
    out["metadata"] = ReadMetadata(row, "metadata");
  }
  if (groups.count("annotation")) {
    out["authorUserId"] = Text(row, "author_user_id");
    out["queueId"] = Text(row, "queue_id");
  }
  if (groups.count("subject")) {
    bj::object subject;
    if (auto observation = row.OptionalText(row.Column("observation_id"))) {
      subject = {{"kind", "observation"}, {"id", *observation}, {"traceId", Text(row, "trace_id")}};
    } else if (auto trace = row.OptionalText(row.Column("trace_id"))) {
      subject = {{"kind", "trace"}, {"id", *trace}};
    } else if (auto session = row.OptionalText(row.Column("session_id"))) {
      subject = {{"kind", "session"}, {"id", *session}};
    } else {
      subject = {{"kind", "experiment"}, {"id", Text(row, "dataset_run_id")}};
    }
    out["subject"] = std::move(subject);
  }
  return out;
}

bj::object SerializeSession(const Row& row, int64_t project_id) {
  return bj::object{{"id", Text(row, "id")},
                    {"createdAt", Time(row, "created_at")},
                    {"projectId", std::to_string(project_id)},
                    {"environment", Text(row, "environment")}};
}

}  // namespace tally::tracing
