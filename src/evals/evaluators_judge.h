// The LLM-as-a-judge exchange, as pure functions: fill a rule's prompt
// template, build the chat completions request, and read the judge's
// {reasoning, score} reply.
//
// Templates use {{variable}} placeholders (spaces inside the braces are
// allowed). A variable's value is a string as is, anything else as compact
// JSON; a value the trace lacks renders as an empty string.
//
// The request is OpenAI's POST {baseUrl}/chat/completions body with a system
// message that requests one JSON object {"reasoning": string, "score": ...}
// and the rendered prompt as the user message, at temperature 0.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace tally::evals {

// Data types of the score a rule writes, as the scores API spells them.
inline constexpr const char* kNumeric = "NUMERIC";
inline constexpr const char* kBoolean = "BOOLEAN";
inline constexpr const char* kCategorical = "CATEGORICAL";

struct ScoreDefinition {
  std::string data_type = kNumeric;
  std::vector<std::string> categories;  // CATEGORICAL only
};

struct JudgeVerdict {
  std::optional<double> value;             // NUMERIC and BOOLEAN (1/0)
  std::optional<std::string> string_value;  // CATEGORICAL, and "True"/"False" for BOOLEAN
  std::string reasoning;
};

// Names of the {{variables}} in `prompt`, each once, in order of appearance.
std::vector<std::string> TemplateVariables(const std::string& prompt);

// Replaces each {{variable}} with its value; unknown variables become "".
std::string RenderTemplate(const std::string& prompt, const std::map<std::string, std::string>& values);

// Returns the text a template inserts for a JSON value.
std::string TemplateText(const boost::json::value& value);

// Selects part of `value` by a path such as "$.answer.items[0]"; nullptr when
// the path leads nowhere. kInvalidArgument for a path not starting with '$'.
[[nodiscard]] Result<boost::json::value> SelectJsonPath(const boost::json::value& value, const std::string& path);

// The chat completions request body for `model`.
boost::json::object BuildChatRequest(const std::string& model, const std::string& prompt,
                                     const ScoreDefinition& definition);

// Reads a chat completions response body. kInvalidArgument with a message
// naming what is wrong (not JSON, no choices, content not a JSON object, no
// reasoning, a score of the wrong type or outside the categories). Code
// fences around the JSON object are tolerated.
[[nodiscard]] Result<JudgeVerdict> ParseJudgeReply(const std::string& body, const ScoreDefinition& definition);

}  // namespace tally::evals
