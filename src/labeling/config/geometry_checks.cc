#include "labeling/config/geometry_checks.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

// Coordinates are percent of the image size. The labeling UI computes them
// in floating point, so a box touching the right edge may end at
// 100.0000000001; the tolerance accepts that and nothing visible.
constexpr double kPercentTolerance = 1e-6;

std::string FormatNumber(double number) {
  std::string text = std::to_string(number);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// The whole number under `key` of `object`; nullopt when absent or not whole.
std::optional<int64_t> IntegerField(const bj::object* object, std::string_view key) {
  if (!object) return std::nullopt;
  const bj::value* found = object->if_contains(key);
  if (!found) return std::nullopt;
  return AsInteger(*found);
}

class Geometry {
 public:
  explicit Geometry(ValueContext& context) : context_(context), value_(context.value) {}

  // A required percent coordinate; returns it when valid.
  std::optional<double> Percent(std::string_view key, const bj::object& holder, const std::string& path) {
    const bj::value* found = holder.if_contains(key);
    if (!found) {
      context_.Fail(path + std::string(key), "is required");
      return std::nullopt;
    }
    const std::optional<double> number = AsNumber(*found);
    if (!number) {
      context_.Fail(path + std::string(key), "must be a number");
      return std::nullopt;
    }
    if (*number < -kPercentTolerance || *number > 100 + kPercentTolerance) {
      context_.Fail(path + std::string(key),
                    "must be between 0 and 100 (percent of the image size), got " + FormatNumber(*number));
      return std::nullopt;
    }
    return number;
  }

  std::optional<double> Percent(std::string_view key) { return Percent(key, value_, ""); }

  // An optional number; reports a wrong type.
  std::optional<double> OptionalNumber(std::string_view key) {
    const bj::value* found = value_.if_contains(key);
    if (!found) return std::nullopt;
    const std::optional<double> number = AsNumber(*found);
    if (!number) context_.Fail(key, "must be a number");
    return number;
  }

  // A required non-negative whole number (character offsets, indexes).
  std::optional<int64_t> Offset(std::string_view key, bool required = true) {
    const bj::value* found = value_.if_contains(key);
    if (!found) {
      if (required) context_.Fail(key, "is required");
      return std::nullopt;
    }
    const std::optional<int64_t> number = AsInteger(*found);
    if (!number || *number < 0) {
      context_.Fail(key, "must be a whole number of at least 0");
      return std::nullopt;
    }
    return number;
  }

  void Rectangle() {
    const auto x = Percent("x");
    const auto y = Percent("y");
    const auto width = Percent("width");
    const auto height = Percent("height");
    const double rotation = OptionalNumber("rotation").value_or(0);

    // A rotated box may reach past the edge; an unrotated one may not.
    if (rotation != 0) return;
    if (x && width && *x + *width > 100 + kPercentTolerance) {
      context_.Fail("width", "x + width is " + FormatNumber(*x + *width) + ", past the right edge (100)");
    }
    if (y && height && *y + *height > 100 + kPercentTolerance) {
      context_.Fail("height", "y + height is " + FormatNumber(*y + *height) + ", past the bottom edge (100)");
    }
  }

  void Polygon() {
    const bj::value* points = value_.if_contains("points");
    if (!points || !points->is_array()) {
      context_.Fail("points", points ? "must be a list of [x, y] pairs" : "is required");
      return;
    }
    // An open polyline may have any number of points; a closed polygon needs three.
    const bj::value* closed = value_.if_contains("closed");
    const bool open = closed && closed->is_bool() && !closed->as_bool();
    const size_t minimum = open ? 1 : 3;
    if (points->as_array().size() < minimum) {
      context_.Fail("points", "has " + std::to_string(points->as_array().size()) + " points, but a " +
                                  (open ? "polyline" : "closed polygon") + " needs at least " +
                                  std::to_string(minimum));
    }
    const bj::array& list = points->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string key = "points." + std::to_string(i);
      if (!list[i].is_array() || list[i].as_array().size() != 2) {
        context_.Fail(key, "must be an [x, y] pair");
        continue;
      }
      for (size_t axis = 0; axis < 2; ++axis) {
        const std::optional<double> number = AsNumber(list[i].as_array()[axis]);
        if (!number || *number < -kPercentTolerance || *number > 100 + kPercentTolerance) {
          context_.Fail(key + "." + std::to_string(axis), "must be a number between 0 and 100 (percent)");
        }
      }
    }
  }

  void KeyPoint() {
    Percent("x");
    Percent("y");
    const std::optional<double> width = OptionalNumber("width");
    if (width && *width < 0) context_.Fail("width", "must be at least 0");
  }

  void Ellipse() {
    Percent("x");
    Percent("y");
    Percent("radiusX");
    Percent("radiusY");
    OptionalNumber("rotation");
  }

  void Vector() {
    const bj::value* vertices = value_.if_contains("vertices");
    if (!vertices || !vertices->is_array()) {
      context_.Fail("vertices", vertices ? "must be a list of {x, y} points" : "is required");
      return;
    }
    const bj::array& list = vertices->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = "vertices." + std::to_string(i) + ".";
      if (!list[i].is_object()) {
        context_.Fail("vertices." + std::to_string(i), "must be an object with x and y");
        continue;
      }
      Percent("x", list[i].as_object(), path);
      Percent("y", list[i].as_object(), path);
    }
  }

  // Brush masks: "rle" contains rle-pack bytes whose 32-bit header is the
  // number of RGBA values, width * height * 4 of the original image.
  void Brush() {
    const bj::value* format = value_.if_contains("format");
    if (!format || !format->is_string()) {
      context_.Fail("format", format ? "must be a string" : "is required (\"rle\")");
      return;
    }
    if (format->as_string() != "rle") return;

    const bj::value* rle = value_.if_contains("rle");
    if (!rle || !rle->is_array() || rle->as_array().empty()) {
      context_.Fail("rle", "must be a non-empty list of bytes");
      return;
    }
    const bj::array& bytes = rle->as_array();
    for (size_t i = 0; i < bytes.size(); ++i) {
      const std::optional<int64_t> byte = AsInteger(bytes[i]);
      if (!byte || *byte < 0 || *byte > 255) {
        context_.Fail("rle." + std::to_string(i), "must be a byte (0 to 255)");
        return;
      }
    }

    const bj::value* width = context_.item.if_contains("original_width");
    const bj::value* height = context_.item.if_contains("original_height");
    const std::optional<int64_t> w = width ? AsInteger(*width) : std::nullopt;
    const std::optional<int64_t> h = height ? AsInteger(*height) : std::nullopt;
    if (!w || !h || bytes.size() < 4) return;
    uint64_t count = 0;
    for (size_t i = 0; i < 4; ++i) count = (count << 8) | static_cast<uint64_t>(*AsInteger(bytes[i]));
    const uint64_t expected = static_cast<uint64_t>(*w) * static_cast<uint64_t>(*h) * 4;
    if (count != expected) {
      context_.Fail("rle", "encodes " + std::to_string(count) + " values, but a " + std::to_string(*w) + "x" +
                               std::to_string(*h) + " image needs " + std::to_string(expected) +
                               " (width * height * 4)");
    }
  }

  void Image() {
    const std::string_view type = context_.type;
    auto has = [&](std::string_view key) { return value_.contains(key); };
    auto starts = [&](std::string_view prefix) { return type.substr(0, prefix.size()) == prefix; };

    if (starts("rectangle") || type == "ocrlabels") return Rectangle();
    if (starts("polygon")) return Polygon();
    if (starts("keypoint")) return KeyPoint();
    if (starts("ellipse")) return Ellipse();
    if (starts("brush")) return Brush();
    if (starts("vector")) return Vector();
    if (starts("bitmask")) return;

    // A Labels item on an image repeats the geometry of the shape it labels.
    if (has("points")) return Polygon();
    if (has("radiusX")) return Ellipse();
    if (has("rle") || has("format")) return Brush();
    if (has("vertices")) return Vector();
    if (has("height")) return Rectangle();
    if (has("x")) return KeyPoint();
    context_.Fail("x", "is required: an image region needs its geometry (x and y, points, or a mask)");
  }

  void TextSpan() {
    // Older Label Studio versions stored text spans as XPath plus offsets.
    const bj::value* start = value_.if_contains("start");
    if (start && start->is_string()) return XPathSpan();

    const auto begin = Offset("start");
    const auto end = Offset("end");
    if (begin && end && *begin > *end) context_.Fail("start", "must not be after end");
    const bj::value* text = value_.if_contains("text");
    if (text && !text->is_string()) context_.Fail("text", "must be a string");
  }

  void XPathSpan() {
    for (std::string_view key : {"start", "end"}) {
      const bj::value* path = value_.if_contains(key);
      if (!path || !path->is_string()) context_.Fail(key, "must be an XPath string");
    }
    Offset("startOffset");
    Offset("endOffset");
    if (const bj::value* global = value_.if_contains("globalOffsets")) {
      const std::optional<int64_t> begin = IntegerField(global->if_object(), "start");
      const std::optional<int64_t> end = IntegerField(global->if_object(), "end");
      if (!begin || !end || *begin < 0 || *begin > *end) {
        context_.Fail("globalOffsets", "must be {\"start\": n, \"end\": m} with 0 <= n <= m");
      }
    }
    const bj::value* text = value_.if_contains("text");
    if (text && !text->is_string()) context_.Fail("text", "must be a string");
  }

  // Paragraph indexes may arrive as numeric strings; they are stored as numbers.
  void ParagraphSpan() {
    for (std::string_view key : {"start", "end"}) {
      bj::value* index = value_.if_contains(key);
      if (!index || !index->is_string()) continue;
      const std::string text(index->as_string());
      char* parsed_end = nullptr;
      const long long number = std::strtoll(text.c_str(), &parsed_end, 10);
      if (!text.empty() && parsed_end == text.c_str() + text.size()) *index = static_cast<int64_t>(number);
    }

    const auto begin = Offset("start");
    const auto end = Offset("end");
    const auto begin_offset = Offset("startOffset");
    const auto end_offset = Offset("endOffset");
    if (begin && end && *begin > *end) context_.Fail("start", "must not be after end");
    if (begin && end && *begin == *end && begin_offset && end_offset && *begin_offset > *end_offset) {
      context_.Fail("startOffset", "must not be after endOffset within one paragraph");
    }
  }

  void TimeSpan() {
    const std::optional<double> begin = RequiredNonNegative("start");
    const std::optional<double> end = RequiredNonNegative("end");
    if (begin && end && *begin > *end) context_.Fail("start", "must not be after end");
    if (const bj::value* channel = value_.if_contains("channel")) {
      const std::optional<int64_t> index = AsInteger(*channel);
      if (!index || *index < 0) context_.Fail("channel", "must be a whole number of at least 0");
    }
  }

  // Time-series bounds are in the units of the time column: numbers, or
  // formatted strings that cannot be compared here.
  void TimeSeriesSpan() {
    const bj::value* begin = value_.if_contains("start");
    const bj::value* end = value_.if_contains("end");
    for (auto [key, bound] : {std::pair{"start", begin}, std::pair{"end", end}}) {
      if (!bound) context_.Fail(key, "is required");
      else if (!bound->is_string() && !AsNumber(*bound)) context_.Fail(key, "must be a number or a time string");
    }
    const bj::value* instant = value_.if_contains("instant");
    if (instant && !instant->is_bool()) context_.Fail("instant", "must be true or false");
    if (!begin || !end) return;

    const std::optional<double> from = AsNumber(*begin);
    const std::optional<double> to = AsNumber(*end);
    if (from && to && *from > *to) context_.Fail("start", "must not be after end");
    if (from && to && instant && instant->is_bool() && instant->as_bool() && *from != *to) {
      context_.Fail("instant", "is true, so start and end must be equal");
    }
  }

  void VideoSequence() {
    const bj::value* sequence = value_.if_contains("sequence");
    if (!sequence || !sequence->is_array()) {
      context_.Fail("sequence", sequence ? "must be a list of keyframes" : "is required");
      return;
    }
    Offset("framesCount", false);
    if (const std::optional<double> duration = OptionalNumber("duration"); duration && *duration < 0) {
      context_.Fail("duration", "must be at least 0");
    }

    int64_t previous_frame = -1;
    const bj::array& frames = sequence->as_array();
    for (size_t i = 0; i < frames.size(); ++i) {
      const std::string path = "sequence." + std::to_string(i);
      if (!frames[i].is_object()) {
        context_.Fail(path, "must be a keyframe object");
        continue;
      }
      const bj::object& frame = frames[i].as_object();
      const bj::value* number = frame.if_contains("frame");
      const std::optional<int64_t> index = number ? AsInteger(*number) : std::nullopt;
      if (!index || *index < 0) {
        context_.Fail(path + ".frame", "must be a whole number of at least 0");
      } else if (*index < previous_frame) {
        context_.Fail(path + ".frame", "keyframes must be in frame order");
      } else {
        previous_frame = *index;
      }
      for (std::string_view key : {"x", "y", "width", "height"}) Percent(key, frame, path + ".");
      const bj::value* enabled = frame.if_contains("enabled");
      if (enabled && !enabled->is_bool()) context_.Fail(path + ".enabled", "must be true or false");
    }
  }

  void FrameRanges() {
    const bj::value* ranges = value_.if_contains("ranges");
    if (!ranges || !ranges->is_array()) {
      context_.Fail("ranges", ranges ? "must be a list of {start, end} frame ranges" : "is required");
      return;
    }
    const bj::array& list = ranges->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = "ranges." + std::to_string(i);
      const std::optional<int64_t> begin = IntegerField(list[i].if_object(), "start");
      const std::optional<int64_t> end = IntegerField(list[i].if_object(), "end");
      if (!begin || !end || *begin < 0 || *begin > *end) {
        context_.Fail(path, "must be {\"start\": n, \"end\": m} with frame numbers 0 <= n <= m");
      }
    }
  }

  void Video() {
    if (context_.control.answer == AnswerKind::kTimelineLabels || value_.contains("ranges")) FrameRanges();
    if (context_.control.answer == AnswerKind::kVideoRectangle || value_.contains("sequence")) VideoSequence();
  }

 private:
  std::optional<double> RequiredNonNegative(std::string_view key) {
    const bj::value* found = value_.if_contains(key);
    const std::optional<double> number = found ? AsNumber(*found) : std::nullopt;
    if (!found) context_.Fail(key, "is required");
    else if (!number || *number < 0) context_.Fail(key, "must be a number of seconds, at least 0");
    return number && *number >= 0 ? number : std::nullopt;
  }

  ValueContext& context_;
  bj::object& value_;
};

