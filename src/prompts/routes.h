// HTTP routes of prompt management.
//
// Langfuse-compatible, under /api/public/v2/prompts, with a project key pair:
//   POST   /api/public/v2/prompts                                 create a version (201)
//   GET    /api/public/v2/prompts                                 list names, paged
//   GET    /api/public/v2/prompts/{name}?version=|label=          one version (default label production)
//   PATCH  /api/public/v2/prompts/{name}/versions/{version}       add labels to a version
//   DELETE /api/public/v2/prompts/{name}?version=|label=          delete versions (204)
// Tally's own, with a user's token or session and a project id:
//   GET    /api/prompts/{project_id}/audit?name=                  who created versions and moved labels
//   GET    /api/prompts/{project_id}/versions?name=               every version with content, newest first, paged
//   GET    /api/prompts/{project_id}/metrics?name=                per-version metrics of linked generations
//   GET    /api/prompts/{project_id}/metrics/compare?name=&left=&right=   two versions side by side
//
// Names may contain '/' (folders). SDKs send them as one URL-encoded segment
// ("a%2Fb"), and the router matches segments before decoding them, so one
// {name} parameter contains the whole name at any depth. A name sent with
// literal slashes is a 404, as it is in Langfuse.
//
// Thread-safety: register before the server starts; handlers share one
// PromptService, which is thread-safe.
#pragma once

#include "http/hub.h"
#include "http/router.h"
#include "prompts/prompt_cache.h"
#include "store/database.h"

namespace tally::prompts {

// Registers every route above, and with a `hub` the live co-editing of
// prompt drafts (collaboration.h). `database` and `hub` must outlive the router.
void AddPromptRoutes(http::Router& router, store::Database& database, http::Hub* hub = nullptr,
                     PromptCacheOptions cache_options = {});

// The two metrics routes (metrics_routes.cc); AddPromptRoutes calls it.
void AddPromptMetricsRoutes(http::Router& router, store::Database& database);

}  // namespace tally::prompts
