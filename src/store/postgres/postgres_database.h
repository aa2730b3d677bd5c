// PostgreSQL backend of store::Database, on libpq.
//
// A pool of up to `pool_size` connections, opened lazily and shared by
// readers and writers; any number of tally processes may use one database.
// Statements are prepared once per connection (named by a counter) and run
// with text parameters, except blobs which go binary. Reads run in a
// REPEATABLE READ READ ONLY transaction, so one callback sees one snapshot.
// A connection that reports a broken link is closed instead of returned.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace tally::store {

// Connects to `url` (a libpq connection URI). Fails with kUnavailable, with
// the password redacted from the detail, when the first connection fails.
[[nodiscard]] Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const DatabaseOptions& options);

// Rewrites `?` placeholders outside quotes and comments to $1…$n.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace tally::store
