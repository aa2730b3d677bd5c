#include "labeling/import/delimited.h"

#include <fmt/format.h>

#include <algorithm>

#include "labeling/import/json_items.h"

namespace tally::labeling {

char DetectCsvSeparator(std::string_view text) {
  text = StripBom(text);
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const auto semicolons = std::count(first_line.begin(), first_line.end(), ';');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return semicolons > commas ? ';' : ',';
}

Result<void> ForEachDelimitedRecord(
    std::string_view text, char separator,
    const std::function<Result<void>(std::vector<std::string>& cells, size_t line)>& on_record) {
  text = StripBom(text);
  std::vector<std::string> cells;
  std::string cell;
  size_t line = 1;
  size_t record_line = 1;
  size_t pos = 0;
  bool record_has_content = false;

  auto end_record = [&]() -> Result<void> {
    cells.push_back(std::move(cell));
    cell.clear();
    // A line with nothing on it is skipped rather than read as one empty cell.
    const bool blank = !record_has_content && cells.size() == 1 && cells[0].empty();
    Result<void> outcome = Ok();
    if (!blank) outcome = on_record(cells, record_line);
    cells.clear();
    record_has_content = false;
    return outcome;
  };

  while (pos < text.size()) {
    const char ch = text[pos];
    if (ch == '"' && cell.empty()) {
      // A quoted cell: runs to the closing quote; "" stands for one quote.
      record_has_content = true;
      const size_t quote_line = line;
      ++pos;
      while (true) {
        if (pos >= text.size()) {
          return Error::Invalid(fmt::format("The quote opened on line {} is never closed", quote_line));
        }
        if (text[pos] == '"') {
          if (pos + 1 < text.size() && text[pos + 1] == '"') {
            cell += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        if (text[pos] == '\n') ++line;
        cell += text[pos++];
      }
      // After the closing quote only a separator or a line end may follow.
      if (pos < text.size() && text[pos] != separator && text[pos] != '\n' &&
          !(text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') && text[pos] != '\r') {
        return Error::Invalid(fmt::format("Unexpected text after a closing quote on line {}", line));
      }
      continue;
    }
    if (ch == separator) {
      record_has_content = true;
      cells.push_back(std::move(cell));
      cell.clear();
      ++pos;
      continue;
    }
    if (ch == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') {
      ++pos;
      continue;
    }
    if (ch == '\n') {
      TALLY_TRY(end_record());
      ++pos;
      ++line;
      record_line = line;
      continue;
    }
    if (ch == '"') return Error::Invalid(fmt::format("A quote inside an unquoted cell on line {}", line));
    record_has_content = true;
    cell += ch;
    ++pos;
  }
  if (record_has_content || !cell.empty() || !cells.empty()) TALLY_TRY(end_record());
  return Ok();
}

Result<void> ForEachTextLine(std::string_view text, const std::function<Result<void>(std::string_view line)>& on_line) {
  text = StripBom(text);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    TALLY_TRY(on_line(line));
    start = end + 1;
  }
  return Ok();
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                          (length == 4 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace tally::labeling
