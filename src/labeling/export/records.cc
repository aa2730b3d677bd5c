#include "labeling/export/records.h"

#include <algorithm>

#include "labeling/export/python_text.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

bool IsTrue(const bj::object& object, std::string_view key) {
  const bj::value* value = object.if_contains(key);
  if (!value) return false;
  if (value->is_bool()) return value->get_bool();
  if (value->is_int64()) return value->get_int64() != 0;
  return false;
}

bj::value Field(const bj::object& object, std::string_view key, bj::value fallback = nullptr) {
  const bj::value* value = object.if_contains(key);
  return value ? *value : fallback;
}

// Sort key of Python's sorted(key=lambda a: a.get("created_at", 0)): the
// exporter always writes ISO strings, so strings compare as text.
std::string CreatedAtKey(const bj::object& annotation) {
  const bj::value* value = annotation.if_contains("created_at");
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// The output takes the task's memory resource, so a batch read into an
// arena (ReadExportBatch) builds its records there too.
AnnotationRecord BaseRecord(const bj::object& task) {
  AnnotationRecord record{.output = bj::object(task.storage())};
  record.task_id = Field(task, "id");
  static const bj::object kEmpty;
  const bj::value* data = task.if_contains("data");
  record.input = data && data->is_object() ? &data->get_object() : &kEmpty;
  record.agreement = task.if_contains("agreement");
  return record;
}

}  // namespace

std::vector<AnnotationRecord> RecordsOfTask(const bj::object& task, const ExportSchema& schema,
                                            const RecordOptions& options) {
  std::vector<AnnotationRecord> records;
  const bj::value* list = task.if_contains("annotations");
  if (!list) list = task.if_contains("completions");
  if (!list || !list->is_array()) return records;

  if (list->get_array().empty()) {
    AnnotationRecord record = BaseRecord(task);
    record.completed_by = bj::object();
    records.push_back(std::move(record));
    return records;
  }

  std::vector<const bj::object*> kept;
  for (const bj::value& item : list->get_array()) {
    if (!item.is_object()) continue;
    const bj::object& annotation = item.get_object();
    if (IsTrue(annotation, "skipped") || IsTrue(annotation, "was_cancelled")) continue;
    kept.push_back(&annotation);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const bj::object* left, const bj::object* right) {
    return CreatedAtKey(*left) > CreatedAtKey(*right);
  });

  for (const bj::object* annotation : kept) {
    AnnotationRecord record = BaseRecord(task);
    const bj::value* result = annotation->if_contains("result");
    if (result && result->is_array()) {
      for (const bj::value& item : result->get_array()) {
        if (!item.is_object()) continue;
        const bj::object& region = item.get_object();
        const bj::value* from_name = region.if_contains("from_name");
        if (!from_name || !from_name->is_string() || from_name->get_string().empty()) continue;
        const SchemaControl* control = schema.Match(from_name->get_string());
        if (!control) continue;
        bj::object value(task.storage());
        if (const bj::value* given = region.if_contains("value"); given && given->is_object()) {
          value = given->get_object();
        }
        value["type"] = control->type;
        if (const bj::value* width = region.if_contains("original_width")) value["original_width"] = *width;
        if (const bj::value* height = region.if_contains("original_height")) value["original_height"] = *height;
        if (options.keep_region_ids) {
          value["id"] = Field(region, "id");
          value["parentID"] = Field(region, "parentID");
        }
        bj::value& group = record.output[from_name->get_string()];
        if (!group.is_array()) group = bj::array();
        group.get_array().push_back(std::move(value));
      }
    }
    record.completed_by = Field(*annotation, "completed_by", bj::object());
    record.annotation_id = Field(*annotation, "id");
    record.created_at = Field(*annotation, "created_at");
    record.updated_at = Field(*annotation, "updated_at");
    record.lead_time = Field(*annotation, "lead_time");
    record.history = Field(*annotation, "history");
    records.push_back(std::move(record));
  }
  return records;
}

bj::value Annotator(const AnnotationRecord& record, const bj::value& fallback, bool int_id) {
  const bj::value& annotator = record.completed_by;
  if (annotator.is_object()) {
    const bj::value* email = annotator.get_object().if_contains("email");
    return email ? *email : fallback;
  }
  if (annotator.is_int64() && int_id) return annotator;
  if (annotator.is_int64()) return bj::string(std::to_string(annotator.get_int64()));
  if (annotator.is_string()) return annotator;
  if (annotator.is_null()) return bj::string("None");
  return bj::string(bj::serialize(annotator));
}

bj::value PrettifyValues(const bj::array& values) {
  bj::array out;
  std::string type;
  for (const bj::value& item : values) {
    bj::object value = item.get_object();
    const bj::value* tag = value.if_contains("type");
    type = tag && tag->is_string() ? std::string(tag->get_string()) : std::string();
    value.erase("type");
    const char* list_key = nullptr;
    if (type == "Choices") {
      list_key = "choices";
    } else if (type == "TextArea") {
      list_key = "text";
    }
    const bj::value* list = list_key ? value.if_contains(list_key) : nullptr;
    if (list && list->is_array() && list->get_array().size() == 1) {
      out.push_back(list->get_array().front());
    } else if (type == "Chat" || type == "chatmessage") {
      const bj::value* message = value.if_contains("chatmessage");
      out.push_back(message ? *message : bj::value(std::move(value)));
    } else {
      out.push_back(std::move(value));
    }
  }
  if ((type == "Choices" || type == "TextArea") && out.size() == 1) return out.front();
  return out;
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string StripExtension(std::string_view name) {
  // Leading dots do not start an extension (".env" has none).
  size_t first = 0;
  while (first < name.size() && name[first] == '.') ++first;
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot < first) return std::string(name);
  return std::string(name.substr(0, dot));
}

std::string MediaFileName(std::string_view reference) {
  const size_t query = reference.find("?d=");
  if (reference.rfind("/data/", 0) != 0 || query == std::string_view::npos) return BaseName(reference);
  return BaseName(PythonUnquote(reference.substr(query + 3)));
}

}  // namespace tally::labeling::exporting
