// ExportRun: one export of a project in one format, produced piece by piece.
// Each Next call reads one batch of tasks from its TaskSource, feeds it to the
// format's writer and returns the bytes made so far, so the HTTP stream, the
// CLI and snapshot jobs share one path and none keeps the project in memory.
// Multi-file formats, and COCO with media, come out as a ZIP archive.
//
// Thread-safety: one thread at a time; successive calls may come from
// different threads.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/export/export_store.h"
#include "labeling/export/schema.h"
#include "labeling/export/writer.h"
#include "labeling/export/zip_sink.h"
#include "store/database.h"

namespace tally::labeling::exporting {

// Tasks read per database round trip.
inline constexpr int64_t kExportBatchTasks = 500;

// Tasks per batch when the archive carries media files. Each Next call
// returns the output of a whole batch, so this bounds it to about four
// media files of up to kMaxExportMediaBytes (export_options.h) each.
inline constexpr int64_t kExportMediaBatchTasks = 4;

// The origin of an export's tasks, read in id order, batch by batch.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  // The next at most `limit` tasks; an empty batch means none remain.
  // `restart` begins again from the first task (each writer pass does).
  [[nodiscard]] virtual Result<std::vector<boost::json::object>> Next(int64_t limit, bool restart) = 0;
  // True when NextSerialized can take the place of Next.
  virtual bool HasSerializedTasks() const { return false; }
  // The next at most `limit` tasks as the text json::Serialize writes for
  // the objects Next returns, in tasks[0, count) (see
  // ReadSerializedExportBatch). Returns the count, which is 0 when none
  // remain.
  [[nodiscard]] virtual Result<size_t> NextSerialized(int64_t /*limit*/, bool /*restart*/,
                                                      std::vector<std::string>& /*tasks*/) {
    return Error::Internal("this task source has no serialized tasks");
  }
};

// The selection's tasks, read from the database one batch per read.
std::unique_ptr<TaskSource> DatabaseTaskSource(store::Database& database, ExportSelection selection);

// The tasks of a file the JSON writer made (one task per line), such as an
// export snapshot.
std::unique_ptr<TaskSource> JsonFileTaskSource(std::filesystem::path path);

class ExportRun {
 public:
  // Fails with invalid_argument naming exportType for an unknown format.
  [[nodiscard]] static Result<std::unique_ptr<ExportRun>> Create(std::unique_ptr<TaskSource> source,
                                                                 ExportSchema schema, std::string_view format,
                                                                 const WriterOptions& options);
  // The same over DatabaseTaskSource(database, selection).
  [[nodiscard]] static Result<std::unique_ptr<ExportRun>> Create(store::Database& database, ExportSelection selection,
                                                                 ExportSchema schema, std::string_view format,
                                                                 const WriterOptions& options);

  // Appends the next bytes of the file to `out`; returns false once the
  // file is complete (after which Next must not be called).
  [[nodiscard]] Result<bool> Next(std::string& out);

  const FormatInfo& format() const { return *format_; }
  // True when the file is a ZIP archive (see ExportIsArchive).
  bool archive() const { return zip_ != nullptr; }
  int64_t tasks_written() const { return tasks_written_; }  // over every pass
  int passes() const { return writer_->passes(); }

 private:
  ExportRun() = default;
  // Runs one Finish step of the writer and hands over what it wrote.
  Result<bool> Drain(std::string& out);

  std::unique_ptr<TaskSource> source_;
  ExportSchema schema_;
  const FormatInfo* format_ = nullptr;
  std::unique_ptr<FormatWriter> writer_;
  std::string buffer_;
  std::unique_ptr<ZipSink> zip_;
  StringSink plain_;
  int pass_ = -1;
  bool finishing_ = false;
  bool restart_ = true;
  // Set when the source's serialized tasks go straight to the writer.
  bool serialized_ = false;
  std::vector<std::string> serialized_tasks_;
  int64_t tasks_written_ = 0;
  int64_t batch_tasks_ = kExportBatchTasks;
};

}  // namespace tally::labeling::exporting
