#include "labeling/serialize.h"

namespace tally::labeling {

namespace bj = boost::json;

bj::value OptionalNumberJson(const std::optional<double>& value) {
  if (!value) return nullptr;
  return *value;
}

bj::value OptionalIntJson(const std::optional<int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

namespace {

bj::value OptionalTimeJson(const std::optional<Micros>& value) {
  if (!value) return nullptr;
  return bj::value(FormatIsoMicros(*value));
}

}  // namespace

bj::object ProjectJson(const Project& project, const bj::object& parsed_label_config, bj::value created_by,
                       int64_t queue_done) {
  bj::object body;
  body["id"] = project.id;
  body["title"] = project.title;
  body["description"] = project.description;
  body["label_config"] = project.label_config;
  for (const auto& setting : project.settings) body[setting.key()] = setting.value();
  body["organization"] = project.organization_id;
  body["created_by"] = std::move(created_by);
  body["created_at"] = FormatIsoMicros(project.created_at);
  body["updated_at"] = FormatIsoMicros(project.updated_at);
  body["parsed_label_config"] = parsed_label_config;
  body["config_has_control_tags"] = !parsed_label_config.empty();
  body["config_suitable_for_bulk_annotation"] = false;

  const ProjectCounters& counters = project.counters;
  body["task_number"] = counters.task_number;
  body["finished_task_number"] = counters.finished_task_number;
  body["num_tasks_with_annotations"] = counters.num_tasks_with_annotations;
  body["total_annotations_number"] = counters.total_annotations_number;
  body["skipped_annotations_number"] = counters.skipped_annotations_number;
  body["useful_annotation_number"] = counters.useful_annotation_number;
  body["ground_truth_number"] = counters.ground_truth_number;
  body["total_predictions_number"] = counters.total_predictions_number;
  body["queue_total"] = counters.task_number;
  body["queue_done"] = queue_done;
  return body;
}

bj::object TaskJson(const Task& task) {
  return bj::object{
      {"id", task.id},
      {"project", task.project_id},
      {"data", task.data},
      {"meta", task.meta},
      {"created_at", FormatIsoMicros(task.created_at)},
      {"updated_at", FormatIsoMicros(task.updated_at)},
      {"updated_by", OptionalIntJson(task.updated_by)},
      {"is_labeled", task.counts.is_labeled},
      {"overlap", task.counts.overlap},
      {"inner_id", task.inner_id},
      {"total_annotations", task.counts.total_annotations},
      {"cancelled_annotations", task.counts.cancelled_annotations},
      {"total_predictions", task.counts.total_predictions},
      {"comment_count", 0},
      {"unresolved_comment_count", 0},
      {"last_comment_updated_at", nullptr},
      {"comment_authors", bj::array()},
      {"file_upload", OptionalIntJson(task.file_upload_id)},
      {"allow_skip", task.allow_skip},
      {"state", task.state},
  };
}

bj::object AnnotationJson(const Annotation& a) {
  const int64_t result_count = a.result.is_array() ? static_cast<int64_t>(a.result.as_array().size()) : 0;
  return bj::object{
      {"id", a.id},
      {"task", a.task_id},
      {"project", a.project_id},
      {"completed_by", OptionalIntJson(a.completed_by)},
      {"result", a.result},
      {"was_cancelled", a.was_cancelled},
      {"ground_truth", a.ground_truth},
      {"lead_time", OptionalNumberJson(a.lead_time)},
      {"created_at", FormatIsoMicros(a.created_at)},
      {"updated_at", FormatIsoMicros(a.updated_at)},
      {"draft_created_at", OptionalTimeJson(a.draft_created_at)},
      {"result_count", result_count},
      {"unique_id", a.unique_id},
      {"import_id", OptionalIntJson(a.import_id)},
      {"last_action", a.last_action ? bj::value(*a.last_action) : bj::value(nullptr)},
      {"last_created_by", OptionalIntJson(a.last_created_by)},
      {"updated_by", OptionalIntJson(a.updated_by)},
      {"parent_prediction", OptionalIntJson(a.parent_prediction)},
      {"parent_annotation", OptionalIntJson(a.parent_annotation)},
      {"prediction", a.prediction},
      {"bulk_created", a.bulk_created},
  };
}

bj::object PredictionJson(const Prediction& p) {
  return bj::object{
      {"id", p.id},
      {"task", p.task_id},
      {"project", p.project_id},
      {"model_version", p.model_version},
      {"score", OptionalNumberJson(p.score)},
      {"result", p.result},
      {"cluster", nullptr},
      {"neighbors", nullptr},
      {"mislabeling", p.mislabeling},
      {"created_at", FormatIsoMicros(p.created_at)},
      {"updated_at", FormatIsoMicros(p.updated_at)},
  };
}

bj::object DraftJson(const Draft& d) {
  return bj::object{
      {"id", d.id},
      {"result", d.result},
      {"lead_time", OptionalNumberJson(d.lead_time)},
      {"task", d.task_id},
      {"annotation", OptionalIntJson(d.annotation_id)},
      {"user", d.user_id},
      {"was_postponed", d.was_postponed},
      {"import_id", OptionalIntJson(d.import_id)},
      {"created_at", FormatIsoMicros(d.created_at)},
      {"updated_at", FormatIsoMicros(d.updated_at)},
  };
}

bj::object AnnotationHistoryJson(const AnnotationHistoryEntry& e) {
  return bj::object{
      {"id", e.id},
      {"annotation", e.annotation_id},
      {"task", e.task_id},
      {"project", e.project_id},
      {"action", e.action},
      {"user", OptionalIntJson(e.user_id)},
      {"result", e.result},
      {"was_cancelled", e.was_cancelled},
      {"ground_truth", e.ground_truth},
      {"lead_time", OptionalNumberJson(e.lead_time)},
      {"created_at", FormatIsoMicros(e.created_at)},
  };
}

}  // namespace tally::labeling
