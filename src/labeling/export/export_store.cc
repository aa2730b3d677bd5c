#include "labeling/export/export_store.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "core/json.h"
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

// KeepAnnotation as SQL over annotations `a`.
std::string KeptAnnotationCondition(const ExportSelection& selection) {
  std::vector<std::string> kinds;
  if (selection.usual) kinds.push_back("(a.was_cancelled = 0 AND a.ground_truth = 0)");
  if (selection.ground_truth) kinds.push_back("a.ground_truth = 1");
  if (selection.skipped) kinds.push_back("a.was_cancelled = 1");
  if (kinds.empty()) return "1 = 1";
  return fmt::format("{}", fmt::join(kinds, " OR "));
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
  if (selection.with_kept_annotations) {
    where += fmt::format(" AND EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND ({}))",
                         KeptAnnotationCondition(selection));
  }
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

// Label Studio's annotation filter: the union of the kinds asked for, where
// a cancelled ground truth annotation counts as both, and every annotation
// when none is asked for.
bool KeepAnnotation(const ExportSelection& selection, bool was_cancelled, bool ground_truth) {
  if (!selection.usual && !selection.ground_truth && !selection.skipped) return true;
  return (selection.usual && !was_cancelled && !ground_truth) || (selection.ground_truth && ground_truth) ||
         (selection.skipped && was_cancelled);
}

// {"id", "email", "first_name", "last_name"} of each annotator in `ids`,
// which may repeat.
Result<std::map<int64_t, bj::object>> Annotators(store::Connection& connection, std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
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

// Writes JSON text the way json::Serialize writes the objects ReadExportBatch
// builds, field by field, into one string.
class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  // Starts the next member of the current object: a comma unless it is the
  // first, then "key":.
  JsonText& Key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(key);  // keys here are plain ASCII, which needs no escaping
    out_.append("\":");
    return *this;
  }
  void Open() {
    out_.push_back('{');
    first_ = true;
  }
  void Close() { out_.push_back('}'); }
  void Int(int64_t value) { fmt::format_to(std::back_inserter(out_), "{}", value); }
  void OptionalInt(const store::Row& row, size_t index) {
    if (row.IsNull(index)) {
      out_.append("null");
    } else {
      Int(row.Int(index));
    }
  }
  void Bool(bool value) { out_.append(value ? "true" : "false"); }
  // Boost.JSON's escaping, which json::Serialize uses for strings.
  void String(std::string_view text) { out_.append(bj::serialize(bj::string_view(text.data(), text.size()))); }
  // An ISO 8601 time is plain ASCII, so it needs no escaping.
  void Time(Micros micros) {
    out_.push_back('"');
    out_.append(FormatIsoMicros(micros));
    out_.push_back('"');
  }
  void Raw(std::string_view text) { out_.append(text); }
  void Value(const bj::value& value) { out_.append(json::Serialize(value)); }

 private:
  std::string& out_;
  bool first_ = true;
};

std::string_view TextOf(const store::Row& row, size_t index) {
  const store::Value& value = row.at(index);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return {};
}

// Parses stored JSON into a batch's arena, reusing one parser's buffers.
// Values it returns live as long as the arena.
class StoredJsonParser {
 public:
  std::optional<bj::value> Parse(std::string_view text) {
    boost::system::error_code ec;
    parser_.reset(bj::storage_ptr(&arena_));
    parser_.write(text.data(), text.size(), ec);
    if (ec) return std::nullopt;
    return parser_.release();
  }

 private:
  bj::monotonic_resource arena_;
  bj::parser parser_;
};

constexpr std::string_view kSerializedTaskColumns =
    "id, project_id, inner_id, data, meta, total_annotations, cancelled_annotations, total_predictions, overlap,"
    " is_labeled, allow_skip, file_upload_id, created_at, updated_at, updated_by, state";

constexpr std::string_view kSerializedAnnotationColumns =
    "id, task_id, project_id, completed_by, result, was_cancelled, ground_truth, lead_time, created_at, updated_at,"
    " draft_created_at, unique_id, import_id, last_action, last_created_by, updated_by, parent_prediction,"
    " parent_annotation, prediction, bulk_created";

