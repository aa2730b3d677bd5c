#include "labeling/project_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/json.h"
#include "labeling/trace_tasks.h"

namespace tally::labeling {

namespace bj = boost::json;

const std::vector<SettingSpec> kProjectSettings = {
    {"expert_instruction", SettingKind::kString},
    {"show_instruction", SettingKind::kBool},
    {"show_skip_button", SettingKind::kBool},
    {"enable_empty_annotation", SettingKind::kBool},
    {"show_annotation_history", SettingKind::kBool},
    {"reveal_preannotations_interactively", SettingKind::kBool},
    {"show_collab_predictions", SettingKind::kBool},
    {"evaluate_predictions_automatically", SettingKind::kBool},
    {"model_version", SettingKind::kString},
    {"maximum_annotations", SettingKind::kInt},
    {"overlap_cohort_percentage", SettingKind::kInt},
    {"show_overlap_first", SettingKind::kBool},
    {"show_ground_truth_first", SettingKind::kBool},
    {"sampling", SettingKind::kString},
    {"skip_queue", SettingKind::kString},
    {"min_annotations_to_start_training", SettingKind::kInt},
    {"start_training_on_annotation_update", SettingKind::kBool},
    {"color", SettingKind::kString},
    {"is_published", SettingKind::kBool},
    {"is_draft", SettingKind::kBool},
    {"control_weights", SettingKind::kJsonObject},
    {"pinned_at", SettingKind::kOptionalTimestamp},
    {"custom_task_lock_ttl", SettingKind::kOptionalInt},
};

const std::vector<std::string_view> kProjectOrderings = {
    "id", "title", "created_at", "updated_at", "pinned_at", "task_number", "finished_task_number",
    "total_annotations_number", "total_predictions_number"};

// "Disagreement sampling" is Tally's own: tasks whose annotations disagree
// most come first (next_task/disagreement.cc).
const std::vector<std::string_view> kSamplingModes = {"Sequential sampling", "Uniform sampling",
                                                      "Uncertainty sampling", "Disagreement sampling"};
const std::vector<std::string_view> kSkipQueueModes = {"REQUEUE_FOR_ME", "REQUEUE_FOR_OTHERS", "IGNORE_SKIPPED"};

namespace {

constexpr std::string_view kCounterColumns =
    "task_number, finished_task_number, num_tasks_with_annotations, total_annotations_number,"
    " skipped_annotations_number, useful_annotation_number, ground_truth_number, total_predictions_number";

std::string SelectColumns() {
  std::string columns =
      "id, organization_id, title, description, label_config, created_by, created_at, updated_at, ";
  columns += kCounterColumns;
  for (const SettingSpec& spec : kProjectSettings) {
    columns += ", ";
    columns += spec.name;
  }
  return columns;
}

bj::value SettingFromRow(const store::Row& row, size_t index, SettingKind kind) {
  switch (kind) {
    case SettingKind::kBool: return row.Bool(index);
    case SettingKind::kInt: return row.Int(index);
    case SettingKind::kString: return bj::value(row.Text(index));
    case SettingKind::kJsonObject: {
      boost::system::error_code ec;
      bj::value parsed = bj::parse(row.Text(index, "{}"), ec);
      if (ec || !parsed.is_object()) return bj::object();
      return parsed;
    }
    case SettingKind::kOptionalInt:
      if (row.IsNull(index)) return nullptr;
      return row.Int(index);
    case SettingKind::kOptionalTimestamp:
      if (row.IsNull(index)) return nullptr;
      return bj::value(FormatIsoMicros(row.Int(index)));
  }
  return nullptr;
}

store::Value SettingToColumn(const bj::value& value, SettingKind kind) {
  switch (kind) {
    case SettingKind::kBool: return store::Bool(value.as_bool());
    case SettingKind::kInt: return value.as_int64();
    case SettingKind::kString: return std::string(value.as_string());
    case SettingKind::kJsonObject: return json::Serialize(value);
    case SettingKind::kOptionalInt:
      if (value.is_null()) return store::Null();
      return value.as_int64();
    case SettingKind::kOptionalTimestamp: {
      if (value.is_null()) return store::Null();
      // Checked by CheckProjectSettings, so the parse succeeds here.
      return ParseIsoTimestamp(value.as_string()).value_or(0);
    }
  }
  return store::Null();
}

Project ProjectFromRow(const store::Row& row) {
  Project project;
  project.id = row.Int(0);
  project.organization_id = row.Int(1);
  project.title = row.Text(2);
  project.description = row.Text(3);
  project.label_config = row.Text(4);
  project.created_by = row.OptionalInt(5);
  project.created_at = row.Int(6);
  project.updated_at = row.Int(7);
  ProjectCounters& counters = project.counters;
  counters.task_number = row.Int(8);
  counters.finished_task_number = row.Int(9);
  counters.num_tasks_with_annotations = row.Int(10);
  counters.total_annotations_number = row.Int(11);
  counters.skipped_annotations_number = row.Int(12);
  counters.useful_annotation_number = row.Int(13);
  counters.ground_truth_number = row.Int(14);
  counters.total_predictions_number = row.Int(15);
  size_t index = 16;
  for (const SettingSpec& spec : kProjectSettings) {
    project.settings[spec.name] = SettingFromRow(row, index++, spec.kind);
  }
  // Label Studio serves this flag as a view of min_annotations_to_start_training.
  // Deriving it here also corrects rows stored before the two were kept in step.
  project.settings["start_training_on_annotation_update"] =
      project.settings.at("min_annotations_to_start_training").as_int64() > 0;
  return project;
}

std::optional<int64_t> AsInteger(const bj::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double() && value.as_double() == static_cast<double>(static_cast<int64_t>(value.as_double()))) {
    return static_cast<int64_t>(value.as_double());
  }
  return std::nullopt;
}

Result<bj::value> CheckSetting(const SettingSpec& spec, const bj::value& value) {
  const std::string field(spec.name);
  switch (spec.kind) {
    case SettingKind::kBool:
      if (!value.is_bool()) return Error::InvalidField(field, "Must be a valid boolean.");
      return value;
    case SettingKind::kInt: {
      auto number = AsInteger(value);
      if (!number) return Error::InvalidField(field, "A valid integer is required.");
      return bj::value(*number);
    }
    case SettingKind::kString:
      if (!value.is_string()) return Error::InvalidField(field, "Not a valid string.");
      return value;
    case SettingKind::kJsonObject:
      if (!value.is_object()) return Error::InvalidField(field, "Must be a JSON object.");
      return value;
    case SettingKind::kOptionalInt: {
      if (value.is_null()) return value;
      auto number = AsInteger(value);
      if (!number) return Error::InvalidField(field, "A valid integer is required.");
      return bj::value(*number);
    }
    case SettingKind::kOptionalTimestamp:
      if (value.is_null()) return value;
      if (!value.is_string() || !ParseIsoTimestamp(value.as_string())) {
        return Error::InvalidField(field, "Datetime has wrong format. Use an ISO 8601 time with a zone.");
      }
      return value;
  }
  return value;
}

bool OneOf(const bj::value& value, const std::vector<std::string_view>& allowed) {
  return std::find(allowed.begin(), allowed.end(), std::string_view(value.as_string())) != allowed.end();
}

}  // namespace

