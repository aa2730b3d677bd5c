#include "integrations/storages/local_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "integrations/storages/storage_store.h"

namespace tally::integrations::storages {

namespace fs = std::filesystem;

namespace {

// Most files one listing returns; a larger directory is cut off there.
constexpr size_t kMaxListedFiles = 1'000'000;

std::string UrlEncodePath(const std::string& relative) { return UriEncode(relative, true); }

class LocalStore final : public ObjectStore {
 public:
  LocalStore(LocalPath location, bool recursive) : location_(std::move(location)), recursive_(recursive) {}

  Result<ObjectPage> List(const std::string& /*token*/) const override {
    ObjectPage page;
    std::error_code ec;
    auto add = [&](const fs::directory_entry& entry) {
      std::error_code entry_ec;
      if (!entry.is_regular_file(entry_ec)) return;
      // A symlink that leads out of the root is skipped, not followed.
      const fs::path real = fs::canonical(entry.path(), entry_ec);
      if (entry_ec || !IsWithin(real, location_.root)) return;
      page.objects.push_back({entry.path().lexically_relative(location_.directory).generic_string(),
                              static_cast<int64_t>(entry.file_size(entry_ec))});
    };
    if (recursive_) {
      for (auto it = fs::recursive_directory_iterator(location_.directory, ec);
           !ec && it != fs::recursive_directory_iterator() && page.objects.size() < kMaxListedFiles; it.increment(ec)) {
        add(*it);
      }
    } else {
      for (auto it = fs::directory_iterator(location_.directory, ec);
           !ec && it != fs::directory_iterator() && page.objects.size() < kMaxListedFiles; it.increment(ec)) {
        add(*it);
      }
    }
    if (ec) return Error::Invalid(fmt::format("Local directory cannot be listed: {}", ec.message()));
    std::sort(page.objects.begin(), page.objects.end(),
              [](const ObjectEntry& a, const ObjectEntry& b) { return a.key < b.key; });
    return page;
  }

  Result<ObjectBody> Get(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(path, PathOf(key));
    std::error_code ec;
    const fs::path real = fs::canonical(path, ec);
    if (ec || !fs::is_regular_file(real, ec)) return Error::NotFound("Local file not found");
    if (!IsWithin(real, location_.root)) return Error::Forbidden("Local file lies outside TALLY_LOCAL_FILES_ROOT");
    if (fs::file_size(real, ec) > kMaxObjectBytes) {
      return Error::Invalid(fmt::format("Local file is larger than {} bytes", kMaxObjectBytes));
    }
    std::ifstream in(real, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in && !in.eof()) return Error::NotFound("Local file cannot be read");
    return ObjectBody{bytes.str(), ContentTypeOf(real.filename().string())};
  }

  Result<void> Put(const std::string& key, const std::string& bytes, const std::string& /*content_type*/) const override {
    TALLY_ASSIGN_OR_RETURN(path, PathOf(key));
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    // A symlinked folder inside the storage must not lead a write out of the root.
    const fs::path parent = fs::canonical(path.parent_path(), ec);
    if (ec || !IsWithin(parent, location_.root)) {
      return Error::Forbidden("Object key leads outside TALLY_LOCAL_FILES_ROOT");
    }
    const fs::path temporary = path.string() + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << bytes;
      if (!out) return Error::Unavailable("Local file cannot be written; check the directory's permissions");
    }
    fs::rename(temporary, path, ec);
    if (ec) return Error::Unavailable(fmt::format("Local file cannot be written: {}", ec.message()));
    return Ok();
  }

  Result<void> Delete(const std::string& key) const override {
    TALLY_ASSIGN_OR_RETURN(path, PathOf(key));
    std::error_code ec;
    fs::remove(path, ec);
    return Ok();
  }

  Result<std::string> Presign(const std::string& /*key*/, std::chrono::seconds /*ttl*/) const override {
    return Error::Invalid("Local files cannot be presigned");
  }

  std::string UriOf(const std::string& key) const override {
    const fs::path relative = (location_.directory / key).lexically_relative(location_.root);
    return "/data/local-files/?d=" + UrlEncodePath(relative.generic_string());
  }

 private:
  // The file for `key`, which must stay inside the storage's directory.
  Result<fs::path> PathOf(const std::string& key) const {
    const fs::path path = (location_.directory / key).lexically_normal();
    if (key.empty() || fs::path(key).is_absolute() || !IsWithin(path, location_.directory)) {
      return Error::Forbidden("Object key leaves the storage's directory");
    }
    return path;
  }

  LocalPath location_;
  bool recursive_;
};

}  // namespace

Result<std::vector<fs::path>> ParseLocalRoots(std::string_view text) {
  std::vector<fs::path> roots;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string item(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    const fs::path path(item);
    std::error_code ec;
    const fs::path real = fs::canonical(path, ec);
    if (!path.is_absolute() || ec || !fs::is_directory(real, ec)) {
      return Error::Invalid(
          fmt::format("TALLY_LOCAL_FILES_ROOT: \"{}\" is not an existing absolute directory", item));
    }
    roots.push_back(real);
  }
  return roots;
}

