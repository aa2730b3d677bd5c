// Text forms that Label Studio's converter (Python, with ujson) produces, so
// exports match its files byte for byte: Python's float repr, ujson's JSON
// (escaped '/', raw UTF-8 with ensure_ascii=False, ", " free compact form or
// indent=2 with ": "), and the quoting of Python's csv module in
// QUOTE_NONNUMERIC mode.
//
// Thread-safety: reentrant functions.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace tally::labeling::exporting {

// Python's repr(float): shortest round-trip digits, ".0" on integral values,
// exponent form below 1e-4 and from 1e16 ("1e-05", "1e+16"), "inf", "nan".
void AppendPythonFloat(std::string& out, double value);
std::string PythonFloat(double value);

struct UjsonStyle {
  int indent = 0;             // 0: compact ("a":1,"b":2); n: newline and n spaces per level, ": " after keys
  bool ensure_ascii = false;  // true: non-ASCII as \uXXXX (surrogate pairs beyond the BMP)
};

// Appends a double as ujson.dumps prints it: Python's repr, with exponents
// not padded to two digits ("1e-5").
void AppendUjsonDouble(std::string& out, double value);

// Appends `value` as ujson.dumps would (escape_forward_slashes on).
void AppendUjson(std::string& out, const boost::json::value& value, const UjsonStyle& style = {});
// The same for a value nested `depth` levels deep in an indented document
// that the caller writes piece by piece.
void AppendUjsonAt(std::string& out, const boost::json::value& value, const UjsonStyle& style, int depth);
std::string Ujson(const boost::json::value& value, const UjsonStyle& style = {});

// Appends `text` as a JSON string the way Python's json.dumps writes it by
// default: ensure_ascii (\uXXXX, surrogate pairs) and '/' left as is.
void AppendPythonJsonString(std::string& out, std::string_view text);

// Appends one CSV cell as Python's csv.writer with QUOTE_NONNUMERIC writes
// it: numbers unquoted (floats in repr form, booleans as True/False), null as
// "", strings quoted with embedded quotes doubled. Arrays and objects are
// not cells: callers encode them first.
void AppendCsvCell(std::string& out, const boost::json::value& cell);

// Python's urllib.parse.unquote: %XX escapes decoded to bytes, an escape
// that is not two hex digits kept as it is, '+' kept.
std::string PythonUnquote(std::string_view text);

}  // namespace tally::labeling::exporting
