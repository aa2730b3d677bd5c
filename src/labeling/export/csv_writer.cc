// CSV and TSV: one row per converter record, columns sorted by name, the
// cells quoted as Python's csv module does with QUOTE_NONNUMERIC and rows
// ended by CRLF. Two passes: the header needs every column name first.
#include <set>

#include "labeling/export/python_text.h"
#include "labeling/export/records.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

std::string CellJson(const bj::value& value) { return Ujson(value, UjsonStyle{0, false}); }

class CsvWriter : public FormatWriter {
 public:
  CsvWriter(const ExportSchema& schema, char separator) : schema_(schema), separator_(separator) {
    for (const SchemaControl& control : schema.controls) control_names_.insert(control.name);
  }

  int passes() const override { return 2; }

  Result<void> BeginPass(int pass, ExportSink& sink) override {
    if (pass == 0) {
      columns_ = {"annotator", "annotation_id", "created_at", "updated_at", "lead_time"};
      return Ok();
    }
    order_.assign(columns_.begin(), columns_.end());
    TALLY_TRY(sink.BeginFile(separator_ == '\t' ? "result.tsv" : "result.csv"));
    std::string header;
    for (size_t i = 0; i < order_.size(); ++i) {
      if (i > 0) header.push_back(separator_);
      AppendCsvCell(header, bj::string(order_[i]));
    }
    header += "\r\n";
    return sink.Write(header);
  }

  Result<void> AddTask(int pass, const bj::object& task, ExportSink& sink) override {
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      bj::object row = Row(record);
      if (pass == 0) {
        for (const auto& member : row) columns_.insert(std::string(member.key()));
        continue;
      }
      chunk_.clear();
      for (size_t i = 0; i < order_.size(); ++i) {
        if (i > 0) chunk_.push_back(separator_);
        const bj::value* cell = row.if_contains(order_[i]);
        AppendCsvCell(chunk_, cell ? *cell : bj::value(nullptr));
      }
      chunk_ += "\r\n";
      TALLY_TRY(sink.Write(chunk_));
    }
    return Ok();
  }

  Result<bool> Finish(ExportSink& sink) override {
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  // The cells of one record by column name.
  bj::object Row(const AnnotationRecord& record) const {
    bj::object row;
    if (!record.task_id.is_null()) row["id"] = record.task_id;
    for (const auto& member : record.output) {
      bj::value pretty = PrettifyValues(member.value().get_array());
      row[member.key()] = pretty.is_string() ? pretty : bj::value(bj::string(CellJson(pretty)));
    }
    for (const auto& member : *record.input) {
      // A data key named like a control moves to "_data_<key>", so the
      // control's column keeps the annotation.
      std::string key(member.key());
      if (control_names_.count(key) > 0) key = "_data_" + key;
      const bj::value& value = member.value();
      row[key] = value.is_object() || value.is_array() ? bj::value(bj::string(CellJson(value))) : value;
    }
    row["annotator"] = Annotator(record);
    row["annotation_id"] = record.annotation_id;
    row["created_at"] = record.created_at;
    row["updated_at"] = record.updated_at;
    row["lead_time"] = record.lead_time;
    if (record.agreement) row["agreement"] = *record.agreement;
    const bool has_history = record.history.is_array() ? !record.history.get_array().empty()
                             : record.history.is_object() ? !record.history.get_object().empty()
                                                          : !record.history.is_null();
    if (has_history) row["history"] = bj::string(CellJson(record.history));
    return row;
  }

  const ExportSchema& schema_;
  const char separator_;
  std::set<std::string> control_names_;
  std::set<std::string> columns_;  // sorted by bytes, which is code point order for UTF-8
  std::vector<std::string> order_;
  std::string chunk_;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeCsvWriter(const ExportSchema& schema, char separator) {
  return std::make_unique<CsvWriter>(schema, separator);
}

}  // namespace tally::labeling::exporting
