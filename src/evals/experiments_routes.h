// HTTP route of experiment comparisons (Tally's own, user token or session):
//   GET /api/evals/{project_id}/experiments?datasetName=&runs=a,b&baseline=a&page=&limit=
// See experiments.h for what each figure means.
//
// Thread-safety: register before the server starts; the handler is stateless.
#pragma once

#include "http/router.h"
#include "store/database.h"

namespace tally::evals {

// Registers the route above. `database` must outlive the router.
void AddExperimentRoutes(http::Router& router, store::Database& database);

}  // namespace tally::evals
