#include "labeling/trace_tasks.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/log.h"
#include "core/time.h"
#include "labeling/import/task_importer.h"
#include "labeling/route_support.h"
#include "tracing/config_store.h"
#include "tracing/ingestion.h"
#include "tracing/trace_store.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

// Scores made from a task's annotations carry ids with this prefix, so a
// resync finds and replaces exactly them.
std::string TaskScorePrefix(int64_t task_id) { return fmt::format("tally-task-{}-", task_id); }

// A stored input or output (JSON text) as text a person can read: a string
// as it is, chat messages as "role: content" lines, anything else as JSON.
std::string ReadableText(const std::optional<std::string>& stored) {
  if (!stored || stored->empty()) return {};
  boost::system::error_code ec;
  bj::value value = bj::parse(*stored, ec);
  if (ec) return *stored;
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return {};

  const bj::array* messages = value.if_array();
  if (const bj::object* object = value.if_object(); object && object->contains("messages")) {
    messages = object->at("messages").if_array();
  }
  if (messages != nullptr && !messages->empty()) {
    std::string text;
    for (const bj::value& message : *messages) {
      const bj::object* m = message.if_object();
      if (m == nullptr || !m->contains("role")) return bj::serialize(value);
      const bj::value* content = m->if_contains("content");
      const std::string body = content == nullptr        ? std::string()
                               : content->is_string()   ? std::string(content->as_string())
                                                         : bj::serialize(*content);
      const bj::value& role = m->at("role");
      if (!text.empty()) text += "\n\n";
      text += fmt::format("{}: {}", role.is_string() ? std::string(role.as_string()) : bj::serialize(role), body);
    }
    return text;
  }
  // A single assistant message object.
  if (const bj::object* object = value.if_object(); object && object->contains("role") && object->contains("content")) {
    const bj::value& content = object->at("content");
    return content.is_string() ? std::string(content.as_string()) : bj::serialize(content);
  }
  return bj::serialize(value);
}

// The task data for one trace or observation.
Result<bj::object> TaskDataFor(Connection& c, int64_t trace_project_id, const TraceRef& ref) {
  TALLY_ASSIGN_OR_RETURN(trace, tracing::FindTrace(c, trace_project_id, ref.trace_id));
  if (!trace) {
    return Error::InvalidField(ref.field, fmt::format("No trace with id \"{}\" in project {}.", ref.trace_id, trace_project_id));
  }
  bj::object data{{"trace_id", ref.trace_id},
                  {"name", trace->Text(trace->Column("name"))},
                  {"user_id", trace->Text(trace->Column("user_id"))},
                  {"session_id", trace->Text(trace->Column("session_id"))}};
  std::optional<std::string> input = trace->OptionalText(trace->Column("input"));
  std::optional<std::string> output = trace->OptionalText(trace->Column("output"));

  if (ref.observation_id) {
    TALLY_ASSIGN_OR_RETURN(observation, tracing::FindObservation(c, trace_project_id, *ref.observation_id));
    if (!observation || observation->Text(observation->Column("trace_id")) != ref.trace_id) {
      return Error::InvalidField(ref.field, fmt::format("No observation with id \"{}\" in trace \"{}\".", *ref.observation_id,
                                             ref.trace_id));
    }
    data["observation_id"] = *ref.observation_id;
    data["name"] = observation->Text(observation->Column("name"));
    data["model"] = observation->Text(observation->Column("model"));
    input = observation->OptionalText(observation->Column("input"));
    output = observation->OptionalText(observation->Column("output"));
  }

  const std::string input_text = ReadableText(input);
  const std::string output_text = ReadableText(output);
  data["input"] = input_text;
  data["output"] = output_text;
  data["text"] = fmt::format("Input:\n{}\n\nOutput:\n{}", input_text, output_text);
  return data;
}

struct ScoreSpec {
  std::string data_type;
  std::optional<double> min_value, max_value;
  std::optional<bj::array> categories;
};

// Returns the kind of score a control gives, or nullopt for controls
// without one value per task (regions, spans, relations).
std::optional<ScoreSpec> ScoreSpecOf(const LabelConfig& config, const ControlTag& control) {
  if (control.per_region) return std::nullopt;
  const ConfigElement& element = config.Element(control.element);
  if (control.result_type == "choices") {
    bj::array categories;
    for (size_t i = 0; i < control.options.size(); ++i) {
      const LabelOption& option = control.options[i];
      categories.push_back(bj::object{{"label", option.alias.empty() ? option.value : option.alias},
                                      {"value", static_cast<double>(i)}});
    }
    return ScoreSpec{.data_type = "CATEGORICAL", .categories = std::move(categories)};
  }
  if (control.result_type == "rating") {
    double max_rating = 5;
    try {
      max_rating = std::stod(std::string(element.Attribute("maxRating", "5")));
    } catch (const std::exception&) {
      // The validator accepted the config; an unreadable maxRating keeps Label Studio's default.
    }
    return ScoreSpec{.data_type = "NUMERIC", .min_value = 0.0, .max_value = max_rating};
  }
  if (control.result_type == "number") return ScoreSpec{.data_type = "NUMERIC"};
  if (control.result_type == "textarea") return ScoreSpec{.data_type = "TEXT"};
  return std::nullopt;
}

