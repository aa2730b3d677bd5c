// Brush RLE decoding, the .npy and PNG mask files, and the media header
// probes. PNG files are decoded back with libpng.
#include <gtest/gtest.h>
#include <png.h>

#include <cstring>

#include "labeling/export/brush_mask.h"
#include "labeling/export/media_probe.h"

namespace tally::labeling::exporting {
namespace {

namespace bj = boost::json;

std::string Bytes(std::initializer_list<int> values) {
  std::string bytes;
  for (int value : values) bytes.push_back(static_cast<char>(value));
  return bytes;
}

// A 7 × 5 RGBA mask: alpha 255 on x 2–5, y 1–3, alpha 128 at (0, 4), 0
// elsewhere, encoded by encodeRle of web/src/features/labeling/lib/rle.ts.
const std::string kWebMask = Bytes({0,   0,   0,   140, 57,  27,  254, 35,  0,   3,   254, 16,  8,   127, 225,
                                    0,   135, 254, 16,  8,   127, 225, 0,   3,   254, 216, 0,   31,  240, 128,
                                    67,  255, 8,   4,   63,  240, 128, 67,  255, 8,   0,   31,  246, 192, 0,
                                    255, 132, 2,   31,  248, 64,  33,  255, 132, 2,   31,  248, 64,  0,   255,
                                    140, 0,   15,  248, 64,  0,   128, 194, 224, 0});

uint8_t ExpectedAlpha(int64_t x, int64_t y) {
  if (x >= 2 && x <= 5 && y >= 1 && y <= 3) return 255;
  if (x == 0 && y == 4) return 128;
  return 0;
}

TEST(BrushRle, DecodesConverterTestVector) {
  // The converter's test_rle_encoding pair, decoded the other way.
  auto values = DecodeBrushRle(Bytes({0, 0, 0, 18, 57, 27, 252, 96, 32, 1, 0, 6, 0, 40, 0, 192, 3, 128, 17, 56, 32}));
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values, (std::vector<uint8_t>{1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 4, 4, 4, 4, 4, 4, 4, 4}));
}

TEST(BrushRle, DecodesMaskEncodedByWebEditor) {
  auto mask = DecodeBrushMask(kWebMask, 7, 5);
  ASSERT_TRUE(mask) << mask.error().message;
  ASSERT_EQ(mask->pixels.size(), 35u);
  for (int64_t y = 0; y < 5; ++y) {
    for (int64_t x = 0; x < 7; ++x) EXPECT_EQ(mask->pixels[y * 7 + x], ExpectedAlpha(x, y)) << x << "," << y;
  }
}

TEST(BrushRle, RejectsDamagedStreams) {
  auto truncated = DecodeBrushMask(kWebMask.substr(0, 20), 7, 5);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("ends inside a field"), std::string::npos) << truncated.error().message;

  auto wrong_size = DecodeBrushMask(kWebMask, 5, 7 + 1);
  ASSERT_FALSE(wrong_size);
  EXPECT_NE(wrong_size.error().message.find("needs 160"), std::string::npos) << wrong_size.error().message;

  auto empty = DecodeBrushMask(kWebMask, 0, 5);
  EXPECT_FALSE(empty);

  // 18 values declared, then three runs of 8.
  auto overrun = DecodeBrushRle(Bytes({0, 0, 0, 18, 57, 27, 252, 224, 19, 128, 78, 0}));
  ASSERT_FALSE(overrun);
  EXPECT_NE(overrun.error().message.find("passes the declared count"), std::string::npos) << overrun.error().message;

  // A count of 2^32 − 1 values is refused before anything is allocated.
  auto huge = DecodeBrushRle(Bytes({255, 255, 255, 255, 57, 27, 252, 0}));
  EXPECT_FALSE(huge);
}

TEST(BrushRle, RleBytesMustBeBytes) {
  EXPECT_TRUE(BrushRleBytes(bj::array{0, 255, 17}));
  auto negative = BrushRleBytes(bj::array{0, -1});
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("element 1"), std::string::npos);
  EXPECT_FALSE(BrushRleBytes(bj::array{256}));
  EXPECT_FALSE(BrushRleBytes(bj::array{"7"}));
  EXPECT_FALSE(BrushRleBytes(bj::array{1.5}));
}

TEST(BrushMaskFiles, NpyHeaderMatchesNumpy) {
  const BrushMask mask{7, 5, std::vector<uint8_t>(35, 9)};
  const std::string file = NpyFile(mask);
  // np.save(f, np.zeros((5, 7), np.uint8)) in numpy 2.x: 128 header bytes.
  const std::string dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (5, 7), }";
  ASSERT_EQ(file.size(), 128u + 35u);
  EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(static_cast<unsigned char>(file[8]) | static_cast<unsigned char>(file[9]) << 8, 118);
  EXPECT_EQ(file.substr(10, dict.size()), dict);
  EXPECT_EQ(file.substr(10 + dict.size(), 117 - dict.size()), std::string(117 - dict.size(), ' '));
  EXPECT_EQ(file[127], '\n');
  EXPECT_EQ(file.substr(128), std::string(35, '\x09'));
}

