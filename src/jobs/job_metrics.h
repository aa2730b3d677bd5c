// Prometheus gauges for the job queue, rendered at scrape time for the
// server's GET /metrics.
//
// Register once before the server starts:
//   metrics.AddSource(jobs::JobMetricsSource(queue));
//
// Thread-safety: both functions only read through JobQueue and may run on
// any thread.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "jobs/job_queue.h"

namespace tally::jobs {

// Renders the tally_jobs gauge, one series per status with every status
// present, from one grouped COUNT query:
//   # HELP tally_jobs Jobs in the queue by status.
//   # TYPE tally_jobs gauge
//   tally_jobs{status="queued"} 3
// Fails when the count query fails.
[[nodiscard]] Result<std::string> RenderJobMetrics(JobQueue& queue);

// A callback for http::Metrics::AddSource that appends RenderJobMetrics'
// text. When the query fails it logs a warning and appends nothing, so the
// scrape still returns the other metrics and the gauge shows a gap.
std::function<void(std::string& out)> JobMetricsSource(JobQueue& queue);

}  // namespace tally::jobs
