// HTTP routes of datasets, dataset items, runs and run items.
//
// Langfuse-compatible, with a project key pair, as the SDKs call them:
//   POST   /api/public/v2/datasets                          create or update by name
//   GET    /api/public/v2/datasets                          list, newest first, paged
//   GET    /api/public/v2/datasets/{datasetName}            one dataset
//   POST   /api/public/datasets                             legacy create (adds items and runs)
//   GET    /api/public/datasets[/{datasetName}]             legacy reads (page may be 0)
//   POST   /api/public/dataset-items                        create or update by id
//   GET    /api/public/dataset-items                        active items, paged
//   GET    /api/public/dataset-items/{id}                   one item, archived included
//   DELETE /api/public/dataset-items/{id}                   item and its run items
//   POST   /api/public/dataset-run-items                    link an item to a trace in a run
//   GET    /api/public/dataset-run-items?datasetId=&runName=
//   GET    /api/public/datasets/{datasetName}/runs          runs, newest first, paged
//   GET    /api/public/datasets/{datasetName}/runs/{runName}   run with its run items
//   DELETE /api/public/datasets/{datasetName}/runs/{runName}
// Tally's own, with a user's token or session and a project id:
//   POST   /api/evals/{project_id}/datasets/items-from-traces   one item per trace
//   POST   /api/evals/{project_id}/datasets/items-from-tasks    one item per labeled task
//
// Dataset names may contain '/'; SDKs send them as one URL-encoded segment.
//
// Thread-safety: register before the server starts; handlers are stateless.
#pragma once

#include "http/router.h"
#include "store/database.h"

namespace tally::evals {

// Registers every route above. `database` must outlive the router.
void AddDatasetRoutes(http::Router& router, store::Database& database);

// The two Tally-only import routes (datasets_import.cc); AddDatasetRoutes calls it.
void AddDatasetImportRoutes(http::Router& router, store::Database& database);

}  // namespace tally::evals
