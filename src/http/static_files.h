// Serving the built web UI (web/dist) from `tally serve`.
//
// The UI is a single-page app: Vite writes index.html, a few top-level files
// (favicon) and content-hashed bundles under assets/. The routes here serve
//   GET /                 index.html, revalidated on every load (no-cache)
//   GET /assets/{file}    hashed bundles, cached for a year (immutable)
//   GET <anything else>   through the router's fallback: a top-level file of
//                         the build when one exists, else index.html, so
//                         client routes such as /projects/3/data load the app.
// The fallback never serves paths the server owns: /api, /data, /metrics,
// /health and /assets keep their JSON 404s.
//
// Safety: only plain file names (letters, digits, '.', '-', '_', not starting
// with '.') are ever joined to the root, so no request reads outside it.
// Files are read from disk on each request, so a rebuilt UI is served without
// a restart.
//
// Thread-safety: the handlers only read the file system and are safe from
// any thread.
#pragma once

#include <string>
#include <string_view>

#include "http/router.h"

namespace tally::http {

// Content type for a file name by its extension; "application/octet-stream"
// when unknown. Text types carry "; charset=utf-8".
std::string StaticContentType(std::string_view file_name);

// True when `name` is one path segment that is safe to join to a directory.
bool IsPlainFileName(std::string_view name);

// True when the fallback may serve the UI for `path` (see above).
bool IsWebUiPath(std::string_view path);

// Registers "/" and "/assets/{file}" and sets the router's fallback, all
// serving from `dist_dir`. When `dist_dir` has no index.html (the UI was not
// built), "/" and client routes return 503 with a plain-text hint to run
// `make build`.
void AddWebUiRoutes(Router& router, std::string dist_dir);

}  // namespace tally::http
