#include "integrations/storages/storage_service.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <re2/re2.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "jobs/job_queue.h"
#include "labeling/annotation_store.h"
#include "labeling/import/json_items.h"
#include "labeling/import/task_importer.h"
#include "labeling/route_support.h"
#include "labeling/serialize.h"
#include "labeling/task_store.h"
#include "labeling/webhook_events.h"

namespace tally::integrations::storages {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

// Objects between two progress reports of a sync.
constexpr size_t kProgressEvery = 50;

// Tasks whose annotations one export sync reads at a time.
constexpr int64_t kExportTaskChunk = 500;

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) {
    if (!text.empty()) text += '\n';
    text += line;
  }
  return text;
}

// The storage type that serves a URI scheme, or "" for other schemes.
std::string TypeOfScheme(std::string_view scheme) {
  if (scheme == "s3") return "s3";
  if (scheme == "gs") return "gcs";
  if (scheme == "azure-blob") return "azure";
  return "";
}

constexpr std::string_view kSchemes[] = {"s3://", "gs://", "azure-blob://"};

// Returns where a URI inside a longer string ends: at whitespace, a quote
// or an angle bracket, as in <embed src='s3://b/k'>.
size_t UriEnd(std::string_view text, size_t start) {
  size_t end = start;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
         text[end] != '\'' && text[end] != '<' && text[end] != '>') {
    ++end;
  }
  return end;
}

struct ParsedUri {
  std::string type;
  std::string bucket;
  std::string key;
};

std::optional<ParsedUri> ParseUri(std::string_view uri) {
  const size_t separator = uri.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  ParsedUri parsed;
  parsed.type = TypeOfScheme(uri.substr(0, separator));
  std::string_view rest = uri.substr(separator + 3);
  const size_t slash = rest.find('/');
  if (parsed.type.empty() || slash == std::string_view::npos || slash == 0) return std::nullopt;
  parsed.bucket = std::string(rest.substr(0, slash));
  parsed.key = std::string(rest.substr(slash + 1));
  if (parsed.key.empty()) return std::nullopt;
  return parsed;
}

// Calls `on_string` for every string in `value`, depth first.
void ForEachString(bj::value& value, const std::function<void(bj::string&)>& on_string) {
  if (value.is_string()) {
    on_string(value.as_string());
  } else if (value.is_array()) {
    for (bj::value& item : value.as_array()) ForEachString(item, on_string);
  } else if (value.is_object()) {
    for (auto& [key, item] : value.as_object()) ForEachString(item, on_string);
  }
}

