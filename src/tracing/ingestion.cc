#include "tracing/ingestion.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "core/log.h"
#include "tracing/config_store.h"
#include "tracing/fold.h"
#include "tracing/models.h"
#include "tracing/trace_store.h"
#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;

namespace {

const bj::value* Present(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  return value && !value->is_null() ? value : nullptr;
}

std::optional<std::string> TextOf(const bj::object& body, std::string_view key) {
  const bj::value* value = Present(body, key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

// Checks a score event's subject and value against its data type and config,
// and fills in dataType, value, stringValue, source and the config's name.
// Every failure here is permanent, so it is reported as a per-event 400.
class ScoreChecker {
 public:
  ScoreChecker(Connection& c, int64_t project_id) : c_(c), project_id_(project_id) {}

  Result<void> Check(bj::object& body) {
    // Subject: a trace (optionally with an observation), a session or a dataset run.
    const bool trace = Present(body, "traceId"), observation = Present(body, "observationId"),
               session = Present(body, "sessionId"), run = Present(body, "datasetRunId");
    if ((trace + session + run) != 1 || (observation && !trace)) {
      return Error::Invalid(
          "Provide exactly one of the following: traceId (with optional observationId), sessionId or datasetRunId. "
          "ObservationId requires traceId.");
    }

    // Config, data type, source.
    std::optional<ScoreConfig> config;
    if (auto config_id = TextOf(body, "configId")) {
      TALLY_ASSIGN_OR_RETURN(found, LoadConfig(*config_id));
      if (!found) return Error::InvalidField("body.configId", "No score config with this id in the project");
      if (found->is_archived) return Error::InvalidField("body.configId", "The score config is archived");
      config = std::move(found);
    }
    const bj::value& value = body.at("value");
    std::string data_type;
    if (auto given = TextOf(body, "dataType")) {
      data_type = *given;
    } else if (config) {
      data_type = config->data_type;
    } else {
      data_type = value.is_string() ? "CATEGORICAL" : "NUMERIC";
    }
    if (config && data_type != config->data_type) {
      return Error::InvalidField("body.dataType", fmt::format("must match the score config's {}", config->data_type));
    }
    const std::string source = TextOf(body, "source").value_or("API");
    if (data_type == "CORRECTION") {
      if (config) return Error::InvalidField("body.configId", "is not allowed with dataType CORRECTION");
      if (session || run) return Error::Invalid("CORRECTION scores need a traceId, not a sessionId or datasetRunId");
    } else if (source == "ANNOTATION" && !config) {
      return Error::InvalidField("body.configId", "is required for scores with source ANNOTATION");
    }
    body["dataType"] = data_type;
    body["source"] = source;
    if (config) body["name"] = config->name;

    return CheckValue(body, value, data_type, config);
  }

 private:
  Result<void> CheckValue(bj::object& body, bj::value value, const std::string& data_type,
                          const std::optional<ScoreConfig>& config) {
    auto number = NumberOf(value);
    if (data_type == "NUMERIC") {
      if (!number || !std::isfinite(*number)) return Error::InvalidField("body.value", "must be a number for NUMERIC");
      if (config && config->min_value && *number < *config->min_value) {
        return Error::InvalidField("body.value", fmt::format("must be at least {}", *config->min_value));
      }
      if (config && config->max_value && *number > *config->max_value) {
        return Error::InvalidField("body.value", fmt::format("must be at most {}", *config->max_value));
      }
      body["value"] = *number;
      body["stringValue"] = nullptr;
    } else if (data_type == "BOOLEAN") {
      if (!number || (*number != 0 && *number != 1)) return Error::InvalidField("body.value", "must be 0 or 1 for BOOLEAN");
      body["value"] = *number;
      body["stringValue"] = *number == 1 ? "True" : "False";
    } else if (data_type == "CATEGORICAL") {
      if (!value.is_string()) return Error::InvalidField("body.value", "must be a string for CATEGORICAL");
      double numeric = 0;
      bool known = !config;
      if (config && config->categories) {
        for (const auto& category : *config->categories) {
          const bj::object* object = category.if_object();
          if (object && object->contains("label") && object->at("label") == value) {
            numeric = NumberOf(object->at("value")).value_or(0);
            known = true;
          }
        }
      }
      if (!known) return Error::InvalidField("body.value", "must be one of the score config's category labels");
      body["stringValue"] = value.as_string();
      body["value"] = numeric;
    } else if (data_type == "TEXT") {
      if (!value.is_string() || value.as_string().empty() || value.as_string().size() > 500) {
        return Error::InvalidField("body.value", "must be a string of 1 to 500 characters for TEXT");
      }
      body["stringValue"] = value.as_string();
      body["value"] = nullptr;
    } else {  // CORRECTION
      if (!value.is_string()) return Error::InvalidField("body.value", "must be a string for CORRECTION");
      body["stringValue"] = value.as_string();
      body["value"] = 0.0;
      body["name"] = "output";
    }
    return Ok();
  }

  Result<std::optional<ScoreConfig>> LoadConfig(const std::string& id) {
    if (auto it = configs_.find(id); it != configs_.end()) return it->second;
    TALLY_ASSIGN_OR_RETURN(config, FindScoreConfig(c_, project_id_, id));
    configs_[id] = config;
    return config;
  }

  Connection& c_;
  int64_t project_id_;
  std::map<std::string, std::optional<ScoreConfig>> configs_;
};

// Resolves a generation's (promptName, promptVersion) to the prompt
// version's id, as Langfuse does at ingestion: a link to a version that does
// not exist in the project is dropped, so all three fields end up null. The
// link is resolved again whenever the observation is refolded, so a later
// event of the generation picks up a prompt created in between.
Result<void> LinkPromptVersion(Connection& c, int64_t project_id, bj::object& record) {
  auto name = TextOf(record, "promptName");
  const bj::value* version = Present(record, "promptVersion");
  record.erase("promptId");
  if (name && version && version->is_number() && TextOf(record, "type") == "GENERATION") {
    TALLY_ASSIGN_OR_RETURN(prompt_id, FindPromptId(c, project_id, *name, version->to_number<int64_t>()));
    if (prompt_id) {
      record["promptId"] = *prompt_id;
      return Ok();
    }
  }
  record.erase("promptName");
  record.erase("promptVersion");
  return Ok();
}

// Refolds one observation and writes it with usage total and cost.
Result<void> MaterializeObservation(Connection& c, int64_t project_id, const std::string& id,
                                    std::optional<ModelCatalog>& catalog, Micros now, std::vector<LiveChange>& changes) {
  TALLY_ASSIGN_OR_RETURN(events, LoadEvents(c, project_id, EntityKind::kObservation, id));
  bj::object record = FoldEvents(std::move(events));
  if (!record.contains("id")) return Error::Internal("stored events of observation " + id + " are unreadable");

  // No event named a trace: attach a wrapper trace whose id is the
  // observation id, so the create and later updates land on the same trace.
  if (!Present(record, "traceId")) {
    record["traceId"] = id;
    TALLY_TRY(EnsureTrace(c, project_id, id, ParseIsoTimestamp(record.at("startTime").as_string()).value_or(now),
                          std::string(record.at("environment").as_string()), now));
  }

  TALLY_TRY(LinkPromptVersion(c, project_id, record));

  bj::object usage;
  if (const bj::value* details = Present(record, "usageDetails"); details && details->is_object()) {
    usage = details->as_object();
  }
  AddUsageTotal(usage);
  if (!usage.empty()) record["usageDetails"] = usage;

  bj::object provided_cost, parameters, metadata;
  if (const bj::value* cost = Present(record, "costDetails"); cost && cost->is_object()) provided_cost = cost->as_object();
  if (const bj::value* p = Present(record, "modelParameters"); p && p->is_object()) parameters = p->as_object();
  if (const bj::value* m = Present(record, "metadata"); m && m->is_object()) metadata = m->as_object();

  const ModelDefinition* model = nullptr;
  if (auto provided_model = TextOf(record, "model")) {
    if (!catalog) {
      TALLY_ASSIGN_OR_RETURN(project_models, ProjectModels(c, project_id));
      catalog.emplace(std::move(project_models));
    }
    model = catalog->Match(*provided_model);
  }
  CostResult cost = ComputeCost(model, usage, provided_cost, parameters, metadata);
  if (model) record["internalModelId"] = model->id;
  record["costDetails"] = std::move(cost.cost_details);
  if (cost.total_cost) record["totalCost"] = *cost.total_cost;
  if (cost.tier) {
    record["usagePricingTierId"] = cost.tier->id;
    record["usagePricingTierName"] = cost.tier->name;
  }
  TALLY_TRY(UpsertObservation(c, project_id, record, now));
  changes.push_back(SummarizeRecord(EntityKind::kObservation, record));
  return Ok();
}

std::set<std::pair<EntityKind, std::string>> TouchedEntities(const std::vector<Event>& events) {
  std::set<std::pair<EntityKind, std::string>> touched;
  for (const Event& event : events) touched.emplace(event.kind, event.entity_id);
  return touched;
}

// Refolds every entity `events` touch and returns one change per entity.
Result<std::vector<LiveChange>> MaterializeEntities(Connection& c, int64_t project_id, const std::vector<Event>& events,
                                                    Micros now) {
  const auto touched = TouchedEntities(events);

  std::vector<LiveChange> changes;
  std::optional<ModelCatalog> catalog;
  for (const auto& [kind, id] : touched) {
    if (kind == EntityKind::kObservation) {
      TALLY_TRY(MaterializeObservation(c, project_id, id, catalog, now, changes));
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(stored, LoadEvents(c, project_id, kind, id));
    bj::object record = FoldEvents(std::move(stored));
    if (!record.contains("id")) {
      return Error::Internal(fmt::format("stored events of {} {} are unreadable", EntityKindName(kind), id));
    }
    if (kind == EntityKind::kTrace) {
      TALLY_TRY(UpsertTrace(c, project_id, record, now));
    } else {
      TALLY_TRY(UpsertScore(c, project_id, record, now));
    }
    changes.push_back(SummarizeRecord(kind, record));
  }
  return changes;
}

EventOutcome ErrorOutcome(std::string id, const Error& error) {
  EventOutcome outcome{std::move(id), 400, "Invalid request data", error.message};
  if (!error.fields.empty()) {
    outcome.error = fmt::format("{}: {}", error.fields.front().field, error.fields.front().message);
  }
  if (error.code == Errc::kUnauthorized) {
    outcome.status = 401;
    outcome.message = "Authentication error";
  }
  return outcome;
}

Result<std::vector<LiveChange>> StoreEventsIn(Connection& c, int64_t project_id, const std::vector<Event>& events) {
  TALLY_TRY(LockEntities(c, project_id, TouchedEntities(events)));
  TALLY_TRY(UpsertEvents(c, project_id, events));
  return MaterializeEntities(c, project_id, events, NowMicros());
}

}  // namespace

Result<IngestionResult> IngestBatch(store::Database& database, int64_t project_id, const bj::array& batch,
                                    bool scores_only) {
  IngestionResult result;

  // Validation needs no database.
  std::vector<Event> events;
  std::vector<std::string> dropped;
  for (const bj::value& raw : batch) {
    auto validated = ValidateEvent(raw, scores_only);
    if (!validated) {
      result.errors.push_back(ErrorOutcome(EnvelopeId(raw), validated.error()));
      continue;
    }
    switch (validated->outcome) {
      case ValidatedEvent::Outcome::kSilent: break;
      case ValidatedEvent::Outcome::kDrop: dropped.push_back(validated->event.id); break;
      case ValidatedEvent::Outcome::kStore: events.push_back(std::move(validated->event)); break;
    }
  }

  // Score checks read configs, so they run inside the write transaction.
  const Micros now = NowMicros();
  std::vector<EventOutcome> score_errors;
  std::vector<LiveChange> changes;
  TALLY_ASSIGN_OR_RETURN(stored, database.Write([&](Connection& c) -> Result<std::vector<std::string>> {
    score_errors.clear();
    ScoreChecker checker(c, project_id);
    std::vector<Event> accepted;
    for (const Event& event : events) {
      Event copy = event;
      if (copy.kind == EntityKind::kScore) {
        auto checked = checker.Check(copy.body);
        if (!checked) {
          if (checked.error().code != Errc::kInvalidArgument) return checked.error();
          score_errors.push_back(ErrorOutcome(copy.id, checked.error()));
          continue;
        }
      }
      accepted.push_back(std::move(copy));
    }
    TALLY_TRY(LockEntities(c, project_id, TouchedEntities(accepted)));
    TALLY_TRY(UpsertEvents(c, project_id, accepted));
    TALLY_ASSIGN_OR_RETURN(written, MaterializeEntities(c, project_id, accepted, now));
    changes = std::move(written);
    std::vector<std::string> ids;
    for (const Event& event : accepted) ids.push_back(event.id);
    return ids;
  }));
  result.changes = std::move(changes);

  for (auto& id : stored) result.successes.push_back({std::move(id), 201, {}, {}});
  for (auto& id : dropped) result.successes.push_back({std::move(id), 201, {}, {}});
  for (auto& error : score_errors) result.errors.push_back(std::move(error));
  TALLY_LOG_DEBUG("event=ingestion_batch project_id={} events={} stored={} errors={}", project_id, batch.size(),
                 stored.size(), result.errors.size());
  return result;
}

Result<std::vector<LiveChange>> StoreEvents(store::Database& database, int64_t project_id, std::vector<Event> events) {
  return database.Write([&](Connection& c) { return StoreEventsIn(c, project_id, events); });
}

Result<std::vector<LiveChange>> StoreScoresIn(Connection& c, int64_t project_id, const bj::array& envelopes) {
  ScoreChecker checker(c, project_id);
  std::vector<Event> events;
  for (const bj::value& raw : envelopes) {
    TALLY_ASSIGN_OR_RETURN(validated, ValidateEvent(raw, /*scores_only=*/true));
    if (validated.outcome != ValidatedEvent::Outcome::kStore) {
      return Error::InvalidField("body.id", "Scores stored by Tally itself need an id.");
    }
    TALLY_TRY(checker.Check(validated.event.body));
    events.push_back(std::move(validated.event));
  }
  return StoreEventsIn(c, project_id, events);
}

}  // namespace tally::tracing
