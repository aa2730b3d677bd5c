// Diagnostic: one finding about a label config, with where it sits in the XML.
//
// The parser and the validator report what they find as a list of these
// instead of stopping at the first problem, so a user fixing a config sees
// every error at once. An error means Tally rejects the config; a warning
// means the config loads but something in it is probably not what the author
// meant (an unknown tag, a misspelt attribute, an option that never shows).
//
// Thread-safety: plain values; copy freely.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally::labeling {

// 1-based line and column of a tag or attribute in the config text. Columns
// count Unicode code points, not bytes. {0, 0} means "no position": the
// finding is about the config as a whole (for example, an empty document).
struct SourcePosition {
  int line = 0;
  int column = 0;

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

enum class Severity { kError, kWarning };

// "error" or "warning".
std::string_view SeverityName(Severity severity);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;       // stable kebab-case id, e.g. "duplicate-name"; tests and the UI key on it
  std::string message;    // one sentence naming the tag and value at fault
  std::string tag;        // tag name, e.g. "RectangleLabels"; empty for document-level findings
  std::string attribute;  // attribute at fault, e.g. "toName"; empty when the whole tag is at fault
  SourcePosition position;
  std::string hint;       // what to change; may be empty

  bool IsError() const { return severity == Severity::kError; }
};

// True when any diagnostic is an error.
bool HasErrors(const std::vector<Diagnostic>& diagnostics);

// Formats "LINE:COLUMN: error: MESSAGE (hint: HINT)" with the position left out
// when unknown. Callers prepend the file name where they have one.
std::string FormatDiagnostic(const Diagnostic& diagnostic);

// Builds the client-facing error for a config that failed validation: an
// invalid_argument Error whose message is the first error's text and whose
// fields carry every error under `field` (normally "label_config"), so
// Label Studio's envelope (validation_errors.label_config[0]) gets the first
// message. Returns Ok() when `diagnostics` holds no error.
[[nodiscard]] Result<void> DiagnosticsToResult(const std::vector<Diagnostic>& diagnostics,
                                               std::string_view field = "label_config");

}  // namespace tally::labeling
