#include "labeling/export/cli.h"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "labeling/export/export_options.h"
#include "labeling/export/export_run.h"
#include "labeling/import/import_run.h"
#include "labeling/project_store.h"

namespace tally::labeling::exporting {

namespace {

void PrintError(std::ostream& errors, const Error& error) {
  errors << "error: " << error.message;
  for (const auto& field : error.fields) errors << "\n  " << field.field << ": " << field.message;
  if (!error.detail.empty()) errors << "\n  (" << error.detail << ")";
  errors << "\n";
}

// Reports done/total on a terminal as a redrawn bar, elsewhere as a line at
// most every two seconds (and at the end).
class Progress {
 public:
  Progress(std::FILE* out, std::string label, std::string unit)
      : out_(out), label_(std::move(label)), unit_(std::move(unit)), tty_(out && isatty(fileno(out))) {}

  void Update(int64_t done, int64_t total, bool final = false) {
    if (!out_) return;
    const auto now = std::chrono::steady_clock::now();
    if (tty_) {
      const double fraction = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
      const int filled = static_cast<int>(fraction * 30);
      std::fprintf(out_, "\r%s [%s%s] %3d%% %lld/%lld %s", label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(30 - filled, ' ').c_str(), static_cast<int>(fraction * 100),
                   static_cast<long long>(done), static_cast<long long>(total), unit_.c_str());
      if (final) std::fputc('\n', out_);
      std::fflush(out_);
      return;
    }
    if (!final && now - last_line_ < std::chrono::seconds(2)) return;
    last_line_ = now;
    std::fprintf(out_, "%s: %lld/%lld %s\n", label_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), unit_.c_str());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  std::string label_;
  std::string unit_;
  bool tty_;
  std::chrono::steady_clock::time_point last_line_{};
};

Result<Project> LoadProject(store::Database& database, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(project, database.Read([&](store::Connection& c) { return FindProject(c, project_id); }));
  if (!project) return Error::NotFound(fmt::format("project {} not found", project_id));
  return *project;
}

}  // namespace

int RunExportCommand(store::Database& database, const ExportCommand& command, std::FILE* progress,
                     std::ostream& errors) {
  auto project = LoadProject(database, command.project_id);
  if (!project) return PrintError(errors, project.error()), 1;
  auto schema = ProjectExportSchema(*project);
  if (!schema) return PrintError(errors, schema.error()), 1;
  auto format = CheckFormat(command.format, *schema);
  if (!format) return PrintError(errors, format.error()), 1;

  ExportSelection selection;
  selection.project_id = command.project_id;
  selection.all_tasks = command.all_tasks;
  auto total = database.Read([&](store::Connection& c) { return CountExportTasks(c, selection); });
  if (!total) return PrintError(errors, total.error()), 1;
  WriterOptions options = WriterOptionsAt(std::time(nullptr));
  options.read_media =
      ExportMediaReader(**format, command.download_resources, command.data_dir, command.project_id,
                        command.resolve_local_file);
  auto run = ExportRun::Create(database, selection, std::move(*schema), (*format)->name, options);
  if (!run) return PrintError(errors, run.error()), 1;

  const std::filesystem::path partial = command.out.string() + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    errors << "error: cannot write " << partial << "\n";
    return 1;
  }
  Progress bar(progress, "export", "tasks");
  std::string chunk;
  for (;;) {
    chunk.clear();
    auto more = (*run)->Next(chunk);
    if (!more) {
      out.close();
      std::filesystem::remove(partial);
      PrintError(errors, more.error());
      return 1;
    }
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!out) {
      std::filesystem::remove(partial);
      errors << "error: writing " << partial << " failed (disk full?)\n";
      return 1;
    }
    // Formats that read the tasks twice (CSV finds its columns first) count
    // each task once per pass, so progress is shown in whole-export tasks.
    bar.Update((*run)->tasks_written() / (*run)->passes(), *total, !*more);
    if (!*more) break;
  }
  out.close();
  std::error_code renamed;
  std::filesystem::rename(partial, command.out, renamed);
  if (renamed) {
    errors << "error: cannot move the export to " << command.out << ": " << renamed.message() << "\n";
    return 1;
  }
  return 0;
}

int RunImportCommand(store::Database& database, const std::filesystem::path& data_dir, int64_t project_id,
                     const std::vector<std::filesystem::path>& files, std::FILE* progress, std::ostream& output,
                     std::ostream& errors) {
  auto project = LoadProject(database, project_id);
  if (!project) return PrintError(errors, project.error()), 1;
  if (!project->created_by) {
    errors << "error: project " << project_id << " has no creator to import as; import through the API instead\n";
    return 1;
  }

  // The files go in as one multipart body, as a browser upload sends them,
  // so every file type the import route reads works here too.
  // NOTE: the body is held in memory whole, like the route's.
  const std::string boundary = "----tally-cli-import-" + std::to_string(std::time(nullptr));
  std::string body;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      errors << "error: cannot read " << file << "\n";
      return 1;
    }
    std::ostringstream content;
    content << in.rdbuf();
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            file.filename().string() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    body += content.str();
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";

  ImportRequest request;
  request.project_id = project_id;
  request.principal.kind = http::Principal::Kind::kUser;
  request.principal.user_id = *project->created_by;
  request.principal.organization_id = project->organization_id;
  request.body = body;
  request.content_type = "multipart/form-data; boundary=" + boundary;
  Progress bar(progress, "import", "bytes");
  request.on_progress = [&bar](size_t done, size_t total) {
    bar.Update(static_cast<int64_t>(done), static_cast<int64_t>(total));
  };
  const auto start = std::chrono::steady_clock::now();
  auto outcome = RunImport(database, data_dir, request);
  if (!outcome) return PrintError(errors, outcome.error()), 1;
  bar.Update(static_cast<int64_t>(body.size()), static_cast<int64_t>(body.size()), true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  output << json::Serialize(ImportResponseJson(*outcome, seconds, false)) << "\n";
  return 0;
}

}  // namespace tally::labeling::exporting
