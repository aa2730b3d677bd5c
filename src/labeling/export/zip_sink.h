// ZipSink: an ExportSink that writes a ZIP archive as a stream, for the
// multi-file formats. Each file is deflated (zlib, raw deflate) and followed
// by a data descriptor, so nothing is seeked back and the archive can go out
// as HTTP chunks while it is made. ZIP64 records are added when offsets or
// the entry count pass the classic limits.
//
// The archive bytes are appended to `out`, which the caller drains between
// calls. Memory: the central directory (name, offset, sizes, CRC per entry)
// stays in memory until Close, about 60 bytes plus twice the name per file.
// A file whose name was already written is left out.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

class ZipSink : public ExportSink {
 public:
  explicit ZipSink(std::string& out);
  ~ZipSink() override;

  Result<void> BeginFile(std::string_view name) override;
  Result<void> Write(std::string_view bytes) override;
  Result<void> EndFile() override;

  // Writes the central directory and the end records. Call once, after the
  // last EndFile.
  [[nodiscard]] Result<void> Close();

 private:
  struct Entry {
    std::string name;
    uint64_t offset = 0;
    uint64_t compressed = 0;
    uint64_t size = 0;
    uint32_t crc = 0;
  };
  struct Deflater;

  Result<void> Deflate(std::string_view bytes, bool finish);
  void Emit(std::string_view bytes);

  std::string& out_;
  uint64_t written_ = 0;  // bytes appended to out_ so far, over all drains
  std::vector<Entry> entries_;
  std::unique_ptr<Deflater> deflater_;
  bool in_file_ = false;
  std::unordered_set<std::string> names_;  // entry names written so far
  bool skipping_ = false;                  // the current file repeats a name and is left out
};

}  // namespace tally::labeling::exporting
