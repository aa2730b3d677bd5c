#include "labeling/import/task_importer.h"

#include <fmt/format.h>

#include "accounts/account_store.h"
#include "core/json.h"
#include "labeling/annotation_store.h"
#include "labeling/config/data_keys.h"
#include "labeling/config/result_validator.h"
#include "labeling/config_checks.h"
#include "labeling/lifecycle.h"
#include "labeling/prediction_result.h"
#include "labeling/prediction_store.h"
#include "labeling/task_store.h"

namespace tally::labeling {

namespace bj = boost::json;

struct TaskImporter::CheckedItem {
  NewTask task;
  std::vector<Annotation> annotations;
  std::vector<Prediction> predictions;
};

namespace {

// Python's truthiness, which Label Studio's file reader uses to decide
// whether an item's "data" is the task's data: {"data": {}} is a flat task.
bool Truthy(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null: return false;
    case bj::kind::bool_: return value.as_bool();
    case bj::kind::int64: return value.as_int64() != 0;
    case bj::kind::uint64: return value.as_uint64() != 0;
    case bj::kind::double_: return value.as_double() != 0;
    case bj::kind::string: return !value.as_string().empty();
    case bj::kind::array: return !value.as_array().empty();
    case bj::kind::object: return !value.as_object().empty();
  }
  return false;
}

}  // namespace

TaskImporter::TaskImporter(Connection& connection, const Project& project, const LabelConfig& config, int64_t user_id,
                           bool keep_task_ids)
    : connection_(connection),
      project_(project),
      config_(config),
      user_id_(user_id),
      keep_task_ids_(keep_task_ids),
      now_(NowMicros()) {
  data_key_uses_ = ListDataKeyUses(config);
  const auto data_types = InferDataTypes(config);
  if (!data_types.empty()) first_data_key_ = data_types.front().first;
}

void TaskImporter::AddError(int64_t index, const std::string& field, const std::string& message) {
  if (errors_.size() + 1 >= kMaxErrors) {
    ++dropped_errors_;
    return;
  }
  errors_.push_back({field, fmt::format("Error at item {}: {}", index, message)});
}

void TaskImporter::AddRequestError(std::string field, std::string message) {
  if (errors_.size() + 1 >= kMaxErrors) {
    ++dropped_errors_;
    return;
  }
  errors_.push_back({std::move(field), std::move(message)});
}

void TaskImporter::CheckItemData(const bj::object& data, int64_t index) {
  std::vector<FieldError> found;
  CheckTaskData(data_key_uses_, data, "", "", found);
  if (found.empty()) return;

  // CheckTaskData starts every field and message with the prefixes it is
  // given, so adding them afterwards gives the same text.
  const std::string field_prefix = fmt::format("tasks.{}.data", index);
  const std::string message_prefix = fmt::format("Error at item {}: ", index);
  for (FieldError& error : found) {
    errors_.push_back({field_prefix + error.field, message_prefix + error.message});
  }
}

Result<std::optional<int64_t>> TaskImporter::ResolveAnnotator(const bj::value* completed_by, int64_t index,
                                                              const std::string& field) {
  if (!completed_by || completed_by->is_null()) return std::optional<int64_t>(user_id_);

  if (completed_by->is_int64()) {
    const int64_t id = completed_by->as_int64();
    auto cached = member_ids_.find(id);
    if (cached == member_ids_.end()) {
      TALLY_ASSIGN_OR_RETURN(membership, accounts::FindMembership(connection_, project_.organization_id, id));
      cached = member_ids_.emplace(id, membership.has_value()).first;
    }
    if (!cached->second) {
      AddError(index, field, fmt::format("User {} is not a member of this organization", id));
      return std::optional<int64_t>();
    }
    return std::optional<int64_t>(id);
  }

  const bj::value* email = completed_by->is_object() ? completed_by->as_object().if_contains("email") : nullptr;
  if (!email || !email->is_string()) {
    AddError(index, field, "completed_by must be a user id or an object with an email");
    return std::optional<int64_t>();
  }
  const std::string address(email->as_string());
  auto cached = members_by_email_.find(address);
  if (cached == members_by_email_.end()) {
    std::optional<int64_t> member;
    TALLY_ASSIGN_OR_RETURN(user, accounts::FindUserByEmail(connection_, address));
    if (user) {
      TALLY_ASSIGN_OR_RETURN(membership, accounts::FindMembership(connection_, project_.organization_id, user->id));
      if (membership) member = user->id;
    }
    cached = members_by_email_.emplace(address, member).first;
  }
  if (!cached->second) {
    AddError(index, field, fmt::format("Unknown annotator's email {}", address));
    return std::optional<int64_t>();
  }
  return cached->second;
}