int64_t Project::maximum_annotations() const { return settings.at("maximum_annotations").as_int64(); }
int64_t Project::overlap_cohort_percentage() const { return settings.at("overlap_cohort_percentage").as_int64(); }
std::string Project::skip_queue() const { return std::string(settings.at("skip_queue").as_string()); }
std::string Project::model_version() const { return std::string(settings.at("model_version").as_string()); }
bool Project::enable_empty_annotation() const { return settings.at("enable_empty_annotation").as_bool(); }

Result<bj::object> CheckProjectSettings(const bj::object& body) {
  bj::object checked;
  for (const SettingSpec& spec : kProjectSettings) {
    auto it = body.find(spec.name);
    if (it == body.end()) continue;
    TALLY_ASSIGN_OR_RETURN(value, CheckSetting(spec, it->value()));
    checked[spec.name] = std::move(value);
  }

  if (auto it = checked.find("sampling"); it != checked.end() && !OneOf(it->value(), kSamplingModes)) {
    return Error::InvalidField("sampling", fmt::format("\"{}\" is not a valid choice.",
                                                       std::string(it->value().as_string())));
  }
  if (auto it = checked.find("skip_queue"); it != checked.end() && !OneOf(it->value(), kSkipQueueModes)) {
    return Error::InvalidField("skip_queue", fmt::format("\"{}\" is not a valid choice.",
                                                         std::string(it->value().as_string())));
  }
  // start_training_on_annotation_update is written as N = 1 (train on every
  // annotation) or N = 0 (off) and wins over an explicit N in the same body.
  if (auto it = checked.find("start_training_on_annotation_update"); it != checked.end()) {
    checked["min_annotations_to_start_training"] = it->value().as_bool() ? 1 : 0;
  }
  if (auto it = checked.find("min_annotations_to_start_training"); it != checked.end()) {
    if (it->value().as_int64() < 0) {
      return Error::InvalidField("min_annotations_to_start_training",
                                 "Ensure this value is greater than or equal to 0 (0 turns training off).");
    }
    checked["start_training_on_annotation_update"] = it->value().as_int64() > 0;
  }
  if (auto it = checked.find("maximum_annotations"); it != checked.end() && it->value().as_int64() < 1) {
    return Error::InvalidField("maximum_annotations", "Ensure this value is greater than or equal to 1.");
  }
  if (auto it = checked.find("overlap_cohort_percentage");
      it != checked.end() && (it->value().as_int64() < 0 || it->value().as_int64() > 100)) {
    return Error::InvalidField("overlap_cohort_percentage", "Ensure this value is between 0 and 100.");
  }
  return checked;
}

