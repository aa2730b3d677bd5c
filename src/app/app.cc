#include "app/app.h"

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <optional>
#include <fmt/format.h>

#include "accounts/authenticator.h"
#include "accounts/bootstrap.h"
#include "accounts/project_access.h"
#include "accounts/routes.h"
#include "app/demo.h"
#include "app/hub_relay.h"
#include "app/system_routes.h"
#include "core/log.h"
#include "evals/chat_replies.h"
#include "evals/datasets_routes.h"
#include "evals/evaluators_jobs.h"
#include "evals/evaluators_routes.h"
#include "evals/experiments_routes.h"
#include "evals/llm_connections.h"
#include "evals/agreement_routes.h"
#include "evals/dashboards_live.h"
#include "evals/dashboards_routes.h"
#include "evals/metrics_routes.h"
#include "http/dispatcher.h"
#include "http/hub.h"
#include "http/openapi.h"
#include "http/server.h"
#include "http/static_files.h"
#include "integrations/ml_backends/ml_service.h"
#include "integrations/storages/local_store.h"
#include "integrations/storages/storage_service.h"
#include "integrations/routes.h"
#include "integrations/webhooks/delivery.h"
#include "jobs/job_metrics.h"
#include "jobs/job_queue.h"
#include "jobs/job_routes.h"
#include "jobs/worker_pool.h"
#include "labeling/presence.h"
#include "labeling/routes.h"
#include "labeling/template_gallery.h"
#include "prompts/routes.h"
#include "store/migrations.h"
#include "tracing/routes.h"

namespace tally::app {

struct App::Parts {
  Settings settings;
  std::unique_ptr<store::Database> database;
  std::optional<core::SecretBox> secret_box;
  std::optional<integrations::OutboundClient> outbound_client;
  std::optional<integrations::webhooks::WebhookSender> webhook_sender;
  std::optional<integrations::ml::MlBackendClient> ml_client;
  std::optional<integrations::ml::MlService> ml_service;
  std::optional<integrations::storages::StorageService> storage_service;