bool IsWithin(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

Result<LocalPath> CheckLocalPath(const std::string& path, const std::vector<fs::path>& roots) {
  if (roots.empty()) {
    return Error::InvalidField("path",
                               "Local files storage is disabled. An administrator must set TALLY_LOCAL_FILES_ROOT "
                               "to the directories it may read.");
  }
  const fs::path given(path);
  if (!given.is_absolute()) return Error::InvalidField("path", "Must be an absolute directory path.");
  std::error_code ec;
  const fs::path real = fs::canonical(given, ec);
  if (ec || !fs::is_directory(real, ec)) {
    return Error::InvalidField("path", "Must be an existing directory on the server.");
  }
  for (const fs::path& root : roots) {
    if (IsWithin(real, root)) return LocalPath{real, root};
  }
  return Error::InvalidField("path", "Must lie under a directory listed in TALLY_LOCAL_FILES_ROOT.");
}

Result<fs::path> ResolveLocalFile(const std::string& relative, const std::vector<fs::path>& roots) {
  if (relative.empty()) return Error::InvalidField("d", "This parameter is required.");
  // The C library would stop at a NUL and open a shorter name than the one
  // every check here looked at.
  if (relative.find('\0') != std::string::npos) {
    return Error::InvalidField("d", "The path must not contain a NUL character (%00).");
  }
  const fs::path given(relative);
  if (given.is_absolute()) return Error::Forbidden("The path must be relative to TALLY_LOCAL_FILES_ROOT.");
  for (const fs::path& root : roots) {
    const fs::path joined = (root / given).lexically_normal();
    if (!IsWithin(joined, root)) return Error::Forbidden("The path leaves TALLY_LOCAL_FILES_ROOT.");
    std::error_code ec;
    const fs::path real = fs::canonical(joined, ec);
    if (ec) continue;
    if (!IsWithin(real, root)) return Error::Forbidden("The path leaves TALLY_LOCAL_FILES_ROOT.");
    if (fs::is_regular_file(real, ec)) return real;
  }
  return Error::NotFound("File not found.");
}

Result<fs::path> ResolveProjectLocalFile(store::Connection& connection, const std::vector<fs::path>& roots,
                                         int64_t project_id, const std::string& relative) {
  TALLY_ASSIGN_OR_RETURN(path, ResolveLocalFile(relative, roots));
  TALLY_ASSIGN_OR_RETURN(storages, ListLocalStorages(connection));
  for (const Storage& storage : storages) {
    if (storage.project_id != project_id) continue;
    std::error_code ec;
    const fs::path directory = fs::canonical(storage.settings.String("path"), ec);
    if (!ec && IsWithin(path, directory)) return path;
  }
  return Error::NotFound("The file lies in no local files storage of this project.");
}

std::function<Result<fs::path>(int64_t project_id, const std::string& relative)> ProjectLocalFileResolver(
    store::Database& database, std::vector<fs::path> roots) {
  return [&database, roots = std::move(roots)](int64_t project_id, const std::string& relative) {
    return database.Read([&](store::Connection& c) { return ResolveProjectLocalFile(c, roots, project_id, relative); });
  };
}

Result<std::shared_ptr<LocalFileReader>> LocalFileReader::Open(const fs::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return Error::NotFound("File not found.");
  struct stat status {};
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(descriptor);
    return Error::NotFound("File not found.");
  }
  return std::shared_ptr<LocalFileReader>(new LocalFileReader(descriptor, static_cast<uint64_t>(status.st_size)));
}

LocalFileReader::~LocalFileReader() { ::close(descriptor_); }

Result<void> LocalFileReader::Read(uint64_t offset, uint64_t length, std::string& out) const {
  const size_t start = out.size();
  out.resize(start + length);
  uint64_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(descriptor_, out.data() + start + done, length - done,
                                static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      out.resize(start);
      return Error::Unavailable("The file became shorter or unreadable while it was served.");
    }
    done += static_cast<uint64_t>(got);
  }
  return Ok();
}

namespace {

// Pieces of a streamed file: large enough that a video streams without a
// pool round trip per few kilobytes, small enough that many clients at once
// cost little memory.
constexpr uint64_t kFilePieceBytes = 256 * 1024;

class FileRangeStream final : public http::BodyStream {
 public:
  FileRangeStream(std::shared_ptr<const LocalFileReader> file, uint64_t offset, uint64_t length)
      : file_(std::move(file)), offset_(offset), remaining_(length) {}

  Result<bool> Next(std::string& chunk) override {
    const uint64_t piece = std::min(remaining_, kFilePieceBytes);
    TALLY_TRY(file_->Read(offset_, piece, chunk));
    offset_ += piece;
    remaining_ -= piece;
    return remaining_ > 0;
  }

 private:
  std::shared_ptr<const LocalFileReader> file_;
  uint64_t offset_;
  uint64_t remaining_;
};

}  // namespace

std::shared_ptr<http::BodyStream> StreamFileRange(std::shared_ptr<const LocalFileReader> file, uint64_t offset,
                                                 uint64_t length) {
  return std::make_shared<FileRangeStream>(std::move(file), offset, length);
}

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const StorageSettings& settings, const std::vector<fs::path>& roots) {
  TALLY_ASSIGN_OR_RETURN(location, CheckLocalPath(settings.String("path"), roots));
  return std::unique_ptr<ObjectStore>(new LocalStore(std::move(location), settings.Flag("recursive_scan", false)));
}

std::string ContentTypeOf(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {".json", "application/json"}, {".jsonl", "application/jsonl"}, {".txt", "text/plain"},
      {".csv", "text/csv"},          {".png", "image/png"},           {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},       {".gif", "image/gif"},           {".webp", "image/webp"},
      {".svg", "image/svg+xml"},     {".mp3", "audio/mpeg"},          {".wav", "audio/wav"},
      {".mp4", "video/mp4"},         {".pdf", "application/pdf"},
  };
  std::string extension = fs::path(name).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  auto found = kTypes.find(extension);
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

}  // namespace tally::integrations::storages
