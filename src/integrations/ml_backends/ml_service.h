// What Tally does with ML backends: connects them (health, then setup),
// fetches and stores predictions, trains them and requests suggestions from
// interactive ones. Routes, the `ml.predict` and `ml.train` jobs and the
// labeling hooks call it.
//
// Predictions are stored so that no retry duplicates them: each batch is
// written in one transaction that skips a task which already has a
// prediction of the same model_version. A batch the backend fails stores
// nothing. The backend's state and error_message always record the last
// outcome (CO after success, DI when health fails, ER otherwise).
//
// Thread-safety: stateless apart from references; share freely. No method
// holds a database transaction while it waits for a backend.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "integrations/ml_backends/ml_client.h"
#include "integrations/ml_backends/ml_store.h"
#include "jobs/worker_pool.h"
#include "store/database.h"

namespace tally::integrations::ml {

inline constexpr std::string_view kPredictJobKind = "ml.predict";
inline constexpr std::string_view kTrainJobKind = "ml.train";
// Tasks per /predict request in jobs. Label Studio sends the selection in
// batches too; 16 keeps one slow batch from holding a job for long.
inline constexpr size_t kPredictBatchSize = 16;
// Tasks per `ml.predict` job; larger selections get several jobs.
inline constexpr size_t kTasksPerPredictJob = 1000;

struct PredictOutcome {
  int64_t tasks_sent = 0;
  int64_t predictions_stored = 0;
  int64_t tasks_skipped = 0;  // already had a prediction of that model_version
  std::vector<std::string> rejected;  // "task <id>: <why>" for results the label config rejects

  boost::json::object ToJson() const;
};

class MlService {
 public:
  MlService(store::Database& database, const MlBackendClient& client);

  // Runs health then setup and records the outcome on the backend. When the
  // backend reports a new model_version, the project's model_version follows
  // if it was empty or the backend's previous version. Returns the stored
  // backend; fails only on storage errors or a missing backend (kNotFound).
  [[nodiscard]] Result<MlBackend> Connect(int64_t backend_id);

  // Sends the tasks in batches of `batch_size` and stores the predictions.
  // `progress(done)` is called after each batch; an error from it stops the
  // run. Fails with kUnavailable when the backend fails (batches before
  // the failure stay stored).
  [[nodiscard]] Result<PredictOutcome> PredictTasks(int64_t backend_id, const std::vector<int64_t>& task_ids,
                                                    size_t batch_size = kPredictBatchSize,
                                                    const std::function<Result<void>(size_t)>& progress = {});

  // For the next-task route: when the project has
  // evaluate_predictions_automatically and show_collab_predictions on,
  // requests a prediction of the task from the project's first connected,
  // non-interactive backend, unless the task has one of the current model
  // version. Returns whether a prediction was stored.
  // NOTE: the call waits up to the backend's own timeout (100 s by default,
  // as in Label Studio), so a hanging backend delays /next by that much.
  [[nodiscard]] Result<bool> Preannotate(int64_t project_id, int64_t task_id);

  // Sends START_TRAINING to the backend's /webhook and sets state TR.
  // Returns the backend's reply.
  [[nodiscard]] Result<boost::json::value> Train(int64_t backend_id);

  // Sends one task with its annotations, predictions and drafts and
  // `context` to /predict and returns the first result, storing nothing.
  [[nodiscard]] Result<boost::json::value> Interactive(int64_t backend_id, int64_t task_id,
                                                       const boost::json::value& context);

  // Enqueues `ml.predict` jobs for the tasks, kTasksPerPredictJob per job,
  // inside the caller's transaction. Returns the job ids.
  [[nodiscard]] static Result<std::vector<int64_t>> EnqueuePredictJobs(store::Connection& connection,
                                                                       const MlBackend& backend,
                                                                       int64_t organization_id,
                                                                       const std::vector<int64_t>& task_ids,
                                                                       std::optional<int64_t> created_by);

  // Runs one `ml.predict` job: {"backend_id", "task_ids"}.
  [[nodiscard]] Result<boost::json::value> RunPredictJob(jobs::JobContext& context);

  // Enqueues one `ml.train` job per backend of the project (interactive
  // ones included) inside the caller's transaction. Returns the job ids.
  [[nodiscard]] static Result<std::vector<int64_t>> EnqueueTrainJobs(store::Connection& connection,
                                                                     int64_t project_id, int64_t organization_id);

  // Runs one `ml.train` job, {"backend_id"}, through Train.
  [[nodiscard]] Result<boost::json::value> RunTrainJob(jobs::JobContext& context);

  const MlBackendClient& client() const { return client_; }

 private:
  [[nodiscard]] Result<PredictOutcome> PredictBatch(const MlBackend& backend, const std::vector<int64_t>& task_ids);
  void RecordFailure(int64_t backend_id, std::string_view state, const Error& error);

  store::Database& database_;
  const MlBackendClient& client_;
};

// Registers the `ml.predict` job handler. `service` must outlive the pool.
void RegisterPredictJob(jobs::WorkerPool& pool, MlService& service);
// Registers the `ml.train` job handler. `service` must outlive the pool.
void RegisterTrainJob(jobs::WorkerPool& pool, MlService& service);

}  // namespace tally::integrations::ml
