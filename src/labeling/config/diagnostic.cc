#include "labeling/config/diagnostic.h"

#include <algorithm>

namespace tally::labeling {

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& diagnostic) { return diagnostic.IsError(); });
}

std::string FormatDiagnostic(const Diagnostic& diagnostic) {
  std::string text;
  if (diagnostic.position.line > 0) {
    text += std::to_string(diagnostic.position.line) + ":" + std::to_string(diagnostic.position.column) + ": ";
  }
  text += SeverityName(diagnostic.severity);
  text += ": ";
  text += diagnostic.message;
  if (!diagnostic.hint.empty()) {
    text += " (hint: " + diagnostic.hint + ")";
  }
  return text;
}

Result<void> DiagnosticsToResult(const std::vector<Diagnostic>& diagnostics, std::string_view field) {
  Error error{Errc::kInvalidArgument, {}, {}, {}};
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!diagnostic.IsError()) continue;
    std::string text = FormatDiagnostic(diagnostic);
    if (error.message.empty()) error.message = diagnostic.message;
    error.fields.push_back({std::string(field), std::move(text)});
  }
  if (error.fields.empty()) return Ok();
  return error;
}

}  // namespace tally::labeling
