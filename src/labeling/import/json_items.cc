#include "labeling/import/json_items.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tally::labeling {

namespace bj = boost::json;

std::string_view StripBom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

namespace {

bool IsSpace(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

Result<bj::value> ParseItem(std::string_view text, size_t offset, bj::storage_ptr storage = {}) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 64;
  bj::value value = bj::parse(text, ec, std::move(storage), options);
  if (ec) return Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: {}", offset, ec.message()));
  return value;
}

}  // namespace

Result<void> JsonItemReader::Fail(Error error) {
  where_ = Where::kFailed;
  error_ = error;
  return error;
}

Result<void> JsonItemReader::EmitItem(std::string_view text, size_t start) {
  auto item = ParseItem(text, start, storage_);
  if (!item) return Fail(item.error());
  auto added = on_item_(*item);
  if (!added) return Fail(added.error());
  return Ok();
}

Result<void> JsonItemReader::Feed(std::string_view piece) {
  if (where_ == Where::kFailed) return *error_;

  // A byte order mark may be cut across pieces: hold the first bytes until
  // three have arrived or they stop matching it.
  if (!bom_checked_) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    while (!piece.empty() && bom_.size() < kBom.size() && kBom.starts_with(bom_ + piece.front())) {
      bom_ += piece.front();
      piece.remove_prefix(1);
    }
    if (bom_.size() < kBom.size() && piece.empty()) return Ok();
    std::string buffered = bom_ == kBom ? std::string() : std::move(bom_);
    bom_.clear();
    bom_checked_ = true;
    if (!buffered.empty()) TALLY_TRY(Feed(buffered));
  }

  size_t i = 0;
  size_t segment = 0;  // where the current item's bytes begin in this piece
  while (i < piece.size()) {
    const char ch = piece[i];
    const size_t at = offset_ + i;
    switch (where_) {
      case Where::kStart:
        if (IsSpace(ch)) {
          ++i;
        } else if (ch == '{') {
          where_ = Where::kObject;
          item_start_ = at;
          pending_.append(piece.substr(i));
          i = piece.size();
        } else if (ch == '[') {
          where_ = Where::kList;
          ++i;
        } else {
          return Fail(Error::Invalid("Task file must hold a JSON list of tasks or one task object"));
        }
        break;

      case Where::kObject:
        pending_.append(piece.substr(i));
        i = piece.size();
        break;

      case Where::kList:
        if (IsSpace(ch)) {
          ++i;
        } else if (ch == ']') {
          if (expect_item_ && !first_) {
            return Fail(Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: a comma before ']'", at)));
          }
          where_ = Where::kAfterList;
          ++i;
        } else if (!expect_item_) {
          if (ch != ',') {
            return Fail(
                Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: expected ',' or ']'", at)));
          }
          expect_item_ = true;
          ++i;
        } else {
          where_ = Where::kItem;
          item_start_ = at;
          segment = i;
          depth_ = 0;
          in_string_ = false;
          escaped_ = false;
        }
        break;

      case Where::kItem: {
        // Finds where the item ends by tracking strings and bracket depth.
        // The parser checks the item's own syntax afterwards.
        std::optional<size_t> end;
        for (; i < piece.size() && !end; ++i) {
          const char c = piece[i];
          if (in_string_) {
            if (escaped_) {
              escaped_ = false;
            } else if (c == '\\') {
              escaped_ = true;
            } else if (c == '"') {
              in_string_ = false;
              if (depth_ == 0) end = i + 1;
            }
          } else if (c == '"') {
            in_string_ = true;
          } else if (c == '{' || c == '[') {
            ++depth_;
          } else if (c == '}' || c == ']') {
            if (depth_ == 0) {
              end = i;  // the list closed right after a scalar
            } else if (--depth_ == 0) {
              end = i + 1;
            }
          } else if (depth_ == 0 && (c == ',' || IsSpace(c))) {
            end = i;
          }
        }
        if (!end) break;  // the item goes on in the next piece

        const std::string_view tail = piece.substr(segment, *end - segment);
        if (pending_.empty()) {
          TALLY_TRY(EmitItem(tail, item_start_));
        } else {
          pending_.append(tail);
          TALLY_TRY(EmitItem(pending_, item_start_));
          pending_.clear();
        }
        where_ = Where::kList;
        expect_item_ = false;
        first_ = false;
        i = *end;
        break;
      }

      case Where::kAfterList:
        if (!IsSpace(ch)) {
          return Fail(Error::Invalid(fmt::format("Task file is not valid JSON near byte {}: text after the list", at)));
        }
        ++i;
        break;

      case Where::kFailed:
        return *error_;
    }
  }
  if (where_ == Where::kItem) pending_.append(piece.substr(segment));
  offset_ += piece.size();
  return Ok();
}

Result<void> JsonItemReader::Finish() {
  if (where_ == Where::kFailed) return *error_;
  if (!bom_checked_) {
    // Fewer than three bytes in all, each a prefix of a byte order mark.
    std::string buffered = std::move(bom_);
    bom_.clear();
    bom_checked_ = true;
    TALLY_TRY(Feed(buffered));
  }
  switch (where_) {
    case Where::kStart: return Fail(Error::Invalid("Task file is empty"));
    case Where::kObject: {
      TALLY_TRY(EmitItem(pending_, item_start_));
      pending_.clear();
      where_ = Where::kAfterList;
      return Ok();
    }
    case Where::kList:
    case Where::kItem: return Fail(Error::Invalid("Task file is not valid JSON: the list is not closed"));
    case Where::kAfterList: return Ok();
    case Where::kFailed: return *error_;
  }
  return Ok();
}

Result<void> ForEachJsonItem(std::string_view text, const std::function<Result<void>(bj::value&)>& on_item,
                             const std::function<void(size_t offset)>& on_offset) {
  JsonItemReader reader([&](bj::value& item) -> Result<void> {
    TALLY_TRY(on_item(item));
    return Ok();
  });
  if (!on_offset) {
    TALLY_TRY(reader.Feed(text));
    return reader.Finish();
  }
  // Progress comes in steps of a piece, which is plenty for a bar.
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < text.size(); at += kPiece) {
    TALLY_TRY(reader.Feed(text.substr(at, kPiece)));
    on_offset(reader.offset());
  }
  return reader.Finish();
}

