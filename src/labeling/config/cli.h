// `tally config validate FILE… [--json]`: checks label config files from
// the command line, the way a compiler reports on source files.
//
// The command-line parsing lives in src/main.cc; this is the command's body
// as a plain function so tests can run it with string streams.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tally::labeling {

// Parses and validates each file and writes every finding to `err` as
//   FILE:LINE:COLUMN: error: MESSAGE (hint: HINT)
// (warnings are printed with "warning"; findings without a position drop
// LINE:COLUMN),
// then a summary line "checked N files: E errors, W warnings" to `err`.
// With `print_json`, also writes each file's model (json_form.h
// LabelConfigJson, with a leading "file" key) to `out`, one JSON object per
// line, so the output stays valid JSON Lines for any number of files.
// Returns 0 when no file has an error, 1 when any file has an error or
// cannot be read, 2 when `files` is empty (usage error).
int RunConfigValidate(const std::vector<std::string>& files, bool print_json, std::ostream& out, std::ostream& err);

}  // namespace tally::labeling
