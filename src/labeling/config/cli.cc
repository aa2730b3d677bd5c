#include "labeling/config/cli.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "labeling/config/json_form.h"
#include "labeling/config/validator.h"

namespace tally::labeling {
namespace {

struct FileText {
  bool ok = false;
  std::string text;
  std::string error;  // why it could not be read
};

FileText ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {false, {}, std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return {false, {}, "read failed"};
  return {true, text.str(), {}};
}

std::string Plural(size_t count, const char* word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

}  // namespace

int RunConfigValidate(const std::vector<std::string>& files, bool print_json, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "usage: tally config validate FILE... [--json]\n";
    return 2;
  }

  size_t errors = 0;
  size_t warnings = 0;
  for (const std::string& file : files) {
    const FileText read = ReadConfigFile(file);
    if (!read.ok) {
      err << file << ": error: cannot read the file: " << read.error << "\n";
      ++errors;
      continue;
    }

    const LabelConfig config = CheckLabelConfig(read.text);
    for (const Diagnostic& diagnostic : config.diagnostics) {
      err << file << (diagnostic.position.line > 0 ? ":" : ": ") << FormatDiagnostic(diagnostic) << "\n";
      ++(diagnostic.IsError() ? errors : warnings);
    }

    if (print_json) {
      boost::json::object model{{"file", file}};
      for (auto& entry : LabelConfigJson(config)) model[entry.key()] = std::move(entry.value());
      out << json::Serialize(model) << "\n";
    }
  }

  err << "checked " << Plural(files.size(), "file") << ": " << Plural(errors, "error") << ", "
      << Plural(warnings, "warning") << "\n";
  return errors == 0 ? 0 : 1;
}

}  // namespace tally::labeling