Result<void> TaskImporter::AddItem(bj::value& item, std::optional<int64_t> file_upload_id) {
  const int64_t index = next_index_;
  if (!item.is_object()) {
    ++next_index_;
    AddError(index, fmt::format("tasks.{}", index), "Task item should be dict");
    return Ok();
  }
  bj::object& object = item.as_object();
  bj::value* data = object.if_contains("data");
  if (!data || !Truthy(*data)) return AddData(std::move(object), file_upload_id);

  ++next_index_;
  const std::string prefix = fmt::format("tasks.{}", index);
  const size_t errors_before = errors_.size() + dropped_errors_;
  if (!data->is_object()) {
    AddError(index, prefix + ".data", "Task item should be dict");
    return Ok();
  }

  // Built by moving, not assigned: an assignment would copy the data out of
  // the memory pool it was parsed into.
  CheckedItem checked{.task = NewTask{.data = std::move(data->as_object())}};
  checked.task.file_upload_id = file_upload_id;
  checked.task.created_by = user_id_;
  CheckItemData(checked.task.data, index);

  if (bj::value* meta = object.if_contains("meta"); meta && !meta->is_null()) {
    if (meta->is_object() || meta->is_array()) {
      checked.task.meta = std::move(*meta);
    } else {
      AddError(index, prefix + ".meta", "meta must be an object or a list");
    }
  }
  if (const bj::value* allow_skip = object.if_contains("allow_skip"); allow_skip && !allow_skip->is_null()) {
    if (allow_skip->is_bool()) {
      checked.task.allow_skip = allow_skip->as_bool();
    } else {
      AddError(index, prefix + ".allow_skip", "allow_skip must be a boolean");
    }
  }

  // Annotations: each an object whose "result" is a list that fits the config.
  if (const bj::value* annotations = object.if_contains("annotations"); annotations && !annotations->is_null()) {
    if (!annotations->is_array()) {
      AddError(index, prefix + ".annotations", "annotations must be a list");
    } else {
      const bj::array& list = annotations->as_array();
      for (size_t j = 0; j < list.size(); ++j) {
        const std::string field = fmt::format("{}.annotations.{}", prefix, j);
        if (!list[j].is_object() || !list[j].as_object().contains("result")) {
          AddError(index, field, "Annotation must have \"result\" fields");
          continue;
        }
        const bj::object& source = list[j].as_object();
        const bj::value& result = source.at("result");
        if (!result.is_array()) {
          AddError(index, field + ".result", "\"result\" field in annotation must be list");
          continue;
        }
        ResultCheck check = CheckAnnotationResult(config_, result, {.require_answers = false,
                                                                    .field_prefix = field + ".result"});
        for (const FieldError& error : check.errors) AddError(index, error.field, error.message);

        Annotation annotation;
        annotation.project_id = project_.id;
        annotation.result = std::move(check.result);
        auto flag = [&](const char* key) {
          const bj::value* value = source.if_contains(key);
          if (value && !value->is_null() && !value->is_bool()) AddError(index, field + "." + key, "Must be a boolean");
          return value && value->is_bool() && value->as_bool();
        };
        annotation.was_cancelled = flag("was_cancelled");
        annotation.ground_truth = flag("ground_truth");
        if (const bj::value* lead_time = source.if_contains("lead_time"); lead_time && !lead_time->is_null()) {
          if (lead_time->is_number()) {
            annotation.lead_time = lead_time->to_number<double>();
          } else {
            AddError(index, field + ".lead_time", "lead_time must be a number of seconds");
          }
        }
        if (const bj::value* id = source.if_contains("id"); id && id->is_int64()) annotation.import_id = id->as_int64();
        TALLY_ASSIGN_OR_RETURN(annotator, ResolveAnnotator(source.if_contains("completed_by"), index,
                                                           field + ".completed_by"));
        annotation.completed_by = annotator;
        annotation.last_action = "imported";
        annotation.last_created_by = user_id_;
        annotation.updated_by = user_id_;
        checked.annotations.push_back(std::move(annotation));
      }
    }
  }

  // Predictions: each an object with a "result", shorthand allowed.
  if (const bj::value* predictions = object.if_contains("predictions"); predictions && !predictions->is_null()) {
    if (!predictions->is_array()) {
      AddError(index, prefix + ".predictions", "predictions must be a list");
    } else {
      const bj::array& list = predictions->as_array();
      for (size_t j = 0; j < list.size(); ++j) {
        const std::string field = fmt::format("{}.predictions.{}", prefix, j);
        if (!list[j].is_object() || !list[j].as_object().contains("result")) {
          AddError(index, field, "Prediction must have \"result\" fields");
          continue;
        }
        const bj::object& source = list[j].as_object();
        Prediction prediction;
        prediction.project_id = project_.id;
        auto expanded = ExpandPredictionResult(config_, source.at("result"), field + ".result");
        if (!expanded) {
          for (const FieldError& error : expanded.error().fields) AddError(index, error.field, error.message);
          continue;
        }
        if (!expanded->is_null()) {
          ResultCheck check = CheckAnnotationResult(config_, *expanded, {.require_answers = false,
                                                                         .field_prefix = field + ".result"});
          for (const FieldError& error : check.errors) AddError(index, error.field, error.message);
          prediction.result = std::move(check.result);
        }
        if (const bj::value* version = source.if_contains("model_version"); version && !version->is_null()) {
          if (version->is_string()) {
            prediction.model_version = std::string(version->as_string());
          } else {
            AddError(index, field + ".model_version", "model_version must be a string");
          }
        }
        if (const bj::value* score = source.if_contains("score"); score && !score->is_null()) {
          if (score->is_number()) {
            prediction.score = score->to_number<double>();
          } else {
            AddError(index, field + ".score", "score must be a number");
          }
        }
        checked.predictions.push_back(std::move(prediction));
      }
    }
  }

  AddPreannotations(checked, index);
  if (errors_.size() + dropped_errors_ != errors_before || failed()) return Ok();
  return Insert(checked);
}

