#include "labeling/export/media_probe.h"

namespace tally::labeling::exporting {

namespace {

uint32_t Big16(std::string_view bytes, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1]));
}
uint32_t Big32(std::string_view bytes, size_t at) { return Big16(bytes, at) << 16 | Big16(bytes, at + 2); }
uint32_t Little16(std::string_view bytes, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
}
uint32_t Little32(std::string_view bytes, size_t at) { return Little16(bytes, at) | Little16(bytes, at + 2) << 16; }

std::optional<ImageSize> PngSize(std::string_view file) {
  // Signature (8), IHDR length (4) and type (4), then width and height.
  if (file.size() < 24 || file.substr(12, 4) != "IHDR") return std::nullopt;
  const ImageSize size{Big32(file, 16), Big32(file, 20)};
  if (size.width == 0 || size.height == 0) return std::nullopt;
  return size;
}

std::optional<ImageSize> JpegSize(std::string_view file) {
  size_t at = 2;  // after SOI
  while (at + 4 <= file.size()) {
    if (static_cast<unsigned char>(file[at]) != 0xFF) return std::nullopt;
    const auto marker = static_cast<unsigned char>(file[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    // Markers without a length: TEM and RST0–7.
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    const uint32_t length = Big16(file, at + 2);
    if (length < 2) return std::nullopt;
    // Start-of-frame markers C0–CF carry the size (ITU-T T.81, table B.1),
    // except DHT (C4), JPG (C8) and DAC (CC).
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (at + 9 > file.size()) return std::nullopt;
      const ImageSize size{Big16(file, at + 7), Big16(file, at + 5)};
      if (size.width == 0 || size.height == 0) return std::nullopt;
      return size;
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan data or end before any frame
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> ProbeImageSize(std::string_view file) {
  if (file.size() >= 8 && file.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return PngSize(file);
  if (file.size() >= 3 && file.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return JpegSize(file);
  return std::nullopt;
}

std::optional<double> ProbeWavDuration(std::string_view file) {
  if (file.size() < 12 || file.substr(0, 4) != "RIFF" || file.substr(8, 4) != "WAVE") return std::nullopt;
  uint32_t sample_rate = 0, block_align = 0;
  size_t at = 12;
  while (at + 8 <= file.size()) {
    const std::string_view id = file.substr(at, 4);
    const uint32_t size = Little32(file, at + 4);
    if (id == "fmt " && size >= 16 && at + 8 + 16 <= file.size()) {
      sample_rate = Little32(file, at + 12);
      block_align = Little16(file, at + 20);
    } else if (id == "data") {
      if (sample_rate == 0 || block_align == 0) return std::nullopt;
      // A streaming writer may leave the size at 0xFFFFFFFF; count the bytes present.
      const uint64_t present = file.size() - (at + 8);
      const uint64_t bytes = size == 0xFFFFFFFF ? present : std::min<uint64_t>(size, present);
      return static_cast<double>(bytes / block_align) / static_cast<double>(sample_rate);
    }
    at += 8 + size + (size & 1);  // chunks are padded to an even size
  }
  return std::nullopt;
}

}  // namespace tally::labeling::exporting
