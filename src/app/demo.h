// The demo: `tally serve --demo` on a database without users creates a demo
// account. Once the server listens, it runs demo/seed.mjs, which fills three
// projects (photographs, review sentences, LLM traces) through Tally's public
// APIs, from real data that Debian and npm packages ship.
//
// The account's secrets are generated here, printed once to stdout and
// handed to the seeder in its environment; they never reach the log. A
// database that already has users is left alone: the demo ran before, or it
// is someone's real data.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/database.h"

namespace tally::app {

struct DemoAccount {
  std::string email;
  std::string password;
  std::string token;       // legacy API token: Authorization: Token <token>
  std::string public_key;  // key pair of the demo tracing project
  std::string secret_key;
};

// On a database without users, creates the demo organization, user, API
// token, tracing project and key pair in one step and returns the secrets.
// Returns nullopt when any user exists.
[[nodiscard]] Result<std::optional<DemoAccount>> ProvisionDemoAccount(store::Database& database);

// The sign-in banner for a new demo account, printed once to stdout.
std::string DemoBanner(const DemoAccount& account, std::string_view url);

// Runs `node <demo_dir>/seed.mjs` in the background against `url` with the
// account's credentials. The child's output goes to this process's stdout.
// Destroying the seeder stops a run that has not finished (SIGTERM) and
// waits for it.
class DemoSeeder {
 public:
  // Fails (kUnavailable) when node or demo_dir/seed.mjs is missing, naming
  // what to install.
  [[nodiscard]] static Result<std::unique_ptr<DemoSeeder>> Start(const DemoAccount& account, const std::string& url,
                                                                 const std::string& demo_dir);
  ~DemoSeeder();

  DemoSeeder(const DemoSeeder&) = delete;
  DemoSeeder& operator=(const DemoSeeder&) = delete;

 private:
  explicit DemoSeeder(pid_t pid);

  pid_t pid_;
  std::atomic<bool> finished_{false};
  std::thread waiter_;
};

}  // namespace tally::app
