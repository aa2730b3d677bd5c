#include "labeling/export/export_run.h"

#include <boost/json/monotonic_resource.hpp>

#include <fstream>
#include <optional>

namespace tally::labeling::exporting {

namespace {

class DatabaseSource : public TaskSource {
 public:
  DatabaseSource(store::Database& database, ExportSelection selection)
      : database_(database), selection_(std::move(selection)) {}

  Result<std::vector<boost::json::object>> Next(int64_t limit, bool restart) override {
    if (restart) after_id_ = 0;
    // The previous batch is gone by now (ExportRun drops it after writing),
    // so its memory goes back in one step. A new arena rather than
    // monotonic_resource::release(), because allocations after release()
    // threw bad_alloc here with Boost 1.81.
    arena_.reset();
    arena_.emplace();
    TALLY_ASSIGN_OR_RETURN(batch, database_.Read([&](store::Connection& connection) {
      return ReadExportBatch(connection, selection_, after_id_, limit, boost::json::storage_ptr(&*arena_));
    }));
    if (!batch.empty()) after_id_ = batch.back().at("id").as_int64();
    return batch;
  }

  bool HasSerializedTasks() const override { return !selection_.converter_fields_only; }

  Result<size_t> NextSerialized(int64_t limit, bool restart, std::vector<std::string>& tasks) override {
    if (restart) after_id_ = 0;
    TALLY_ASSIGN_OR_RETURN(batch, database_.Read([&](store::Connection& connection) {
      return ReadSerializedExportBatch(connection, selection_, after_id_, limit, tasks);
    }));
    if (batch.count > 0) after_id_ = batch.last_task_id;
    return batch.count;
  }

 private:
  store::Database& database_;
  ExportSelection selection_;
  int64_t after_id_ = 0;
  // Memory of the current batch's objects (converter fields only).
  std::optional<boost::json::monotonic_resource> arena_;
};

class JsonFileSource : public TaskSource {
 public:
  explicit JsonFileSource(std::filesystem::path path) : path_(std::move(path)) {}

  Result<std::vector<boost::json::object>> Next(int64_t limit, bool restart) override {
    if (restart || !in_.is_open()) {
      in_.close();
      in_.clear();
      in_.open(path_, std::ios::binary);
      if (!in_) return Error::NotFound("The export file is missing; create the export again.");
    }
    std::vector<boost::json::object> batch;
    std::string line;
    while (static_cast<int64_t>(batch.size()) < limit && std::getline(in_, line)) {
      if (!line.empty() && line.back() == ',') line.pop_back();
      if (line.empty() || line == "[" || line == "]" || line == "[]") continue;
      boost::system::error_code ec;
      boost::json::value task = boost::json::parse(line, ec);
      if (ec || !task.is_object()) {
        return Error::Internal("export file " + path_.string() + " has a line that is not a task");
      }
      batch.push_back(std::move(task.get_object()));
    }
    return batch;
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
};

}  // namespace

std::unique_ptr<TaskSource> DatabaseTaskSource(store::Database& database, ExportSelection selection) {
  return std::make_unique<DatabaseSource>(database, std::move(selection));
}

std::unique_ptr<TaskSource> JsonFileTaskSource(std::filesystem::path path) {
  return std::make_unique<JsonFileSource>(std::move(path));
}

Result<std::unique_ptr<ExportRun>> ExportRun::Create(store::Database& database, ExportSelection selection,
                                                     ExportSchema schema, std::string_view format,
                                                     const WriterOptions& options) {
  // Every format but JSON converts records, which read a few fields only.
  selection.converter_fields_only = BaseFormatName(format) != "JSON";
  return Create(DatabaseTaskSource(database, std::move(selection)), std::move(schema), format, options);
}

Result<std::unique_ptr<ExportRun>> ExportRun::Create(std::unique_ptr<TaskSource> source, ExportSchema schema,
                                                     std::string_view format, const WriterOptions& options) {
  std::unique_ptr<ExportRun> run(new ExportRun());
  run->source_ = std::move(source);
  run->schema_ = std::move(schema);
  TALLY_ASSIGN_OR_RETURN(writer, MakeFormatWriter(format, run->schema_, options));
  run->writer_ = std::move(writer);
  run->format_ = FindFormat(format);
  run->serialized_ = run->writer_->TakesSerializedTasks() && run->source_->HasSerializedTasks();
  if (options.read_media) run->batch_tasks_ = kExportMediaBatchTasks;
  if (ExportIsArchive(*run->format_, static_cast<bool>(options.read_media))) {
    run->zip_ = std::make_unique<ZipSink>(run->buffer_);
  }
  return run;
}

Result<bool> ExportRun::Next(std::string& out) {
  ExportSink& sink = zip_ ? static_cast<ExportSink&>(*zip_) : plain_;
  if (pass_ < 0) {
    pass_ = 0;
    TALLY_TRY(writer_->BeginPass(pass_, sink));
  }

  if (finishing_) return Drain(out);

  size_t batch_size = 0;
  if (serialized_) {
    TALLY_ASSIGN_OR_RETURN(count, source_->NextSerialized(batch_tasks_, restart_, serialized_tasks_));
    for (size_t i = 0; i < count; ++i) TALLY_TRY(writer_->AddSerializedTask(pass_, serialized_tasks_[i], sink));
    batch_size = count;
  } else {
    TALLY_ASSIGN_OR_RETURN(batch, source_->Next(batch_tasks_, restart_));
    for (const boost::json::object& task : batch) TALLY_TRY(writer_->AddTask(pass_, task, sink));
    batch_size = batch.size();
  }
  restart_ = false;
  tasks_written_ += static_cast<int64_t>(batch_size);

  if (static_cast<int64_t>(batch_size) < batch_tasks_) {
    if (pass_ + 1 < writer_->passes()) {
      ++pass_;
      restart_ = true;
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
