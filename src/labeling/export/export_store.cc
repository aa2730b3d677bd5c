#include "labeling/export/export_store.h"

#include <fmt/format.h>

#include "core/time.h"
#include "labeling/annotation_store.h"
#include "labeling/datamanager/query_store.h"
#include "labeling/prediction_store.h"
#include "labeling/serialize.h"
#include "labeling/task_store.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

bj::value ParseStoredJson(const std::string& text, bj::value fallback) {
  boost::system::error_code ec;
  bj::value value = bj::parse(text, ec);
  return ec ? fallback : value;
}

std::string StateCondition(TaskStateFilter filter, std::string_view only, std::string_view exclude) {
  switch (filter) {
    case TaskStateFilter::kAny:
      return {};
    case TaskStateFilter::kOnly:
      return fmt::format(" AND {}", only);
    case TaskStateFilter::kExclude:
      return fmt::format(" AND {}", exclude);
  }
  return {};
}

// The WHERE clause of the selection's tasks, with its parameters appended.
Result<std::string> TaskFilter(store::Connection& connection, const ExportSelection& selection,
                               store::Params& params) {
  std::string where = "project_id = ?";
  params.push_back(selection.project_id);
  if (selection.view) {
    // A correlated EXISTS, so each batch tests only the rows it reads in id
    // order instead of evaluating the view's filters over the whole project.
    TALLY_ASSIGN_OR_RETURN(query, ParseTaskQuery(selection.view->query, "task_filter_options.view."));
    TALLY_ASSIGN_OR_RETURN(compiled, CompileTaskQuery(connection.dialect(), selection.project_id,
                                                      selection.view->user_id, query, /*apply_selection=*/true));
    where += " AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = tasks.id AND " + compiled.where + ")";
    params.insert(params.end(), compiled.where_params.begin(), compiled.where_params.end());
  }
  if (!selection.all_tasks) where += " AND total_annotations + cancelled_annotations > 0";
  // The task counters count annotations by state (counters.cc), so each
  // filter is a column test rather than a join.
  where += StateCondition(selection.skipped_tasks, "cancelled_annotations > 0", "cancelled_annotations = 0");
  where += StateCondition(selection.finished_tasks, "is_labeled = 1", "is_labeled = 0");
  where += StateCondition(selection.annotated_tasks, "total_annotations > 0", "total_annotations = 0");
  if (!selection.task_ids.empty()) {
    where += " AND id IN (";
    for (size_t i = 0; i < selection.task_ids.size(); ++i) {
      where += i == 0 ? "?" : ", ?";
      params.push_back(selection.task_ids[i]);
    }
    where += ")";
  }
  return where;
}

