#include "labeling/export/zip_sink.h"

#include <zlib.h>

#include <fmt/format.h>

namespace tally::labeling::exporting {

namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kDataDescriptor = 0x08074b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kZip64End = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kEnd = 0x06054b50;
constexpr uint16_t kFlags = 0x0008 | 0x0800;  // sizes in a data descriptor; UTF-8 names
constexpr uint16_t kDeflated = 8;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, the earliest DOS date
constexpr uint32_t kMax32 = 0xFFFFFFFF;

void Put16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>(value >> 8));
}
void Put32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
void Put64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

struct ZipSink::Deflater {
  z_stream stream{};
  bool ready = false;
  uint32_t crc = 0;
  uint64_t size = 0;
  uint64_t compressed = 0;
  ~Deflater() {
    if (ready) deflateEnd(&stream);
  }
};

ZipSink::ZipSink(std::string& out) : out_(out), deflater_(std::make_unique<Deflater>()) {}
ZipSink::~ZipSink() = default;

void ZipSink::Emit(std::string_view bytes) {
  out_.append(bytes);
  written_ += bytes.size();
}

Result<void> ZipSink::BeginFile(std::string_view name) {
  if (in_file_) TALLY_TRY(EndFile());
  if (name.size() > 0xFFFF) return Error::Internal("zip entry name longer than 65535 bytes");

  // Tasks often share a media file, possibly under differently spelled
  // paths that map to one entry name. The first file under a name is kept,
  // because unzip tools overwrite or ask on repeated names.
  skipping_ = !names_.emplace(name).second;
  if (skipping_) return Ok();

  Entry entry;
  entry.name = std::string(name);
  entry.offset = written_;
  entries_.push_back(std::move(entry));

  std::string header;
  Put32(header, kLocalHeader);
  Put16(header, 20);  // version needed: deflate
  Put16(header, kFlags);
  Put16(header, kDeflated);
  Put16(header, 0);  // time
  Put16(header, kDosDate);
  Put32(header, 0);  // CRC, sizes: in the data descriptor
  Put32(header, 0);
  Put32(header, 0);
  Put16(header, static_cast<uint16_t>(name.size()));
  Put16(header, 0);
  header.append(name);
  Emit(header);

  Deflater& deflater = *deflater_;
  if (!deflater.ready) {
    if (deflateInit2(&deflater.stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return Error::Internal("zlib deflateInit2 failed");
    }
    deflater.ready = true;
  } else {
    deflateReset(&deflater.stream);
  }
  deflater.crc = static_cast<uint32_t>(crc32(0, nullptr, 0));
  deflater.size = 0;
  deflater.compressed = 0;
  in_file_ = true;
  return Ok();
}

Result<void> ZipSink::Deflate(std::string_view bytes, bool finish) {
  Deflater& deflater = *deflater_;
  z_stream& stream = deflater.stream;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  unsigned char buffer[1 << 15];
  for (;;) {
    stream.next_out = buffer;
    stream.avail_out = sizeof buffer;
    const int status = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH);
    if (status == Z_STREAM_ERROR) return Error::Internal("zlib deflate failed");
    const size_t produced = sizeof buffer - stream.avail_out;
    Emit({reinterpret_cast<const char*>(buffer), produced});
    deflater.compressed += produced;
    if (finish ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out != 0)) break;
  }
  return Ok();
}

Result<void> ZipSink::Write(std::string_view bytes) {
  if (skipping_) return Ok();
  if (!in_file_) return Error::Internal("zip write outside a file");
  Deflater& deflater = *deflater_;
  // crc32 and deflate take uInt lengths: feed large writes in slices.
  while (!bytes.empty()) {
    const std::string_view slice = bytes.substr(0, 1 << 30);
    deflater.crc = static_cast<uint32_t>(
        crc32(deflater.crc, reinterpret_cast<const Bytef*>(slice.data()), static_cast<uInt>(slice.size())));
    deflater.size += slice.size();
    TALLY_TRY(Deflate(slice, false));
    bytes.remove_prefix(slice.size());
  }
  return Ok();
}

