#include "labeling/export/python_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tally::labeling::exporting {

namespace bj = boost::json;

void AppendPythonFloat(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  // Shortest round-trip digits in scientific form give the digit string and
  // the decimal exponent; Python's repr then picks fixed or exponent form.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, result.ptr - buffer);
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const size_t e_pos = text.find('e');
  const int exponent = std::stoi(std::string(text.substr(e_pos + 1)));
  std::string digits;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  if (negative) out.push_back('-');
  if (exponent < -4 || exponent >= 16) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    char exponent_text[8];
    std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exponent_text;
    return;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return;
  }
  const size_t integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) {
    out += digits;
    out.append(integer_digits - digits.size(), '0');
    out += ".0";
  } else {
    out.append(digits, 0, integer_digits);
    out.push_back('.');
    out.append(digits, integer_digits);
  }
}

std::string PythonFloat(double value) {
  std::string out;
  AppendPythonFloat(out, value);
  return out;
}

namespace {

void AppendHexEscape(std::string& out, unsigned code) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
  out += buffer;
}

// Decodes one UTF-8 sequence at `i`; returns the code point and advances `i`.
// Invalid bytes come back as U+FFFD, one byte at a time.
unsigned DecodeUtf8(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned first = byte(i);
  int length = first < 0x80 ? 1 : (first >> 5) == 0x6 ? 2 : (first >> 4) == 0xE ? 3 : (first >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  // The lead byte's payload bits: all of an ASCII byte, then 5, 4 or 3 bits.
  unsigned code = first & 0x07;
  if (length == 1) {
    code = first;
  } else if (length == 2) {
    code = first & 0x1F;
  } else if (length == 3) {
    code = first & 0x0F;
  }
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  i += length;
  return code;
}

void AppendUjsonString(std::string& out, std::string_view text, bool ensure_ascii, bool escape_slash = true) {
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (!ensure_ascii) {
        out.push_back(static_cast<char>(c));
        ++i;
        continue;
      }
      const unsigned code = DecodeUtf8(text, i);
      if (code >= 0x10000) {
        const unsigned reduced = code - 0x10000;
        AppendHexEscape(out, 0xD800 + (reduced >> 10));
        AppendHexEscape(out, 0xDC00 + (reduced & 0x3FF));
      } else {
        AppendHexEscape(out, code);
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '/': out += escape_slash ? "\\/" : "/"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          AppendHexEscape(out, c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendNewline(std::string& out, const UjsonStyle& style, int depth) {
  if (style.indent == 0) return;
  out.push_back('\n');
  out.append(static_cast<size_t>(style.indent * depth), ' ');
}

void AppendValue(std::string& out, const bj::value& value, const UjsonStyle& style, int depth) {
  switch (value.kind()) {
    case bj::kind::null: out += "null"; return;
    case bj::kind::bool_: out += value.get_bool() ? "true" : "false"; return;
    case bj::kind::int64: out += std::to_string(value.get_int64()); return;
    case bj::kind::uint64: out += std::to_string(value.get_uint64()); return;
    case bj::kind::double_: AppendUjsonDouble(out, value.get_double()); return;
    case bj::kind::string: AppendUjsonString(out, value.get_string(), style.ensure_ascii); return;
    case bj::kind::array: {
      const auto& array = value.get_array();
      out.push_back('[');
      if (array.empty()) {
        out.push_back(']');
        return;
      }
      bool first = true;
      for (const auto& element : array) {
        if (!first) out.push_back(',');
        first = false;
        AppendNewline(out, style, depth + 1);
        AppendValue(out, element, style, depth + 1);
      }
      AppendNewline(out, style, depth);
      out.push_back(']');
      return;
    }
    case bj::kind::object: {
      const auto& object = value.get_object();
      out.push_back('{');
      if (object.empty()) {
        out.push_back('}');
        return;
      }
      bool first = true;
      for (const auto& member : object) {
        if (!first) out.push_back(',');
        first = false;
        AppendNewline(out, style, depth + 1);
        AppendUjsonString(out, member.key(), style.ensure_ascii);
        out += style.indent > 0 ? ": " : ":";
        AppendValue(out, member.value(), style, depth + 1);
      }
      AppendNewline(out, style, depth);
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

void AppendUjsonDouble(std::string& out, double value) {
  // ujson prints doubles like Python's repr, but exponents without padding.
  const size_t start = out.size();
  AppendPythonFloat(out, value);
  const size_t e = out.find('e', start);
  if (e != std::string::npos && out.size() > e + 2 && out[e + 2] == '0') out.erase(e + 2, 1);
}

void AppendPythonJsonString(std::string& out, std::string_view text) {
  AppendUjsonString(out, text, /*ensure_ascii=*/true, /*escape_slash=*/false);
}

void AppendUjson(std::string& out, const bj::value& value, const UjsonStyle& style) {
  AppendValue(out, value, style, 0);
}

void AppendUjsonAt(std::string& out, const bj::value& value, const UjsonStyle& style, int depth) {
  AppendValue(out, value, style, depth);
}

std::string Ujson(const bj::value& value, const UjsonStyle& style) {
  std::string out;
  AppendUjson(out, value, style);
  return out;
}

void AppendCsvCell(std::string& out, const bj::value& cell) {
  switch (cell.kind()) {
    case bj::kind::int64: out += std::to_string(cell.get_int64()); return;
    case bj::kind::uint64: out += std::to_string(cell.get_uint64()); return;
    case bj::kind::double_: AppendPythonFloat(out, cell.get_double()); return;
    case bj::kind::bool_: out += cell.get_bool() ? "True" : "False"; return;
    case bj::kind::string: {
      out.push_back('"');
      for (char c : cell.get_string()) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
      }
      out.push_back('"');
      return;
    }
    default: out += "\"\""; return;  // null; arrays and objects are encoded by the caller
  }
}

std::string PythonUnquote(std::string_view text) {
  const auto hex_value = [](char digit) -> int {
    if (digit >= '0' && digit <= '9') return digit - '0';
    if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace tally::labeling::exporting