// The task's members before "predictions", in TaskJson's order.
void WriteTaskHead(JsonText& json, const store::Row& row, StoredJsonParser& parser) {
  json.Open();
  json.Key("id").Int(row.Int(0));
  json.Key("project").Int(row.Int(1));

  // Data that does not parse, or is not an object, reads as {} (TaskFromRow).
  std::optional<bj::value> data = parser.Parse(TextOf(row, 3));
  json.Key("data");
  if (data && data->is_object()) {
    json.Value(*data);
  } else {
    json.Raw("{}");
  }

  std::optional<bj::value> meta = parser.Parse(row.IsNull(4) ? std::string_view("{}") : TextOf(row, 4));
  json.Key("meta");
  if (meta) {
    json.Value(*meta);
  } else {
    json.Raw("{}");
  }

  json.Key("created_at").Time(row.Int(12));
  json.Key("updated_at").Time(row.Int(13));
  json.Key("updated_by").OptionalInt(row, 14);
  json.Key("is_labeled").Bool(row.Bool(9));
  json.Key("overlap").Int(row.Int(8));
  json.Key("inner_id").Int(row.Int(2));
  json.Key("total_annotations").Int(row.Int(5));
  json.Key("cancelled_annotations").Int(row.Int(6));
  json.Key("total_predictions").Int(row.Int(7));
  json.Key("comment_count").Int(0);
  json.Key("unresolved_comment_count").Int(0);
  json.Key("last_comment_updated_at").Raw("null");
  json.Key("comment_authors").Raw("[]");
  json.Key("file_upload").OptionalInt(row, 11);
  json.Key("allow_skip").Bool(row.Bool(10, true));
  json.Key("state").String(row.IsNull(15) ? std::string_view("unlabeled") : TextOf(row, 15));
}

// One annotation in AnnotationJson's order, with completed_by replaced by
// the annotator's object when `annotators` has it.
void WriteAnnotation(std::string& out, const store::Row& row, const std::map<int64_t, std::string>& annotators,
                     StoredJsonParser& parser) {
  JsonText json(out);
  json.Open();
  json.Key("id").Int(row.Int(0));
  json.Key("task").Int(row.Int(1));
  json.Key("project").Int(row.Int(2));
  json.Key("completed_by");
  auto annotator = row.IsNull(3) ? annotators.end() : annotators.find(row.Int(3));
  if (annotator != annotators.end()) {
    json.Raw(annotator->second);
  } else {
    json.OptionalInt(row, 3);
  }
  // A result that is NULL or does not parse reads as null (AnnotationFromRow).
  std::optional<bj::value> result = row.IsNull(4) ? std::nullopt : parser.Parse(TextOf(row, 4));
  json.Key("result");
  if (result) {
    json.Value(*result);
  } else {
    json.Raw("null");
  }
  json.Key("was_cancelled").Bool(row.Bool(5));
  json.Key("ground_truth").Bool(row.Bool(6));
  json.Key("lead_time");
  if (row.IsNull(7)) {
    json.Raw("null");
  } else {
    json.Raw(json::FormatNumber(row.Double(7)));
  }
  json.Key("created_at").Time(row.Int(8));
  json.Key("updated_at").Time(row.Int(9));
  json.Key("draft_created_at");
  if (row.IsNull(10)) {
    json.Raw("null");
  } else {
    json.Time(row.Int(10));
  }
  json.Key("result_count").Int(result && result->is_array() ? static_cast<int64_t>(result->get_array().size()) : 0);
  json.Key("unique_id").String(TextOf(row, 11));
  json.Key("import_id").OptionalInt(row, 12);
  json.Key("last_action");
  if (row.IsNull(13)) {
    json.Raw("null");
  } else {
    json.String(TextOf(row, 13));
  }
  json.Key("last_created_by").OptionalInt(row, 14);
  json.Key("updated_by").OptionalInt(row, 15);
  json.Key("parent_prediction").OptionalInt(row, 16);
  json.Key("parent_annotation").OptionalInt(row, 17);
  std::optional<bj::value> prediction = row.IsNull(18) ? std::nullopt : parser.Parse(TextOf(row, 18));
  json.Key("prediction");
  if (prediction) {
    json.Value(*prediction);
  } else {
    json.Raw("{}");
  }
  json.Key("bulk_created").Bool(row.Bool(19));
  json.Close();
}

