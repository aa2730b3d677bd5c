// SQL for score configs and project model definitions.
//
// Score configs describe what a score of a given name may hold (data type,
// categories, range); ingestion checks scores that carry a configId against
// them. Project models override the managed price table for one project.
//
// Thread-safety: stateless; the Connection rules of store/database.h apply.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "tracing/models.h"
#include "tracing/trace_store.h"

namespace tally::tracing {

struct ScoreConfig {
  std::string id;
  std::string name;
  std::string data_type;                    // NUMERIC, CATEGORICAL, BOOLEAN or TEXT
  std::optional<boost::json::array> categories;  // [{label, value}]
  std::optional<double> min_value, max_value;
  std::optional<std::string> description;
  bool is_archived = false;
  Micros created_at = 0, updated_at = 0;
};

// nullopt when the project has no config with that id.
[[nodiscard]] Result<std::optional<ScoreConfig>> FindScoreConfig(store::Connection& c, int64_t project_id,
                                                                 const std::string& id);
// Configs ordered by creation time, newest first, and the total count.
[[nodiscard]] Result<std::pair<std::vector<ScoreConfig>, int64_t>> ListScoreConfigs(store::Connection& c,
                                                                                    int64_t project_id,
                                                                                    const Page& page);
// Inserts or replaces a config by id.
[[nodiscard]] Result<void> SaveScoreConfig(store::Connection& c, int64_t project_id, const ScoreConfig& config);

boost::json::object ScoreConfigToJson(const ScoreConfig& config, int64_t project_id);

// Project model definitions, with compiled patterns.
[[nodiscard]] Result<std::vector<ModelDefinition>> ProjectModels(store::Connection& c, int64_t project_id);
[[nodiscard]] Result<void> InsertModel(store::Connection& c, int64_t project_id, const ModelDefinition& model);
// False when the project owns no model with that id.
[[nodiscard]] Result<bool> DeleteModel(store::Connection& c, int64_t project_id, const std::string& id);

}  // namespace tally::tracing