std::string Placeholders(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

// The fields of an annotation that converter records read (records.h),
// without its result.
bj::object ConverterAnnotationJson(const Annotation& annotation) {
  return bj::object{
      {"id", annotation.id},
      {"completed_by", annotation.completed_by ? bj::value(*annotation.completed_by) : bj::value(nullptr)},
      {"was_cancelled", annotation.was_cancelled},
      {"ground_truth", annotation.ground_truth},
      {"lead_time", annotation.lead_time ? bj::value(*annotation.lead_time) : bj::value(nullptr)},
      {"created_at", FormatIsoMicros(annotation.created_at)},
      {"updated_at", FormatIsoMicros(annotation.updated_at)},
  };
}

bool KeepAnnotation(const ExportSelection& selection, const Annotation& annotation) {
  if (annotation.was_cancelled) return selection.skipped;
  if (annotation.ground_truth) return selection.ground_truth;
  return selection.usual;
}

// {"id", "email", "first_name", "last_name"} of each annotator in `ids`.
Result<std::map<int64_t, bj::object>> Annotators(store::Connection& connection, const std::vector<int64_t>& ids) {
  std::map<int64_t, bj::object> users;
  if (ids.empty()) return users;
  store::Params params(ids.begin(), ids.end());
  TALLY_ASSIGN_OR_RETURN(
      rows, connection.Query(fmt::format("SELECT id, email, first_name, last_name FROM users WHERE id IN ({})",
                                         Placeholders(ids.size())),
                             params));
  for (const store::Row& row : rows) {
    users[row.Int(0)] = bj::object{
        {"id", row.Int(0)}, {"email", row.Text(1)}, {"first_name", row.Text(2)}, {"last_name", row.Text(3)}};
  }
  return users;
}

Result<std::vector<Draft>> DraftsOfTasks(store::Connection& connection, const std::vector<int64_t>& task_ids) {
  store::Params params(task_ids.begin(), task_ids.end());
  TALLY_ASSIGN_OR_RETURN(
      rows, connection.Query(fmt::format("SELECT id, task_id, annotation_id, project_id, user_id, result, lead_time,"
                                         " was_postponed, import_id, created_at, updated_at FROM drafts"
                                         " WHERE task_id IN ({}) ORDER BY task_id, id",
                                         Placeholders(task_ids.size())),
                             params));
  std::vector<Draft> drafts;
  for (const store::Row& row : rows) {
    Draft draft;
    draft.id = row.Int(0);
    draft.task_id = row.Int(1);
    draft.annotation_id = row.OptionalInt(2);
    draft.project_id = row.Int(3);
    draft.user_id = row.Int(4);
    draft.result = ParseStoredJson(row.Text(5, "[]"), bj::array());
    draft.lead_time = row.OptionalDouble(6);
    draft.was_postponed = row.Bool(7);
    draft.import_id = row.OptionalInt(8);
    draft.created_at = row.Int(9);
    draft.updated_at = row.Int(10);
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

}  // namespace

Result<int64_t> CountExportTasks(store::Connection& connection, const ExportSelection& selection) {
  store::Params params;
  TALLY_ASSIGN_OR_RETURN(where, TaskFilter(connection, selection, params));
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT COUNT(*) FROM tasks WHERE " + where, params));
  return row ? row->Int(0) : 0;
}

Result<std::vector<bj::object>> ReadExportBatch(store::Connection& connection, const ExportSelection& selection,
                                                int64_t after_task_id, int64_t limit) {
  store::Params params;
  TALLY_ASSIGN_OR_RETURN(where, TaskFilter(connection, selection, params));
  where += " AND id > ?";
  params.push_back(after_task_id);
  params.push_back(limit);
  // The ids first, then the tasks through the task store, in id order.
  TALLY_ASSIGN_OR_RETURN(
      rows, connection.Query(fmt::format("SELECT id FROM tasks WHERE {} ORDER BY id LIMIT ?", where), params));
  std::vector<bj::object> tasks;
  if (rows.empty()) return tasks;
  std::vector<int64_t> ids;
  for (const store::Row& row : rows) ids.push_back(row.Int(0));
  TALLY_ASSIGN_OR_RETURN(stored, ListTasksByIds(connection, ids));

  std::map<int64_t, size_t> index;
  for (Task& task : stored) {
    // Move the parsed data in after TaskJson, which would deep-copy it.
    bj::object data_object = std::move(task.data);
    task.data = bj::object();
    bj::object json;
    if (selection.converter_fields_only) {
      json = bj::object{{"id", task.id}};
    } else {
      json = TaskJson(task);
      json["predictions"] = bj::array();
      json["drafts"] = bj::array();
    }
    json["data"] = std::move(data_object);
    json["annotations"] = bj::array();
    index[task.id] = tasks.size();
    tasks.push_back(std::move(json));
  }

  TALLY_ASSIGN_OR_RETURN(annotations, ListAnnotationsOfTasks(connection, ids));
  std::vector<int64_t> annotator_ids;
  for (const Annotation& annotation : annotations) {
    if (annotation.completed_by) annotator_ids.push_back(*annotation.completed_by);
  }
  std::sort(annotator_ids.begin(), annotator_ids.end());
  annotator_ids.erase(std::unique(annotator_ids.begin(), annotator_ids.end()), annotator_ids.end());
  std::map<int64_t, bj::object> annotators;
  if (!selection.completed_by_only_id) {
    TALLY_ASSIGN_OR_RETURN(found, Annotators(connection, annotator_ids));
    annotators = std::move(found);
  }
  for (Annotation& annotation : annotations) {
    if (!KeepAnnotation(selection, annotation)) continue;
    // The same for the result, the largest part of an annotation.
    bj::value result = std::move(annotation.result);
    annotation.result = nullptr;
    bj::object json = selection.converter_fields_only ? ConverterAnnotationJson(annotation) : AnnotationJson(annotation);
    if (!selection.converter_fields_only) {
      json["result_count"] = result.is_array() ? static_cast<int64_t>(result.get_array().size()) : 0;
    }
    json["result"] = std::move(result);
    if (annotation.completed_by) {
      auto user = annotators.find(*annotation.completed_by);
      if (user != annotators.end()) json["completed_by"] = user->second;
    }
    tasks[index.at(annotation.task_id)]["annotations"].get_array().push_back(std::move(json));
  }

  if (selection.converter_fields_only) return tasks;

  TALLY_ASSIGN_OR_RETURN(predictions, ListPredictionsOfTasks(connection, ids));
  for (const Prediction& prediction : predictions) {
    tasks[index.at(prediction.task_id)]["predictions"].get_array().push_back(PredictionJson(prediction));
  }
  TALLY_ASSIGN_OR_RETURN(drafts, DraftsOfTasks(connection, ids));
  for (const Draft& draft : drafts) {
    tasks[index.at(draft.task_id)]["drafts"].get_array().push_back(DraftJson(draft));
  }
  return tasks;
}

}  // namespace tally::labeling::exporting