Result<std::optional<Project>> FindProject(Connection& connection, int64_t project_id) {
  static const std::string sql = "SELECT " + SelectColumns() + " FROM projects WHERE id = ?";
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(sql, {project_id}));
  if (!row) return std::optional<Project>();
  return std::optional<Project>(ProjectFromRow(*row));
}

Result<void> UpdateProject(Connection& connection, int64_t project_id, const ProjectPatch& patch) {
  std::string sql = "UPDATE projects SET updated_at = ?";
  store::Params params{NowMicros()};
  auto set = [&](std::string_view column, store::Value value) {
    sql += fmt::format(", {} = ?", column);
    params.push_back(std::move(value));
  };

  if (patch.title) set("title", *patch.title);
  if (patch.description) set("description", *patch.description);
  if (patch.label_config) set("label_config", *patch.label_config);
  for (const SettingSpec& spec : kProjectSettings) {
    auto it = patch.settings.find(spec.name);
    if (it != patch.settings.end()) set(spec.name, SettingToColumn(it->value(), spec.kind));
  }

  sql += " WHERE id = ?";
  params.push_back(project_id);
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute(sql, params));
  if (changed == 0) return Error::NotFound("Not found.");
  return Ok();
}

Result<Project> InitializeProject(Connection& connection, int64_t project_id, const ProjectPatch& patch) {
  TALLY_TRY(UpdateProject(connection, project_id, patch));
  TALLY_ASSIGN_OR_RETURN(project, FindProject(connection, project_id));
  if (!project) return Error::Internal(fmt::format("project {} vanished after insert", project_id));
  return std::move(*project);
}