  // Built by Wire(), in dependency order; destroyed in reverse.
  bool wired = false;
  http::Router router;
  http::Metrics metrics;
  http::Hub hub;
  std::unique_ptr<accounts::TokenAuthenticator> authenticator;
  std::unique_ptr<accounts::AccountsContext> accounts_context;
  std::unique_ptr<jobs::JobQueue> job_queue;
  std::unique_ptr<HealthMonitor> health;
};

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

store::Database& App::database() { return *parts_->database; }
const core::SecretBox& App::secret_box() const { return *parts_->secret_box; }
const http::Router& App::router() const { return parts_->router; }
http::Hub& App::hub() { return parts_->hub; }

Result<std::unique_ptr<store::Database>> App::OpenDatabase(const Settings& settings) {
  store::DatabaseOptions options;
  options.pool_size = settings.db_pool_size;
  return store::Database::Open(settings.EffectiveDatabaseUrl(), options);
}

Result<std::unique_ptr<App>> App::Open(const Settings& settings) {
  TALLY_ASSIGN_OR_RETURN(database, OpenDatabase(settings));

  store::Migrator migrator(*database);
  TALLY_TRY(migrator.CheckNotNewer());
  if (settings.migrate) {
    TALLY_ASSIGN_OR_RETURN(applied, migrator.Up());
    if (applied > 0) TALLY_LOG_INFO("event=migrations_applied count={}", applied);
  } else {
    TALLY_ASSIGN_OR_RETURN(statuses, migrator.Status());
    for (const auto& status : statuses) {
      if (!status.applied_at) {
        return Error::Conflict(fmt::format(
            "Migration {} ({}) is pending and --no-migrate is set; run `tally migrate up` first", status.version,
            status.name));
      }
    }
  }

  // Only a SQLite deployment generates its own key: every process sharing
  // PostgreSQL must be given the same TALLY_SECRET_KEY.
  const std::filesystem::path key_dir =
      database->dialect() == store::Dialect::kSqlite ? std::filesystem::path(settings.data_dir) : std::filesystem::path();
  TALLY_ASSIGN_OR_RETURN(secret_box, core::LoadSecretBox(settings.secret_key, key_dir));
  if (!secret_box.has_key()) TALLY_LOG_WARN("event=secret_key_missing effect=\"storing credentials is rejected\"");

  auto parts = std::make_unique<Parts>();
  parts->settings = settings;
  parts->database = std::move(database);
  parts->secret_box = std::move(secret_box);
  TALLY_ASSIGN_OR_RETURN(outbound_client,
                         integrations::OutboundClient::FromSettings(settings.ssrf_protection, settings.ssrf_allowlist));
  parts->outbound_client.emplace(std::move(outbound_client));
  integrations::webhooks::DeliveryOptions delivery_options;
  delivery_options.timeout = std::chrono::milliseconds(settings.webhook_timeout_ms);
  parts->webhook_sender.emplace(*parts->database, *parts->secret_box, *parts->outbound_client, delivery_options);
  parts->ml_client.emplace(*parts->outbound_client, *parts->secret_box);
  parts->ml_service.emplace(*parts->database, *parts->ml_client);
  TALLY_ASSIGN_OR_RETURN(local_roots, integrations::storages::ParseLocalRoots(settings.local_files_root));
  parts->storage_service.emplace(*parts->database, *parts->secret_box, *parts->outbound_client,
                                 std::move(local_roots));
  return std::unique_ptr<App>(new App(std::move(parts)));
}

namespace {

// Removes request bodies that a process killed mid-request left in the
// spool directory. Only files a day old go: processes sharing the data
// directory may be reading newer ones.
void RemoveStaleSpoolFiles(const std::string& spool_dir) {
  if (spool_dir.empty()) return;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  std::error_code error;
  size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(spool_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("tally-body-") && !name.starts_with("import-body-")) continue;
    std::error_code entry_error;
    if (entry.last_write_time(entry_error) < cutoff && !entry_error &&
        std::filesystem::remove(entry.path(), entry_error)) {
      ++removed;
    }
  }
  if (removed > 0) TALLY_LOG_INFO("event=stale_spool_files_removed dir={} files={}", spool_dir, removed);
}

std::string DefaultWebDir() { return std::string(TALLY_SOURCE_DIR) + "/web"; }
std::string DemoDir() { return std::string(TALLY_SOURCE_DIR) + "/demo"; }

// Blocks SIGINT and SIGTERM until the returned waiter is called; returns the
// signal that arrived.
int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace

Result<void> App::Wire() {
  Parts& parts = *parts_;
  if (parts.wired) return Ok();
  const Settings& settings = parts.settings;
  store::Database& db = *parts.database;

  TALLY_ASSIGN_OR_RETURN(jwt_key, accounts::GetOrCreateServerSecret(db, "jwt_signing_key"));
  parts.authenticator = std::make_unique<accounts::TokenAuthenticator>(db, jwt_key);
  parts.accounts_context = std::make_unique<accounts::AccountsContext>(accounts::AccountsContext{
      .database = db, .authenticator = *parts.authenticator, .secure_cookies = settings.secure_cookies});
  parts.job_queue = std::make_unique<jobs::JobQueue>(db);
  parts.health = std::make_unique<HealthMonitor>(db);

  AddSystemRoutes(parts.router, *parts.health, parts.metrics, db);
  accounts::AddAccountRoutes(parts.router, *parts.accounts_context);
  jobs::AddJobRoutes(parts.router, *parts.job_queue);
  // Exports put local files into their archives under the checks of GET
  // /data/local-files, limited to the exported project's storages.
  labeling::AddLabelingRoutes(
      parts.router, db, settings.data_dir, &*parts.outbound_client,
      integrations::storages::ProjectLocalFileResolver(db, parts.storage_service->local_roots()),
      [&authenticator = *parts.authenticator] { authenticator.Forget(); });
  labeling::AddTemplateRoutes(parts.router, settings.templates_dir);
  tracing::AddTracingRoutes(parts.router, db, &parts.hub);
  prompts::AddPromptRoutes(parts.router, db, &parts.hub);
  integrations::AddWebhookRoutes(parts.router, {.database = db,
                                                .secret_box = *parts.secret_box,
                                                .client = *parts.outbound_client,
                                                .webhook_sender = *parts.webhook_sender,
                                                .ml_service = *parts.ml_service});
  integrations::AddMlBackendRoutes(parts.router, {.database = db,
                                                  .secret_box = *parts.secret_box,
                                                  .client = *parts.outbound_client,
                                                  .webhook_sender = *parts.webhook_sender,
                                                  .ml_service = *parts.ml_service});
  integrations::InstallMlHooks(*parts.ml_service);
  integrations::AddStorageRoutes(parts.router, {.database = db,
                                                .secret_box = *parts.secret_box,
                                                .client = *parts.outbound_client,
                                                .webhook_sender = *parts.webhook_sender,
                                                .ml_service = *parts.ml_service,
                                                .storage_service = &*parts.storage_service});
  integrations::InstallStorageHooks(*parts.storage_service);
  evals::AddDatasetRoutes(parts.router, db);
  evals::AddExperimentRoutes(parts.router, db);
  evals::AddLlmConnectionRoutes(parts.router, db, *parts.secret_box, *parts.outbound_client);
  evals::AddEvaluatorRoutes(parts.router, db);
  evals::AddEvaluatorDryRunRoute(parts.router, db, *parts.secret_box, *parts.outbound_client);
  evals::AddChatReplyRoute(parts.router, db, *parts.secret_box, *parts.outbound_client,
                           {.per_user = settings.chat_reply_limit_per_user,
                            .per_project = settings.chat_reply_limit_per_project});
  evals::AddMetricsRoutes(parts.router, db);
  evals::AddAgreementRoutes(parts.router, db);
  evals::AddDashboardRoutes(parts.router, db);
  evals::DashboardLive::Install(parts.hub, db);
  const std::string web_dir = settings.web_dir.empty() ? DefaultWebDir() : settings.web_dir;
  http::AddDocsRoutes(parts.router, web_dir + "/node_modules/swagger-ui-dist");
  http::AddWebSocketRoute(parts.router);
  http::AddWebUiRoutes(parts.router, web_dir + "/dist");
  parts.hub.AddTopicFamily("project:", accounts::ProjectTopicCheck(db));
  labeling::LabelingPresence::Install(parts.hub, db);
  parts.metrics.AddSource(jobs::JobMetricsSource(*parts.job_queue));

  parts.wired = true;
  return Ok();
}

int App::Serve() {
  const Settings& settings = parts_->settings;
  store::Database& db = *parts_->database;

  auto init = accounts::ApplyInitSettings(db, accounts::InitSettingsFromEnvironment());
  if (!init) {
    TALLY_LOG_ERROR("event=init_failed error=\"{}\" detail=\"{}\"", init.error().message, init.error().detail);
    return 1;
  }
  std::optional<DemoAccount> demo_account;
  if (settings.demo) {
    auto provisioned = ProvisionDemoAccount(db);
    if (!provisioned) {
      TALLY_LOG_ERROR("event=startup_failed step=demo error=\"{}\"", provisioned.error().message);
      return 1;
    }
    demo_account = std::move(*provisioned);
  }
  if (auto wired = Wire(); !wired) {
    TALLY_LOG_ERROR("event=startup_failed step=wire error=\"{}\" detail=\"{}\"", wired.error().message,
                    wired.error().detail);
    return 1;
  }
  jobs::JobQueue& job_queue = *parts_->job_queue;

  jobs::WorkerPoolOptions pool_options;
  pool_options.threads = std::max(1, settings.job_workers);
  jobs::WorkerPool workers(job_queue, pool_options);
  labeling::RegisterLabelingJobs(workers, db, settings.data_dir);
  integrations::webhooks::RegisterDeliveryJob(workers, *parts_->webhook_sender);
  integrations::ml::RegisterPredictJob(workers, *parts_->ml_service);
  integrations::ml::RegisterTrainJob(workers, *parts_->ml_service);
  integrations::storages::RegisterStorageJobs(workers, *parts_->storage_service);
  evals::RegisterEvaluatorJobs(workers, db, *parts_->secret_box, *parts_->outbound_client);
  // Evaluator rules are scanned where jobs run; a serve without workers
  // leaves both to `tally worker` processes.
  evals::EvaluatorScheduler evaluator_scheduler(db);
  if (settings.job_workers > 0) {
    workers.Start();
    evaluator_scheduler.Start();
  }

  // Each connection holds a descriptor: raise the soft limit to the hard one
  // and keep the connection cap below it, so accept() never starves.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  const int64_t descriptor_budget =
      getrlimit(RLIMIT_NOFILE, &files) == 0 ? static_cast<int64_t>(files.rlim_cur) - 256 : 1024;

  http::Dispatcher dispatcher(parts_->router, parts_->authenticator.get(), parts_->metrics);
  http::ServerOptions options;
  options.host = settings.host;
  options.port = static_cast<uint16_t>(settings.port);
  options.io_threads = settings.io_threads;
  options.worker_threads = settings.worker_threads;
  options.max_queued = settings.max_queued;
  options.drain_timeout = std::chrono::seconds(settings.drain_seconds);
  options.access_log = settings.access_log;
  // Large uploads are spooled beside the database, not in /tmp, which may be
  // a small tmpfs.
  options.spool_dir = (std::filesystem::path(settings.data_dir) / "tmp").string();
  std::error_code spool_error;
  std::filesystem::create_directories(options.spool_dir, spool_error);
  if (spool_error) options.spool_dir.clear();
  RemoveStaleSpoolFiles(options.spool_dir);
  options.max_connections = std::clamp<int64_t>(descriptor_budget, 64, 10000);
  // Processes sharing PostgreSQL pass live events to each other; declared
  // before the server so it outlives every request that publishes.
  std::unique_ptr<HubRelay> relay;
  if (db.dialect() == store::Dialect::kPostgres) {
    auto started = HubRelay::Start(parts_->hub, db, settings.database_url);
    if (!started) {
      TALLY_LOG_ERROR("event=startup_failed step=hub_relay error=\"{}\"", started.error().message);
      return 1;
    }
    relay = std::move(*started);
  }
  http::Server server(dispatcher, options, &parts_->hub);
  if (auto started = server.Start(); !started) {
    TALLY_LOG_ERROR("event=startup_failed step=listen error=\"{}\"", started.error().message);
    return 1;
  }
  // The line scripts and people look for to know the server is up.
  fmt::print("Tally is listening on http://{}:{}\n", settings.host, server.port());
  std::unique_ptr<DemoSeeder> demo_seeder;
  if (demo_account) {
    const std::string host = settings.host == "0.0.0.0" || settings.host == "::" ? "127.0.0.1" : settings.host;
    const std::string url = fmt::format("http://{}:{}", host, server.port());
    fmt::print("{}", DemoBanner(*demo_account, url));
    auto seeder = DemoSeeder::Start(*demo_account, url, DemoDir());
    if (seeder) {
      demo_seeder = std::move(*seeder);
      fmt::print("  The demo projects fill in the background.\n\n");
    } else {
      // The account exists now, so a later start will not try again.
      TALLY_LOG_WARN("event=demo_seed_skipped reason=\"{}\"", seeder.error().message);
      fmt::print("  The demo projects could not be filled: {}\n  Delete the data directory and start again once "
                 "that is fixed.\n\n",
                 seeder.error().message);
    }
  } else if (settings.demo) {
    fmt::print("Demo: this database already has users, so no demo account was created; sign in with yours.\n");
  }
  std::fflush(stdout);

  server.Run();
  evaluator_scheduler.Stop();
  if (settings.job_workers > 0) workers.Stop(std::chrono::seconds(settings.drain_seconds));
  return 0;
}

int App::RunWorkers() {
  const Settings& settings = parts_->settings;
  if (settings.job_workers < 1) {
    TALLY_LOG_ERROR("event=startup_failed reason=\"tally worker needs --job-workers of at least 1\"");
    return 2;
  }
  BlockTerminationSignals();
  jobs::JobQueue job_queue(*parts_->database);
  jobs::WorkerPoolOptions pool_options;
  pool_options.threads = settings.job_workers;
  jobs::WorkerPool workers(job_queue, pool_options);
  labeling::RegisterLabelingJobs(workers, *parts_->database, settings.data_dir);
  integrations::webhooks::RegisterDeliveryJob(workers, *parts_->webhook_sender);
  integrations::ml::RegisterPredictJob(workers, *parts_->ml_service);
  integrations::ml::RegisterTrainJob(workers, *parts_->ml_service);
  integrations::storages::RegisterStorageJobs(workers, *parts_->storage_service);
  evals::RegisterEvaluatorJobs(workers, *parts_->database, *parts_->secret_box, *parts_->outbound_client);
  evals::EvaluatorScheduler evaluator_scheduler(*parts_->database);
  workers.Start();
  evaluator_scheduler.Start();
  TALLY_LOG_INFO("event=worker_started threads={}", settings.job_workers);

  const int signal_number = WaitForTerminationSignal();
  TALLY_LOG_INFO("event=signal_received signal={}", signal_number);
  evaluator_scheduler.Stop();
  const bool clean = workers.Stop(std::chrono::seconds(30));
  TALLY_LOG_INFO("event=worker_stopped clean={}", clean);
  return 0;
}

}  // namespace tally::app
