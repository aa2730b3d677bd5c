// HTTP routes of Tally's dashboards (see dashboards_store.h for the shape):
//   GET    /api/dashboards?project=<id>   list; creates the default dashboards
//                                         the project lacks first
//   POST   /api/dashboards                create {project, name, description?, widgets?}
//   GET    /api/dashboards/{id}
//   PATCH  /api/dashboards/{id}           {name?, description?, widgets?}
//   DELETE /api/dashboards/{id}
//   GET    /api/dashboards/{id}/data      every widget's rows over ?from=&to=
//                                         (ISO 8601; default the last 24 hours)
//
// Users only. Reading needs any role in the project's organization;
// creating, changing and deleting need manager or above. Live updates are
// on the hub topic "dashboard:<id>" (dashboards_live.h).
//
// Thread-safety: register before the server starts.
#pragma once

#include "http/router.h"
#include "store/database.h"

namespace tally::evals {

// `database` must outlive the router.
void AddDashboardRoutes(http::Router& router, store::Database& database);

}  // namespace tally::evals