namespace {

// Parsed items on their way from the reading thread to the calling one.
struct ItemBatch {
  std::vector<bj::value> items;
  size_t offset = 0;  // bytes read when the batch was full
};

// A bounded queue of batches between one producer and one consumer.
class ItemBatchQueue {
 public:
  // Waits for room. Returns false when the consumer has stopped.
  bool Push(ItemBatch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return batches_.size() < kCapacity || stopped_; });
    if (stopped_) return false;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }

  // Waits for a batch. Returns nullopt once the producer is done and every
  // batch was taken.
  std::optional<ItemBatch> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !batches_.empty() || done_; });
    if (batches_.empty()) return std::nullopt;
    ItemBatch batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return batch;
  }

  // The producer is done, with this outcome.
  void Finish(Result<void> outcome) {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
    done_ = true;
    ready_.notify_one();
  }

  // The consumer stops taking batches.
  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    room_.notify_one();
  }

  Result<void> outcome() {
    std::lock_guard lock(mutex_);
    return outcome_;
  }

 private:
  static constexpr size_t kCapacity = 8;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<ItemBatch> batches_;
  bool done_ = false;
  bool stopped_ = false;
  Result<void> outcome_ = Ok();
};

}  // namespace

Result<void> ForEachJsonItemAhead(const std::function<Result<bool>(std::string_view& piece)>& next_piece,
                                  const std::function<Result<void>(bj::value&)>& on_item,
                                  const std::function<void(size_t offset)>& on_offset) {
  constexpr size_t kBatchItems = 512;
  ItemBatchQueue queue;

  std::thread reading([&] {
    // Each batch's items are parsed into one memory pool, which goes away
    // with the last of them, so items cost no frees one by one on the
    // calling thread.
    ItemBatch batch;
    JsonItemReader reader([&](bj::value& item) -> Result<void> {
      batch.items.push_back(std::move(item));
      if (batch.items.size() < kBatchItems) return Ok();
      batch.offset = reader.offset();
      if (!queue.Push(std::move(batch))) return Error::Unavailable("The import stopped");
      batch = ItemBatch();
      reader.set_storage(bj::make_shared_resource<bj::monotonic_resource>());
      return Ok();
    });
    reader.set_storage(bj::make_shared_resource<bj::monotonic_resource>());
    auto read = [&]() -> Result<void> {
      for (;;) {
        std::string_view piece;
        TALLY_ASSIGN_OR_RETURN(more, next_piece(piece));
        TALLY_TRY(reader.Feed(piece));
        if (!more) break;
      }
      TALLY_TRY(reader.Finish());
      batch.offset = reader.offset();
      if (!batch.items.empty() && !queue.Push(std::move(batch))) return Error::Unavailable("The import stopped");
      return Ok();
    };
    queue.Finish(read());
  });

  Result<void> outcome = Ok();
  while (std::optional<ItemBatch> batch = queue.Pop()) {
    for (bj::value& item : batch->items) {
      outcome = on_item(item);
      if (!outcome) break;
    }
    if (!outcome) break;
    if (on_offset) on_offset(batch->offset);
  }
  queue.Stop();
  reading.join();
  if (!outcome) return outcome;
  return queue.outcome();
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
