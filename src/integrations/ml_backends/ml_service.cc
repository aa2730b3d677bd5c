#include "integrations/ml_backends/ml_service.h"

#include <fmt/format.h>

#include "core/log.h"
#include "jobs/job_queue.h"
#include "labeling/annotation_store.h"
#include "labeling/config/result_validator.h"
#include "labeling/config/validator.h"
#include "labeling/counters.h"
#include "labeling/prediction_result.h"
#include "labeling/prediction_store.h"
#include "labeling/project_store.h"
#include "labeling/serialize.h"
#include "labeling/task_store.h"

namespace tally::integrations::ml {

namespace bj = boost::json;
using labeling::Prediction;
using labeling::Project;
using labeling::Task;

namespace {

bool SettingOn(const Project& project, std::string_view key, bool fallback) {
  const bj::value* value = project.settings.if_contains(key);
  if (!value || !value->is_bool()) return fallback;
  return value->as_bool();
}

Result<MlBackend> RequireBackend(store::Connection& c, int64_t backend_id) {
  TALLY_ASSIGN_OR_RETURN(backend, FindMlBackend(c, backend_id));
  if (!backend) return Error::NotFound("Not found.");
  return std::move(*backend);
}

Result<Project> RequireProject(store::Connection& c, int64_t project_id) {
  TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(c, project_id));
  if (!project) return Error::NotFound("Project not found.");
  return std::move(*project);
}

}  // namespace

bj::object PredictOutcome::ToJson() const {
  bj::array rejected_items;
  for (const auto& item : rejected) rejected_items.push_back(bj::string(item));
  return {{"tasks_sent", tasks_sent},
          {"predictions_stored", predictions_stored},
          {"tasks_skipped", tasks_skipped},
          {"rejected", std::move(rejected_items)}};
}

MlService::MlService(store::Database& database, const MlBackendClient& client)
    : database_(database), client_(client) {}

void MlService::RecordFailure(int64_t backend_id, std::string_view state, const Error& error) {
  auto recorded = database_.Write([&](store::Connection& c) {
    return SetMlBackendState(c, backend_id, state, error.message);
  });
  if (!recorded) {
    TALLY_LOG_ERROR("event=ml_backend_state_write_failed backend_id={} error=\"{}\"", backend_id,
                    recorded.error().message);
  }
  TALLY_LOG_WARN("event=ml_backend_failed backend_id={} state={} error=\"{}\"", backend_id, state,
                 LogValue(error.message));
}

Result<MlBackend> MlService::Connect(int64_t backend_id) {
  TALLY_ASSIGN_OR_RETURN(loaded, database_.Read([&](store::Connection& c) -> Result<std::pair<MlBackend, Project>> {
    TALLY_ASSIGN_OR_RETURN(backend, RequireBackend(c, backend_id));
    TALLY_ASSIGN_OR_RETURN(project, RequireProject(c, backend.project_id));
    return std::pair{std::move(backend), std::move(project)};
  }));
  const auto& [backend, project] = loaded;

  if (auto health = client_.Health(backend); !health) {
    RecordFailure(backend_id, "DI", health.error());
  } else {
    // NOTE: Label Studio sends the project creator's API token so backends
    // can download media. Tally stores only token hashes, so access_token is
    // empty and backends need their own LABEL_STUDIO_API_KEY.
    auto version = client_.Setup(backend, {.project = ProjectIdentifier(project.id, project.created_at),
                                           .schema = project.label_config,
                                           .hostname = "",
                                           .access_token = ""});
    if (!version) {
      RecordFailure(backend_id, "ER", version.error());
    } else {
      TALLY_TRY(database_.Write([&](store::Connection& c) -> Result<void> {
        TALLY_TRY(SetMlBackendState(c, backend_id, "CO", std::nullopt, *version));
        TALLY_ASSIGN_OR_RETURN(current, RequireProject(c, project.id));
        const std::string project_version = current.model_version();
        if (!version->empty() && *version != project_version &&
            (project_version.empty() || project_version == backend.model_version)) {
          labeling::ProjectPatch patch;
          patch.settings["model_version"] = *version;
          TALLY_TRY(labeling::UpdateProject(c, project.id, patch));
        }
        return Ok();
      }));
      TALLY_LOG_INFO("event=ml_backend_connected backend_id={} project_id={} model_version={}", backend_id,
                     project.id, LogValue(*version));
    }
  }
  return database_.Read([&](store::Connection& c) { return RequireBackend(c, backend_id); });
}

