// What Tally does with storages: opens their object stores with the sealed
// credentials, runs sync jobs (source storages create tasks from new
// objects; target storages receive every annotation), exports single
// annotations as they are written, and rewrites cloud URIs in task data
// for readers (presigned or proxied).
//
// Sync of a source storage (`storage.sync` job):
//   1. status in_progress, meta.attempts + 1;
//   2. list every key under the prefix (all pages), keep those regex_filter
//      matches at their start (Python re.match; local files match the file
//      name), drop keys already linked to tasks of this storage;
//   3. per new key, in its own write transaction: read the object (tasks
//      mode: a JSON task or list of tasks; use_blob_urls: one task whose
//      first data key is the object's URI), import through TaskImporter,
//      and link the key to the new tasks. The link's primary key makes a
//      concurrent or retried sync roll back instead of importing twice;
//   4. status completed, or completed_with_errors with one traceback line
//      per object that failed (deleted since the listing, not JSON, rejected
//      by the label config), or failed when the store itself fails (down,
//      wrong credentials, 5xx).
// Sync jobs run once (max_attempts 1): the storage's status and traceback
// report a failure, and the user syncs again, which resumes where the links end.
//
// Thread-safety: stateless apart from references; share freely. No method
// holds a transaction while it waits for a store.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/secret_box.h"
#include "integrations/outbound/client.h"
#include "integrations/storages/object_store.h"
#include "integrations/storages/storage_store.h"
#include "jobs/worker_pool.h"
#include "labeling/project_store.h"
#include "store/database.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace tally::integrations::storages {

inline constexpr std::string_view kSyncJobKind = "storage.sync";
inline constexpr std::string_view kExportAnnotationJobKind = "storage.export_annotation";

// Most traceback lines one sync keeps; later failures are only counted.
inline constexpr size_t kMaxTracebackLines = 100;

class StorageService {
 public:
  StorageService(store::Database& database, const core::SecretBox& secret_box, const OutboundClient& client,
                 std::vector<std::filesystem::path> local_roots);

  // The storage's settings with its credentials opened. Fails with
  // kUnavailable when the secret box cannot open them.
  [[nodiscard]] Result<StorageSettings> OpenSettings(const Storage& storage) const;

  // The object store of a storage, or of settings not yet saved.
  [[nodiscard]] Result<std::unique_ptr<ObjectStore>> OpenStore(const Storage& storage) const;
  [[nodiscard]] Result<std::unique_ptr<ObjectStore>> OpenStore(const StorageSettings& settings) const;

  // Marks the storage queued and enqueues its sync job in the caller's
  // transaction. Fails with kConflict when a sync is already queued or in
  // progress. Returns the job id; the caller wakes the pool after commit.
  [[nodiscard]] static Result<int64_t> EnqueueSync(Connection& connection, Storage& storage,
                                                   int64_t organization_id, std::optional<int64_t> created_by);

  // Marks the storage failed when it shows a sync queued or in progress but
  // its job has already ended (cancelled while queued, or its worker died
  // and the single attempt ran out), so a new sync may start. Does nothing
  // otherwise.
  [[nodiscard]] Result<void> ReleaseStaleSync(int64_t storage_id);

  // Enqueues one export job per target storage of the project for an
  // annotation that was created, updated (`deleted` false) or deleted, in
  // the caller's write transaction. Deletions are enqueued only for
  // storages with can_delete_objects.
  [[nodiscard]] static Result<void> EnqueueAnnotationExport(Connection& connection, const labeling::Project& project,
                                                            int64_t annotation_id, bool deleted);

  // Replaces every s3://, gs:// and azure-blob:// URI in `data` (inside
  // lists, objects and longer strings too) that a storage of the project
  // can read with a presigned URL (presign on) or the proxy URL
  // /tasks/<task_id>/resolve/?fileuri=<base64url of the URI>. URIs no
  // storage matches stay as they are.
  [[nodiscard]] Result<void> ResolveTaskData(Connection& connection, int64_t project_id, int64_t task_id,
                                             boost::json::object& data) const;

  // Finds the storage of the project that can read `uri` and reads the
  // object, or the part `range` names (a Range header value; empty for the
  // whole object, see ObjectStore::GetRange). kNotFound when no storage
  // matches or the object is gone.
  [[nodiscard]] Result<ObjectBody> ReadUri(int64_t project_id, const std::string& uri,
                                           const std::string& range) const;

  [[nodiscard]] Result<boost::json::value> RunSyncJob(jobs::JobContext& context);
  [[nodiscard]] Result<boost::json::value> RunExportAnnotationJob(jobs::JobContext& context);

  const std::vector<std::filesystem::path>& local_roots() const { return local_roots_; }
  store::Database& database() const { return database_; }
  const core::SecretBox& secret_box() const { return secret_box_; }
  const OutboundClient& client() const { return client_; }

 private:
  [[nodiscard]] Result<boost::json::value> SyncImportStorage(jobs::JobContext& context, Storage storage);
  [[nodiscard]] Result<boost::json::value> SyncExportStorage(jobs::JobContext& context, Storage storage);
  void RecordFailure(Storage& storage, const Error& error);

  store::Database& database_;
  const core::SecretBox& secret_box_;
  const OutboundClient& client_;
  std::vector<std::filesystem::path> local_roots_;
};

// Registers the `storage.sync` and `storage.export_annotation` handlers.
// `service` must outlive the pool.
void RegisterStorageJobs(jobs::WorkerPool& pool, StorageService& service);

// The object key an annotation is exported to: "<prefix>/<annotation id>",
// without a slash when the prefix is empty or already ends with one.
std::string ExportKey(const StorageSettings& settings, int64_t annotation_id);

// A storage's regex_filter. Matches() returns whether a key matches the
// pattern at its start, as Python's re.match does (not a full match). An
// empty pattern matches every key, an invalid one none. Patterns run on RE2,
// whose syntax is Python's for everything but backreferences and
// lookarounds (rejected when saved), and whose time is linear in the key.
class RegexFilter {
 public:
  explicit RegexFilter(const std::string& pattern);
  ~RegexFilter();
  bool Matches(const std::string& key) const;

  // Empty when `pattern` compiles; otherwise what is wrong with it.
  static std::string Problem(const std::string& pattern);

 private:
  std::unique_ptr<re2::RE2> compiled_;
  bool invalid_ = false;
};

}  // namespace tally::integrations::storages