// The score config of a control in the trace's project: one per labeling
// project and control, created on first use and refreshed when the
// control's choices or range change.
Result<std::string> EnsureScoreConfig(Connection& c, int64_t trace_project_id, const Project& project,
                                      const ControlTag& control, const ScoreSpec& spec) {
  tracing::ScoreConfig wanted{.id = fmt::format("tally-labeling-{}-{}", project.id, control.name),
                              .name = control.name,
                              .data_type = spec.data_type,
                              .categories = spec.categories,
                              .min_value = spec.min_value,
                              .max_value = spec.max_value,
                              .description = fmt::format("Annotations of \"{}\" in labeling project {} ({})",
                                                         control.name, project.id, project.title)};
  TALLY_ASSIGN_OR_RETURN(existing, tracing::FindScoreConfig(c, trace_project_id, wanted.id));
  const bool same = existing && existing->data_type == wanted.data_type && existing->categories == wanted.categories &&
                    existing->min_value == wanted.min_value && existing->max_value == wanted.max_value &&
                    !existing->is_archived;
  if (!same) {
    const Micros now = NowMicros();
    wanted.created_at = existing ? existing->created_at : now;
    wanted.updated_at = now;
    TALLY_TRY(tracing::SaveScoreConfig(c, trace_project_id, wanted));
  }
  return wanted.id;
}

// The values one result item gives its control's score; empty when none.
std::vector<bj::value> ScoreValues(const bj::object& value, const ScoreSpec& spec, std::string_view result_type) {
  std::vector<bj::value> values;
  if (result_type == "choices") {
    if (const bj::array* choices = value.contains("choices") ? value.at("choices").if_array() : nullptr) {
      for (const bj::value& choice : *choices) {
        if (choice.is_string()) values.emplace_back(choice);
      }
    }
  } else if (spec.data_type == "NUMERIC") {
    const bj::value* number = value.if_contains(result_type);
    if (number != nullptr && number->is_number()) values.emplace_back(number->to_number<double>());
  } else if (result_type == "textarea") {
    std::string joined;
    if (const bj::array* lines = value.contains("text") ? value.at("text").if_array() : nullptr) {
      for (const bj::value& line : *lines) {
        if (!line.is_string()) continue;
        if (!joined.empty()) joined += "\n";
        joined += std::string(line.as_string());
      }
    }
    // TEXT scores hold 1 to 500 characters: cut on a character boundary,
    // never inside a UTF-8 sequence.
    if (joined.size() > 500) {
      size_t cut = 500;
      while (cut > 0 && (static_cast<unsigned char>(joined[cut]) & 0xC0) == 0x80) --cut;
      joined.resize(cut);
    }
    if (!joined.empty()) values.emplace_back(joined);
  }
  return values;
}

}  // namespace

