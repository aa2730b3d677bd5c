#include "labeling/prediction_result.h"

#include <fmt/format.h>

namespace tally::labeling {

namespace bj = boost::json;

namespace {

std::string Lower(std::string_view text) {
  std::string lower;
  for (char ch : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower;
}

bj::object ItemFor(const LabelConfig& config, const ControlTag& control, std::string type, bj::value value) {
  return bj::object{{"from_name", control.name},
                    {"to_name", std::string(config.Element(control.element).Attribute("toName"))},
                    {"type", std::move(type)},
                    {"value", std::move(value)}};
}

}  // namespace

Result<bj::value> ExpandPredictionResult(const LabelConfig& config, const bj::value& result, const std::string& field) {
  if (result.is_array()) {
    for (const bj::value& item : result.as_array()) {
      if (!item.is_object()) return Error::InvalidField(field, "Each item in prediction result should be dict");
    }
    return result;
  }

  if (result.is_object()) {
    for (const ControlTag& control : config.controls) {
      const std::string type = Lower(control.type);
      if (result.as_object().contains(type)) {
        return bj::value(bj::array{ItemFor(config, control, type, result)});
      }
    }
    return bj::value(nullptr);
  }

  const bool is_string = result.is_string();
  const bool is_integer = result.is_int64() || result.is_uint64() || result.is_bool();
  if (is_string || is_integer) {
    for (const ControlTag& control : config.controls) {
      const std::string type = Lower(control.type);
      const bool matches = (type == "choices" && is_string) || (type == "rating" && is_integer) ||
                           (type == "textarea" && is_string);
      if (!matches) continue;
      // TextArea values live under "text" everywhere else, so the shorthand
      // is stored that way instead of Label Studio's {"textarea": [...]}.
      const std::string key = type == "textarea" ? "text" : type;
      return bj::value(bj::array{ItemFor(config, control, type, bj::object{{key, bj::array{result}}})});
    }
    return bj::value(nullptr);
  }

  const char* kind = result.is_null() ? "NoneType" : result.is_double() ? "float" : "object";
  return Error::InvalidField(field, fmt::format("Incorrect format {} for prediction result", kind));
}

}  // namespace tally::labeling
