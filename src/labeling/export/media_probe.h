// Facts read from the header of a media file that an export carries: the
// pixel size of a PNG or JPEG image, which COCO prefers to the results'
// sizes, and the length of a WAV recording, the ASR manifest's duration.
// Only the header is parsed, and no pixels or samples are decoded.
//
// Thread-safety: reentrant functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tally::labeling::exporting {

struct ImageSize {
  int64_t width = 0;
  int64_t height = 0;
};

// The size in a PNG IHDR chunk or a JPEG start-of-frame segment; nullopt
// for other formats or a damaged header.
std::optional<ImageSize> ProbeImageSize(std::string_view file);

// Seconds of audio in a RIFF/WAVE file: data chunk frames / sample rate.
// nullopt for other formats or a damaged header.
// NOTE: MP3, FLAC and other compressed formats are not measured.
std::optional<double> ProbeWavDuration(std::string_view file);

}  // namespace tally::labeling::exporting
