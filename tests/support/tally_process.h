// A real `tally serve` process for API tests: started on a free loopback port
// with its own data directory (or a given one, to restart on the same data,
// or a fresh PostgreSQL schema), stopped with SIGTERM when destroyed. The binary comes from TALLY_BINARY,
// which CTest sets to the freshly built build/tally.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/command.h"

namespace tally::testing {

struct ServeOptions {
  std::string database_url;                       // empty: SQLite in the data directory
  std::string data_dir;                           // empty: a temporary directory removed at the end
  std::map<std::string, std::string> environment; // extra variables, e.g. TALLY_INIT_*
  std::vector<std::string> arguments;             // extra flags for `tally serve`
};

class TallyProcess {
 public:
  explicit TallyProcess(ServeOptions options = {});
  ~TallyProcess();

  // False when the process failed to start; failure_reason() says why.
  bool started() const { return port_ != 0; }
  const std::string& failure_reason() const { return failure_; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }

  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();

  // Sends SIGKILL and waits, as a crash would end the process.
  void Kill();

  // Everything the process logged so far.
  std::string Log() const;

  // The folder that contains the server's log and, under data/, its --data-dir.
  const std::string& data_dir() const { return data_dir_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string data_dir_;
  bool owns_data_dir_ = false;
  std::string log_path_;
  std::string failure_;
};

}  // namespace tally::testing
