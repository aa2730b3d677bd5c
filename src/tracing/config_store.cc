#include "tracing/config_store.h"

#include "core/json.h"
#include "core/log.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;
using store::Row;

namespace {

constexpr const char* kConfigColumns =
    "id, name, data_type, categories, min_value, max_value, description, is_archived, created_at, updated_at";

ScoreConfig ConfigFromRow(const Row& row) {
  ScoreConfig config;
  config.id = row.Text(0);
  config.name = row.Text(1);
  config.data_type = row.Text(2);
  if (auto categories = row.OptionalText(3)) {
    boost::system::error_code ec;
    bj::value parsed = bj::parse(*categories, ec);
    if (!ec && parsed.is_array()) config.categories = parsed.as_array();
  }
  config.min_value = row.OptionalDouble(4);
  config.max_value = row.OptionalDouble(5);
  config.description = row.OptionalText(6);
  config.is_archived = row.Bool(7);
  config.created_at = row.Int(8);
  config.updated_at = row.Int(9);
  return config;
}

store::Value OptionalDouble(const std::optional<double>& value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace

Result<std::optional<ScoreConfig>> FindScoreConfig(Connection& c, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne(std::string("SELECT ") + kConfigColumns +
                                             " FROM score_configs WHERE project_id = ? AND id = ?",
                                         {project_id, id}));
  if (!row) return std::optional<ScoreConfig>();
  return std::optional<ScoreConfig>(ConfigFromRow(*row));
}

Result<std::pair<std::vector<ScoreConfig>, int64_t>> ListScoreConfigs(Connection& c, int64_t project_id,
                                                                     const Page& page) {
  TALLY_ASSIGN_OR_RETURN(total, c.QueryOne("SELECT COUNT(*) FROM score_configs WHERE project_id = ?", {project_id}));
  TALLY_ASSIGN_OR_RETURN(rows, c.Query(std::string("SELECT ") + kConfigColumns +
                                           " FROM score_configs WHERE project_id = ? ORDER BY created_at DESC, id DESC "
                                           "LIMIT ? OFFSET ?",
                                       {project_id, page.limit, (page.page - 1) * page.limit}));
  std::vector<ScoreConfig> configs;
  for (const Row& row : rows) configs.push_back(ConfigFromRow(row));
  return std::pair{std::move(configs), total ? total->Int(0) : 0};
}

Result<void> SaveScoreConfig(Connection& c, int64_t project_id, const ScoreConfig& config) {
  store::Value categories = nullptr;
  if (config.categories) categories = json::Serialize(*config.categories);
  TALLY_TRY(c.Execute(
      "INSERT INTO score_configs (project_id, id, name, data_type, categories, min_value, max_value, description, "
      "is_archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name, categories = excluded.categories, "
      "min_value = excluded.min_value, max_value = excluded.max_value, description = excluded.description, "
      "is_archived = excluded.is_archived, updated_at = excluded.updated_at",
      {project_id, config.id, config.name, config.data_type, categories, OptionalDouble(config.min_value),
       OptionalDouble(config.max_value), store::OrNull(config.description), store::Bool(config.is_archived),
       config.created_at, config.updated_at}));
  return Ok();
}

bj::object ScoreConfigToJson(const ScoreConfig& config, int64_t project_id) {
  bj::object out;
  out["id"] = config.id;
  out["name"] = config.name;
  out["dataType"] = config.data_type;
  if (config.categories) out["categories"] = *config.categories;
  if (config.min_value) out["minValue"] = *config.min_value;
  if (config.max_value) out["maxValue"] = *config.max_value;
  if (config.description) out["description"] = *config.description;
  out["isArchived"] = config.is_archived;
  out["projectId"] = std::to_string(project_id);
  out["createdAt"] = FormatIsoMillis(config.created_at);
  out["updatedAt"] = FormatIsoMillis(config.updated_at);
  return out;
}

Result<std::vector<ModelDefinition>> ProjectModels(Connection& c, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(rows, c.Query("SELECT id, model_name, match_pattern, start_date, unit, tokenizer_id, "
                                       "tokenizer_config, pricing_tiers, created_at, updated_at FROM trace_models "
                                       "WHERE project_id = ? ORDER BY created_at, id",
                                       {project_id}));
  std::vector<ModelDefinition> models;
  for (const Row& row : rows) {
    bj::object body{{"id", row.Text(0)}, {"modelName", row.Text(1)}, {"matchPattern", row.Text(2)}};
    if (!row.IsNull(3)) body["startDate"] = FormatIsoMillis(row.Int(3));
    if (auto unit = row.OptionalText(4)) body["unit"] = *unit;
    if (auto tokenizer = row.OptionalText(5)) body["tokenizerId"] = *tokenizer;
    boost::system::error_code ec;
    if (auto config = row.OptionalText(6)) body["tokenizerConfig"] = bj::parse(*config, ec);
    body["pricingTiers"] = bj::parse(row.Text(7), ec);
    auto model = ParseModelDefinition(body);
    if (!model) {
      // Stored definitions were checked on creation; a failure here means the
      // row was edited by hand, so skip it rather than fail every ingestion.
      TALLY_LOG_WARN("event=model_definition_invalid project_id={} model_id={}", project_id, row.Text(0));
      continue;
    }
    model->project_id = project_id;
    model->created_at = row.Int(8);
    model->updated_at = row.Int(9);
    models.push_back(std::move(*model));
  }
  return models;
}

Result<void> InsertModel(Connection& c, int64_t project_id, const ModelDefinition& model) {
  bj::object as_json = ModelToJson(model);
  store::Value tokenizer_config = nullptr;
  if (!model.tokenizer_config.is_null()) tokenizer_config = json::Serialize(model.tokenizer_config);
  store::Value start_date = nullptr;
  if (model.start_date) start_date = *model.start_date;
  TALLY_TRY(c.Execute("INSERT INTO trace_models (id, project_id, model_name, match_pattern, start_date, unit, "
                      "tokenizer_id, tokenizer_config, pricing_tiers, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {model.id, project_id, model.model_name, model.match_pattern, start_date, store::OrNull(model.unit),
                       store::OrNull(model.tokenizer_id), tokenizer_config, json::Serialize(as_json.at("pricingTiers")),
                       model.created_at, model.updated_at}));
  return Ok();
}

Result<bool> DeleteModel(Connection& c, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(count, c.Execute("DELETE FROM trace_models WHERE project_id = ? AND id = ?", {project_id, id}));
  return count > 0;
}

}  // namespace tally::tracing
