// The composition root: opens the database, prepares its schema, and wires
// every subsystem's routes and job handlers into one server. main.cc turns
// subcommands into calls on App; nothing else constructs subsystems.
#pragma once

#include <memory>

#include "app/settings.h"
#include "core/result.h"
#include "core/secret_box.h"
#include "http/hub.h"
#include "http/router.h"
#include "store/database.h"

namespace tally::app {

class App {
 public:
  ~App();

  // Opens the database named by the settings. Applies pending migrations when
  // settings.migrate, otherwise fails (kConflict) when any are pending; always
  // fails when the schema is newer than this binary.
  [[nodiscard]] static Result<std::unique_ptr<App>> Open(const Settings& settings);

  // Opens the database without touching its schema (for `tally migrate`).
  [[nodiscard]] static Result<std::unique_ptr<store::Database>> OpenDatabase(const Settings& settings);

  store::Database& database();
  // Seals and opens stored credentials; loaded by Open from the settings.
  const core::SecretBox& secret_box() const;

  // Builds every subsystem and registers its routes; Serve calls it, and
  // tests call it to inspect the full route table. Idempotent.
  [[nodiscard]] Result<void> Wire();
  const http::Router& router() const;
  // Live events: subsystems publish here, /api/ws subscribers receive.
  http::Hub& hub();

  // Serves HTTP and runs job workers until SIGTERM or SIGINT. Returns the
  // process exit code.
  int Serve();

  // Runs job workers only, until SIGTERM or SIGINT.
  int RunWorkers();

 private:
  struct Parts;
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace tally::app