Result<PredictOutcome> MlService::PredictBatch(const MlBackend& backend, const std::vector<int64_t>& task_ids) {
  // Read the tasks and drop those that already have a prediction of the
  // backend's version, as Label Studio does before sending.
  struct Batch {
    Project project;
    bj::array tasks;
    std::vector<int64_t> ids;
    int64_t skipped = 0;
  };
  TALLY_ASSIGN_OR_RETURN(batch, database_.Read([&](store::Connection& c) -> Result<Batch> {
    Batch out;
    TALLY_ASSIGN_OR_RETURN(project, RequireProject(c, backend.project_id));
    out.project = std::move(project);
    TALLY_ASSIGN_OR_RETURN(tasks, labeling::ListTasksByIds(c, task_ids));
    TALLY_ASSIGN_OR_RETURN(existing, labeling::ListPredictionsOfTasks(c, task_ids));
    for (const Task& task : tasks) {
      if (task.project_id != backend.project_id) continue;
      const bool has_current = std::any_of(existing.begin(), existing.end(), [&](const Prediction& p) {
        return p.task_id == task.id && !backend.model_version.empty() && p.model_version == backend.model_version;
      });
      if (has_current) {
        ++out.skipped;
        continue;
      }
      out.tasks.push_back(labeling::TaskJson(task));
      out.ids.push_back(task.id);
    }
    return out;
  }));

  PredictOutcome outcome;
  outcome.tasks_skipped = batch.skipped;
  if (batch.ids.empty()) return outcome;

  const std::string project_identifier = ProjectIdentifier(batch.project.id, batch.project.created_at);
  TALLY_ASSIGN_OR_RETURN(reply,
                         client_.Predict(backend, batch.tasks, project_identifier, batch.project.label_config, nullptr));
  outcome.tasks_sent = static_cast<int64_t>(batch.ids.size());
  if (reply.cannot_batch) {
    // The backend predicts one task per request: send them one at a time.
    outcome.tasks_sent = 0;
    for (int64_t id : batch.ids) {
      TALLY_ASSIGN_OR_RETURN(single, PredictBatch(backend, {id}));
      outcome.tasks_sent += single.tasks_sent;
      outcome.predictions_stored += single.predictions_stored;
      outcome.tasks_skipped += single.tasks_skipped;
      outcome.rejected.insert(outcome.rejected.end(), single.rejected.begin(), single.rejected.end());
    }
    return outcome;
  }

  TALLY_ASSIGN_OR_RETURN(config, labeling::LoadLabelConfig(batch.project.label_config));
  TALLY_TRY(database_.Write([&](store::Connection& c) -> Result<void> {
    for (size_t i = 0; i < batch.ids.size(); ++i) {
      const int64_t task_id = batch.ids[i];
      TALLY_ASSIGN_OR_RETURN(stored, labeling::ListPredictions(c, task_id, 0));
      bool wrote = false;
      for (const RawPrediction& raw : reply.per_task[i]) {
        // Checked again inside the write: a retried job or a concurrent
        // run may have stored this version since the read above.
        const bool duplicate = std::any_of(stored.begin(), stored.end(), [&](const Prediction& p) {
          return p.model_version == raw.model_version;
        });
        if (duplicate) {
          ++outcome.tasks_skipped;
          continue;
        }
        auto expanded = labeling::ExpandPredictionResult(config, raw.result, "result");
        Result<bj::array> checked = expanded ? labeling::ValidateAnnotationResult(
                                                   config, *expanded, {.require_answers = false, .field_prefix = "result"})
                                             : Result<bj::array>(expanded.error());
        if (!checked) {
          const Error& error = checked.error();
          std::string why = error.fields.empty() ? error.message : error.fields.front().message;
          outcome.rejected.push_back(fmt::format("task {}: {}", task_id, why));
          continue;
        }
        Prediction prediction;
        prediction.task_id = task_id;
        prediction.project_id = batch.project.id;
        prediction.model_version = raw.model_version;
        prediction.score = raw.score;
        prediction.result = expanded->is_null() ? bj::value(nullptr) : bj::value(std::move(*checked));
        TALLY_ASSIGN_OR_RETURN(inserted, labeling::InsertPrediction(c, std::move(prediction)));
        stored.push_back(std::move(inserted));
        ++outcome.predictions_stored;
        wrote = true;
      }
      if (wrote) TALLY_TRY(labeling::RefreshTaskCounters(c, batch.project, task_id));
    }
    return Ok();
  }));
  return outcome;
}