Result<std::vector<int64_t>> CreateTasksFromTraces(Connection& c, const Project& project, const LabelConfig& config,
                                                   int64_t user_id, int64_t trace_project_id,
                                                   const std::vector<TraceRef>& refs) {
  TaskImporter importer(c, project, config, user_id, /*keep_task_ids=*/true);
  size_t total_bytes = 0;
  for (size_t i = 0; i < refs.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(data, TaskDataFor(c, trace_project_id, refs[i]));
    total_bytes += data.at("text").as_string().size() * 2;
    if (total_bytes > kMaxTaskBytesPerRequest) {
      return Error::InvalidField(refs[i].field,
                                 fmt::format("The tasks of this request would hold more than {} MiB of trace input "
                                             "and output; send fewer traces per request.",
                                             kMaxTaskBytesPerRequest >> 20));
    }
    TALLY_TRY(importer.AddData(std::move(data)));
  }
  TALLY_ASSIGN_OR_RETURN(summary, importer.Finish());

  const Micros now = NowMicros();
  for (size_t i = 0; i < summary.task_ids.size(); ++i) {
    TALLY_TRY(c.Execute(
        "INSERT INTO task_trace_links (task_id, trace_project_id, trace_id, observation_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        {summary.task_ids[i], trace_project_id, refs[i].trace_id, store::OrNull(refs[i].observation_id), now}));
  }
  return summary.task_ids;
}

namespace {

Result<void> DeleteTaskScores(Connection& c, int64_t task_id, int64_t trace_project_id, const std::string& trace_id) {
  TALLY_ASSIGN_OR_RETURN(stale, c.Query("SELECT id FROM scores WHERE project_id = ? AND trace_id = ? AND id LIKE ?",
                                        {trace_project_id, trace_id, TaskScorePrefix(task_id) + "%"}));
  for (const store::Row& row : stale) TALLY_TRY(tracing::DeleteScore(c, trace_project_id, row.Text(0)));
  return Ok();
}

}  // namespace

Result<void> ForgetTraceScores(Connection& c, int64_t project_id, const std::vector<int64_t>& task_ids) {
  const std::string select =
      "SELECT l.task_id, l.trace_project_id, l.trace_id FROM task_trace_links l "
      "JOIN tasks t ON t.id = l.task_id WHERE t.project_id = ?";
  std::vector<store::Row> links;
  if (task_ids.empty()) {
    TALLY_ASSIGN_OR_RETURN(rows, c.Query(select, {project_id}));
    links = std::move(rows);
  } else {
    for (int64_t task_id : task_ids) {
      TALLY_ASSIGN_OR_RETURN(rows, c.Query(select + " AND l.task_id = ?", {project_id, task_id}));
      for (store::Row& row : rows) links.push_back(std::move(row));
    }
  }
  for (const store::Row& link : links) TALLY_TRY(DeleteTaskScores(c, link.Int(0), link.Int(1), link.Text(2)));
  return Ok();
}

Result<void> SyncTraceScores(Connection& c, const Project& project, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(link, c.QueryOne("SELECT trace_project_id, trace_id, observation_id FROM task_trace_links "
                                          "WHERE task_id = ?",
                                          {task_id}));
  if (!link) return Ok();
  const int64_t trace_project_id = link->Int(0);
  const std::string trace_id = link->Text(1);
  const std::optional<std::string> observation_id = link->OptionalText(2);

  // Drop what earlier annotations gave, then derive everything again: a
  // task has a handful of annotations, and this keeps updates, deletions
  // and cancelled annotations right without tracking each change.
  const std::string prefix = TaskScorePrefix(task_id);
  TALLY_TRY(DeleteTaskScores(c, task_id, trace_project_id, trace_id));

  // A trace deleted since the task was made gets no new scores.
  TALLY_ASSIGN_OR_RETURN(trace, tracing::FindTrace(c, trace_project_id, trace_id));
  if (!trace) return Ok();

  TALLY_ASSIGN_OR_RETURN(config, ProjectLabelConfig(project));
  TALLY_ASSIGN_OR_RETURN(annotations, c.Query("SELECT id, result, completed_by, updated_at FROM annotations "
                                              "WHERE task_id = ? AND was_cancelled = ? ORDER BY id",
                                              {task_id, store::Bool(false)}));
  bj::array envelopes;
  for (const store::Row& annotation : annotations) {
    const int64_t annotation_id = annotation.Int(0);
    boost::system::error_code ec;
    const bj::value result = bj::parse(annotation.Text(1), ec);
    if (ec || !result.is_array()) continue;
    const Micros updated_at = annotation.Int(3);

    for (const bj::value& item : result.as_array()) {
      const bj::object* region = item.if_object();
      if (region == nullptr || !region->contains("from_name") || !region->contains("value")) continue;
      const std::string from_name = bj::value_to<std::string>(region->at("from_name"));
      const ControlTag* control = config.FindControl(from_name);
      if (control == nullptr || !region->at("value").is_object()) continue;
      const std::optional<ScoreSpec> spec = ScoreSpecOf(config, *control);
      if (!spec) continue;
      const std::vector<bj::value> values = ScoreValues(region->at("value").as_object(), *spec, control->result_type);
      if (values.empty()) continue;

      TALLY_ASSIGN_OR_RETURN(config_id, EnsureScoreConfig(c, trace_project_id, project, *control, *spec));
      for (size_t n = 0; n < values.size(); ++n) {
        const std::string score_id = fmt::format("{}annotation-{}-{}-{}", prefix, annotation_id, from_name, n);
        bj::object body{{"id", score_id},
                        {"traceId", trace_id},
                        {"name", control->name},
                        {"value", values[n]},
                        {"dataType", spec->data_type},
                        {"source", "ANNOTATION"},
                        {"configId", config_id},
                        {"metadata", bj::object{{"labeling_project_id", project.id},
                                                {"task_id", task_id},
                                                {"annotation_id", annotation_id},
                                                {"completed_by", annotation.IsNull(2) ? bj::value(nullptr)
                                                                                      : bj::value(annotation.Int(2))}}}};
        if (observation_id) body["observationId"] = *observation_id;
        envelopes.push_back(bj::object{{"id", score_id + "@" + std::to_string(updated_at)},
                                       {"type", "score-create"},
                                       {"timestamp", FormatIsoMicros(updated_at)},
                                       {"body", std::move(body)}});
      }
    }
  }
  if (envelopes.empty()) return Ok();
  TALLY_TRY(tracing::StoreScoresIn(c, trace_project_id, envelopes));
  TALLY_LOG_DEBUG("event=trace_scores_synced task_id={} trace_project_id={} trace_id={} scores={}", task_id,
                  trace_project_id, trace_id, envelopes.size());
  return Ok();
}

}  // namespace tally::labeling
