// BRUSH_TO_NUMPY and BRUSH_TO_PNG: one mask file per brush region, at the
// root of the archive.
//
// Rules (Label Studio's converter, label-studio-sdk 1.x): the writer visits
// each record, each from_name and each of its values. A value whose control
// is BrushLabels or Labels and that has an `rle` is decoded into an
// original_height × original_width RGBA mask, of which the alpha channel is
// kept. The file is named
// task-<task id>-annotation-<annotation id>-by-<annotator>-<from_name>-
// <labels joined by "-">-<n>, where the annotator is the email (or the id)
// with all but letters, digits, '@' and '.' removed, a value without labels
// counts as "no_label", <n> counts values with the same from_name and labels
// within the record from 0, and '/' and '\' become '-'.
//
// Where the converter would stop the whole export (a value without
// original_width/original_height, an RLE that does not decode to that
// size), this writer skips the value, logs it once per export with the
// count, and keeps going.
#include <fmt/format.h>

#include <map>

#include "core/log.h"
#include "labeling/export/brush_mask.h"
#include "labeling/export/image_common.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// str() of a JSON value as the converter's Python would print it in a name.
std::string PythonText(const bj::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return "None";
  if (value.is_bool()) return value.get_bool() ? "True" : "False";
  return bj::serialize(value);
}

// The annotator part of a file name.
// NOTE: Python's isalnum() also keeps non-ASCII letters; this keeps ASCII
// letters and digits only, so a non-ASCII email differs from the converter's.
std::string AnnotatorPart(const bj::value& completed_by) {
  std::string text;
  if (completed_by.is_object()) {
    const bj::value* email = completed_by.get_object().if_contains("email");
    text = email ? PythonText(*email) : std::string();
  } else {
    text = PythonText(completed_by);
  }
  std::string kept;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.') kept.push_back(c);
  }
  return kept;
}

class BrushWriter : public FormatWriter {
 public:
  explicit BrushWriter(const ExportSchema& schema, bool png) : schema_(schema), png_(png) {}

  Result<void> BeginPass(int, ExportSink&) override { return Ok(); }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      const std::string prefix = fmt::format("task-{}-annotation-{}-by-{}-", PythonText(record.task_id),
                                             PythonText(record.annotation_id), AnnotatorPart(record.completed_by));
      for (const auto& [from_name, values] : record.output) {
        std::map<std::string, int64_t> counters;
        for (const bj::value& value : values.get_array()) {
          TALLY_TRY(WriteValue(record, from_name, value.get_object(), prefix, counters, sink));
        }
      }
    }
    return Ok();
  }

  Result<bool> Finish(ExportSink&) override {
    if (skipped_ > 0) {
      TALLY_LOG_WARN("event=export_brush_regions_skipped count={} first_task_id={} first_error=\"{}\"", skipped_,
                     first_skipped_task_, first_error_);
    }
    return true;
  }

 private:
  Result<void> WriteValue(const AnnotationRecord& record, std::string_view from_name, const bj::object& value,
                          const std::string& prefix, std::map<std::string, int64_t>& counters, ExportSink& sink) {
    const bj::value* type = value.if_contains("type");
    std::string key;
    if (type && type->is_string()) {
      std::string lower(type->get_string());
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower == "brushlabels" || lower == "labels") key = lower;
    }
    const bj::value* rle = value.if_contains("rle");
    if (key.empty() || !rle) return Ok();

    std::string name = std::string(from_name) + "-";
    const bj::value* labels = value.if_contains(key);
    if (!labels) {
      name += "no_label";
    } else if (labels->is_array()) {
      bool first = true;
      for (const bj::value& label : labels->get_array()) {
        name += first ? "" : "-";
        name += PythonText(label);
        first = false;
      }
    } else {
      name += PythonText(*labels);
    }
    // The converter counts the value before it decodes it.
    const int64_t index = counters[name]++;
    name += fmt::format("-{}", index);
    for (char& c : name) {
      if (c == '/' || c == '\\') c = '-';
    }

    auto mask = DecodeValue(value, *rle);
    if (!mask) {
      if (skipped_++ == 0) {
        first_skipped_task_ = PythonText(record.task_id);
        first_error_ = mask.error().message;
      }
      return Ok();
    }
    std::string file;
    if (png_) {
      TALLY_ASSIGN_OR_RETURN(encoded, PngFile(*mask));
      file = std::move(encoded);
    } else {
      file = NpyFile(*mask);
    }
    TALLY_TRY(sink.BeginFile(prefix + name + (png_ ? ".png" : ".npy")));
    TALLY_TRY(sink.Write(file));
    return sink.EndFile();
  }

  static Result<BrushMask> DecodeValue(const bj::object& value, const bj::value& rle) {
    const auto width = Number(value, "original_width");
    const auto height = Number(value, "original_height");
    if (!width || !height) return Error::Invalid("brush region has no original_width/original_height");
    if (!rle.is_array()) return Error::Invalid("brush region's rle is not a list of bytes");
    TALLY_ASSIGN_OR_RETURN(bytes, BrushRleBytes(rle.get_array()));
    return DecodeBrushMask(bytes, static_cast<int64_t>(*width), static_cast<int64_t>(*height));
  }

  const ExportSchema& schema_;
  const bool png_;
  int64_t skipped_ = 0;
  std::string first_skipped_task_;
  std::string first_error_;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeBrushWriter(const ExportSchema& schema, bool png) {
  return std::make_unique<BrushWriter>(schema, png);
}

}  // namespace tally::labeling::exporting
