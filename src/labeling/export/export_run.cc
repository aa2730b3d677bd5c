#include "labeling/export/export_run.h"

namespace tally::labeling::exporting {

Result<std::unique_ptr<ExportRun>> ExportRun::Create(store::Database& database, ExportSelection selection,
                                                     ExportSchema schema, std::string_view format,
                                                     const WriterOptions& options) {
  std::unique_ptr<ExportRun> run(new ExportRun());
  run->database_ = &database;
  run->selection_ = std::move(selection);
  run->schema_ = std::move(schema);
  TALLY_ASSIGN_OR_RETURN(writer, MakeFormatWriter(format, run->schema_, options));
  run->writer_ = std::move(writer);
  run->format_ = FindFormat(format);
  if (run->format_->multi_file) run->zip_ = std::make_unique<ZipSink>(run->buffer_);
  return run;
}

Result<bool> ExportRun::Next(std::string& out) {
  ExportSink& sink = zip_ ? static_cast<ExportSink&>(*zip_) : plain_;
  if (pass_ < 0) {
    pass_ = 0;
    TALLY_TRY(writer_->BeginPass(pass_, sink));
  }

  if (finishing_) return Drain(out);

  TALLY_ASSIGN_OR_RETURN(batch, database_->Read([&](store::Connection& connection) {
    return ReadExportBatch(connection, selection_, after_id_, kExportBatchTasks);
  }));
  for (const boost::json::object& task : batch) TALLY_TRY(writer_->AddTask(pass_, task, sink));
  tasks_written_ += static_cast<int64_t>(batch.size());
  if (!batch.empty()) after_id_ = batch.back().at("id").as_int64();

  if (static_cast<int64_t>(batch.size()) < kExportBatchTasks) {
    if (pass_ + 1 < writer_->passes()) {
      ++pass_;
      after_id_ = 0;
      TALLY_TRY(writer_->BeginPass(pass_, sink));
    } else {
      finishing_ = true;
      return Drain(out);
    }
  }
  out += zip_ ? buffer_ : plain_.buffer;
  buffer_.clear();
  plain_.buffer.clear();
  return true;
}

Result<bool> ExportRun::Drain(std::string& out) {
  ExportSink& sink = zip_ ? static_cast<ExportSink&>(*zip_) : plain_;
  TALLY_ASSIGN_OR_RETURN(complete, writer_->Finish(sink));
  if (complete && zip_) TALLY_TRY(zip_->Close());
  out += zip_ ? buffer_ : plain_.buffer;
  buffer_.clear();
  plain_.buffer.clear();
  return !complete;
}

}  // namespace tally::labeling::exporting
