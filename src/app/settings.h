// Settings of `tally serve` and `tally worker`, from flags and TALLY_*
// environment variables (a flag wins over its variable), and the one-line
// summary printed at start with secrets redacted.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace tally::app {

// Handler threads by default: twice the cores, at least four. Handlers wait
// on the database part of the time, so a few more threads than cores keep
// the cores busy; many more measured slower on two cores (context switches).
int DefaultWorkerThreads();

struct Settings {
  // Storage
  std::string data_dir = "./data";    // --data-dir, TALLY_DATA_DIR
  std::string database_url;           // --database-url, TALLY_DATABASE_URL; default sqlite:///<data-dir>/tally.db
  int db_pool_size = 8;               // --db-pool-size, TALLY_DB_POOL_SIZE
  bool migrate = true;                // --no-migrate turns it off

  // HTTP
  std::string host = "127.0.0.1";     // --host, TALLY_HOST
  int port = 8080;                    // --port, TALLY_PORT
  int io_threads = 1;                 // --io-threads, TALLY_IO_THREADS
  int worker_threads = DefaultWorkerThreads();  // --worker-threads, TALLY_WORKER_THREADS
  int max_queued = 512;               // --max-queued, TALLY_MAX_QUEUED
  int drain_seconds = 10;             // --drain-timeout, TALLY_DRAIN_TIMEOUT
  bool access_log = true;             // --no-access-log
  bool secure_cookies = false;        // --secure-cookies, TALLY_SECURE_COOKIES
  std::string web_dir;                // --web-dir, TALLY_WEB_DIR; default: web/ beside the source tree
  bool demo = false;                  // --demo, TALLY_DEMO: on a database without users, create the demo
  std::string templates_dir;          // --templates-dir, TALLY_TEMPLATES_DIR: label config templates for the gallery

  // Jobs
  int job_workers = 2;                // --job-workers, TALLY_JOB_WORKERS (0: this process runs no jobs)

  // Credentials at rest
  // --secret-key, TALLY_SECRET_KEY: key material for sealing stored credentials
  // (webhook secrets, ML backend passwords, LLM API keys), at least 32
  // characters and the same in every process. Unset on SQLite: generated once
  // into <data-dir>/secret.key. Unset on PostgreSQL: storing credentials fails.
  std::string secret_key;

  // Outbound requests (webhooks, ML backends, LLM connections)
  std::string ssrf_protection = "default";  // --ssrf-protection, TALLY_SSRF_PROTECTION: default or strict
  std::string ssrf_allowlist;               // --ssrf-allowlist, TALLY_SSRF_ALLOWLIST: hosts and CIDRs, comma-separated
  int webhook_timeout_ms = 10000;           // --webhook-timeout-ms, TALLY_WEBHOOK_TIMEOUT_MS: one delivery attempt

  // Chat replies (POST /api/projects/{id}/chat-replies): requests per
  // minute, 0 for no limit.
  int chat_reply_limit_per_user = 30;      // --chat-reply-limit-per-user, TALLY_CHAT_REPLY_LIMIT_PER_USER
  int chat_reply_limit_per_project = 300;  // --chat-reply-limit-per-project, TALLY_CHAT_REPLY_LIMIT_PER_PROJECT

  // Local files storages
  // --local-files-root, TALLY_LOCAL_FILES_ROOT: ':'-separated absolute
  // directories that local files storages may read and write and
  // /data/local-files/ may serve. Empty (the default) disables both.
  std::string local_files_root;

  // Logging
  std::string log_level = "info";     // --log-level, TALLY_LOG_LEVEL
  std::string log_format = "text";    // --log-format, TALLY_LOG_FORMAT

  // The database URL after defaults are applied.
  std::string EffectiveDatabaseUrl() const;
};

// Adds the storage and logging options (every subcommand that opens the database).
void AddStorageOptions(CLI::App& command, Settings& settings);
// Adds the HTTP and job options of `serve`.
void AddServeOptions(CLI::App& command, Settings& settings);
// Adds the job options of `worker`.
void AddWorkerOptions(CLI::App& command, Settings& settings);

// "database=sqlite:///data/tally.db host=127.0.0.1 port=8080 …" with any
// password in the database URL replaced by *** and the secret key shown only
// as set or unset.
std::string DescribeSettings(const Settings& settings);

}  // namespace tally::app
