// Helpers for reading request JSON with errors that name the field.
//
// Every getter returns Result: a missing required field or a wrong type is an
// Errc::kInvalidArgument carrying the field's name and what to send instead,
// which both API envelopes turn into a 400 naming the field.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::json {

namespace bj = boost::json;

// Parses a request body. Fails with a message naming the offset of the syntax
// error, or "body must be a JSON object" when `require_object` and it is not.
[[nodiscard]] Result<bj::value> ParseBody(std::string_view body);
[[nodiscard]] Result<bj::object> ParseObject(std::string_view body);

// Required fields: missing, null or of another type is an error naming `key`.
[[nodiscard]] Result<std::string> RequireString(const bj::object& object, std::string_view key);
[[nodiscard]] Result<int64_t> RequireInt(const bj::object& object, std::string_view key);

// Optional fields: absent or null gives nullopt; present with another type is an error.
[[nodiscard]] Result<std::optional<std::string>> OptionalString(const bj::object& object, std::string_view key);
[[nodiscard]] Result<std::optional<int64_t>> OptionalInt(const bj::object& object, std::string_view key);
[[nodiscard]] Result<std::optional<bool>> OptionalBool(const bj::object& object, std::string_view key);
[[nodiscard]] Result<std::optional<double>> OptionalNumber(const bj::object& object, std::string_view key);

// Serializes with numbers people read (scores, costs, coordinates) in plain
// decimal form: Boost.JSON's default would print 0.413 as 4.13E-1.
std::string Serialize(const bj::value& value);
// The same for an object, which would otherwise be deep-copied into a
// temporary bj::value before it is written.
std::string Serialize(const bj::object& object);

// Formats a double the way JavaScript's JSON.stringify does for ordinary
// magnitudes: shortest round-trip digits, no exponent between 1e-7 and 1e21.
std::string FormatNumber(double value);

}  // namespace tally::json
