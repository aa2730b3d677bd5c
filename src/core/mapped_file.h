// MappedFile: a read-only memory map of a file, for reading large inputs
// (spooled request bodies, saved import bodies) without copying them into
// the heap.
//
// Pages of the map count toward the process's resident memory once they are
// read. A reader that goes through the file once calls Release(n) as it
// goes, so the pages before offset n are dropped and resident memory stays
// flat however large the file is. The view stays valid after Release; a
// released page that is read again is loaded from the file again.
//
// Thread-safety: view() may be read from any thread; Release from one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tally {

class MappedFile {
 public:
  // Maps `path` read-only. Fails with kNotFound when the file cannot be
  // opened, kInternal when it cannot be mapped. An empty file maps to an
  // empty view.
  [[nodiscard]] static Result<MappedFile> Open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const { return {data_, size_}; }

  // Drops the resident pages before `offset` (rounded down to a page).
  void Release(size_t offset);

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}

  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
};

}  // namespace tally