Result<void> ZipSink::EndFile() {
  skipping_ = false;
  if (!in_file_) return Ok();
  TALLY_TRY(Deflate({}, true));
  in_file_ = false;
  Deflater& deflater = *deflater_;
  Entry& entry = entries_.back();
  entry.crc = deflater.crc;
  entry.size = deflater.size;
  entry.compressed = deflater.compressed;
  // NOTE: a single entry of 4 GiB or more would need a ZIP64 data
  // descriptor announced in its local header; no format writes one that big.
  if (entry.size >= kMax32 || entry.compressed >= kMax32) {
    return Error::Internal(fmt::format("zip entry {} is 4 GiB or larger", entry.name));
  }
  std::string descriptor;
  Put32(descriptor, kDataDescriptor);
  Put32(descriptor, entry.crc);
  Put32(descriptor, static_cast<uint32_t>(entry.compressed));
  Put32(descriptor, static_cast<uint32_t>(entry.size));
  Emit(descriptor);
  return Ok();
}

Result<void> ZipSink::Close() {
  if (in_file_) TALLY_TRY(EndFile());
  const uint64_t directory_offset = written_;
  std::string chunk;
  for (const Entry& entry : entries_) {
    const bool far = entry.offset >= kMax32;
    Put32(chunk, kCentralHeader);
    Put16(chunk, 45);  // made by: ZIP64-aware
    Put16(chunk, far ? 45 : 20);
    Put16(chunk, kFlags);
    Put16(chunk, kDeflated);
    Put16(chunk, 0);
    Put16(chunk, kDosDate);
    Put32(chunk, entry.crc);
    Put32(chunk, static_cast<uint32_t>(entry.compressed));
    Put32(chunk, static_cast<uint32_t>(entry.size));
    Put16(chunk, static_cast<uint16_t>(entry.name.size()));
    Put16(chunk, far ? 12 : 0);  // extra: ZIP64 offset
    Put16(chunk, 0);             // comment
    Put16(chunk, 0);             // disk
    Put16(chunk, 0);             // internal attributes
    Put32(chunk, 0);             // external attributes
    Put32(chunk, far ? kMax32 : static_cast<uint32_t>(entry.offset));
    chunk.append(entry.name);
    if (far) {
      Put16(chunk, 0x0001);
      Put16(chunk, 8);
      Put64(chunk, entry.offset);
    }
    if (chunk.size() > (1 << 16)) {
      Emit(chunk);
      chunk.clear();
    }
  }
  Emit(chunk);
  chunk.clear();
  const uint64_t directory_size = written_ - directory_offset;
  const uint64_t count = entries_.size();
  const bool zip64 = count >= 0xFFFF || directory_offset >= kMax32 || directory_size >= kMax32;
  if (zip64) {
    const uint64_t record_offset = written_;
    Put32(chunk, kZip64End);
    Put64(chunk, 44);
    Put16(chunk, 45);
    Put16(chunk, 45);
    Put32(chunk, 0);
    Put32(chunk, 0);
    Put64(chunk, count);
    Put64(chunk, count);
    Put64(chunk, directory_size);
    Put64(chunk, directory_offset);
    Put32(chunk, kZip64Locator);
    Put32(chunk, 0);
    Put64(chunk, record_offset);
    Put32(chunk, 1);
  }
  Put32(chunk, kEnd);
  Put16(chunk, 0);
  Put16(chunk, 0);
  Put16(chunk, static_cast<uint16_t>(std::min<uint64_t>(count, 0xFFFF)));
  Put16(chunk, static_cast<uint16_t>(std::min<uint64_t>(count, 0xFFFF)));
  Put32(chunk, static_cast<uint32_t>(std::min<uint64_t>(directory_size, kMax32)));
  Put32(chunk, static_cast<uint32_t>(std::min<uint64_t>(directory_offset, kMax32)));
  Put16(chunk, 0);
  Emit(chunk);
  entries_.clear();
  return Ok();
}

}  // namespace tally::labeling::exporting
