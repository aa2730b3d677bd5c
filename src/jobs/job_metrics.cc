#include "jobs/job_metrics.h"

#include <fmt/format.h>

#include "core/log.h"

namespace tally::jobs {

Result<std::string> RenderJobMetrics(JobQueue& queue) {
  TALLY_ASSIGN_OR_RETURN(counts, queue.CountByStatus());

  std::string out =
      "# HELP tally_jobs Jobs in the queue by status.\n"
      "# TYPE tally_jobs gauge\n";
  for (const auto& [status, count] : counts) {
    out += fmt::format("tally_jobs{{status=\"{}\"}} {}\n", JobStatusName(status), count);
  }
  return out;
}

std::function<void(std::string& out)> JobMetricsSource(JobQueue& queue) {
  return [&queue](std::string& out) {
    auto text = RenderJobMetrics(queue);
    if (!text) {
      TALLY_LOG_WARN("event=job_metrics_failed code={} detail=\"{}\"", ErrcName(text.error().code),
                     text.error().detail);
      return;
    }
    out += *text;
  };
}

}  // namespace tally::jobs
