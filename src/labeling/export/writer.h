// The streaming export interface: a FormatWriter turns exported tasks (in
// Label Studio's JSON export shape) into the files of one format, writing
// through an ExportSink as it goes, so no format keeps a project in memory.
//
// Call order: for each pass in [0, passes()): BeginPass, then AddTask for
// every task in id order; then Finish until it returns true, draining the
// sink between calls (a long trailer, such as COCO's annotations, comes out
// in pieces). Most formats take one pass; CSV
// and TSV take two (the first collects column names, as the header comes
// first). Tasks must arrive in the same order in every pass.
//
// Single-file formats write one file; their sink may ignore the file name
// (a plain download). Multi-file formats (VOC, YOLO) need a sink that keeps
// names, such as ZipSink.
//
// Thread-safety: a writer and a sink are used by one thread at a time.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "labeling/export/schema.h"

namespace tally::labeling::exporting {

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  // Starts the next file; files never interleave.
  [[nodiscard]] virtual Result<void> BeginFile(std::string_view name) = 0;
  [[nodiscard]] virtual Result<void> Write(std::string_view bytes) = 0;
  [[nodiscard]] virtual Result<void> EndFile() = 0;
};

// A sink of exactly one file: appends every byte to a string the caller
// drains (HTTP chunks, a file on disk).
class StringSink : public ExportSink {
 public:
  Result<void> BeginFile(std::string_view) override { return Ok(); }
  Result<void> Write(std::string_view bytes) override {
    buffer.append(bytes);
    return Ok();
  }
  Result<void> EndFile() override { return Ok(); }
  std::string buffer;
};

class FormatWriter {
 public:
  virtual ~FormatWriter() = default;
  virtual int passes() const { return 1; }
  [[nodiscard]] virtual Result<void> BeginPass(int pass, ExportSink& sink) = 0;
  [[nodiscard]] virtual Result<void> AddTask(int pass, const boost::json::object& task, ExportSink& sink) = 0;
  // True when the writer takes tasks as the text json::Serialize writes for
  // them (AddSerializedTask) from sources that have it: the JSON writer,
  // whose output is that text.
  virtual bool TakesSerializedTasks() const { return false; }
  [[nodiscard]] virtual Result<void> AddSerializedTask(int /*pass*/, std::string_view /*task_json*/,
                                                       ExportSink& /*sink*/) {
    return Error::Internal("this export format does not take serialized tasks");
  }
  // Writes the end of the output. Returns true when the output is complete,
  // false when the caller should drain the sink and call again.
  [[nodiscard]] virtual Result<bool> Finish(ExportSink& sink) = 0;
};

struct FormatInfo {
  std::string name;         // exportType: "JSON", "YOLO_OBB", …
  std::string title;        // as Label Studio shows it
  std::string description;
  std::string extension;    // of the downloaded file: "json", "csv", "zip", …
  bool multi_file = false;  // written as a zip archive
  std::vector<std::string> tags;
};

// Every format Tally writes, in Label Studio's catalogue order.
const std::vector<FormatInfo>& Formats();
// The format named `name` (exact, upper case), or nullptr.
const FormatInfo* FindFormat(std::string_view name);

// The format a *_WITH_IMAGES name converts to ("COCO" for
// "COCO_WITH_IMAGES"); other names unchanged.
std::string_view BaseFormatName(std::string_view format);
// True for the *_WITH_IMAGES formats, which carry media even when
// download_resources is off.
bool AlwaysWithMedia(std::string_view format);
// True when the export is a ZIP archive: every multi-file format, and COCO
// when it carries its images (result.json plus images/).
bool ExportIsArchive(const FormatInfo& format, bool download_resources);

// True when the project's config allows `format`, by Label Studio's rules
// (one data key for everything but JSON, JSON_MIN, CSV and TSV; the object
// and control tags each format needs).
bool FormatAvailable(const FormatInfo& format, const ExportSchema& schema);

struct WriterOptions {
  // COCO's info.date_created and info.year, Label Studio's local time;
  // tests fix it to compare whole files.
  std::string date_created;  // "2024-03-01 10:05:00.123456"
  int year = 1970;
  // YOLO: one label folder per annotator (labels/<completed_by>/…), the
  // converter's split_labelers option.
  bool split_labelers = false;
  // Returns the bytes of the media file a task's reference names, or
  // nullopt when it is not available here. When set (Label Studio's
  // download_resources), each task's image goes into the archive as
  // images/<file name> (COCO, VOC, YOLO; COCO then becomes an archive), and
  // its recording as audio/<file name> (ASR_MANIFEST). Empty: no media.
  std::function<std::optional<std::string>(const std::string& reference)> read_media;
};

// Writes the task's image (the last record's reference under `data_key`)
// as images/<base name> when `options.read_media` finds it. Internal to the
// VOC and YOLO writers; COCO and ASR_MANIFEST archive their own media.
[[nodiscard]] Result<void> WriteTaskMedia(const WriterOptions& options, const std::string& reference,
                                          ExportSink& sink);

// A writer of `format` for a project with `schema`. Fails with
// invalid_argument naming exportType when the format is unknown.
[[nodiscard]] Result<std::unique_ptr<FormatWriter>> MakeFormatWriter(std::string_view format,
                                                                    const ExportSchema& schema,
                                                                    const WriterOptions& options);

// Writers by format, for MakeFormatWriter and tests.
std::unique_ptr<FormatWriter> MakeJsonWriter();
std::unique_ptr<FormatWriter> MakeJsonMinWriter(const ExportSchema& schema);
std::unique_ptr<FormatWriter> MakeCsvWriter(const ExportSchema& schema, char separator);
std::unique_ptr<FormatWriter> MakeConllWriter(const ExportSchema& schema);
std::unique_ptr<FormatWriter> MakeCocoWriter(const ExportSchema& schema, const WriterOptions& options);
std::unique_ptr<FormatWriter> MakeVocWriter(const ExportSchema& schema, const WriterOptions& options);
std::unique_ptr<FormatWriter> MakeBrushWriter(const ExportSchema& schema, bool png);
std::unique_ptr<FormatWriter> MakeAsrManifestWriter(const ExportSchema& schema, const WriterOptions& options);
std::unique_ptr<FormatWriter> MakeYoloWriter(const ExportSchema& schema, const WriterOptions& options, bool oriented);

}  // namespace tally::labeling::exporting
