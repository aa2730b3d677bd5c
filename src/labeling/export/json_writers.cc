// JSON (the task list as the API serialises it) and JSON_MIN (one flat
// object per converter record).
#include "core/json.h"
#include "labeling/export/python_text.h"
#include "labeling/export/records.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// "[\n" + tasks, one per line, separated by ",\n" + "\n]": each task stays on
// one line so line-oriented tools can split the file.
class JsonWriter : public FormatWriter {
 public:
  Result<void> BeginPass(int, ExportSink& sink) override {
    TALLY_TRY(sink.BeginFile("result.json"));
    return sink.Write("[");
  }
  Result<void> AddTask(int pass, const bj::object& task, ExportSink& sink) override {
    return AddSerializedTask(pass, json::Serialize(task), sink);
  }
  bool TakesSerializedTasks() const override { return true; }
  Result<void> AddSerializedTask(int, std::string_view task_json, ExportSink& sink) override {
    TALLY_TRY(sink.Write(first_ ? "\n" : ",\n"));
    first_ = false;
    return sink.Write(task_json);
  }
  Result<bool> Finish(ExportSink& sink) override {
    TALLY_TRY(sink.Write(first_ ? "]" : "\n]"));
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  bool first_ = true;
};

// The converter writes "[\n", records as ujson indent=2 separated by ",\n",
// then "\n]".
class JsonMinWriter : public FormatWriter {
 public:
  explicit JsonMinWriter(const ExportSchema& schema) : schema_(schema) {}

  Result<void> BeginPass(int, ExportSink& sink) override {
    TALLY_TRY(sink.BeginFile("result.json"));
    return sink.Write("[\n");
  }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      bj::object flat = *record.input;
      if (!record.task_id.is_null()) flat["id"] = record.task_id;
      for (const auto& member : record.output) flat[member.key()] = PrettifyValues(member.value().get_array());
      flat["annotator"] = Annotator(record, nullptr, /*int_id=*/true);
      flat["annotation_id"] = record.annotation_id;
      flat["created_at"] = record.created_at;
      flat["updated_at"] = record.updated_at;
      flat["lead_time"] = record.lead_time;
      if (record.agreement) flat["agreement"] = *record.agreement;

      chunk_.clear();
      if (!first_) chunk_ += ",\n";
      first_ = false;
      AppendUjson(chunk_, flat, UjsonStyle{2, false});
      TALLY_TRY(sink.Write(chunk_));
    }
    return Ok();
  }

  Result<bool> Finish(ExportSink& sink) override {
    TALLY_TRY(sink.Write("\n]"));
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  const ExportSchema& schema_;
  bool first_ = true;
  std::string chunk_;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeJsonWriter() { return std::make_unique<JsonWriter>(); }
std::unique_ptr<FormatWriter> MakeJsonMinWriter(const ExportSchema& schema) {
  return std::make_unique<JsonMinWriter>(schema);
}

}  // namespace tally::labeling::exporting
