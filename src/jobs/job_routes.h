// HTTP routes for reading and cancelling jobs:
//   GET  /api/jobs/{id}         the job's status, progress, attempts, error,
//                               result and timestamps
//   POST /api/jobs/{id}/cancel  cancels a queued or running job and returns it
//
// Both need a signed-in user and show only jobs of the user's active
// organization. A job of another organization, or one without an
// organization (a system job), is 404 "Not found." exactly like a missing
// one, so ids do not reveal other organizations' work. Cancelling a job that
// already succeeded or failed is 409.
//
// Thread-safety: register before the server starts. The handlers only call
// JobQueue, which is safe from any thread.
#pragma once

#include <boost/json/object.hpp>

#include "http/router.h"
#include "jobs/job_queue.h"

namespace tally::jobs {

// Registers both routes. `queue` must outlive the router.
void AddJobRoutes(http::Router& router, JobQueue& queue);

// The API form of a job: times as ISO 8601 strings with microseconds, no
// payload and no worker id.
boost::json::object JobToJson(const Job& job);

}  // namespace tally::jobs
