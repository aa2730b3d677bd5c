// Turns a storage service's error response into Tally's error codes, the same
// way for S3, GCS and Azure (see object_store.h for the mapping).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::integrations::storages {

// `where` names the bucket and host ("S3 bucket \"b\" at 127.0.0.1"),
// `action` the operation ("list bucket"), `code` the service's error code
// from the body ("AccessDenied"), possibly empty.
Error ErrorForStatus(int status, std::string_view code, const std::string& where, std::string_view action);

// The host (and port) of a URL, for messages that must not carry its path or query.
std::string HostName(std::string_view url);

}  // namespace tally::integrations::storages