void TaskImporter::AddPreannotations(CheckedItem& item, int64_t index) {
  for (const std::string& field_name : preannotated_fields_) {
    const bj::value* value = item.task.data.if_contains(field_name);
    if (!value) continue;

    // The control named like the field decides type and target, with Label
    // Studio's fallbacks when there is none.
    const ControlTag* control = config_.FindControl(field_name);
    std::string type = "choices";
    std::string to_name = "text";
    if (control) {
      type.clear();
      for (char ch : control->type) type += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!control->to_names.empty()) to_name = control->to_names.front();
    }

    bj::value payload;
    if (value->is_object()) {
      payload = *value;
    } else if (type == "rating" || type == "number" || type == "datetime") {
      payload = bj::object{{type, *value}};
    } else {
      payload = bj::object{{type == "textarea" ? "text" : type, bj::array{*value}}};
    }
    const bj::value result = bj::array{bj::object{
        {"from_name", field_name}, {"to_name", to_name}, {"type", type}, {"value", std::move(payload)}}};

    const std::string field = fmt::format("tasks.{}.data.{}", index, field_name);
    ResultCheck check = CheckAnnotationResult(config_, result, {.require_answers = false, .field_prefix = field});
    for (const FieldError& error : check.errors) AddError(index, error.field, error.message);
    Prediction prediction;
    prediction.project_id = project_.id;
    prediction.model_version = "preannotated";
    prediction.score = 1.0;
    prediction.result = std::move(check.result);
    item.predictions.push_back(std::move(prediction));
  }
}

Result<void> TaskImporter::AddData(bj::object data, std::optional<int64_t> file_upload_id) {
  const int64_t index = next_index_++;
  if (auto undefined = data.find(kUndefinedDataKey); undefined != data.end() && !first_data_key_.empty()) {
    bj::value value = std::move(undefined->value());
    data.erase(undefined);
    data[first_data_key_] = std::move(value);
  }

  const size_t errors_before = errors_.size() + dropped_errors_;
  CheckItemData(data, index);

  CheckedItem checked{.task = NewTask{.data = std::move(data)}};
  checked.task.file_upload_id = file_upload_id;
  checked.task.created_by = user_id_;
  AddPreannotations(checked, index);
  if (errors_.size() + dropped_errors_ != errors_before || failed()) return Ok();
  return Insert(checked);
}

