#include "support/peer_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace tally::testing {

std::string PeersDirectory() { return TALLY_PEERS_DIR; }

PeerProcess::PeerProcess(const std::string& script, const std::vector<std::string>& arguments) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    failure_ = "pipe() failed";
    return;
  }
  std::vector<std::string> command = {"python3", PeersDirectory() + "/" + script};
  command.insert(command.end(), arguments.begin(), arguments.end());

  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv;
    for (auto& part : command) argv.push_back(part.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);

  // Read the "PORT <n>" line, waiting at most 15 s.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd poll_fd{pipe_fds[0], POLLIN, 0};
    if (poll(&poll_fd, 1, 100) <= 0) continue;
    char buffer[256];
    const ssize_t count = read(pipe_fds[0], buffer, sizeof buffer);
    if (count <= 0) break;
    line.append(buffer, static_cast<size_t>(count));
  }
  close(pipe_fds[0]);
  if (line.rfind("PORT ", 0) == 0) {
    port_ = std::stoi(line.substr(5));
    return;
  }
  failure_ = "peer " + script + " did not print its port within 15 s (output: \"" + line + "\")";
  Stop();
}

void PeerProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

PeerProcess::~PeerProcess() { Stop(); }

}  // namespace tally::testing
