#include "app/settings.h"

#include <algorithm>
#include <filesystem>
#include <thread>
#include <fmt/format.h>

#include "core/log.h"

namespace tally::app {

int DefaultWorkerThreads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(4, 2 * cores);
}

std::string Settings::EffectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  return "sqlite://" + std::filesystem::absolute(std::filesystem::path(data_dir) / "tally.db").string();
}

void AddStorageOptions(CLI::App& command, Settings& settings) {
  command.add_option("--data-dir", settings.data_dir, "Directory for the SQLite database and media files")
      ->envname("TALLY_DATA_DIR")
      ->capture_default_str();
  command.add_option("--database-url", settings.database_url,
                     "Database to use: sqlite:///path/to/tally.db or postgresql://user:password@host:port/db "
                     "(default: sqlite under --data-dir)")
      ->envname("TALLY_DATABASE_URL");
  command.add_option("--db-pool-size", settings.db_pool_size,
                     "Database connections per process (SQLite readers, or PostgreSQL connections)")
      ->envname("TALLY_DB_POOL_SIZE")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  command.add_option("--secret-key", settings.secret_key,
                     "Key material (32+ characters) that encrypts stored credentials; prefer the environment "
                     "variable so the key stays out of the process list (default on SQLite: <data-dir>/secret.key)")
      ->envname("TALLY_SECRET_KEY");
  command.add_option("--ssrf-protection", settings.ssrf_protection,
                     "Outbound address guard: default rejects link-local and cloud metadata addresses, strict also "
                     "rejects loopback and private ranges")
      ->envname("TALLY_SSRF_PROTECTION")
      ->check(CLI::IsMember({"default", "strict"}))
      ->capture_default_str();
  command.add_option("--ssrf-allowlist", settings.ssrf_allowlist,
                     "Comma-separated host names and CIDRs that outbound requests may reach despite the guard "
                     "(cloud metadata addresses stay blocked)")
      ->envname("TALLY_SSRF_ALLOWLIST");
  command.add_option("--webhook-timeout-ms", settings.webhook_timeout_ms,
                     "Milliseconds one webhook delivery attempt may take, connection to last byte")
      ->envname("TALLY_WEBHOOK_TIMEOUT_MS")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  command.add_option("--local-files-root", settings.local_files_root,
                     "Colon-separated absolute directories that local files storages may use and /data/local-files/ "
                     "may serve; empty disables local files")
      ->envname("TALLY_LOCAL_FILES_ROOT");
  command.add_option("--log-level", settings.log_level, "Lowest level logged: debug, info, warn or error")
      ->envname("TALLY_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  command.add_option("--log-format", settings.log_format, "Log line format: text (key=value) or json")
      ->envname("TALLY_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void AddServeOptions(CLI::App& command, Settings& settings) {
  command.add_option("--host", settings.host, "IP address to listen on (0.0.0.0 for every interface)")
      ->envname("TALLY_HOST")
      ->capture_default_str();
  command.add_option("--port", settings.port, "TCP port to listen on (0 picks a free one)")
      ->envname("TALLY_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command.add_option("--io-threads", settings.io_threads, "Threads that read and write sockets")
      ->envname("TALLY_IO_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command.add_option("--worker-threads", settings.worker_threads,
                     "Threads that run request handlers which use the database")
      ->envname("TALLY_WORKER_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  command.add_option("--max-queued", settings.max_queued,
                     "Requests that may wait for a handler thread; more are answered 503 with Retry-After")
      ->envname("TALLY_MAX_QUEUED")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  command.add_option("--drain-timeout", settings.drain_seconds,
                     "Seconds to let requests in flight finish after SIGTERM or SIGINT")
      ->envname("TALLY_DRAIN_TIMEOUT")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  command.add_flag("!--no-access-log", settings.access_log, "Do not log one line per request");
  command.add_flag("--secure-cookies", settings.secure_cookies,
                   "Mark session cookies Secure (set when serving behind HTTPS)")
      ->envname("TALLY_SECURE_COOKIES");
  command.add_option("--web-dir", settings.web_dir,
                     "Directory of the web UI build and its npm packages (default: web/ of the source tree)")
      ->envname("TALLY_WEB_DIR");
  command.add_option("--templates-dir", settings.templates_dir,
                     "Folder of Label Studio label config templates (<group>__<name>.xml, optional INDEX.md) "
                     "that the create-project dialog offers; without it the dialog offers built-in starters")
      ->envname("TALLY_TEMPLATES_DIR");
  command.add_flag("--demo", settings.demo,
                   "On a database without users, create a demo account and fill three projects from real "
                   "data (needs Node.js and the npm packages of demo/)")
      ->envname("TALLY_DEMO");
  command.add_option("--chat-reply-limit-per-user", settings.chat_reply_limit_per_user,
                     "Chat reply requests (LLM calls) one user may make per minute; more get 429. 0: no limit")
      ->envname("TALLY_CHAT_REPLY_LIMIT_PER_USER")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  command.add_option("--chat-reply-limit-per-project", settings.chat_reply_limit_per_project,
                     "Chat reply requests (LLM calls) all users of one project may make per minute; more get 429. "
                     "0: no limit")
      ->envname("TALLY_CHAT_REPLY_LIMIT_PER_PROJECT")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  command.add_flag("!--no-migrate", settings.migrate,
                   "Do not apply pending migrations at start (refuse to start if any are pending)");
  AddWorkerOptions(command, settings);
}

void AddWorkerOptions(CLI::App& command, Settings& settings) {
  command.add_option("--job-workers", settings.job_workers,
                     "Threads that run background jobs (imports, exports, predictions); 0 runs none here")
      ->envname("TALLY_JOB_WORKERS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
}

std::string DescribeSettings(const Settings& settings) {
  return fmt::format(
      "database={} db_pool_size={} host={} port={} io_threads={} worker_threads={} max_queued={} job_workers={} "
      "migrate={} data_dir={} secret_key={} ssrf_protection={}",
      RedactUrl(settings.EffectiveDatabaseUrl()), settings.db_pool_size, settings.host, settings.port,
      settings.io_threads, settings.worker_threads, settings.max_queued, settings.job_workers, settings.migrate,
      settings.data_dir, settings.secret_key.empty() ? "unset" : "***",
      settings.ssrf_protection);
}

}  // namespace tally::app
