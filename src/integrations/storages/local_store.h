// Local files: storages over a directory of the server's disk, and the
// path checks that keep them inside the directories an administrator
// allowed (TALLY_LOCAL_FILES_ROOT, ':'-separated absolute paths).
//
// A storage's `path` must lie under one of the roots, compared component
// by component after symlinks are resolved, so "/srv/data-evil" is not
// under "/srv/data" and a symlink inside a root that points outside it is
// rejected. Tasks name a file as /data/local-files/?d=<path relative to its
// root>, as Label Studio does with LOCAL_FILES_DOCUMENT_ROOT.
//
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "integrations/storages/object_store.h"
#include "store/database.h"

namespace tally::integrations::storages {

// Parses TALLY_LOCAL_FILES_ROOT: ':'-separated absolute directories. Empty
// text gives no roots, which disables local files storages. Fails with
// kInvalidArgument for a relative or missing directory.
[[nodiscard]] Result<std::vector<std::filesystem::path>> ParseLocalRoots(std::string_view text);

// Whether `path` (canonical) is `root` (canonical) or lies below it.
bool IsWithin(const std::filesystem::path& path, const std::filesystem::path& root);

// Resolves a storage path: canonical, an existing directory, under a root.
// Returns it and the root it lies under. Fails with InvalidField("path", …).
struct LocalPath {
  std::filesystem::path directory;
  std::filesystem::path root;
};
[[nodiscard]] Result<LocalPath> CheckLocalPath(const std::string& path,
                                               const std::vector<std::filesystem::path>& roots);

// Resolves the ?d= value of /data/local-files/ to an existing regular file
// under a root. kNotFound when there is none; kForbidden for a path that
// leaves every root (.., absolute, symlink out).
[[nodiscard]] Result<std::filesystem::path> ResolveLocalFile(const std::string& relative,
                                                             const std::vector<std::filesystem::path>& roots);

[[nodiscard]] Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const StorageSettings& settings,
                                                                  const std::vector<std::filesystem::path>& roots);

// Resolves the ?d= value of a local files reference in a task of
// `project_id` for that project's export: ResolveLocalFile's checks, and the
// file must lie in one of the project's local files storages (GET
// /data/local-files accepts any project the caller can read). kNotFound
// when it lies in none of them.
[[nodiscard]] Result<std::filesystem::path> ResolveProjectLocalFile(store::Connection& connection,
                                                                    const std::vector<std::filesystem::path>& roots,
                                                                    int64_t project_id, const std::string& relative);

// ResolveProjectLocalFile in its own read of `database`, as exports call it
// (labeling::exporting::LocalFileResolver).
std::function<Result<std::filesystem::path>(int64_t project_id, const std::string& relative)>
ProjectLocalFileResolver(store::Database& database, std::vector<std::filesystem::path> roots);

// A regular file opened once for reading parts of it, so the size and the
// bytes served come from the same file even if the path is replaced
// meanwhile. Shared by a response and the stream that sends its body.
class LocalFileReader {
 public:
  // Opens a file ResolveLocalFile returned. kNotFound when it is gone or
  // not a regular file.
  [[nodiscard]] static Result<std::shared_ptr<LocalFileReader>> Open(const std::filesystem::path& path);
  ~LocalFileReader();
  LocalFileReader(const LocalFileReader&) = delete;
  LocalFileReader& operator=(const LocalFileReader&) = delete;

  uint64_t size() const { return size_; }

  // Appends `length` bytes from `offset` to `out`. kUnavailable when the
  // file ends before them (it was truncated) or cannot be read.
  [[nodiscard]] Result<void> Read(uint64_t offset, uint64_t length, std::string& out) const;

 private:
  LocalFileReader(int descriptor, uint64_t size) : descriptor_(descriptor), size_(size) {}
  int descriptor_;
  uint64_t size_;
};

// A response body of `length` bytes from `offset` of the file, read a piece
// at a time as the client takes them, so a long video never sits in memory.
std::shared_ptr<http::BodyStream> StreamFileRange(std::shared_ptr<const LocalFileReader> file, uint64_t offset,
                                                 uint64_t length);

// A MIME type for a file name's extension, application/octet-stream when unknown.
std::string ContentTypeOf(const std::string& name);

}  // namespace tally::integrations::storages
