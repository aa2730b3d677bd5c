#include "labeling/export/snapshot_job.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>

#include "core/log.h"
#include "labeling/export/export_options.h"
#include "labeling/export/export_run.h"
#include "labeling/export/snapshot_store.h"
#include "labeling/project_store.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;
namespace fs = std::filesystem;

fs::path SnapshotPath(const fs::path& data_dir, int64_t project_id, int64_t snapshot_id) {
  return data_dir / "exports" / std::to_string(project_id) / fmt::format("{}.json", snapshot_id);
}

namespace {

// The md5 of a byte stream fed in pieces (OpenSSL's EVP interface), for
// the snapshot's `md5` field.
class Md5 {
 public:
  Md5() : context_(EVP_MD_CTX_new()) {
    if (context_) EVP_DigestInit_ex(context_, EVP_md5(), nullptr);
  }
  ~Md5() { EVP_MD_CTX_free(context_); }
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void Update(std::string_view bytes) {
    if (context_) EVP_DigestUpdate(context_, bytes.data(), bytes.size());
  }
  // Lowercase hex digest; empty when OpenSSL could not set up the digest.
  std::string Hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!context_ || EVP_DigestFinal_ex(context_, digest, &length) != 1) return {};
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
  }

 private:
  EVP_MD_CTX* context_;
};

Result<bj::value> WriteSnapshot(jobs::JobContext& context, store::Database& db, const fs::path& data_dir,
                                const Snapshot& snapshot) {
  TALLY_ASSIGN_OR_RETURN(project, db.Read([&](store::Connection& c) { return FindProject(c, snapshot.project_id); }));
  if (!project) return Error::NotFound("The project of this export was deleted.");
  TALLY_ASSIGN_OR_RETURN(total, db.Read([&](store::Connection& c) { return CountExportTasks(c, snapshot.selection); }));
  TALLY_ASSIGN_OR_RETURN(run, ExportRun::Create(db, snapshot.selection, ExportSchema{}, "JSON", WriterOptions{}));

  const fs::path path = SnapshotPath(data_dir, snapshot.project_id, snapshot.id);
  const fs::path partial = path.string() + ".partial";
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Error::Internal(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return Error::Internal(fmt::format("cannot write {}", partial.string()));

  int64_t bytes = 0;
  Md5 md5;
  std::string chunk;
  for (;;) {
    chunk.clear();
    auto more = run->Next(chunk);
    if (!more) {
      fs::remove(partial, ec);
      return more.error();
    }
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    md5.Update(chunk);
    bytes += static_cast<int64_t>(chunk.size());
    if (!*more) break;
    // A cancel or a lost lease comes back as an error here: stop writing.
    if (auto reported = context.ReportProgress(static_cast<int>(run->tasks_written() * 99 / std::max<int64_t>(1, total)));
        !reported) {
      fs::remove(partial, ec);
      return reported.error();
    }
  }
  out.close();
  if (!out) {
    fs::remove(partial, ec);
    return Error::Internal(fmt::format("writing {} failed", partial.string()));
  }
  fs::rename(partial, path, ec);
  if (ec) return Error::Internal(fmt::format("cannot move {} into place: {}", partial.string(), ec.message()));
  const std::string digest = md5.Hex();

  TALLY_TRY(db.Write([&](store::Connection& c) {
    return SetSnapshotStatus(c, snapshot.id, "completed", run->tasks_written(), bytes, std::nullopt, digest);
  }));
  TALLY_LOG_INFO("event=export_snapshot_done project_id={} snapshot_id={} job_id={} tasks={} bytes={}",
                 snapshot.project_id, snapshot.id, context.job_id(), run->tasks_written(), bytes);
  return bj::value(bj::object{{"export", snapshot.id}, {"task_number", run->tasks_written()}, {"bytes", bytes}});
}

Result<bj::value> RunExportJob(jobs::JobContext& context, store::Database& db, const fs::path& data_dir) {
  const bj::value& payload = context.payload();
  const bj::value* id = payload.is_object() ? payload.get_object().if_contains("export_id") : nullptr;
  if (!id || !id->is_int64()) return Error::Invalid("The export job's payload has no export_id.");
  TALLY_ASSIGN_OR_RETURN(snapshot, db.Read([&](store::Connection& c) { return FindSnapshot(c, id->get_int64()); }));
  if (!snapshot) return Error::NotFound("The export was deleted before it ran.");
  TALLY_TRY(db.Write([&](store::Connection& c) {
    return SetSnapshotStatus(c, snapshot->id, "in_progress", 0, 0, std::nullopt);
  }));
  auto written = WriteSnapshot(context, db, data_dir, *snapshot);
  if (!written) {
    TALLY_LOG_WARN("event=export_snapshot_failed project_id={} snapshot_id={} job_id={} error=\"{}\" detail=\"{}\"",
                   snapshot->project_id, snapshot->id, context.job_id(), written.error().message,
                   written.error().detail);
    (void)db.Write([&](store::Connection& c) {
      return SetSnapshotStatus(c, snapshot->id, "failed", 0, 0, written.error().message);
    });
  }
  return written;
}

}  // namespace

void RegisterExportJob(jobs::WorkerPool& pool, store::Database& database, fs::path data_dir) {
  pool.Register(std::string(kExportJobKind), [&database, data_dir = std::move(data_dir)](jobs::JobContext& context) {
    return RunExportJob(context, database, data_dir);
  });
}

}  // namespace tally::labeling::exporting