Result<PredictOutcome> MlService::PredictTasks(int64_t backend_id, const std::vector<int64_t>& task_ids,
                                               size_t batch_size, const std::function<Result<void>(size_t)>& progress) {
  TALLY_ASSIGN_OR_RETURN(backend, database_.Read([&](store::Connection& c) { return RequireBackend(c, backend_id); }));
  PredictOutcome total;
  batch_size = std::max<size_t>(1, batch_size);
  for (size_t start = 0; start < task_ids.size(); start += batch_size) {
    const size_t end = std::min(task_ids.size(), start + batch_size);
    auto batch = PredictBatch(backend, {task_ids.begin() + start, task_ids.begin() + end});
    if (!batch) {
      if (batch.error().Is(Errc::kUnavailable)) RecordFailure(backend_id, "ER", batch.error());
      return batch.error();
    }
    total.tasks_sent += batch->tasks_sent;
    total.predictions_stored += batch->predictions_stored;
    total.tasks_skipped += batch->tasks_skipped;
    total.rejected.insert(total.rejected.end(), batch->rejected.begin(), batch->rejected.end());
    if (progress) TALLY_TRY(progress(end));
  }
  if (backend.state != "CO" && backend.state != "TR") {
    TALLY_TRY(database_.Write([&](store::Connection& c) { return SetMlBackendState(c, backend_id, "CO", std::nullopt); }));
  }
  TALLY_LOG_INFO("event=ml_predictions_stored backend_id={} project_id={} sent={} stored={} skipped={} rejected={}",
                 backend_id, backend.project_id, total.tasks_sent, total.predictions_stored, total.tasks_skipped,
                 total.rejected.size());
  return total;
}

Result<bool> MlService::Preannotate(int64_t project_id, int64_t task_id) {
  TALLY_ASSIGN_OR_RETURN(chosen, database_.Read([&](store::Connection& c) -> Result<std::optional<MlBackend>> {
    TALLY_ASSIGN_OR_RETURN(project, RequireProject(c, project_id));
    if (!SettingOn(project, "evaluate_predictions_automatically", false) ||
        !SettingOn(project, "show_collab_predictions", true)) {
      return std::optional<MlBackend>();
    }
    TALLY_ASSIGN_OR_RETURN(backends, ListMlBackends(c, project_id, /*interactive=*/false));
    for (MlBackend& backend : backends) {
      if (backend.state == "CO" || backend.state == "TR" || backend.state == "PR") return std::optional(backend);
    }
    return std::optional<MlBackend>();
  }));
  if (!chosen) return false;
  TALLY_ASSIGN_OR_RETURN(outcome, PredictTasks(chosen->id, {task_id}, 1));
  return outcome.predictions_stored > 0;
}

