#include "labeling/export/export_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/log.h"
#include "labeling/config/parser.h"
#include "labeling/export/python_text.h"
#include "labeling/import/import_run.h"

namespace tally::labeling::exporting {

namespace {

std::tm LocalTime(std::time_t now) {
  std::tm local{};
  localtime_r(&now, &local);
  return local;
}

Result<int64_t> ParseTaskId(const std::string& text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Error::InvalidField("ids", fmt::format("must be positive task ids, got \"{}\"", text));
  }
  return id;
}

}  // namespace

Result<std::optional<bool>> QueryBool(const http::Request& request, std::string_view name) {
  const std::optional<std::string> value = request.Query(name);
  if (!value) return std::optional<bool>();
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "yes") return std::optional<bool>(true);
  if (lower == "false" || lower == "0" || lower == "no") return std::optional<bool>(false);
  return Error::InvalidField(std::string(name), fmt::format("must be true or false, got \"{}\"", *value));
}

Result<ExportRequest> ParseExportQuery(const http::Request& request, int64_t project_id) {
  ExportRequest parsed;
  parsed.selection.project_id = project_id;
  if (auto type = request.Query("exportType")) {
    parsed.format = *type;
  } else if (auto legacy = request.Query("export_type")) {
    parsed.format = *legacy;
  }
  TALLY_ASSIGN_OR_RETURN(all_tasks, QueryBool(request, "download_all_tasks"));
  parsed.selection.all_tasks = all_tasks.value_or(false);
  TALLY_ASSIGN_OR_RETURN(resources, QueryBool(request, "download_resources"));
  parsed.download_resources = resources.value_or(true);
  for (const char* key : {"ids[]", "ids"}) {
    for (const std::string& text : request.QueryAll(key)) {
      // Accept both repeated parameters and one comma-separated list.
      size_t start = 0;
      while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        TALLY_ASSIGN_OR_RETURN(id, ParseTaskId(text.substr(start, comma - start)));
        parsed.selection.task_ids.push_back(id);
        start = comma + 1;
      }
    }
  }
  TALLY_ASSIGN_OR_RETURN(usual, QueryBool(request, "usual"));
  TALLY_ASSIGN_OR_RETURN(ground_truth, QueryBool(request, "ground_truth"));
  TALLY_ASSIGN_OR_RETURN(skipped, QueryBool(request, "skipped"));
  parsed.selection.usual = usual.value_or(true);
  parsed.selection.ground_truth = ground_truth.value_or(true);
  parsed.selection.skipped = skipped.value_or(true);
  return parsed;
}

Result<ExportSchema> ProjectExportSchema(const Project& project) {
  return SchemaFromLabelConfig(ParseLabelConfig(project.label_config));
}

Result<const FormatInfo*> CheckFormat(std::string_view format, const ExportSchema& schema) {
  const FormatInfo* info = FindFormat(format);
  if (!info) {
    std::string known;
    for (const FormatInfo& each : Formats()) known += (known.empty() ? "" : ", ") + each.name;
    return Error::InvalidField("exportType", fmt::format("unknown export format \"{}\"; use one of {}", format, known));
  }
  if (!FormatAvailable(*info, schema)) {
    return Error::InvalidField(
        "exportType", fmt::format("{} does not fit this project's label config; GET …/export/formats lists the "
                                  "formats it allows",
                                  format));
  }
  return info;
}

std::string ExportFileName(int64_t project_id, const FormatInfo& format, const ExportSelection& selection,
                           std::time_t now, bool archive) {
  const std::tm local = LocalTime(now);
  std::string key = fmt::format("{}|{}|{}|{}|{}{}{}", project_id, format.name, now, selection.all_tasks,
                                selection.usual, selection.ground_truth, selection.skipped);
  for (int64_t id : selection.task_ids) key += fmt::format(",{}", id);
  return fmt::format("project-{}-at-{:04}-{:02}-{:02}-{:02}-{:02}-{}.{}", project_id, local.tm_year + 1900,
                     local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, Sha256Hex(key).substr(0, 8),
                     archive ? std::string("zip") : format.extension);
}

std::string ExportContentType(const FormatInfo& format, bool archive) {
  if (archive) return "application/zip";
  if (format.extension == "json") return "application/json";
  if (format.extension == "csv") return "text/csv";
  if (format.extension == "tsv") return "text/tab-separated-values";
  return "text/plain; charset=utf-8";
}

std::function<std::optional<std::string>(const std::string&)> ExportMediaReader(
    const FormatInfo& format, bool download_resources, std::filesystem::path data_dir, int64_t project_id,
    LocalFileResolver resolve_local_file) {
  if (!download_resources && !AlwaysWithMedia(format.name)) return {};
  return ProjectMediaReader(std::move(data_dir), project_id, std::move(resolve_local_file));
}

std::function<std::optional<std::string>(const std::string&)> ProjectMediaReader(
    std::filesystem::path data_dir, int64_t project_id, LocalFileResolver resolve_local_file) {
  return [data_dir = std::move(data_dir), project_id, resolve_local_file = std::move(resolve_local_file)](
             const std::string& reference) -> std::optional<std::string> {
    std::optional<std::filesystem::path> path;
    const std::string upload_prefix = fmt::format("/data/upload/{}/", project_id);
    if (reference.rfind(upload_prefix, 0) == 0) {
      const std::string name = reference.substr(upload_prefix.size());
      // Only plain stored names: nothing that could leave the upload folder.
      if (name.empty() || name != SafeFileName(name) || name == "." || name == "..") return std::nullopt;
      path = data_dir / "upload" / std::to_string(project_id) / name;
    }
    for (std::string_view prefix : {"/data/local-files/?d=", "/data/local-files?d="}) {
      if (!resolve_local_file || reference.rfind(prefix, 0) != 0) continue;
      const std::string relative = PythonUnquote(std::string_view(reference).substr(prefix.size()));
      auto resolved = resolve_local_file(project_id, relative);
      if (!resolved) {
        TALLY_LOG_DEBUG("event=export_local_file_skipped project_id={} path=\"{}\" error=\"{}\"", project_id,
                        relative, resolved.error().message);
        return std::nullopt;
      }
      path = std::move(*resolved);
    }
    if (!path) return std::nullopt;

    // The size is checked before reading because the file is read whole.
    std::error_code size_error;
    const uintmax_t size = std::filesystem::file_size(*path, size_error);
    if (size_error) return std::nullopt;
    if (size > kMaxExportMediaBytes) {
      TALLY_LOG_WARN("event=export_media_skipped project_id={} reference=\"{}\" size_bytes={} limit_bytes={}",
                     project_id, reference, size, kMaxExportMediaBytes);
      return std::nullopt;
    }

    std::ifstream in(*path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content(static_cast<size_t>(size), '\0');
    in.read(content.data(), static_cast<std::streamsize>(size));
    content.resize(static_cast<size_t>(in.gcount()));
    return content;
  };
}

WriterOptions WriterOptionsAt(std::time_t now) {
  const std::tm local = LocalTime(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() %
      1000000;
  WriterOptions options;
  options.year = local.tm_year + 1900;
  options.date_created = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", local.tm_year + 1900,
                                     local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec, micros);
  return options;
}

}  // namespace tally::labeling::exporting
