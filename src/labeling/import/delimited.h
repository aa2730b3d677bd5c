// Readers for the plain-text task files Label Studio imports: CSV and TSV
// (RFC 4180 quoting, a header row of data keys) and TXT (one task per line).
// Records are produced one at a time, so memory does not grow with the file.
//
// Thread-safety: reentrant.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally::labeling {

// Picks the CSV separator as recent Label Studio releases do: ';' when the
// first line holds more ';' than ',', else ','.
char DetectCsvSeparator(std::string_view text);

// Calls `on_record` with the cells of each record and the 1-based line the
// record starts on. Quoted cells may hold separators, doubled quotes and line
// breaks (LF or CRLF); cells are passed exactly as written, unquoted. Lines
// end in LF or CRLF; a UTF-8 byte order mark is skipped and blank lines
// outside quotes are skipped. Fails with invalid_argument naming the line of
// a quote that is never closed or of a stray quote inside an unquoted cell,
// or with the first error `on_record` returns.
[[nodiscard]] Result<void> ForEachDelimitedRecord(
    std::string_view text, char separator,
    const std::function<Result<void>(std::vector<std::string>& cells, size_t line)>& on_record);

// Calls `on_line` with each line of a TXT file (LF or CRLF endings, no final
// empty line), as Python's str.splitlines reads it for those endings.
[[nodiscard]] Result<void> ForEachTextLine(std::string_view text,
                                           const std::function<Result<void>(std::string_view line)>& on_line);

// True when `text` is valid UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace tally::labeling