Result<void> TaskImporter::Insert(CheckedItem& item) {
  if (summary_.task_count + static_cast<int64_t>(pending_.size()) >= kMaxTasks) {
    AddRequestError("tasks", fmt::format("Maximum task number is {}", kMaxTasks));
    return Ok();
  }
  if (next_inner_id_ == 0) {
    TALLY_ASSIGN_OR_RETURN(inner_id, NextInnerId(connection_, project_.id));
    next_inner_id_ = inner_id;
  }

  TaskCounts& counts = item.task.counts;
  counts.overlap = project_.maximum_annotations();
  for (const Annotation& a : item.annotations) {
    counts.total_annotations += a.was_cancelled ? 0 : 1;
    counts.cancelled_annotations += a.was_cancelled ? 1 : 0;
    const bool has_result = !a.result.is_null();
    counts.completed_annotations += !a.was_cancelled && has_result ? 1 : 0;
    counts.useful_annotations += !a.was_cancelled && !a.ground_truth && has_result ? 1 : 0;
  }
  // Only the last ground-truth annotation of a task keeps its flag, as
  // InsertAnnotation clears the earlier ones.
  for (auto it = item.annotations.rbegin(); it != item.annotations.rend(); ++it) {
    if (!it->ground_truth) continue;
    counts.ground_truth_annotations = 1;
    break;
  }
  counts.total_predictions = static_cast<int64_t>(item.predictions.size());
  counts.is_labeled = IsLabeled(counts, project_.skip_queue());
  for (const auto& entry : item.task.data) {
    const std::string_view key = entry.key();
    if (!summary_.data_columns.contains(key)) summary_.data_columns.emplace(key);
  }

  if (item.annotations.empty() && item.predictions.empty()) {
    if (pending_.empty()) pending_inner_id_ = next_inner_id_;
    ++next_inner_id_;
    pending_.push_back(std::move(item.task));
    if (pending_.size() == kMaxTasksPerInsert) TALLY_TRY(FlushPending());
    return Ok();
  }

  // Keeps ids and inner_ids in arrival order.
  TALLY_TRY(FlushPending());
  TALLY_TRY(EndTriggerPause());
  TALLY_ASSIGN_OR_RETURN(task_id, InsertTask(connection_, project_.id, next_inner_id_++, item.task, now_));
  for (Annotation& a : item.annotations) {
    a.task_id = task_id;
    TALLY_TRY(InsertAnnotation(connection_, std::move(a), user_id_, now_));
  }
  for (Prediction& p : item.predictions) {
    p.task_id = task_id;
    TALLY_TRY(InsertPrediction(connection_, std::move(p), now_));
  }
  if (!item.annotations.empty()) TALLY_TRY(RecordImportedState(connection_, project_.id, task_id, counts, user_id_));

  AccumulateTaskCounts(counts, added_);
  summary_.task_count += 1;
  summary_.annotation_count += static_cast<int64_t>(item.annotations.size());
  summary_.prediction_count += static_cast<int64_t>(item.predictions.size());
  if (keep_task_ids_) summary_.task_ids.push_back(task_id);
  return Ok();
}

Result<void> TaskImporter::FlushPending() {
  if (pending_.empty()) return Ok();
  // Small imports never touch the schema: the pause pays off only over
  // thousands of rows.
  if (!trigger_pause_used_ && summary_.task_count >= kTriggerPauseAfter) {
    trigger_pause_used_ = true;
    TALLY_ASSIGN_OR_RETURN(pause, TaskInsertTriggerPause::Begin(connection_, project_.id));
    trigger_pause_ = std::move(pause);
  }
  TALLY_ASSIGN_OR_RETURN(ids, InsertTasks(connection_, project_.id, pending_inner_id_, pending_, now_));
  if (trigger_pause_) {
    for (const NewTask& task : pending_) trigger_pause_->Count(task);
  }
  for (const NewTask& task : pending_) AccumulateTaskCounts(task.counts, added_);
  summary_.task_count += static_cast<int64_t>(pending_.size());
  if (keep_task_ids_) summary_.task_ids.insert(summary_.task_ids.end(), ids.begin(), ids.end());
  pending_.clear();
  return Ok();
}

Result<void> TaskImporter::EndTriggerPause() {
  trigger_pause_used_ = true;
  if (!trigger_pause_) return Ok();
  TALLY_TRY(trigger_pause_->End());
  trigger_pause_.reset();
  return Ok();
}

Result<ImportSummary> TaskImporter::Finish() {
  if (failed()) {
    // Label Studio reports at most 100 messages, the last one "...".
    if (dropped_errors_ > 0 || errors_.size() >= kMaxErrors) {
      errors_.resize(std::min(errors_.size(), kMaxErrors - 1));
      errors_.push_back({"tasks", "..."});
    }
    Error error = Error::InvalidField(errors_.front().field, errors_.front().message);
    error.fields = std::move(errors_);
    return error;
  }
  TALLY_TRY(FlushPending());
  TALLY_TRY(EndTriggerPause());
  TALLY_TRY(AddToProjectCounters(connection_, project_.id, added_));
  if (project_.maximum_annotations() > 1 && project_.overlap_cohort_percentage() < 100) {
    TALLY_TRY(RecomputeProjectOverlaps(connection_, project_));
    TALLY_TRY(ReconcileTaskStates(connection_, project_.id, user_id_));
  }
  return std::move(summary_);
}

}  // namespace tally::labeling