Result<bj::value> MlService::Train(int64_t backend_id) {
  TALLY_ASSIGN_OR_RETURN(loaded, database_.Read([&](store::Connection& c) -> Result<std::pair<MlBackend, Project>> {
    TALLY_ASSIGN_OR_RETURN(backend, RequireBackend(c, backend_id));
    TALLY_ASSIGN_OR_RETURN(project, RequireProject(c, backend.project_id));
    return std::pair{std::move(backend), std::move(project)};
  }));
  const auto& [backend, project] = loaded;
  bj::object project_json{{"id", project.id},
                          {"title", project.title},
                          {"label_config", project.label_config},
                          {"created_at", FormatIsoMicros(project.created_at)}};
  auto reply = client_.SendWebhook(backend, {{"action", "START_TRAINING"}, {"project", std::move(project_json)}});
  if (!reply) {
    RecordFailure(backend_id, "ER", reply.error());
    return reply.error();
  }
  TALLY_TRY(database_.Write([&](store::Connection& c) { return SetMlBackendState(c, backend_id, "TR", std::nullopt); }));
  TALLY_LOG_INFO("event=ml_training_started backend_id={} project_id={}", backend_id, project.id);
  return reply;
}

Result<bj::value> MlService::Interactive(int64_t backend_id, int64_t task_id, const bj::value& context) {
  struct Loaded {
    MlBackend backend;
    Project project;
    bj::object task;
  };
  TALLY_ASSIGN_OR_RETURN(loaded, database_.Read([&](store::Connection& c) -> Result<Loaded> {
    TALLY_ASSIGN_OR_RETURN(backend, RequireBackend(c, backend_id));
    TALLY_ASSIGN_OR_RETURN(project, RequireProject(c, backend.project_id));
    TALLY_ASSIGN_OR_RETURN(task, labeling::FindTask(c, task_id));
    if (!task || task->project_id != project.id) return Error::InvalidField("task", "Task not found in this project.");
    bj::object body = labeling::TaskJson(*task);
    bj::array annotations, predictions;
    TALLY_ASSIGN_OR_RETURN(stored_annotations, labeling::ListTaskAnnotations(c, task_id, /*include_skipped=*/false));
    for (const auto& annotation : stored_annotations) annotations.push_back(labeling::AnnotationJson(annotation));
    TALLY_ASSIGN_OR_RETURN(stored_predictions, labeling::ListPredictions(c, task_id, 0));
    for (const auto& prediction : stored_predictions) predictions.push_back(labeling::PredictionJson(prediction));
    body["annotations"] = std::move(annotations);
    body["predictions"] = std::move(predictions);
    body["drafts"] = bj::array();
    return Loaded{std::move(backend), std::move(project), std::move(body)};
  }));
  if (!loaded.backend.is_interactive) {
    return Error::InvalidField("id", "This ML backend is not interactive; set is_interactive to use it here.");
  }
  TALLY_ASSIGN_OR_RETURN(reply, client_.Predict(loaded.backend, bj::array{loaded.task},
                                                ProjectIdentifier(loaded.project.id, loaded.project.created_at),
                                                loaded.project.label_config, context));
  if (reply.per_task.empty() || reply.per_task.front().empty()) return bj::value(nullptr);
  const RawPrediction& first = reply.per_task.front().front();
  return bj::value(bj::object{{"model_version", first.model_version},
                              {"score", first.score ? bj::value(*first.score) : bj::value(nullptr)},
                              {"result", first.result}});
}

