// HTTP routes of evaluators (Tally's own, user token or session; writes take
// the manager role):
//   POST   /api/evals/{project_id}/evaluators                   create an LLM-as-a-judge rule (201)
//   GET    /api/evals/{project_id}/evaluators                   list rules
//   GET    /api/evals/{project_id}/evaluators/{id}              one rule
//   PATCH  /api/evals/{project_id}/evaluators/{id}              {"status": "ACTIVE" | "INACTIVE"}
//   DELETE /api/evals/{project_id}/evaluators/{id}              rule and its executions (scores stay)
//   GET    /api/evals/{project_id}/evaluators/{id}/executions   newest first, paged
//   POST   /api/evals/{project_id}/datasets/run-evaluations     built-in evaluator over a dataset run
//   POST   /api/evals/{project_id}/evaluators/dry-run           judge one trace, store nothing
//
// The last route scores every item of a run at once, in the request: each
// run item's output (see experiments.h) against its dataset item's expected
// output, written as scores with source EVAL on the run item's trace.
//
// Thread-safety: register before the server starts; handlers are stateless.
#pragma once

#include "core/secret_box.h"
#include "http/router.h"
#include "integrations/outbound/client.h"
#include "store/database.h"

namespace tally::evals {

// Registers the routes above. `database` must outlive the router.
void AddEvaluatorRoutes(http::Router& router, store::Database& database);

// Registers the dry-run route (evaluators_dry_run.cc). A rule's template,
// filled from one trace, goes to its LLM connection. The response contains
// the rendered prompt and the verdict, or the judge's error with status 200,
// because a failing judge is what the dry run is there to show. No score
// or execution is stored. Every argument must outlive the router.
void AddEvaluatorDryRunRoute(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                             const integrations::OutboundClient& client);

}  // namespace tally::evals