// The converter fields of ReadExportBatch (ExportSelection::
// converter_fields_only), read straight from the rows into `storage`.
Result<std::vector<bj::object>> ReadConverterBatch(store::Connection& connection, const ExportSelection& selection,
                                                   int64_t after_task_id, int64_t limit,
                                                   const bj::storage_ptr& storage) {
  store::Params params;
  TALLY_ASSIGN_OR_RETURN(where, TaskFilter(connection, selection, params));
  params.push_back(after_task_id);
  params.push_back(limit);
  TALLY_ASSIGN_OR_RETURN(task_rows, connection.Query(fmt::format("SELECT id, data FROM tasks WHERE {} AND id > ?"
                                                                 " ORDER BY id LIMIT ?",
                                                                 where),
                                                     params));
  std::vector<bj::object> tasks;
  if (task_rows.empty()) return tasks;
  std::vector<int64_t> ids;
  ids.reserve(task_rows.size());
  tasks.reserve(task_rows.size());
  for (const store::Row& row : task_rows) {
    ids.push_back(row.Int(0));
    bj::object task(storage);
    task["id"] = row.Int(0);
    // Data that does not parse, or is not an object, reads as {} (TaskFromRow).
    boost::system::error_code ec;
    bj::value data = bj::parse(TextOf(row, 1), ec, storage);
    task["data"] = !ec && data.is_object() ? std::move(data) : bj::value(bj::object(storage));
    task["annotations"] = bj::array(storage);
    tasks.push_back(std::move(task));
  }

  store::Params id_params(ids.begin(), ids.end());
  TALLY_ASSIGN_OR_RETURN(annotation_rows,
                         connection.Query(fmt::format("SELECT id, task_id, completed_by, result, was_cancelled,"
                                                      " ground_truth, lead_time, created_at, updated_at"
                                                      " FROM annotations WHERE task_id IN ({}) ORDER BY task_id, id",
                                                      Placeholders(ids.size())),
                                          id_params));
  std::map<int64_t, bj::object> annotators;
  if (!selection.completed_by_only_id) {
    std::vector<int64_t> annotator_ids;
    for (const store::Row& row : annotation_rows) {
      if (!row.IsNull(2)) annotator_ids.push_back(row.Int(2));
    }
    TALLY_ASSIGN_OR_RETURN(found, Annotators(connection, std::move(annotator_ids)));
    annotators = std::move(found);
  }

  // Both lists are in task id order.
  size_t task_index = 0;
  for (const store::Row& row : annotation_rows) {
    if (!KeepAnnotation(selection, row.Bool(4), row.Bool(5))) continue;
    while (task_index < ids.size() && ids[task_index] != row.Int(1)) ++task_index;
    if (task_index == ids.size()) break;
    bj::object annotation(storage);
    annotation["id"] = row.Int(0);
    if (row.IsNull(2)) {
      annotation["completed_by"] = nullptr;
    } else if (auto user = annotators.find(row.Int(2)); user != annotators.end()) {
      annotation["completed_by"] = bj::value(user->second, storage);
    } else {
      annotation["completed_by"] = row.Int(2);
    }
    annotation["was_cancelled"] = row.Bool(4);
    annotation["ground_truth"] = row.Bool(5);
    annotation["lead_time"] = row.IsNull(6) ? bj::value(nullptr) : bj::value(row.Double(6));
    annotation["created_at"] = FormatIsoMicros(row.Int(7));
    annotation["updated_at"] = FormatIsoMicros(row.Int(8));
    // A result that is NULL or does not parse reads as null (AnnotationFromRow).
    boost::system::error_code ec;
    bj::value result = row.IsNull(3) ? bj::value(nullptr) : bj::parse(TextOf(row, 3), ec, storage);
    annotation["result"] = ec ? bj::value(nullptr) : std::move(result);
    tasks[task_index]["annotations"].get_array().push_back(std::move(annotation));
  }
  return tasks;
}

}  // namespace

Result<int64_t> CountExportTasks(store::Connection& connection, const ExportSelection& selection) {
  store::Params params;
  TALLY_ASSIGN_OR_RETURN(where, TaskFilter(connection, selection, params));
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT COUNT(*) FROM tasks WHERE " + where, params));
  return row ? row->Int(0) : 0;
}

