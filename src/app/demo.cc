#include "app/demo.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "accounts/bootstrap.h"
#include "core/crypto.h"
#include "core/log.h"

extern char** environ;

namespace tally::app {

namespace {

constexpr std::string_view kDemoEmail = "demo@tally.local";

// The first executable `node` on PATH.
std::optional<std::string> FindNode() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest = path;
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (dir.empty()) continue;
    const std::string candidate = dir + "/node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<DemoAccount>> ProvisionDemoAccount(store::Database& database) {
  TALLY_ASSIGN_OR_RETURN(users, database.Read([](store::Connection& c) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT COUNT(*) FROM users"));
    return row ? row->Int(0) : 0;
  }));
  if (users > 0) return std::optional<DemoAccount>{};

  DemoAccount account{.email = std::string(kDemoEmail),
                      .password = RandomHex(8),
                      .token = RandomHex(20),
                      .public_key = "pk-lf-" + NewUuidV4(),
                      .secret_key = "sk-lf-" + NewUuidV4()};
  accounts::InitSettings init{.user_email = account.email,
                              .user_password = account.password,
                              .user_token = account.token,
                              .project_name = "Demo: question answering traces",
                              .project_public_key = account.public_key,
                              .project_secret_key = account.secret_key,
                              .organization_title = "Demo"};
  TALLY_TRY(accounts::ApplyInitSettings(database, init));
  TALLY_LOG_INFO("event=demo_account_created email={}", account.email);
  return std::optional<DemoAccount>(std::move(account));
}

std::string DemoBanner(const DemoAccount& account, std::string_view url) {
  return fmt::format(
      "\n"
      "  Tally demo is ready at {url}\n"
      "  Sign in:        {email} / {password}\n"
      "  API token:      {token}   (Authorization: Token ...)\n"
      "  Langfuse keys:  LANGFUSE_PUBLIC_KEY={pk} LANGFUSE_SECRET_KEY={sk} LANGFUSE_BASEURL={url}\n"
      "  These secrets are shown once; keep them.\n",
      fmt::arg("url", url), fmt::arg("email", account.email), fmt::arg("password", account.password),
      fmt::arg("token", account.token), fmt::arg("pk", account.public_key), fmt::arg("sk", account.secret_key));
}

Result<std::unique_ptr<DemoSeeder>> DemoSeeder::Start(const DemoAccount& account, const std::string& url,
                                                       const std::string& demo_dir) {
  const std::string script = demo_dir + "/seed.mjs";
  if (!std::filesystem::exists(script)) {
    return Error::Unavailable(fmt::format("The demo seeder {} is missing; run tally from its source tree.", script));
  }
  if (!std::filesystem::exists(demo_dir + "/node_modules")) {
    return Error::Unavailable(
        fmt::format("The demo's npm packages are not installed; run `npm ci` in {} (make run does).", demo_dir));
  }
  const std::optional<std::string> node = FindNode();
  if (!node) return Error::Unavailable("Node.js is not on PATH; install it to fill the demo projects.");

  // The child gets this process's environment plus the demo's credentials.
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) variables.emplace_back(*entry);
  variables.push_back("TALLY_URL=" + url);
  variables.push_back("TALLY_TOKEN=" + account.token);
  variables.push_back("LANGFUSE_PUBLIC_KEY=" + account.public_key);
  variables.push_back("LANGFUSE_SECRET_KEY=" + account.secret_key);
  std::vector<char*> envp;
  for (std::string& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);
  std::string program = *node;
  std::string script_arg = script;
  char* argv[] = {program.data(), script_arg.data(), nullptr};

  // serve blocks SIGINT and SIGTERM in its threads to wait for them; the
  // child must start with them unblocked and at their defaults.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), nullptr, &attributes, argv, envp.data());
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    return Error::Unavailable(fmt::format("Could not start the demo seeder: {}", std::strerror(spawned)));
  }
  TALLY_LOG_INFO("event=demo_seed_started pid={} script={}", pid, script);
  return std::unique_ptr<DemoSeeder>(new DemoSeeder(pid));
}

DemoSeeder::DemoSeeder(pid_t pid) : pid_(pid) {
  waiter_ = std::thread([this] {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    finished_ = true;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      TALLY_LOG_INFO("event=demo_seed_finished pid={}", pid_);
    } else {
      TALLY_LOG_WARN("event=demo_seed_failed pid={} exit_code={} note=\"see the demo: lines above\"", pid_,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
  });
}

DemoSeeder::~DemoSeeder() {
  if (!finished_) kill(pid_, SIGTERM);
  if (waiter_.joinable()) waiter_.join();
}

}  // namespace tally::app