Result<std::vector<int64_t>> MlService::EnqueuePredictJobs(store::Connection& connection, const MlBackend& backend,
                                                           int64_t organization_id,
                                                           const std::vector<int64_t>& task_ids,
                                                           std::optional<int64_t> created_by) {
  std::vector<int64_t> job_ids;
  for (size_t start = 0; start < task_ids.size(); start += kTasksPerPredictJob) {
    const size_t end = std::min(task_ids.size(), start + kTasksPerPredictJob);
    bj::array ids;
    for (size_t i = start; i < end; ++i) ids.push_back(task_ids[i]);
    jobs::EnqueueOptions options;
    options.organization_id = organization_id;
    options.project_id = backend.project_id;
    options.created_by = created_by;
    options.max_attempts = 3;
    TALLY_ASSIGN_OR_RETURN(job_id, jobs::JobQueue::EnqueueIn(connection, kPredictJobKind,
                                                             bj::object{{"backend_id", backend.id}, {"task_ids", ids}},
                                                             options));
    job_ids.push_back(job_id);
  }
  return job_ids;
}

Result<bj::value> MlService::RunPredictJob(jobs::JobContext& context) {
  const bj::value& payload = context.payload();
  const bj::object* fields = payload.if_object();
  if (!fields || !fields->contains("backend_id") || !fields->at("backend_id").is_int64() ||
      !fields->contains("task_ids") || !fields->at("task_ids").is_array()) {
    return Error::Invalid("ml.predict job payload needs backend_id and task_ids");
  }
  const int64_t backend_id = fields->at("backend_id").as_int64();
  std::vector<int64_t> task_ids;
  for (const auto& id : fields->at("task_ids").as_array()) {
    if (id.is_int64()) task_ids.push_back(id.as_int64());
  }
  auto outcome = PredictTasks(backend_id, task_ids, kPredictBatchSize, [&](size_t done) -> Result<void> {
    return context.ReportProgress(static_cast<int>(done * 100 / std::max<size_t>(1, task_ids.size())));
  });
  if (!outcome) {
    // A deleted backend will not come back: fail now instead of retrying.
    if (outcome.error().IsNotFound()) return Error::Invalid("The ML backend of this job was deleted");
    return outcome.error();
  }
  return bj::value(outcome->ToJson());
}

Result<std::vector<int64_t>> MlService::EnqueueTrainJobs(store::Connection& connection, int64_t project_id,
                                                         int64_t organization_id) {
  TALLY_ASSIGN_OR_RETURN(backends, ListMlBackends(connection, project_id));
  std::vector<int64_t> job_ids;
  for (const MlBackend& backend : backends) {
    jobs::EnqueueOptions options;
    options.organization_id = organization_id;
    options.project_id = project_id;
    // NOTE: a retry after a lost reply can start a second training run on
    // the backend.
    options.max_attempts = 3;
    TALLY_ASSIGN_OR_RETURN(job_id, jobs::JobQueue::EnqueueIn(connection, kTrainJobKind,
                                                             bj::object{{"backend_id", backend.id}}, options));
    job_ids.push_back(job_id);
  }
  return job_ids;
}

Result<bj::value> MlService::RunTrainJob(jobs::JobContext& context) {
  const bj::object* fields = context.payload().if_object();
  if (!fields || !fields->contains("backend_id") || !fields->at("backend_id").is_int64()) {
    return Error::Invalid("Invalid ml.train job payload: the integer backend_id is missing");
  }
  const int64_t backend_id = fields->at("backend_id").as_int64();
  auto reply = Train(backend_id);
  if (!reply) {
    // A deleted backend will not come back: fail now instead of retrying.
    if (reply.error().IsNotFound()) return Error::Invalid("The ML backend of this job was deleted");
    return reply.error();
  }
  return bj::value(bj::object{{"backend_id", backend_id}, {"response", std::move(*reply)}});
}

void RegisterPredictJob(jobs::WorkerPool& pool, MlService& service) {
  pool.Register(std::string(kPredictJobKind), [&service](jobs::JobContext& context) {
    return service.RunPredictJob(context);
  });
}

void RegisterTrainJob(jobs::WorkerPool& pool, MlService& service) {
  pool.Register(std::string(kTrainJobKind), [&service](jobs::JobContext& context) {
    return service.RunTrainJob(context);
  });
}

}  // namespace tally::integrations::ml