TEST(BrushMaskFiles, NpyHeaderGrowsPastOneBlock) {
  // A 21-digit first axis leaves no growth room, so the header keeps 64-byte alignment.
  const BrushMask mask{3, 100000, {}};
  const std::string file = NpyFile(mask);
  const size_t header = static_cast<unsigned char>(file[8]) | static_cast<unsigned char>(file[9]) << 8;
  EXPECT_EQ((10 + header) % 64, 0u);
  EXPECT_EQ(file[9 + header], '\n');
  EXPECT_NE(file.find("'shape': (100000, 3), }"), std::string::npos);
}

// Decodes an 8-bit grayscale PNG with libpng.
struct DecodedPng {
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  std::vector<uint8_t> pixels;
};

DecodedPng DecodePng(const std::string& file) {
  DecodedPng out;
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, file.data(), file.size())) {
    ADD_FAILURE() << "libpng cannot read the file: " << image.message;
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  out.color_type = (image.format & PNG_FORMAT_FLAG_COLOR) ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY;
  image.format = PNG_FORMAT_GRAY;
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) << image.message;
  // IHDR's bit depth, byte 24 of the file.
  out.bit_depth = static_cast<unsigned char>(file[24]);
  return out;
}

TEST(BrushMaskFiles, PngDecodesToSamePixels) {
  auto mask = DecodeBrushMask(kWebMask, 7, 5);
  ASSERT_TRUE(mask);
  auto png = PngFile(*mask);
  ASSERT_TRUE(png) << png.error().detail;
  const DecodedPng decoded = DecodePng(*png);
  EXPECT_EQ(decoded.width, 7u);
  EXPECT_EQ(decoded.height, 5u);
  EXPECT_EQ(decoded.bit_depth, 8);
  EXPECT_EQ(decoded.color_type, PNG_COLOR_TYPE_GRAY);
  EXPECT_EQ(decoded.pixels, mask->pixels);
  EXPECT_EQ(decoded.pixels[4 * 7], 128) << "alpha values other than 255 pass through";
}

TEST(MediaProbe, ReadsPngAndJpegSizes) {
  const BrushMask mask{640, 329, std::vector<uint8_t>(640 * 329, 0)};
  auto png = PngFile(mask);
  ASSERT_TRUE(png);
  auto size = ProbeImageSize(*png);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 640);
  EXPECT_EQ(size->height, 329);

  // SOI, an APP0 segment, then SOF0 with height 600 and width 800.
  const std::string jpeg = Bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, 'J', 'F', 'I', 'F', 0xFF, 0xC0, 0x00, 0x0B, 8,
                                  0x02, 0x58, 0x03, 0x20, 3, 1, 0x11, 0, 0xFF, 0xD9});
  size = ProbeImageSize(jpeg);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 800);
  EXPECT_EQ(size->height, 600);

  EXPECT_FALSE(ProbeImageSize("GIF89a"));
  EXPECT_FALSE(ProbeImageSize(jpeg.substr(0, 12))) << "a header cut before the frame";
  EXPECT_FALSE(ProbeImageSize(png->substr(0, 20)));
}

// A PCM WAV file: `rate` Hz, `channels` × 16-bit, `frames` frames of silence.
std::string Wav(uint32_t rate, uint16_t channels, uint32_t frames) {
  const auto le = [](std::string& out, uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  };
  const uint32_t data = frames * channels * 2;
  std::string out = "RIFF";
  le(out, 36 + data, 4);
  out += "WAVEfmt ";
  le(out, 16, 4);
  le(out, 1, 2);
  le(out, channels, 2);
  le(out, rate, 4);
  le(out, rate * channels * 2, 4);
  le(out, channels * 2, 2);
  le(out, 16, 2);
  out += "data";
  le(out, data, 4);
  out.append(data, '\0');
  return out;
}

TEST(MediaProbe, ReadsWavDuration) {
  auto seconds = ProbeWavDuration(Wav(16000, 1, 24000));
  ASSERT_TRUE(seconds);
  EXPECT_DOUBLE_EQ(*seconds, 1.5);
  seconds = ProbeWavDuration(Wav(44100, 2, 44100 / 4));
  ASSERT_TRUE(seconds);
  EXPECT_DOUBLE_EQ(*seconds, 0.25);
  EXPECT_FALSE(ProbeWavDuration("ID3\x04 not a wave file"));
  EXPECT_FALSE(ProbeWavDuration(Wav(16000, 1, 10).substr(0, 30))) << "no data chunk";
}

}  // namespace
}  // namespace tally::labeling::exporting
