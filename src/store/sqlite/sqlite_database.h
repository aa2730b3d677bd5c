// SQLite backend of store::Database.
//
// One file in WAL mode, opened once for writing and `pool_size` times for
// reading. WAL lets readers run beside the single writer; writers queue on the
// write connection (SQLite allows one writer per file anyway, and queueing in
// process avoids SQLITE_BUSY retries). Foreign keys are on; each connection
// caches its prepared statements by SQL text.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"

namespace tally::store {

// Opens (creating if absent, with its parent directory) the SQLite database
// at `path`. Fails with kUnavailable when the file cannot be opened.
[[nodiscard]] Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options);

}  // namespace tally::store
