// Splits a JSON task file into its items without building a document for
// the whole file, so an import of a large array keeps one item's document
// in memory at a time.
//
// Thread-safety: reentrant.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::labeling {

// Splits a JSON task file that arrives in pieces (a request body read while
// the client sends it) into its items, with the rules of ForEachJsonItem.
// Only the unfinished item at the end of a piece is copied and kept, so
// memory stays at one item however the text is cut. A top-level object is
// kept whole until Finish.
// NOTE: one huge item (or top-level object) is held whole in memory. Only
// the route's body limit (250 MiB by default) bounds it.
//
// Thread-safety: one reader per text, used by one thread.
class JsonItemReader {
 public:
  using OnItem = std::function<Result<void>(boost::json::value&)>;

  explicit JsonItemReader(OnItem on_item) : on_item_(std::move(on_item)) {}

  // Memory for the items parsed from now on (the default heap when unset).
  void set_storage(boost::json::storage_ptr storage) { storage_ = std::move(storage); }

  // Reads the next piece. Calls on_item for each item that the piece ends.
  // After an error, the reader is done and every later call returns it.
  [[nodiscard]] Result<void> Feed(std::string_view piece);

  // Ends the text. Fails when the text was empty or stopped inside the list.
  [[nodiscard]] Result<void> Finish();

  // Bytes read so far, not counting a byte order mark: progress reports,
  // and the offsets in error messages.
  size_t offset() const { return offset_; }

 private:
  enum class Where { kStart, kObject, kList, kItem, kAfterList, kFailed };

  Result<void> Fail(Error error);
  Result<void> EmitItem(std::string_view text, size_t start);

  OnItem on_item_;
  boost::json::storage_ptr storage_;
  Where where_ = Where::kStart;
  std::string bom_;         // leading bytes while a byte order mark may still be arriving
  bool bom_checked_ = false;
  std::string pending_;     // the unfinished item (or the whole top-level object)
  size_t offset_ = 0;       // absolute offset of the next byte to read
  size_t item_start_ = 0;   // absolute offset where the current item began
  bool expect_item_ = true; // in the list: an item may come next (after '[' or ',')
  bool first_ = true;       // in the list: no item yet
  int depth_ = 0;           // in an item: open brackets
  bool in_string_ = false;  // in an item: inside a string
  bool escaped_ = false;    // in an item's string: the last byte was a backslash
  std::optional<Error> error_;
};

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

// Like ForEachJsonItem, for a text that `next_piece` returns piece by
// piece, with the reading and parsing done on a second thread. Each call
// of `next_piece` sets `piece` to the next bytes (possibly none) and returns
// whether more may follow. The bytes stay valid until the next call. The calling thread only runs
// `on_item`, so a slow `on_item` (database inserts) and the parsing overlap.
// At most a few thousand parsed items wait between the two threads. When
// `on_item` fails, the reading thread stops after its current piece and the
// error is returned. `next_piece` runs on the second thread and must not
// share state with `on_item`; `on_offset` runs on the calling thread.
[[nodiscard]] Result<void> ForEachJsonItemAhead(const std::function<Result<bool>(std::string_view& piece)>& next_piece,
                                                const std::function<Result<void>(boost::json::value&)>& on_item,
                                                const std::function<void(size_t offset)>& on_offset = {});

// The same for JSON Lines: one item per non-blank line.
[[nodiscard]] Result<void> ForEachJsonLine(std::string_view text,
                                           const std::function<Result<void>(boost::json::value&)>& on_item);

// Drops a leading UTF-8 byte order mark.
std::string_view StripBom(std::string_view text);

}  // namespace tally::labeling
