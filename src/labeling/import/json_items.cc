#include "labeling/import/json_items.h"

#include <fmt/format.h>

namespace tally::labeling {

namespace bj = boost::json;

std::string_view StripBom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

namespace {

bool IsSpace(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

Result<bj::value> ParseItem(std::string_view text, size_t offset) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 64;
  bj::value value = bj::parse(text, ec, {}, options);
  if (ec) return Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: {}", offset, ec.message()));
  return value;
}

// Returns the end (one past) of the JSON value starting at `start`, by
// tracking strings and bracket depth. The value's own syntax is checked
// later by the parser; this only has to find where it ends.
size_t FindValueEnd(std::string_view text, size_t start) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      ++depth;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0) return i;  // end of the enclosing array: a scalar ended here
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (ch == ',' || IsSpace(ch))) {
      return i;
    }
  }
  return text.size();
}

}  // namespace

Result<void> ForEachJsonItem(std::string_view text, const std::function<Result<void>(bj::value&)>& on_item,
                             const std::function<void(size_t offset)>& on_offset) {
  text = StripBom(text);
  size_t pos = 0;
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  if (pos == text.size()) return Error::Invalid("Task file is empty");

  if (text[pos] == '{') {
    TALLY_ASSIGN_OR_RETURN(item, ParseItem(text.substr(pos), pos));
    return on_item(item);
  }
  if (text[pos] != '[') return Error::Invalid("Task file must hold a JSON list of tasks or one task object");

  ++pos;
  bool expect_item = true;
  bool first = true;
  while (true) {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
    if (pos == text.size()) return Error::Invalid("Task file is not valid JSON: the list is not closed");
    if (text[pos] == ']') {
      if (expect_item && !first) {
        return Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: a comma before ']'", pos));
      }
      ++pos;
      break;
    }
    if (!expect_item) {
      if (text[pos] != ',') {
        return Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: expected ',' or ']'", pos));
      }
      ++pos;
      expect_item = true;
      continue;
    }
    const size_t end = FindValueEnd(text, pos);
    TALLY_ASSIGN_OR_RETURN(item, ParseItem(text.substr(pos, end - pos), pos));
    TALLY_TRY(on_item(item));
    if (on_offset) on_offset(end);
    pos = end;
    expect_item = false;
    first = false;
  }

  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  if (pos != text.size()) {
    return Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: text after the list", pos));
  }
  return Ok();
}

Result<void> ForEachJsonLine(std::string_view text, const std::function<Result<void>(bj::value&)>& on_item) {
  text = StripBom(text);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      TALLY_ASSIGN_OR_RETURN(item, ParseItem(line, start));
      TALLY_TRY(on_item(item));
    }
    start = end + 1;
  }
  return Ok();
}

}  // namespace tally::labeling