bool MayHaveUri(std::string_view text) {
  for (std::string_view scheme : kSchemes) {
    if (text.find(scheme) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

StorageService::StorageService(store::Database& database, const core::SecretBox& secret_box,
                               const OutboundClient& client, std::vector<fs::path> local_roots)
    : database_(database), secret_box_(secret_box), client_(client), local_roots_(std::move(local_roots)) {}

Result<StorageSettings> StorageService::OpenSettings(const Storage& storage) const {
  StorageSettings settings = storage.settings;
  if (storage.credentials_sealed) {
    TALLY_ASSIGN_OR_RETURN(opened, secret_box_.Open(*storage.credentials_sealed));
    boost::system::error_code ec;
    bj::value parsed = bj::parse(opened, ec);
    if (ec || !parsed.is_object()) return Error::Internal("sealed storage credentials are not a JSON object");
    settings.credentials = std::move(parsed.as_object());
  }
  return settings;
}

Result<std::unique_ptr<ObjectStore>> StorageService::OpenStore(const Storage& storage) const {
  TALLY_ASSIGN_OR_RETURN(settings, OpenSettings(storage));
  return OpenStore(settings);
}

Result<std::unique_ptr<ObjectStore>> StorageService::OpenStore(const StorageSettings& settings) const {
  return OpenObjectStore(settings, client_, local_roots_);
}

Result<int64_t> StorageService::EnqueueSync(Connection& connection, Storage& storage, int64_t organization_id,
                                            std::optional<int64_t> created_by) {
  if (storage.status == "queued" || storage.status == "in_progress") {
    return Error::Conflict("A sync of this storage is already queued or in progress; wait for it to finish.");
  }
  TALLY_ASSIGN_OR_RETURN(job_id, jobs::JobQueue::EnqueueIn(connection, kSyncJobKind,
                                                           bj::object{{"storage_id", storage.id}},
                                                           {.organization_id = organization_id,
                                                            .project_id = storage.project_id,
                                                            .created_by = created_by,
                                                            .max_attempts = 1}));
  storage.status = "queued";
  storage.last_sync_job = job_id;
  TALLY_TRY(UpdateStorageState(connection, storage));
  return job_id;
}

Result<void> StorageService::EnqueueAnnotationExport(Connection& connection, const labeling::Project& project,
                                                     int64_t annotation_id, bool deleted) {
  TALLY_ASSIGN_OR_RETURN(targets, ListStorages(connection, project.id, kExportRole));
  for (const Storage& storage : targets) {
    if (deleted && !storage.settings.Flag("can_delete_objects", false)) continue;
    const bj::object payload{{"storage_id", storage.id}, {"annotation_id", annotation_id}, {"deleted", deleted}};
    TALLY_TRY(jobs::JobQueue::EnqueueIn(connection, kExportAnnotationJobKind, payload,
                                        {.organization_id = project.organization_id, .project_id = project.id}));
  }
  return Ok();
}

Result<void> StorageService::ReleaseStaleSync(int64_t storage_id) {
  TALLY_ASSIGN_OR_RETURN(found, database_.Read([&](Connection& c) { return FindStorage(c, storage_id); }));
  if (!found || !found->last_sync_job || (found->status != "queued" && found->status != "in_progress")) return Ok();
  jobs::JobQueue queue(database_);
  auto job = queue.Get(*found->last_sync_job);
  if (job && !job->is_finished()) return Ok();
  if (!job && !job.error().IsNotFound()) return job.error();
  const std::string ended = job ? std::string(jobs::JobStatusName(job->status)) : "deleted";
  Storage storage = std::move(*found);
  storage.status = "failed";
  storage.traceback = fmt::format("The sync job {} ended ({}) before it finished the sync. Sync again.",
                                  *storage.last_sync_job, ended);
  TALLY_TRY(database_.Write([&](Connection& c) { return UpdateStorageState(c, storage); }));
  TALLY_LOG_WARN("event=storage_sync_released storage_id={} job_id={} job_status={}", storage.id,
                 *storage.last_sync_job, ended);
  return Ok();
}

void StorageService::RecordFailure(Storage& storage, const Error& error) {
  storage.status = "failed";
  storage.traceback = error.message;
  storage.last_sync = NowMicros();
  auto written = database_.Write([&](Connection& c) { return UpdateStorageState(c, storage); });
  if (!written) {
    TALLY_LOG_ERROR("event=storage_state_write_failed storage_id={} error=\"{}\"", storage.id, written.error().detail);
  }
  TALLY_LOG_WARN("event=storage_sync_failed storage_id={} project_id={} error=\"{}\"", storage.id, storage.project_id,
                 error.message);
}

Result<bj::value> StorageService::RunSyncJob(jobs::JobContext& context) {
  const bj::object* payload = context.payload().if_object();
  if (!payload || !payload->contains("storage_id") || !payload->at("storage_id").is_int64()) {
    return Error::Invalid("storage.sync job payload needs storage_id");
  }
  const int64_t storage_id = payload->at("storage_id").as_int64();
  TALLY_ASSIGN_OR_RETURN(found, database_.Read([&](Connection& c) { return FindStorage(c, storage_id); }));
  if (!found) return Error::Invalid("The storage of this sync was deleted");
  Storage storage = std::move(*found);

  storage.status = "in_progress";
  storage.traceback.reset();
  storage.last_sync_job = context.job_id();
  const int64_t attempts = storage.meta.contains("attempts") && storage.meta.at("attempts").is_int64()
                               ? storage.meta.at("attempts").as_int64()
                               : 0;
  storage.meta["attempts"] = attempts + 1;
  TALLY_TRY(database_.Write([&](Connection& c) { return UpdateStorageState(c, storage); }));

  auto outcome = storage.role == kExportRole ? SyncExportStorage(context, storage) : SyncImportStorage(context, storage);
  if (!outcome) {
    RecordFailure(storage, outcome.error());
    return outcome.error();
  }
  return outcome;
}

Result<bj::value> StorageService::SyncImportStorage(jobs::JobContext& context, Storage storage) {
  const auto started = std::chrono::steady_clock::now();
  TALLY_ASSIGN_OR_RETURN(store, OpenStore(storage));

  // 1. Every key under the prefix that the filter keeps.
  const RegexFilter filter(storage.settings.String("regex_filter"));
  const bool match_file_name = storage.settings.type == "localfiles";
  std::vector<std::string> keys;
  std::string token;
  do {
    TALLY_ASSIGN_OR_RETURN(page, store->List(token));
    for (ObjectEntry& entry : page.objects) {
      const std::string subject = match_file_name ? fs::path(entry.key).filename().string() : entry.key;
      if (filter.Matches(subject)) keys.push_back(std::move(entry.key));
    }
    token = std::move(page.next_token);
  } while (!token.empty());

  // 2. Only keys no earlier sync linked.
  TALLY_ASSIGN_OR_RETURN(linked, database_.Read([&](Connection& c) { return LinkedKeys(c, storage.id); }));
  std::erase_if(keys, [&](const std::string& key) { return linked.contains(key); });

  TALLY_ASSIGN_OR_RETURN(project, database_.Read([&](Connection& c) -> Result<labeling::Project> {
    TALLY_ASSIGN_OR_RETURN(found, labeling::FindProject(c, storage.project_id));
    if (!found) return Error::Invalid("The project of this storage was deleted");
    return std::move(*found);
  }));
  TALLY_ASSIGN_OR_RETURN(config, labeling::ProjectLabelConfig(project));
  const int64_t user_id = context.created_by().value_or(project.created_by.value_or(0));
  const bool blob_urls = storage.settings.Flag("use_blob_urls", false);

  // 3. One transaction per object, so a bad object costs only itself.
  int64_t tasks_created = 0;
  int64_t objects_imported = 0;
  int64_t objects_failed = 0;
  int64_t objects_raced = 0;
  std::vector<std::string> traceback;
  auto fail_object = [&](const std::string& key, const std::string& message) {
    ++objects_failed;
    if (traceback.size() < kMaxTracebackLines) traceback.push_back(fmt::format("{}: {}", key, message));
  };
  for (size_t index = 0; index < keys.size(); ++index) {
    const std::string& key = keys[index];
    if (index % kProgressEvery == 0) {
      TALLY_TRY(context.ReportProgress(static_cast<int>(index * 100 / keys.size())));
    }
    std::string bytes;
    if (!blob_urls) {
      auto body = store->Get(key);
      if (!body) {
        if (body.error().IsNotFound()) {
          fail_object(key, "the object was deleted after the listing; it is skipped");
          continue;
        }
        return body.error();  // the store itself fails: the whole sync fails
      }
      bytes = std::move(body->bytes);
    }
    auto imported = database_.Write([&](Connection& c) -> Result<int64_t> {
      // A concurrent sync may have linked the key since the listing.
      TALLY_ASSIGN_OR_RETURN(already, IsKeyLinked(c, storage.id, key));
      if (already) return Error::Conflict("already linked");
      labeling::TaskImporter importer(c, project, config, user_id, /*keep_task_ids=*/true);
      if (blob_urls) {
        TALLY_TRY(importer.AddData(bj::object{{labeling::kUndefinedDataKey, store->UriOf(key)}}));
      } else {
        auto parsed = labeling::ForEachJsonItem(bytes, [&](bj::value& item) { return importer.AddItem(item); });
        if (!parsed) {
          return Error::Invalid(fmt::format("not a JSON task or list of tasks ({}); for media files switch "
                                            "use_blob_urls on",
                                            parsed.error().message));
        }
      }
      TALLY_ASSIGN_OR_RETURN(summary, importer.Finish());
      TALLY_TRY(LinkTasks(c, storage.id, key, summary.task_ids));
      TALLY_TRY(labeling::EmitTasksCreated(c, project, summary.task_ids));
      return summary.task_count;
    });
    if (!imported) {
      const Error& error = imported.error();
      if (error.IsConflict()) {
        ++objects_raced;
      } else if (error.Is(Errc::kInvalidArgument)) {
        std::string message = error.message;
        for (const FieldError& field : error.fields) message += fmt::format("; {}: {}", field.field, field.message);
        fail_object(key, message);
      } else {
        return error;
      }
      continue;
    }
    tasks_created += *imported;
    ++objects_imported;
  }

  // 4. The outcome on the storage and the job.
  storage.status = objects_failed > 0 ? "completed_with_errors" : "completed";
  if (objects_failed > 0) {
    if (objects_failed > static_cast<int64_t>(traceback.size())) {
      traceback.push_back(fmt::format("… and {} more objects failed", objects_failed - traceback.size()));
    }
    storage.traceback = Join(traceback);
  }
  storage.last_sync = NowMicros();
  storage.last_sync_count = tasks_created;
  storage.meta["tasks_existing"] = static_cast<int64_t>(linked.size());
  storage.meta["objects_failed"] = objects_failed;
  storage.meta["duration"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  TALLY_TRY(database_.Write([&](Connection& c) { return UpdateStorageState(c, storage); }));
  TALLY_LOG_INFO("event=storage_synced storage_id={} project_id={} job_id={} objects_listed={} objects_imported={} "
                 "objects_failed={} objects_skipped_concurrent={} tasks_created={}",
                 storage.id, storage.project_id, context.job_id(), keys.size() + linked.size(), objects_imported,
                 objects_failed, objects_raced, tasks_created);
  return bj::value(bj::object{{"storage_id", storage.id},
                              {"status", storage.status},
                              {"tasks_created", tasks_created},
                              {"objects_imported", objects_imported},
                              {"objects_failed", objects_failed},
                              {"errors", bj::value_from(traceback)}});
}

namespace {

// The annotation as a target storage receives it: Label Studio's legacy
// format, the annotation with its task embedded.
Result<std::optional<std::string>> RenderAnnotation(Connection& c, int64_t annotation_id) {
  TALLY_ASSIGN_OR_RETURN(annotation, labeling::FindAnnotation(c, annotation_id));
  if (!annotation) return std::optional<std::string>();
  TALLY_ASSIGN_OR_RETURN(task, labeling::FindTask(c, annotation->task_id));
  bj::object body = labeling::AnnotationJson(*annotation);
  body["task"] = task ? bj::value(labeling::TaskJson(*task)) : bj::value(nullptr);
  return std::optional<std::string>(json::Serialize(body));
}

}  // namespace

Result<bj::value> StorageService::SyncExportStorage(jobs::JobContext& context, Storage storage) {
  TALLY_ASSIGN_OR_RETURN(store, OpenStore(storage));
  TALLY_ASSIGN_OR_RETURN(settings, OpenSettings(storage));
  int64_t exported = 0;
  for (int64_t offset = 0;; offset += kExportTaskChunk) {
    std::vector<std::pair<int64_t, std::string>> bodies;
    TALLY_ASSIGN_OR_RETURN(task_count, database_.Read([&](Connection& c) -> Result<size_t> {
      TALLY_ASSIGN_OR_RETURN(tasks, labeling::ListTasks(c, storage.project_id, offset, kExportTaskChunk));
      std::vector<int64_t> task_ids;
      for (const auto& task : tasks) task_ids.push_back(task.id);
      if (task_ids.empty()) return size_t{0};
      TALLY_ASSIGN_OR_RETURN(annotations, labeling::ListAnnotationsOfTasks(c, task_ids));
      for (const auto& annotation : annotations) {
        TALLY_ASSIGN_OR_RETURN(body, RenderAnnotation(c, annotation.id));
        if (body) bodies.emplace_back(annotation.id, std::move(*body));
      }
      return task_ids.size();
    }));
    if (task_count == 0) break;
    for (const auto& [annotation_id, body] : bodies) {
      TALLY_TRY(store->Put(ExportKey(settings, annotation_id), body, "application/json"));
      ++exported;
    }
    if (auto stop = context.ReportProgress(50); !stop) return stop.error();
  }
  storage.status = "completed";
  storage.last_sync = NowMicros();
  storage.last_sync_count = exported;
  TALLY_TRY(database_.Write([&](Connection& c) { return UpdateStorageState(c, storage); }));
  TALLY_LOG_INFO("event=storage_exported storage_id={} project_id={} job_id={} annotations={}", storage.id,
                 storage.project_id, context.job_id(), exported);
  return bj::value(bj::object{{"storage_id", storage.id}, {"status", storage.status}, {"annotations_exported", exported}});
}

Result<bj::value> StorageService::RunExportAnnotationJob(jobs::JobContext& context) {
  const bj::object* payload = context.payload().if_object();
  if (!payload || !payload->contains("storage_id") || !payload->contains("annotation_id")) {
    return Error::Invalid("storage.export_annotation job payload needs storage_id and annotation_id");
  }
  const int64_t storage_id = payload->at("storage_id").to_number<int64_t>();
  const int64_t annotation_id = payload->at("annotation_id").to_number<int64_t>();
  const bool deleted = payload->contains("deleted") && payload->at("deleted") == true;

  TALLY_ASSIGN_OR_RETURN(found, database_.Read([&](Connection& c) { return FindStorage(c, storage_id); }));
  if (!found) return bj::value(bj::object{{"skipped", "the storage was deleted"}});
  TALLY_ASSIGN_OR_RETURN(settings, OpenSettings(*found));
  TALLY_ASSIGN_OR_RETURN(store, OpenStore(settings));
  const std::string key = ExportKey(settings, annotation_id);
  if (deleted) {
    TALLY_TRY(store->Delete(key));
    return bj::value(bj::object{{"deleted", key}});
  }
  TALLY_ASSIGN_OR_RETURN(body, database_.Read([&](Connection& c) { return RenderAnnotation(c, annotation_id); }));
  // An annotation deleted before its export ran has nothing left to write.
  if (!body) return bj::value(bj::object{{"skipped", "the annotation was deleted"}});
  TALLY_TRY(store->Put(key, *body, "application/json"));
  return bj::value(bj::object{{"written", key}, {"bytes", body->size()}});
}

Result<void> StorageService::ResolveTaskData(Connection& connection, int64_t project_id, int64_t task_id,
                                             bj::object& task_data) const {
  // Most tasks carry no cloud URI: look before loading any storage.
  bj::value data(std::move(task_data));
  bool any = false;
  ForEachString(data, [&](bj::string& text) { any = any || MayHaveUri(text); });
  if (!any) {
    task_data = std::move(data.as_object());
    return Ok();
  }
  auto restore = [&] { task_data = std::move(data.as_object()); };
  auto sources = ListStorages(connection, project_id, kImportRole);
  auto targets = ListStorages(connection, project_id, kExportRole);
  if (!sources || !targets) {
    restore();
    return sources ? targets.error() : sources.error();
  }
  sources->insert(sources->end(), targets->begin(), targets->end());
  std::map<int64_t, std::unique_ptr<ObjectStore>> opened;

  auto resolve = [&](const std::string& uri) -> std::optional<std::string> {
    auto parsed = ParseUri(uri);
    if (!parsed) return std::nullopt;
    for (const Storage& storage : *sources) {
      if (storage.settings.type != parsed->type || storage.settings.Bucket() != parsed->bucket) continue;
      if (!storage.settings.Flag("presign", true)) {
        return fmt::format("/tasks/{}/resolve/?fileuri={}", task_id, Base64UrlEncode(uri));
      }
      auto& store = opened[storage.id];
      if (!store) {
        auto made = OpenStore(storage);
        if (!made) {
          TALLY_LOG_WARN("event=storage_open_failed storage_id={} error=\"{}\"", storage.id, made.error().message);
          return std::nullopt;
        }
        store = std::move(*made);
      }
      auto url = store->Presign(parsed->key, std::chrono::minutes(storage.settings.Integer("presign_ttl", 1)));
      if (url) return *url;
      return fmt::format("/tasks/{}/resolve/?fileuri={}", task_id, Base64UrlEncode(uri));
    }
    return std::nullopt;
  };

  ForEachString(data, [&](bj::string& value) {
    if (!MayHaveUri(value)) return;
    std::string text(value);
    std::string out;
    size_t position = 0;
    while (position < text.size()) {
      size_t found = std::string::npos;
      for (std::string_view scheme : kSchemes) {
        const size_t at = text.find(scheme, position);
        if (at != std::string::npos && (found == std::string::npos || at < found)) found = at;
      }
      if (found == std::string::npos) break;
      // A value that is one URI may contain spaces in its key. A URI inside
      // longer text ends at whitespace, a quote or an angle bracket.
      const bool whole_value = found == 0 && ParseUri(text).has_value() && position == 0;
      const size_t end = whole_value ? text.size() : UriEnd(text, found);
      out.append(text, position, found - position);
      const std::string uri = text.substr(found, end - found);
      auto replacement = resolve(uri);
      out += replacement ? *replacement : uri;
      position = end;
    }
    out.append(text, std::min(position, text.size()), std::string::npos);
    value = out;
  });
  restore();
  return Ok();
}

Result<ObjectBody> StorageService::ReadUri(int64_t project_id, const std::string& uri,
                                           const std::string& range) const {
  auto parsed = ParseUri(uri);
  if (!parsed) return Error::NotFound("The file URI is not an s3://, gs:// or azure-blob:// URI.");
  TALLY_ASSIGN_OR_RETURN(storages, database_.Read([&](Connection& c) -> Result<std::vector<Storage>> {
    TALLY_ASSIGN_OR_RETURN(sources, ListStorages(c, project_id, kImportRole));
    TALLY_ASSIGN_OR_RETURN(targets, ListStorages(c, project_id, kExportRole));
    sources.insert(sources.end(), targets.begin(), targets.end());
    return sources;
  }));
  for (const Storage& storage : storages) {
    if (storage.settings.type != parsed->type || storage.settings.Bucket() != parsed->bucket) continue;
    TALLY_ASSIGN_OR_RETURN(store, OpenStore(storage));
    return range.empty() ? store->Get(parsed->key) : store->GetRange(parsed->key, range);
  }
  return Error::NotFound("No storage of this project can read this file.");
}

void RegisterStorageJobs(jobs::WorkerPool& pool, StorageService& service) {
  pool.Register(std::string(kSyncJobKind), [&service](jobs::JobContext& context) { return service.RunSyncJob(context); });
  pool.Register(std::string(kExportAnnotationJobKind),
                [&service](jobs::JobContext& context) { return service.RunExportAnnotationJob(context); });
}

std::string ExportKey(const StorageSettings& settings, int64_t annotation_id) {
  std::string prefix = settings.type == "localfiles" ? "" : settings.Prefix();
  if (!prefix.empty() && !prefix.ends_with('/')) prefix += '/';
  return prefix + std::to_string(annotation_id);
}

namespace {

// `pattern` anchored at the start of the key only, as re.match is.
std::unique_ptr<re2::RE2> CompileAnchored(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);  // a bad pattern is reported to the user, not logged
  return std::make_unique<re2::RE2>("^(?:" + pattern + ")", options);
}

}  // namespace

RegexFilter::RegexFilter(const std::string& pattern) {
  if (pattern.empty()) return;
  compiled_ = CompileAnchored(pattern);
  invalid_ = !compiled_->ok();  // saved storages were checked; this only guards old rows
}

RegexFilter::~RegexFilter() = default;

bool RegexFilter::Matches(const std::string& key) const {
  if (invalid_) return false;
  if (!compiled_) return true;
  return re2::RE2::PartialMatch(key, *compiled_);
}

std::string RegexFilter::Problem(const std::string& pattern) {
  if (pattern.empty()) return "";
  const auto compiled = CompileAnchored(pattern);
  return compiled->ok() ? "" : compiled->error();
}

}  // namespace tally::integrations::storages
