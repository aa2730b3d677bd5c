// Runs the tally binary (TALLY_BINARY) as a command-line tool and captures
// what it prints, for tests of its subcommands.
#pragma once

#include <string>
#include <vector>

namespace tally::testing {

struct CommandResult {
  int exit_code = 0;
  std::string output;  // stdout
  std::string error;   // stderr
};

// Runs `tally ARGUMENTS…` to completion with `standard_input` on stdin.
CommandResult RunTally(const std::vector<std::string>& arguments, const std::string& standard_input = "");

}  // namespace tally::testing
