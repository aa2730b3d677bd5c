#include "labeling/export/brush_mask.h"

#include <png.h>

#include <fmt/format.h>

#include <optional>

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// Reads big-endian bit fields from a byte string.
class BitReader {
 public:
  explicit BitReader(std::string_view bytes) : bytes_(bytes) {}

  // The next `width` bits (at most 32) as an unsigned number; nullopt when
  // the stream ends first.
  std::optional<uint32_t> Read(int width) {
    if (position_ + static_cast<uint64_t>(width) > bytes_.size() * 8ULL) return std::nullopt;
    uint32_t value = 0;
    for (int i = 0; i < width; ++i) {
      const auto byte = static_cast<unsigned char>(bytes_[position_ >> 3]);
      value = (value << 1) | ((byte >> (7 - (position_ & 7))) & 1U);
      ++position_;
    }
    return value;
  }

 private:
  std::string_view bytes_;
  uint64_t position_ = 0;
};

Error Truncated(size_t bytes) {
  return Error::Invalid(fmt::format("brush RLE of {} bytes ends inside a field; the mask is damaged", bytes));
}

void PutLittle16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>(value >> 8));
}

// Walks the runs of an RLE stream, calling emit(value, length) for each
// run or literal value. `expected_count`, when set, must equal the header's
// value count.
template <typename Emit>
Result<void> DecodeRuns(std::string_view rle_bytes, std::optional<uint64_t> expected_count, Emit emit) {
  BitReader input(rle_bytes);
  const auto count = input.Read(32);
  const auto word_size = input.Read(5);
  if (!count || !word_size) return Truncated(rle_bytes.size());
  if (expected_count && *count != *expected_count) {
    return Error::Invalid(
        fmt::format("brush RLE declares {} values, but the mask's RGBA size needs {}", *count, *expected_count));
  }
  if (*count > kMaxBrushPixels * 4) {
    return Error::Invalid(fmt::format("brush RLE declares {} values, more than the {} a mask may have", *count,
                                      kMaxBrushPixels * 4));
  }
  const int word_bits = static_cast<int>(*word_size) + 1;
  if (word_bits > 8) {
    return Error::Invalid(fmt::format("brush RLE word size {} is not supported; masks use 8-bit values", word_bits));
  }
  int widths[4];
  for (int& width : widths) {
    const auto stored = input.Read(4);
    if (!stored) return Truncated(rle_bytes.size());
    width = static_cast<int>(*stored) + 1;
  }

  uint64_t filled = 0;
  while (filled < *count) {
    const auto repeat = input.Read(1);
    const auto choice = repeat ? input.Read(2) : std::nullopt;
    const auto stored_length = choice ? input.Read(widths[*choice]) : std::nullopt;
    if (!stored_length) return Truncated(rle_bytes.size());
    const uint64_t length = static_cast<uint64_t>(*stored_length) + 1;
    // The converter's decoder would write past its array here; reject the
    // stream instead of guessing which values were meant.
    if (filled + length > *count) {
      return Error::Invalid(fmt::format("brush RLE run of {} values passes the declared count of {}", length, *count));
    }
    if (*repeat == 1) {
      const auto value = input.Read(word_bits);
      if (!value) return Truncated(rle_bytes.size());
      emit(static_cast<uint8_t>(*value), length);
    } else {
      for (uint64_t i = 0; i < length; ++i) {
        const auto value = input.Read(word_bits);
        if (!value) return Truncated(rle_bytes.size());
        emit(static_cast<uint8_t>(*value), 1);
      }
    }
    filled += length;
  }
  return Ok();
}

}  // namespace

Result<std::string> BrushRleBytes(const bj::array& rle) {
  std::string bytes;
  bytes.reserve(rle.size());
  for (size_t i = 0; i < rle.size(); ++i) {
    const bj::value& item = rle[i];
    const bool valid = (item.is_int64() && item.get_int64() >= 0 && item.get_int64() <= 255) ||
                       (item.is_uint64() && item.get_uint64() <= 255);
    if (!valid) return Error::Invalid(fmt::format("brush RLE element {} is not an integer 0–255", i));
    bytes.push_back(static_cast<char>(item.to_number<int64_t>()));
  }
  return bytes;
}

Result<std::vector<uint8_t>> DecodeBrushRle(std::string_view rle_bytes) {
  std::vector<uint8_t> values;
  TALLY_TRY(DecodeRuns(rle_bytes, std::nullopt, [&values](uint8_t value, uint64_t length) {
    values.insert(values.end(), length, value);
  }));
  return values;
}

Result<BrushMask> DecodeBrushMask(std::string_view rle_bytes, int64_t width, int64_t height) {
  if (width <= 0 || height <= 0 || static_cast<uint64_t>(width) * static_cast<uint64_t>(height) > kMaxBrushPixels) {
    return Error::Invalid(fmt::format("brush mask size {}×{} is not positive or over {} pixels", width, height,
                                      kMaxBrushPixels));
  }
  BrushMask mask{width, height, {}};
  const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  mask.pixels.reserve(pixels);
  // Values come as R, G, B, A per pixel; keep every fourth.
  uint64_t position = 0;
  TALLY_TRY(DecodeRuns(rle_bytes, pixels * 4, [&mask, &position](uint8_t value, uint64_t length) {
    const uint64_t end = position + length;
    uint64_t alpha = position | 3;
    for (; alpha < end; alpha += 4) mask.pixels.push_back(value);
    position = end;
  }));
  return mask;
}

std::string NpyFile(const BrushMask& mask) {
  // numpy's _write_array_header: the dict repr, room for the first axis to
  // grow to 21 digits, then spaces and '\n' up to a multiple of 64 bytes
  // counted from the start of the file (8 magic bytes, 2 length bytes).
  constexpr size_t kGrowthAxisMaxDigits = 21;
  constexpr size_t kAlign = 64;
  const std::string first_axis = std::to_string(mask.height);
  std::string header = fmt::format("{{'descr': '|u1', 'fortran_order': False, 'shape': ({}, {}), }}", mask.height,
                                   mask.width);
  header.append(kGrowthAxisMaxDigits - std::min(kGrowthAxisMaxDigits, first_axis.size()), ' ');
  const size_t unpadded = 10 + header.size() + 1;
  header.append((kAlign - unpadded % kAlign) % kAlign, ' ');
  header.push_back('\n');

  std::string out("\x93NUMPY\x01\x00", 8);
  PutLittle16(out, static_cast<uint16_t>(header.size()));
  out += header;
  out.append(reinterpret_cast<const char*>(mask.pixels.data()), mask.pixels.size());
  return out;
}

Result<std::string> PngFile(const BrushMask& mask) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return Error::Internal("png_create_write_struct failed");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return Error::Internal("png_create_info_struct failed");
  }
  std::string out;
  // libpng reports errors by longjmp; nothing with a destructor may be
  // created between setjmp and the end of writing.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return Error::Internal(fmt::format("libpng failed to write a {}×{} mask", mask.width, mask.height));
  }
  png_set_write_fn(
      png, &out,
      [](png_structp writer, png_bytep data, png_size_t size) {
        static_cast<std::string*>(png_get_io_ptr(writer))->append(reinterpret_cast<const char*>(data), size);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(mask.width), static_cast<png_uint_32>(mask.height), 8,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int64_t row = 0; row < mask.height; ++row) {
    png_write_row(png, mask.pixels.data() + row * mask.width);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace tally::labeling::exporting
