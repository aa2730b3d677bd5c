#include "support/tally_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

namespace tally::testing {

namespace {

std::string TempDirectory() {
  std::random_device random;
  auto dir = std::filesystem::temp_directory_path() / ("tally-api-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TallyProcess::TallyProcess(ServeOptions options) {
  const char* binary = std::getenv("TALLY_BINARY");
  if (!binary || !std::filesystem::exists(binary)) {
    failure_ = "TALLY_BINARY does not name the built tally binary";
    return;
  }
  owns_data_dir_ = options.data_dir.empty();
  data_dir_ = owns_data_dir_ ? TempDirectory() : options.data_dir;
  std::filesystem::create_directories(data_dir_);
  log_path_ = data_dir_ + "/tally-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device()()) + ".log";

  std::vector<std::string> arguments = {binary, "serve", "--data-dir", data_dir_ + "/data", "--worker-threads", "4",
                                        "--job-workers", "1"};
  if (std::find(options.arguments.begin(), options.arguments.end(), "--port") == options.arguments.end()) {
    arguments.insert(arguments.end(), {"--port", "0"});
  }
  if (!options.database_url.empty()) {
    arguments.push_back("--database-url");
    arguments.push_back(options.database_url);
  }
  for (const auto& argument : options.arguments) arguments.push_back(argument);

  pid_ = fork();
  if (pid_ == 0) {
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    for (const auto& [name, value] : options.environment) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }

  // The server prints "Tally is listening on http://127.0.0.1:PORT" once ready.
  const std::regex ready(R"(listening on http://127\.0\.0\.1:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const std::string log = Log();
    if (std::regex_search(log, match, ready)) {
      port_ = std::stoi(match[1]);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      failure_ = "tally serve exited during start:\n" + log;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  failure_ = "tally serve did not start within 30 s:\n" + Log();
}

int TallyProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void TallyProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

TallyProcess::~TallyProcess() {
  Stop();
  std::error_code ec;
  if (owns_data_dir_ && !data_dir_.empty()) std::filesystem::remove_all(data_dir_, ec);
}

CommandResult RunTally(const std::vector<std::string>& arguments, const std::string& standard_input) {
  CommandResult result;
  const char* binary = std::getenv("TALLY_BINARY");
  if (!binary) {
    result.exit_code = -1;
    result.error = "TALLY_BINARY is not set";
    return result;
  }
  const std::string dir = TempDirectory();
  const std::string in_path = dir + "/stdin", out_path = dir + "/stdout", err_path = dir + "/stderr";
  std::ofstream(in_path) << standard_input;

  const pid_t pid = fork();
  if (pid == 0) {
    const int in = ::open(in_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<std::string> owned = {binary};
    owned.insert(owned.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& argument : owned) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream input(path);
    std::stringstream contents;
    contents << input.rdbuf();
    return contents.str();
  };
  result.output = slurp(out_path);
  result.error = slurp(err_path);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

std::string TallyProcess::Log() const {
  std::ifstream input(log_path_);
  std::stringstream contents;
  contents << input.rdbuf();
  return contents.str();
}

}  // namespace tally::testing