Result<std::vector<bj::object>> ReadExportBatch(store::Connection& connection, const ExportSelection& selection,
                                                int64_t after_task_id, int64_t limit,
                                                const bj::storage_ptr& storage) {
  if (selection.converter_fields_only) {
    return ReadConverterBatch(connection, selection, after_task_id, limit, storage);
  }
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
    bj::object json = TaskJson(task);
    json["predictions"] = bj::array();
    json["drafts"] = bj::array();
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
  std::map<int64_t, bj::object> annotators;
  if (!selection.completed_by_only_id) {
    TALLY_ASSIGN_OR_RETURN(found, Annotators(connection, std::move(annotator_ids)));
    annotators = std::move(found);
  }
  for (Annotation& annotation : annotations) {
    if (!KeepAnnotation(selection, annotation.was_cancelled, annotation.ground_truth)) continue;
    // The same for the result, the largest part of an annotation.
    bj::value result = std::move(annotation.result);
    annotation.result = nullptr;
    bj::object json = AnnotationJson(annotation);
    json["result_count"] = result.is_array() ? static_cast<int64_t>(result.get_array().size()) : 0;
    json["result"] = std::move(result);
    if (annotation.completed_by) {
      auto user = annotators.find(*annotation.completed_by);
      if (user != annotators.end()) json["completed_by"] = user->second;
    }
    tasks[index.at(annotation.task_id)]["annotations"].get_array().push_back(std::move(json));
  }

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

Result<SerializedBatch> ReadSerializedExportBatch(store::Connection& connection, const ExportSelection& selection,
                                                 int64_t after_task_id, int64_t limit,
                                                 std::vector<std::string>& tasks) {
  store::Params params;
  TALLY_ASSIGN_OR_RETURN(where, TaskFilter(connection, selection, params));
  params.push_back(after_task_id);
  params.push_back(limit);
  TALLY_ASSIGN_OR_RETURN(task_rows, connection.Query(fmt::format("SELECT {} FROM tasks WHERE {} AND id > ?"
                                                                 " ORDER BY id LIMIT ?",
                                                                 kSerializedTaskColumns, where),
                                                     params));
  SerializedBatch batch;
  if (task_rows.empty()) return batch;
  std::vector<int64_t> ids;
  ids.reserve(task_rows.size());
  for (const store::Row& row : task_rows) ids.push_back(row.Int(0));

  store::Params id_params(ids.begin(), ids.end());
  TALLY_ASSIGN_OR_RETURN(annotation_rows,
                         connection.Query(fmt::format("SELECT {} FROM annotations WHERE task_id IN ({})"
                                                      " ORDER BY task_id, id",
                                                      kSerializedAnnotationColumns, Placeholders(ids.size())),
                                          id_params));
  std::map<int64_t, std::string> annotators;
  if (!selection.completed_by_only_id) {
    std::vector<int64_t> annotator_ids;
    for (const store::Row& row : annotation_rows) {
      if (!row.IsNull(3)) annotator_ids.push_back(row.Int(3));
    }
    TALLY_ASSIGN_OR_RETURN(users, Annotators(connection, std::move(annotator_ids)));
    for (const auto& [id, user] : users) annotators[id] = json::Serialize(user);
  }

  // Predictions and drafts are few, so they keep the object path.
  std::map<int64_t, std::string> predictions;
  TALLY_ASSIGN_OR_RETURN(stored_predictions, ListPredictionsOfTasks(connection, ids));
  for (const Prediction& prediction : stored_predictions) {
    std::string& text = predictions[prediction.task_id];
    if (!text.empty()) text.push_back(',');
    text.append(json::Serialize(PredictionJson(prediction)));
  }
  std::map<int64_t, std::string> drafts;
  TALLY_ASSIGN_OR_RETURN(stored_drafts, DraftsOfTasks(connection, ids));
  for (const Draft& draft : stored_drafts) {
    std::string& text = drafts[draft.task_id];
    if (!text.empty()) text.push_back(',');
    text.append(json::Serialize(DraftJson(draft)));
  }

  if (tasks.size() < task_rows.size()) tasks.resize(task_rows.size());
  StoredJsonParser parser;
  size_t next_annotation = 0;
  for (size_t i = 0; i < task_rows.size(); ++i) {
    const int64_t task_id = ids[i];
    std::string& out = tasks[i];
    out.clear();
    JsonText json(out);
    WriteTaskHead(json, task_rows[i], parser);
    json.Key("predictions").Raw("[");
    if (auto found = predictions.find(task_id); found != predictions.end()) json.Raw(found->second);
    json.Raw("]");
    json.Key("drafts").Raw("[");
    if (auto found = drafts.find(task_id); found != drafts.end()) json.Raw(found->second);
    json.Raw("]");
    json.Key("annotations").Raw("[");
    // Both lists are in task id order, so each task's annotations follow
    // those of the task before it.
    bool first = true;
    for (; next_annotation < annotation_rows.size() && annotation_rows[next_annotation].Int(1) == task_id;
         ++next_annotation) {
      const store::Row& row = annotation_rows[next_annotation];
      if (!KeepAnnotation(selection, row.Bool(5), row.Bool(6))) continue;
      if (!first) out.push_back(',');
      first = false;
      WriteAnnotation(out, row, annotators, parser);
    }
    json.Raw("]");
    json.Close();
  }
  batch.count = task_rows.size();
  batch.last_task_id = ids.back();
  return batch;
}

}  // namespace tally::labeling::exporting