Result<std::pair<std::vector<Project>, int64_t>> ListProjects(Connection& connection, const ProjectListQuery& query) {
  std::string where = " FROM projects WHERE organization_id = ?";
  store::Params params{query.organization_id};

  if (query.title_contains) {
    // LOWER on both sides: SQLite's LIKE folds ASCII only and PostgreSQL's is
    // case-sensitive, so one form behaves the same on both.
    where += " AND LOWER(title) LIKE ? ESCAPE '\\'";
    std::string pattern;
    for (char ch : *query.title_contains) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    params.push_back("%" + pattern + "%");
  }
  if (!query.ids.empty()) {
    where += " AND id IN (";
    for (size_t i = 0; i < query.ids.size(); ++i) {
      where += i == 0 ? "?" : ", ?";
      params.push_back(query.ids[i]);
    }
    where += ")";
  }
  if (query.pinned == ProjectListQuery::Pinned::kPinnedOnly) where += " AND pinned_at IS NOT NULL";
  if (query.pinned == ProjectListQuery::Pinned::kExcludePinned) where += " AND pinned_at IS NULL";

  std::string order = "CASE WHEN pinned_at IS NULL THEN 1 ELSE 0 END, pinned_at DESC, created_at DESC, id DESC";
  if (!query.ordering.empty()) {
    const bool descending = query.ordering.starts_with('-');
    const std::string_view column = std::string_view(query.ordering).substr(descending ? 1 : 0);
    if (std::find(kProjectOrderings.begin(), kProjectOrderings.end(), column) == kProjectOrderings.end()) {
      return Error::InvalidField("ordering", fmt::format("Cannot order by \"{}\".", query.ordering));
    }
    order = fmt::format("{} {}, id {}", column, descending ? "DESC" : "ASC", descending ? "DESC" : "ASC");
  }

  TALLY_ASSIGN_OR_RETURN(count_row, connection.QueryOne("SELECT COUNT(*)" + where, params));
  const int64_t count = count_row ? count_row->Int(0) : 0;

  // The default order's CASE keeps unpinned projects last on both dialects,
  // which sort NULL differently by default.
  std::string sql = "SELECT " + SelectColumns() + where + " ORDER BY " + order + " LIMIT ? OFFSET ?";
  params.push_back(query.limit);
  params.push_back(query.offset);
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));

  std::vector<Project> projects;
  projects.reserve(rows.size());
  for (const store::Row& row : rows) projects.push_back(ProjectFromRow(row));
  return std::make_pair(std::move(projects), count);
}

// Tables of the tracing, prompt, dataset and evaluator features that key
// rows by project_id without a foreign key to projects, so deleting the
// project row leaves them behind. Child rows come before their parents, and
// the trace and tag counters after traces and trace_tags, because the
// triggers on those two tables update the counters as rows go.
constexpr std::array<std::string_view, 25> kTablesWithoutProjectForeignKey = {
    // Tracing
    "tracing_events", "comments", "scores", "score_configs", "observations", "trace_tags", "traces",
    "trace_sessions", "trace_models", "trace_counts", "trace_tag_counts", "trace_name_counts",
    // Prompts
    "prompt_draft_updates", "prompt_audit", "prompt_tags", "prompt_labels", "prompts",
    // Datasets
    "dataset_run_items", "dataset_runs", "dataset_item_versions", "dataset_items", "datasets",
    // Evaluators
    "evaluator_executions", "evaluator_rules", "llm_connections",
};

Result<bool> DeleteProject(Connection& connection, int64_t project_id) {
  // Scores its tasks gave traces of other projects would outlive the links.
  TALLY_TRY(ForgetTraceScores(connection, project_id, {}));

  for (const std::string_view table : kTablesWithoutProjectForeignKey) {
    TALLY_TRY(connection.Execute(fmt::format("DELETE FROM {} WHERE project_id = ?", table), {project_id}));
  }

  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM projects WHERE id = ?", {project_id}));
  return changed > 0;
}

Result<int64_t> CountTasksDoneByUser(Connection& connection, int64_t project_id, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(
                                  "SELECT COUNT(DISTINCT task_id) FROM annotations WHERE project_id = ? AND completed_by = ?",
                                  {project_id, user_id}));
  return row ? row->Int(0) : 0;
}

}  // namespace tally::labeling
