// tally: one binary for labeling data and observing LLM applications.
//
//   tally serve             HTTP API and job workers
//   tally worker            job workers only (for separate worker machines)
//   tally migrate …         apply, revert or list schema migrations
//   tally user …            create users and set passwords
//   tally token create      issue a user's API token
//   tally config validate   check label config files
//   tally export            write a project's export file without HTTP
//   tally import            import task files into a project without HTTP
#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <iostream>
#include <optional>

#include "accounts/bootstrap.h"
#include "app/app.h"
#include "app/settings.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "integrations/storages/local_store.h"
#include "labeling/export/cli.h"
#include "store/migrations.h"
#ifdef TALLY_HAS_LABEL_CONFIG
#include "labeling/config/cli.h"
#endif

namespace {

using tally::app::App;
using tally::app::Settings;

// Prints a failed Result for a person at a terminal: the message, and the
// internal detail too because the operator is the one reading it.
int Fail(const tally::Error& error) {
  std::cerr << "error: " << error.message;
  for (const auto& field : error.fields) std::cerr << "\n  " << field.field << ": " << field.message;
  if (!error.detail.empty()) std::cerr << "\n  (" << error.detail << ")";
  std::cerr << "\n";
  return 1;
}

// Reads a password from --password or, with --password-stdin, from the
// first line of standard input (keeps it out of shell history and ps).
std::optional<std::string> ReadPassword(const std::string& flag_value, bool from_stdin) {
  if (!from_stdin) return flag_value.empty() ? std::nullopt : std::optional<std::string>(flag_value);
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  tally::InitCrypto();
  // The database holds password hashes and the token signing key: files this
  // process creates are for its own user only.
  umask(0077);

  CLI::App cli{"Tally: data labeling (Label Studio-compatible) and LLM observability (Langfuse-compatible)"};
  cli.require_subcommand(1);
  // Subcommands inherit this: `tally migrate status --database-url …` hands the
  // option to `migrate`, which declares it.
  cli.fallthrough();
  Settings settings;

  // ---- serve --------------------------------------------------------------
  CLI::App* serve = cli.add_subcommand("serve", "Serve the HTTP API, web UI and background jobs");
  tally::app::AddStorageOptions(*serve, settings);
  tally::app::AddServeOptions(*serve, settings);

  // ---- worker -------------------------------------------------------------
  CLI::App* worker = cli.add_subcommand("worker", "Run background jobs only, sharing the database with servers");
  tally::app::AddStorageOptions(*worker, settings);
  tally::app::AddWorkerOptions(*worker, settings);

  // ---- migrate ------------------------------------------------------------
  CLI::App* migrate = cli.add_subcommand("migrate", "Apply, revert or list schema migrations");
  tally::app::AddStorageOptions(*migrate, settings);
  migrate->require_subcommand(1);
  std::optional<int> up_steps;
  int down_steps = 1;
  CLI::App* migrate_up = migrate->add_subcommand("up", "Apply pending migrations (all, or the next N)");
  migrate_up->add_option("steps", up_steps, "Number of migrations to apply (default: all pending)")
      ->check(CLI::PositiveNumber);
  CLI::App* migrate_down = migrate->add_subcommand("down", "Revert the latest N applied migrations");
  bool confirm_down = false;
  migrate_down->add_option("steps", down_steps, "Number of migrations to revert (at least 1)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  migrate_down->add_flag("--yes", confirm_down,
                         "Confirm: reverting drops the tables those migrations created, with their data");
  CLI::App* migrate_status = migrate->add_subcommand("status", "List migrations and whether each is applied");

  // ---- user ---------------------------------------------------------------
  CLI::App* user = cli.add_subcommand("user", "Create users and set their passwords");
  tally::app::AddStorageOptions(*user, settings);
  user->require_subcommand(1);
  std::string email, password, role_name;
  bool password_stdin = false;
  std::optional<int64_t> organization_id;
  CLI::App* user_create = user->add_subcommand("create", "Create a user who can log in with a password");
  user_create->add_option("--email", email, "Email address, the login name")->required();
  user_create->add_option("--password", password, "Password (at least 8 characters)");
  user_create->add_flag("--password-stdin", password_stdin, "Read the password from the first line of stdin");
  user_create->add_option("--role", role_name, "Role in the organization: owner, admin, manager, reviewer, annotator")
      ->check(CLI::IsMember({"owner", "admin", "manager", "reviewer", "annotator"}));
  user_create->add_option("--organization", organization_id,
                          "Organization id to join (default: the oldest; a new one when none exists)");
  CLI::App* user_password = user->add_subcommand("set-password", "Set a user's password and end their sessions");
  user_password->add_option("--email", email, "Email address of the user")->required();
  user_password->add_option("--password", password, "New password (at least 8 characters)");
  user_password->add_flag("--password-stdin", password_stdin, "Read the password from the first line of stdin");

  // ---- token --------------------------------------------------------------
  CLI::App* token = cli.add_subcommand("token", "Issue API tokens");
  tally::app::AddStorageOptions(*token, settings);
  token->require_subcommand(1);
  CLI::App* token_create = token->add_subcommand(
      "create", "Replace a user's API token (Authorization: Token <key>) and print the new one once");
  token_create->add_option("--email", email, "Email address of the user")->required();

  // ---- config -------------------------------------------------------------
  CLI::App* config = cli.add_subcommand("config", "Work with label configs");
  config->require_subcommand(1);
  std::vector<std::string> config_files;
  bool config_json = false;
  CLI::App* config_validate = config->add_subcommand(
      "validate", "Check label config XML files; prints file:line:column: level: message and exits 1 on any error");
  config_validate->add_option("files", config_files, "Label config XML files")->required()->check(CLI::ExistingFile);
  config_validate->add_flag("--json", config_json, "Print the parsed config model as JSON");

  // ---- export, import ------------------------------------------------------
  tally::labeling::exporting::ExportCommand export_command;
  CLI::App* export_cmd = cli.add_subcommand("export", "Write a project's export file (any export format) without HTTP");
  tally::app::AddStorageOptions(*export_cmd, settings);
  export_cmd->add_option("--project", export_command.project_id, "Project id")->required();
  export_cmd->add_option("--format", export_command.format,
                         "Export format: JSON, JSON_MIN, CSV, TSV, CONLL2003, COCO, VOC, BRUSH_TO_NUMPY, "
                         "BRUSH_TO_PNG, ASR_MANIFEST, YOLO, YOLO_OBB or a *_WITH_IMAGES variant")
      ->capture_default_str();
  export_cmd->add_option("--download-resources", export_command.download_resources,
                         "Put the project's uploaded images and audio into archive formats (true or false)")
      ->capture_default_str();
  export_cmd->add_option("--out", export_command.out, "File to write (multi-file formats write a zip archive)")
      ->required();
  export_cmd->add_flag("--all-tasks", export_command.all_tasks, "Also export tasks that have no annotation");
  int64_t import_project = 0;
  std::vector<std::string> import_files;
  CLI::App* import_cmd = cli.add_subcommand("import", "Import task files (JSON, CSV, TSV, TXT) into a project");
  tally::app::AddStorageOptions(*import_cmd, settings);
  import_cmd->add_option("--project", import_project, "Project id")->required();
  import_cmd->add_option("files", import_files, "Task files")->required()->check(CLI::ExistingFile);

  CLI11_PARSE(cli, argc, argv);

  if (config_validate->parsed()) {
#ifdef TALLY_HAS_LABEL_CONFIG
    return tally::labeling::RunConfigValidate(config_files, config_json, std::cout, std::cerr);
#else
    std::cerr << "error: this build has no label config engine\n";
    return 2;
#endif
  }

  tally::InitLogging(settings.log_level, settings.log_format == "json");

  if (serve->parsed() || worker->parsed()) {
    TALLY_LOG_INFO("event=starting command={} version={} {}", serve->parsed() ? "serve" : "worker", TALLY_VERSION,
                   tally::app::DescribeSettings(settings));
    auto app = App::Open(settings);
    if (!app) return Fail(app.error());
    return serve->parsed() ? (*app)->Serve() : (*app)->RunWorkers();
  }

  if (migrate->parsed()) {
    auto database = App::OpenDatabase(settings);
    if (!database) return Fail(database.error());
    tally::store::Migrator migrator(**database);
    if (migrate_up->parsed()) {
      auto applied = migrator.Up(up_steps);
      if (!applied) return Fail(applied.error());
      std::cout << "Applied " << *applied << " migration(s).\n";
      return 0;
    }
    if (migrate_down->parsed()) {
      if (!confirm_down) {
        std::cerr << "error: reverting migrations drops tables and their data; stop every tally process using this "
                     "database, back it up, and run again with --yes\n";
        return 2;
      }
      auto reverted = migrator.Down(down_steps);
      if (!reverted) return Fail(reverted.error());
      std::cout << "Reverted " << *reverted << " migration(s).\n";
      return 0;
    }
    if (migrate_status->parsed()) {
      auto statuses = migrator.Status();
      if (!statuses) return Fail(statuses.error());
      for (const auto& status : *statuses) {
        std::cout << status.version << "\t" << status.name << "\t"
                  << (status.applied_at ? "applied " + tally::FormatIsoMicros(*status.applied_at) : "pending") << "\n";
      }
      return 0;
    }
  }

  // The account commands need the current schema.
  auto app = App::Open(settings);
  if (!app) return Fail(app.error());
  tally::store::Database& db = (*app)->database();

  if (user_create->parsed() || user_password->parsed()) {
    auto secret = ReadPassword(password, password_stdin);
    if (!secret) {
      std::cerr << "error: give the password with --password or --password-stdin\n";
      return 2;
    }
    if (user_create->parsed()) {
      std::optional<tally::accounts::Role> role;
      if (!role_name.empty()) role = tally::accounts::ParseRole(role_name);
      auto created = tally::accounts::CreateUserWithPassword(db, email, *secret, role, organization_id);
      if (!created) return Fail(created.error());
      std::cout << "Created user " << created->id << " (" << created->email << ") in organization "
                << created->active_organization_id.value_or(0) << ".\n";
      return 0;
    }
    auto changed = tally::accounts::SetUserPassword(db, email, *secret);
    if (!changed) return Fail(changed.error());
    std::cout << "Password changed; the user's browser sessions were ended.\n";
    return 0;
  }

  if (export_cmd->parsed()) {
    export_command.data_dir = settings.data_dir;
    auto local_roots = tally::integrations::storages::ParseLocalRoots(settings.local_files_root);
    if (!local_roots) return Fail(local_roots.error());
    export_command.resolve_local_file =
        tally::integrations::storages::ProjectLocalFileResolver(db, std::move(*local_roots));
    return tally::labeling::exporting::RunExportCommand(db, export_command, stderr, std::cerr);
  }
  if (import_cmd->parsed()) {
    std::vector<std::filesystem::path> paths(import_files.begin(), import_files.end());
    return tally::labeling::exporting::RunImportCommand(db, settings.data_dir, import_project, paths, stderr,
                                                        std::cout, std::cerr);
  }

  if (token_create->parsed()) {
    auto issued = tally::accounts::CreateLegacyTokenFor(db, email);
    if (!issued) return Fail(issued.error());
    // The token on stdout alone, so scripts can capture it.
    std::cout << *issued << "\n";
    return 0;
  }
  return 0;
}
