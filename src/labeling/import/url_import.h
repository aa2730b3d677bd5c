// Import by URL: Label Studio's `application/x-www-form-urlencoded` import
// body, `url=<address of a task file>`, turned into a body the ordinary
// import reads.
//
// As in Label Studio, a `url` value that parses as JSON (after single quotes
// become double quotes) is inline tasks, not an address. Otherwise the file
// is downloaded through the outbound client, so the SSRF guard, the timeout
// and the size limit apply, and it is wrapped as a one-file multipart body
// named after the URL's last path segment. The import then checks its
// extension and stores media exactly as for an upload.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"
#include "integrations/outbound/client.h"

namespace tally::labeling {

// Downloads that may run at once in a process, and how long each may take.
inline constexpr int kMaxConcurrentDownloads = 2;
inline constexpr std::chrono::seconds kDownloadTimeout{30};

struct UrlImportBody {
  std::string body;
  std::string content_type;
};

// The caller checks first that the user may import into the project, so
// a user without that right cannot make the server fetch any address.
// Fails with unavailable when kMaxConcurrentDownloads are running, and with
// invalid_argument naming "url" when the form has no url, the
// address is refused or unreachable, the server responds with other than 2xx, or
// the file is over `max_bytes`; the message names the host, never the URL.
[[nodiscard]] Result<UrlImportBody> ResolveUrlImport(std::string_view form_body,
                                                     const integrations::OutboundClient& client, size_t max_bytes);

}  // namespace tally::labeling
