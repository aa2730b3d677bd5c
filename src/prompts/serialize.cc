#include "prompts/serialize.h"

#include <boost/json.hpp>

#include <algorithm>

namespace tally::prompts {

namespace bj = boost::json;

namespace {

bj::array Strings(const std::vector<std::string>& values) { return bj::array(values.begin(), values.end()); }

}  // namespace

bj::object PromptVersionJson(const PromptVersion& version, bool after_create, const bj::value& resolution_graph) {
  bj::object json;
  json["id"] = version.id;
  json["createdAt"] = FormatIsoMillis(version.created_at);
  json["updatedAt"] = FormatIsoMillis(version.updated_at);
  json["projectId"] = std::to_string(version.project_id);
  json["createdBy"] = version.created_by;
  json["name"] = version.name;
  json["version"] = version.version;
  json["type"] = PromptTypeName(version.type);
  json["prompt"] = version.prompt;
  json["config"] = version.config;
  json["labels"] = Strings(version.labels);
  json["tags"] = Strings(version.tags);
  json["commitMessage"] = version.commit_message ? bj::value(*version.commit_message) : bj::value(nullptr);
  if (after_create) {
    json["isActive"] = nullptr;
  } else {
    json["isActive"] =
        std::find(version.labels.begin(), version.labels.end(), kProductionLabel) != version.labels.end();
  }
  json["resolutionGraph"] = resolution_graph;
  return json;
}

bj::object PromptSummaryJson(const PromptSummary& summary) {
  return bj::object{{"name", summary.name},
                    {"type", PromptTypeName(summary.type)},
                    {"versions", bj::array(summary.versions.begin(), summary.versions.end())},
                    {"labels", Strings(summary.labels)},
                    {"tags", Strings(summary.tags)},
                    {"lastUpdatedAt", FormatIsoMillis(summary.last_updated_at)},
                    {"lastConfig", summary.last_config}};
}

bj::object AuditEntryJson(const AuditEntry& entry) {
  return bj::object{
      {"id", entry.id},
      {"name", entry.name},
      {"version", entry.version},
      {"action", entry.action},
      {"label", entry.label ? bj::value(*entry.label) : bj::value(nullptr)},
      {"actor", bj::object{{"kind", entry.actor.kind == Actor::Kind::kUser ? "user" : "api_key"},
                           {"id", entry.actor.id}}},
      {"createdAt", FormatIsoMillis(entry.created_at)},
  };
}

}  // namespace tally::prompts
