#include "core/json.h"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace tally::json {

Result<bj::value> ParseBody(std::string_view body) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 64;
  bj::value value = bj::parse(body, ec, {}, options);
  if (ec) {
    return Error::Invalid(fmt::format("Request body is not valid JSON: {}", ec.message()));
  }
  return value;
}

Result<bj::object> ParseObject(std::string_view body) {
  TALLY_ASSIGN_OR_RETURN(value, ParseBody(body));
  if (!value.is_object()) return Error::Invalid("Request body must be a JSON object");
  return std::move(value.as_object());
}

namespace {

const char* KindName(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "a boolean";
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return "a number";
    case bj::kind::string: return "a string";
    case bj::kind::array: return "an array";
    case bj::kind::object: return "an object";
  }
  return "a value";
}

Error WrongType(std::string_view key, const char* expected, const bj::value& got) {
  return Error::InvalidField(std::string(key), fmt::format("must be {}, got {}", expected, KindName(got)));
}

const bj::value* Find(const bj::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<int64_t> AsInt(const bj::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double d = value.as_double();
    if (std::trunc(d) == d && std::abs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> RequireString(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return Error::InvalidField(std::string(key), "This field is required.");
  if (!value->is_string()) return WrongType(key, "a string", *value);
  return std::string(value->as_string());
}

Result<int64_t> RequireInt(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return Error::InvalidField(std::string(key), "This field is required.");
  auto number = AsInt(*value);
  if (!number) return WrongType(key, "an integer", *value);
  return *number;
}

Result<std::optional<std::string>> OptionalString(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(key, "a string", *value);
  return std::optional<std::string>(std::string(value->as_string()));
}

Result<std::optional<int64_t>> OptionalInt(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return std::optional<int64_t>();
  auto number = AsInt(*value);
  if (!number) return WrongType(key, "an integer", *value);
  return std::optional<int64_t>(*number);
}

Result<std::optional<bool>> OptionalBool(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return std::optional<bool>();
  if (!value->is_bool()) return WrongType(key, "a boolean", *value);
  return std::optional<bool>(value->as_bool());
}

Result<std::optional<double>> OptionalNumber(const bj::object& object, std::string_view key) {
  const bj::value* value = Find(object, key);
  if (!value) return std::optional<double>();
  if (!value->is_number()) return WrongType(key, "a number", *value);
  return std::optional<double>(value->to_number<double>());
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return "null";
  if (value == 0) return "0";
  const double magnitude = std::abs(value);
  char buffer[64];
  std::to_chars_result result;
  if (magnitude >= 1e-7 && magnitude < 1e21) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    // Shortest fixed form can be long for tiny values; fall back to general if so.
    if (result.ec != std::errc()) result = std::to_chars(buffer, buffer + sizeof buffer, value);
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  return std::string(buffer, result.ptr);
}

namespace {

// Appends `text` as a JSON string literal. Plain printable ASCII, the common
// case, is copied as is; everything else goes through Boost.JSON's escaping.
void AppendString(std::string_view text, std::string& out) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\' && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!plain) {
    out += bj::serialize(bj::string_view(text.data(), text.size()));
    return;
  }
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

void SerializeObjectTo(const bj::object& object, std::string& out);

void SerializeTo(const bj::value& value, std::string& out) {
  switch (value.kind()) {
    case bj::kind::string:
      AppendString(value.get_string(), out);
      return;
    case bj::kind::int64:
      out += std::to_string(value.get_int64());
      return;
    case bj::kind::double_:
      out += FormatNumber(value.get_double());
      return;
    case bj::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        SerializeTo(element, out);
      }
      out.push_back(']');
      return;
    }
    case bj::kind::object:
      SerializeObjectTo(value.get_object(), out);
      return;
    default:
      out += bj::serialize(value);
  }
}

void SerializeObjectTo(const bj::object& object, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const auto& member : object) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(member.key(), out);
    out.push_back(':');
    SerializeTo(member.value(), out);
  }
  out.push_back('}');
}

}  // namespace

std::string Serialize(const bj::value& value) {
  std::string out;
  out.reserve(256);
  SerializeTo(value, out);
  return out;
}

std::string Serialize(const bj::object& object) {
  std::string out;
  out.reserve(256);
  SerializeObjectTo(object, out);
  return out;
}

}  // namespace tally::json
