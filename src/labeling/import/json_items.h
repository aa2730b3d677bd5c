// Splits a JSON task file into its items without building a document for
// the whole file, so an import of a large array keeps one item's document
// in memory at a time.
//
// Thread-safety: reentrant.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <string_view>

#include "core/result.h"

namespace tally::labeling {

// Calls `on_item` with each element of a top-level JSON array, in order,
// parsed on its own; a top-level object is one item. A UTF-8 byte order mark
// and surrounding whitespace are skipped. Stops at the first error of
// `on_item` and returns it. Fails with invalid_argument naming the byte
// offset when the text is not valid JSON (bad syntax, invalid UTF-8, a
// scalar at the top level). Items already passed to `on_item` stay passed,
// so callers that must be all or nothing run inside a transaction.
// `on_offset`, when set, is called after each item with the byte offset
// reached, for progress reports.
[[nodiscard]] Result<void> ForEachJsonItem(std::string_view text,
                                           const std::function<Result<void>(boost::json::value&)>& on_item,
                                           const std::function<void(size_t offset)>& on_offset = {});

// The same for JSON Lines: one item per non-blank line.
[[nodiscard]] Result<void> ForEachJsonLine(std::string_view text,
                                           const std::function<Result<void>(boost::json::value&)>& on_item);

// Drops a leading UTF-8 byte order mark.
std::string_view StripBom(std::string_view text);

}  // namespace tally::labeling
