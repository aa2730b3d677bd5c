// Brush masks: Label Studio's brush RLE decoded to a mask, and the two file
// forms the BRUSH_TO_NUMPY and BRUSH_TO_PNG exports write it in.
//
// The RLE is rle-pack's bitstream over the RGBA bytes of an
// original_height × original_width mask, most significant bit first. The
// header is the value count (32 bits), the word size − 1 (5 bits) and four
// run-length field widths − 1 (4 bits each). Each record then has a flag
// bit (1: one value repeated, 0: literal values), 2 bits choosing a width,
// the length − 1 in that width, and the values. The mask is the alpha
// channel (every fourth byte).
//
// Thread-safety: reentrant functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/result.h"
#include "labeling/config/result_validator.h"

namespace tally::labeling::exporting {

// The maximum pixel count of a mask, the same limit results are checked
// against when they are stored.
inline constexpr uint64_t kMaxBrushPixels = kMaxBrushMaskPixels;

// RLE bytes from a result's `value.rle` list. Fails with invalid_argument
// naming the first element that is not an integer 0–255.
[[nodiscard]] Result<std::string> BrushRleBytes(const boost::json::array& rle);

// Decodes RLE bytes into every value they encode (count from the header).
// Fails with invalid_argument when the stream ends inside a field, a run
// passes the value count, the word size is over 8 bits, or the count is
// over kMaxBrushPixels × 4.
[[nodiscard]] Result<std::vector<uint8_t>> DecodeBrushRle(std::string_view rle_bytes);

// A one-channel 8-bit mask, row-major.
struct BrushMask {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> pixels;  // width × height
};

// Decodes RLE bytes of a width × height RGBA mask and keeps the alpha
// channel. Fails with invalid_argument as DecodeBrushRle does, and when the
// header's value count is not width × height × 4 or the size is not
// positive or over kMaxBrushPixels.
[[nodiscard]] Result<BrushMask> DecodeBrushMask(std::string_view rle_bytes, int64_t width, int64_t height);

// The mask as numpy 2.x's np.save writes a uint8 array of shape (height,
// width), in .npy format 1.0. The header dict is followed by the spaces
// numpy reserves for a first axis of up to 21 digits, then padded to a
// multiple of 64 bytes.
std::string NpyFile(const BrushMask& mask);

// The mask as an 8-bit grayscale PNG (libpng, default compression). Fails
// with internal when libpng reports an error.
[[nodiscard]] Result<std::string> PngFile(const BrushMask& mask);

}  // namespace tally::labeling::exporting
