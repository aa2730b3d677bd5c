// A peer service for tests (tests/peers/*.py): started with python3 on a
// free 127.0.0.1 port, killed when destroyed. The script must
// print "PORT <n>" as its first line once it listens.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace tally::testing {

class PeerProcess {
 public:
  // Starts tests/peers/<script> with `arguments`.
  explicit PeerProcess(const std::string& script, const std::vector<std::string>& arguments = {});
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // False when the peer failed to start; failure_reason() gives the reason.
  bool started() const { return port_ != 0; }
  const std::string& failure_reason() const { return failure_; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Stops the peer (SIGKILL), as a crashed service would disappear.
  void Stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string failure_;
};

// Absolute path of tests/peers.
std::string PeersDirectory();

}  // namespace tally::testing