bool IsDigits(std::string_view text, size_t from, size_t count) {
  if (from + count > text.size()) return false;
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int TwoDigits(std::string_view text, size_t from) { return (text[from] - '0') * 10 + (text[from + 1] - '0'); }

bool IsDate(std::string_view text) {  // YYYY-MM-DD
  if (text.size() != 10 || !IsDigits(text, 0, 4) || text[4] != '-' || !IsDigits(text, 5, 2) || text[7] != '-' ||
      !IsDigits(text, 8, 2)) {
    return false;
  }
  const int month = TwoDigits(text, 5);
  const int day = TwoDigits(text, 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool IsTime(std::string_view text) {  // HH:MM or HH:MM:SS, optional fraction and zone
  if (text.size() < 5 || !IsDigits(text, 0, 2) || text[2] != ':' || !IsDigits(text, 3, 2)) return false;
  if (TwoDigits(text, 0) > 23 || TwoDigits(text, 3) > 59) return false;
  std::string_view rest = text.substr(5);
  if (!rest.empty() && rest[0] == ':') {
    if (!IsDigits(rest, 1, 2) || TwoDigits(rest, 1) > 60) return false;
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {
      size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      if (digits == 1) return false;
      rest.remove_prefix(digits);
    }
  }
  if (rest.empty() || rest == "Z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && IsDigits(rest, 1, 2) && rest[3] == ':' &&
         IsDigits(rest, 4, 2);
}

}  // namespace

void CheckRegionGeometry(ValueContext& context) {
  if (!context.object) return;
  Geometry geometry(context);
  const std::string& type = context.object->type;

  if (type == "Image") geometry.Image();
  else if (type == "Text") geometry.TextSpan();
  else if (type == "HyperText") geometry.XPathSpan();
  else if (type == "Paragraphs") geometry.ParagraphSpan();
  else if (type == "Audio" || type == "AudioPlus") geometry.TimeSpan();
  else if (type == "TimeSeries") geometry.TimeSeriesSpan();
  else if (type == "Video") geometry.Video();
  else if (type == "Pdf" && context.value.contains("x")) geometry.Rectangle();
}

DateTimeForm DateTimeFormFor(std::string_view only) {
  bool date = false, time = false, month = false, year = false;
  for (const std::string& part : SplitCommaList(only)) {
    date = date || part == "date";
    time = time || part == "time";
    month = month || part == "month";
    year = year || part == "year";
  }
  if (date && !time) return DateTimeForm::kDate;
  if (time && !date) return DateTimeForm::kTime;
  if (month && !date && !time) return DateTimeForm::kMonth;
  if (year && !date && !time) return DateTimeForm::kYear;
  return DateTimeForm::kDateTime;
}

bool MatchesDateTimeForm(std::string_view text, DateTimeForm form) {
  switch (form) {
    case DateTimeForm::kDate:
      return IsDate(text);
    case DateTimeForm::kTime:
      return IsTime(text);
    case DateTimeForm::kMonth:
      return text.size() == 7 && IsDigits(text, 0, 4) && text[4] == '-' && IsDigits(text, 5, 2) &&
             TwoDigits(text, 5) >= 1 && TwoDigits(text, 5) <= 12;
    case DateTimeForm::kYear:
      return text.size() == 4 && IsDigits(text, 0, 4);
    case DateTimeForm::kDateTime:
      return text.size() > 11 && IsDate(text.substr(0, 10)) && (text[10] == 'T' || text[10] == ' ') &&
             IsTime(text.substr(11));
  }
  return false;
}

std::string_view DateTimeFormText(DateTimeForm form) {
  switch (form) {
    case DateTimeForm::kDate: return "date (YYYY-MM-DD)";
    case DateTimeForm::kTime: return "time (HH:MM)";
    case DateTimeForm::kMonth: return "month (YYYY-MM)";
    case DateTimeForm::kYear: return "year (YYYY)";
    case DateTimeForm::kDateTime: return "date and time (YYYY-MM-DDTHH:MM)";
  }
  return "date";
}

}  // namespace tally::labeling
