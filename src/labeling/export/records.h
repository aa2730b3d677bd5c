// Converter records: Label Studio's converter turns each exported task into
// one record per annotation, and every format other than JSON is written
// from these records.
//
// Rules (Label Studio's converter, label-studio-sdk 1.x):
// - cancelled annotations (`was_cancelled`, or the legacy `skipped`) are
//   dropped; the rest are ordered by `created_at` newest first;
// - a task without annotations gives one record with an empty output, and a
//   task whose annotations were all cancelled gives none;
// - the legacy key `completions` is read when `annotations` is absent;
// - a result whose from_name matches no control is ignored; each kept
//   result contributes its `value` plus "type" (the control's tag name) and
//   original_width/original_height when present, grouped by from_name in
//   first-seen order.
//
// Thread-safety: reentrant functions; a record borrows the task it came from.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "labeling/export/schema.h"

namespace tally::labeling::exporting {

struct AnnotationRecord {
  boost::json::value task_id;           // the task's "id"
  const boost::json::object* input = nullptr;  // the task's "data"
  boost::json::object output;           // from_name → array of values
  boost::json::value completed_by;      // id, user object, or {} without an annotation
  boost::json::value annotation_id;     // null without an annotation
  boost::json::value created_at;
  boost::json::value updated_at;
  boost::json::value lead_time;
  boost::json::value history;
  const boost::json::value* agreement = nullptr;  // the task's "agreement" when present
};

struct RecordOptions {
  // Keep each result's "id" and "parentID" in its value (YOLO keypoints
  // attach points to boxes through them).
  bool keep_region_ids = false;
};

std::vector<AnnotationRecord> RecordsOfTask(const boost::json::object& task, const ExportSchema& schema,
                                            const RecordOptions& options = {});

// The converter's "annotator": a user object renders as its email (or
// `fallback` without one), an id as text, or as a number when `int_id`.
boost::json::value Annotator(const AnnotationRecord& record, const boost::json::value& fallback = nullptr,
                             bool int_id = false);

// The converter's prettify_result for one from_name's values, with "type"
// removed: a single Choices value with one choice or a single TextArea value
// with one text becomes that string, a single other Choices/TextArea value
// becomes that object, everything else a list of objects.
boost::json::value PrettifyValues(const boost::json::array& values);

// Python's os.path.basename and os.path.splitext()[0] of a URL or path.
std::string BaseName(std::string_view path);
std::string StripExtension(std::string_view name);

// The file name of a task's media reference as the converter names the
// file it copies: for a local files reference ("/data/…?d=<path>") the
// percent-decoded base name of <path>, otherwise BaseName(reference).
std::string MediaFileName(std::string_view reference);

}  // namespace tally::labeling::exporting
