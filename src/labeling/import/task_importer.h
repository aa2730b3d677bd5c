// TaskImporter: checks and inserts the tasks of one import request, all or
// nothing.
//
// How it works: the importer runs inside the caller's write transaction.
// Items arrive one at a time (a JSON task item, or the flat data of a CSV
// row, a TXT line or an uploaded file). Each is checked. Its data must be an
// object with every key the label config reads, each of a type its object
// tag can show. Annotations and predictions must be lists of objects whose
// results fit the config, and completed_by must name a member of the
// organization. While no item has failed, each
// checked item is inserted as it comes: tasks without annotations or
// predictions in runs of up to kMaxTasksPerInsert per statement, the others
// one by one after the pending run. Memory does not grow with the import.
// After the first failure the importer keeps checking (to report every bad
// item, up to kMaxErrors) but writes nothing more, and Finish returns the
// error, so the caller's transaction rolls back whatever was inserted.
//
// Items are numbered from 0 in arrival order across all files of a request;
// errors name the item: field "tasks.3.data.image", message "Error at item 3:
// ...".
//
// Thread-safety: one importer per request, used by one thread.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/config/data_keys.h"
#include "labeling/config/model.h"
#include "labeling/counters.h"
#include "labeling/project_store.h"
#include "labeling/task_store.h"

namespace tally::labeling {

// Key Label Studio gives a bare imported value (a TXT line, an uploaded
// file's URL) before renaming it to the config's first data key.
inline constexpr std::string_view kUndefinedDataKey = "$undefined$";

struct ImportSummary {
  int64_t task_count = 0;
  int64_t annotation_count = 0;
  int64_t prediction_count = 0;
  std::vector<int64_t> task_ids;         // filled when requested
  std::set<std::string, std::less<>> data_columns;   // keys seen in imported task data
};

class TaskImporter {
 public:
  // Label Studio's limits: at most this many tasks per request, and at most
  // this many error messages in a rejection.
  static constexpr int64_t kMaxTasks = 1'000'000;
  static constexpr size_t kMaxErrors = 100;
  // Tasks inserted before a run of plain tasks goes on without the per-row
  // insert triggers (TaskInsertTriggerPause).
  static constexpr int64_t kTriggerPauseAfter = 1024;

  // REQUIRES: `connection` is inside a write transaction that lasts until
  // Finish returns; `project` and `config` outlive the importer.
  TaskImporter(Connection& connection, const Project& project, const LabelConfig& config, int64_t user_id,
               bool keep_task_ids);

  // Adds one JSON task item: full form {"data": {...}, "annotations", …} or
  // flat form (the whole object is data). Returns an error only for storage
  // failures; problems with the item are collected for Finish.
  // The item's data and meta are moved out of it, so it is left unspecified.
  [[nodiscard]] Result<void> AddItem(boost::json::value& item, std::optional<int64_t> file_upload_id = {});

  // Adds flat data from a CSV row, a TXT line or a media file. A
  // kUndefinedDataKey key is renamed to the config's first data key.
  [[nodiscard]] Result<void> AddData(boost::json::object data, std::optional<int64_t> file_upload_id = {});

  // Turns each of these data fields, where a task has it, into a prediction,
  // as current Label Studio releases do for ?preannotated_from_fields. The
  // field stays in the data. The prediction (model_version "preannotated",
  // score 1) is for the control named like the field, or for a Choices on
  // "text" when there is none. A scalar becomes {"<type>": [v]}, except
  // {"text": [v]} for TextArea and {"<type>": v} for Rating, Number and
  // DateTime. An object is the value as is. Call before adding items.
  void SetPreannotatedFields(std::vector<std::string> fields) { preannotated_fields_ = std::move(fields); }

  // Records a problem that is not about one item (a file that cannot be
  // read), under `field`.
  void AddRequestError(std::string field, std::string message);

  // Items seen so far, good and bad.
  int64_t items_seen() const { return next_index_; }

  // Completes the import. On success it updates the project's counters (and
  // overlaps, when the cohort rule applies) and returns the summary. When
  // any item failed it returns invalid_argument listing up to kMaxErrors
  // problems, and the caller must roll back.
  [[nodiscard]] Result<ImportSummary> Finish();

 private:
  struct CheckedItem;

  void AddError(int64_t index, const std::string& field, const std::string& message);
  // Checks an item's data against the config (CheckTaskData), building the
  // field names and messages of errors only when there are some.
  void CheckItemData(const boost::json::object& data, int64_t index);
  bool failed() const { return !errors_.empty(); }
  Result<std::optional<int64_t>> ResolveAnnotator(const boost::json::value* completed_by, int64_t index,
                                                  const std::string& field);
  Result<void> Insert(CheckedItem& item);
  // Inserts the pending run of plain tasks and records them in the summary.
  Result<void> FlushPending();
  // Closes the trigger pause, if one is open, for good: a task with
  // annotations or predictions updates its row, which needs the triggers.
  Result<void> EndTriggerPause();
  void AddPreannotations(CheckedItem& item, int64_t index);

  Connection& connection_;
  const Project& project_;
  const LabelConfig& config_;
  int64_t user_id_;
  bool keep_task_ids_;
  std::vector<std::string> preannotated_fields_;
  std::vector<DataKeyUse> data_key_uses_;  // listed once: every item is checked against them
  std::string first_data_key_;
  int64_t next_index_ = 0;
  int64_t next_inner_id_ = 0;
  Micros now_ = 0;
  std::vector<FieldError> errors_;
  size_t dropped_errors_ = 0;
  ProjectCounters added_;
  ImportSummary summary_;
  std::vector<NewTask> pending_;   // checked plain tasks not inserted yet, in arrival order
  int64_t pending_inner_id_ = 0;   // inner_id of pending_.front()
  // Open while a long run of plain tasks goes in without the per-row insert
  // triggers; one pause per import at most.
  std::unique_ptr<TaskInsertTriggerPause> trigger_pause_;
  bool trigger_pause_used_ = false;
  std::map<std::string, std::optional<int64_t>> members_by_email_;  // email → user id, nullopt: not a member
  std::map<int64_t, bool> member_ids_;
};

}  // namespace tally::labeling
