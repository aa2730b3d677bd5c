// HTTP routes of annotator agreement for labeling projects:
//   GET /api/projects/{id}/agreement          per control coefficients, the
//                                             project mean and a page of
//                                             per-task figures (page, page_size)
//   GET /api/projects/{id}/annotators/stats   per annotator counts, lead time
//                                             and agreement
//
// Both need a user of the project's organization: agreement any member,
// annotator statistics a manager or above, because they rate colleagues.
// Computed on request from the stored annotations (see agreement_store.h).
//
// Thread-safety: register before the server starts.
#pragma once

#include "http/router.h"
#include "store/database.h"

namespace tally::evals {

// `database` must outlive the router.
void AddAgreementRoutes(http::Router& router, store::Database& database);

}  // namespace tally::evals
