// Label Studio's side of a project: its label config, settings and counters,
// stored as columns of the shared `projects` table.
//
// Settings are the writable fields Label Studio's project API accepts
// (show_skip_button, maximum_annotations, sampling, …). They are kept as one
// JSON object keyed by their API names, typed as the API returns them, so the
// route layer and the store share one table of names (kProjectSettings).
//
// Counters (task_number, total_annotations_number, …) are stored, not
// computed on read: every write that changes a task's annotations or
// predictions adjusts them in the same transaction (see counters.h).
//
// Thread-safety: free functions over a borrowed Connection; call them inside
// Database::Read or Write. Errors come from the store unchanged unless a
// function's comment states otherwise.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

// The JSON type of a setting, which also fixes its column type.
enum class SettingKind { kBool, kInt, kString, kJsonObject, kOptionalInt, kOptionalTimestamp };

struct SettingSpec {
  std::string_view name;  // API field and column name
  SettingKind kind;
};

// Every writable project setting besides title, description and label_config.
extern const std::vector<SettingSpec> kProjectSettings;

// Values Label Studio accepts for `sampling` and `skip_queue`.
extern const std::vector<std::string_view> kSamplingModes;
extern const std::vector<std::string_view> kSkipQueueModes;

// Denormalised counts over a project's tasks, as Label Studio names them.
struct ProjectCounters {
  int64_t task_number = 0;                 // tasks
  int64_t finished_task_number = 0;        // tasks with is_labeled
  int64_t num_tasks_with_annotations = 0;  // tasks with at least one annotation that is not a skip
  int64_t total_annotations_number = 0;    // annotations that are not skips
  int64_t skipped_annotations_number = 0;  // skips (was_cancelled)
  int64_t useful_annotation_number = 0;    // not skips, not ground truth, result not null
  int64_t ground_truth_number = 0;         // ground-truth annotations
  int64_t total_predictions_number = 0;    // predictions
};

struct Project {
  int64_t id = 0;
  int64_t organization_id = 0;
  std::string title;
  std::string description;
  std::string label_config;
  boost::json::object settings;  // every kProjectSettings entry, typed
  ProjectCounters counters;
  std::optional<int64_t> created_by;
  Micros created_at = 0;
  Micros updated_at = 0;

  int64_t maximum_annotations() const;
  int64_t overlap_cohort_percentage() const;
  std::string skip_queue() const;
  std::string model_version() const;
  bool enable_empty_annotation() const;
};

// A change to a project. Unset members stay as they are; `settings` holds
// only the keys to change, already checked by CheckProjectSettings.
struct ProjectPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> label_config;
  boost::json::object settings;
};

// Checks the setting keys of a request body against kProjectSettings and
// returns the typed values of the keys present. Unknown keys are ignored, as
// Label Studio ignores read-only fields sent back to it. Fails with
// invalid_argument naming the field for a wrong type or an unknown sampling
// or skip_queue value.
[[nodiscard]] Result<boost::json::object> CheckProjectSettings(const boost::json::object& body);

// The project with that id, or nullopt when there is none.
[[nodiscard]] Result<std::optional<Project>> FindProject(Connection& connection, int64_t project_id);

// Sets the labeling columns of a project row that CreateProjectRecord just
// inserted, then returns the project as stored.
[[nodiscard]] Result<Project> InitializeProject(Connection& connection, int64_t project_id, const ProjectPatch& patch);

// Applies `patch` and bumps updated_at. Does not validate the label config or
// recompute overlaps; callers do both (project_routes.cc).
[[nodiscard]] Result<void> UpdateProject(Connection& connection, int64_t project_id, const ProjectPatch& patch);

struct ProjectListQuery {
  int64_t organization_id = 0;
  std::optional<std::string> title_contains;  // case-insensitive
  std::vector<int64_t> ids;                   // empty: all
  enum class Pinned { kAll, kPinnedOnly, kExcludePinned } pinned = Pinned::kAll;
  // Label Studio's ?ordering: a column of kProjectOrderings, "-" first for
  // descending. Empty: pinned first, then newest first.
  std::string ordering;
  int64_t offset = 0;
  int64_t limit = 30;
};

// Columns a project list may be ordered by.
extern const std::vector<std::string_view> kProjectOrderings;

// One page of an organization's projects in the query's order (by default
// pinned first, newest pin first, then newest first), with the total count
// before paging. Fails with invalid_argument for an ordering outside
// kProjectOrderings.
[[nodiscard]] Result<std::pair<std::vector<Project>, int64_t>> ListProjects(Connection& connection,
                                                                              const ProjectListQuery& query);

// Deletes the project and everything it owns: through foreign keys its
// tasks, annotations, predictions, drafts and uploads, and by project_id its
// traces, observations, scores, sessions, comments, prompts, datasets and
// evaluators. Returns false when there was no such row. The caller's
// transaction makes it all or nothing.
[[nodiscard]] Result<bool> DeleteProject(Connection& connection, int64_t project_id);

// Tasks the user has annotated or skipped in the project (Label Studio's
// queue_done for that user).
[[nodiscard]] Result<int64_t> CountTasksDoneByUser(Connection& connection, int64_t project_id, int64_t user_id);

}  // namespace tally::labeling
