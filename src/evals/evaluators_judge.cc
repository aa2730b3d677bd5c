#include "evals/evaluators_judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/json.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

// Calls `on_placeholder(name, begin, end)` for each {{ name }} in `text`,
// where [begin, end) covers the braces.
template <class F>
void ForEachPlaceholder(const std::string& text, F&& on_placeholder) {
  size_t position = 0;
  while ((position = text.find("{{", position)) != std::string::npos) {
    const size_t close = text.find("}}", position + 2);
    if (close == std::string::npos) return;
    std::string name = text.substr(position + 2, close - position - 2);
    const size_t first = name.find_first_not_of(" \t");
    const size_t last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-' || c == '.';
    });
    if (valid) on_placeholder(name, position, close + 2);
    position = valid ? close + 2 : position + 2;
  }
}

std::string Instructions(const ScoreDefinition& definition) {
  std::string score;
  if (definition.data_type == kBoolean) {
    score = "true or false";
  } else if (definition.data_type == kCategorical) {
    score = "exactly one of these strings: ";
    for (size_t i = 0; i < definition.categories.size(); ++i) {
      score += (i ? ", " : "") + json::Serialize(bj::value(definition.categories[i]));
    }
  } else {
    score = "a number";
  }
  return "You are an evaluator. Answer with one JSON object and nothing else: "
         "{\"reasoning\": \"<why, in a few sentences>\", \"score\": <" +
         score + ">}.";
}

// The JSON object inside `content`, which some models wrap in ``` fences.
std::string_view StripFences(std::string_view content) {
  const size_t open = content.find('{');
  const size_t close = content.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return content;
  return content.substr(open, close - open + 1);
}

}  // namespace

std::vector<std::string> TemplateVariables(const std::string& prompt) {
  std::vector<std::string> names;
  ForEachPlaceholder(prompt, [&](const std::string& name, size_t, size_t) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  });
  return names;
}

std::string RenderTemplate(const std::string& prompt, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t copied = 0;
  ForEachPlaceholder(prompt, [&](const std::string& name, size_t begin, size_t end) {
    out.append(prompt, copied, begin - copied);
    auto it = values.find(name);
    if (it != values.end()) out += it->second;
    copied = end;
  });
  out.append(prompt, copied, std::string::npos);
  return out;
}

std::string TemplateText(const bj::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_null()) return "";
  return json::Serialize(value);
}

Result<bj::value> SelectJsonPath(const bj::value& value, const std::string& path) {
  if (!path.starts_with('$')) return Error::InvalidField("jsonPath", "Must start with '$', e.g. $.answer");
  const bj::value* current = &value;
  size_t i = 1;
  while (i < path.size() && current) {
    if (path[i] == '.') {
      const size_t end = path.find_first_of(".[", i + 1);
      const std::string key = path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      current = current->is_object() ? current->as_object().if_contains(key) : nullptr;
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      const size_t end = path.find(']', i);
      if (end == std::string::npos) return Error::InvalidField("jsonPath", "Unclosed '[' in path");
      const std::string index_text = path.substr(i + 1, end - i - 1);
      if (index_text.empty() || !std::all_of(index_text.begin(), index_text.end(), ::isdigit)) {
        return Error::InvalidField("jsonPath", "Array indexes must be non-negative integers, e.g. $.items[0]");
      }
      const size_t index = std::stoul(index_text);
      current = current->is_array() && index < current->as_array().size() ? &current->as_array()[index] : nullptr;
      i = end + 1;
    } else {
      return Error::InvalidField("jsonPath", fmt::format("Unexpected '{}' in path; use $.key or $[index]", path[i]));
    }
  }
  return current ? *current : bj::value(nullptr);
}

bj::object BuildChatRequest(const std::string& model, const std::string& prompt, const ScoreDefinition& definition) {
  return bj::object{{"model", model},
                    {"temperature", 0},
                    {"messages", bj::array{bj::object{{"role", "system"}, {"content", Instructions(definition)}},
                                           bj::object{{"role", "user"}, {"content", prompt}}}}};
}

Result<JudgeVerdict> ParseJudgeReply(const std::string& body, const ScoreDefinition& definition) {
  boost::system::error_code ec;
  bj::value response = bj::parse(body, ec);
  if (ec || !response.is_object()) return Error::Invalid("Judge response is not a JSON chat completion");
  const bj::value* choices = response.as_object().if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty() || !choices->as_array()[0].is_object()) {
    return Error::Invalid("Judge response has no choices");
  }
  const bj::value* message = choices->as_array()[0].as_object().if_contains("message");
  const bj::value* content = message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
  if (!content || !content->is_string()) return Error::Invalid("Judge response has no message content");

  bj::value verdict_json = bj::parse(StripFences(content->as_string()), ec);
  if (ec || !verdict_json.is_object()) {
    return Error::Invalid("Judge reply is not a JSON object {\"reasoning\", \"score\"}");
  }
  const bj::object& verdict_object = verdict_json.as_object();
  const bj::value* reasoning = verdict_object.if_contains("reasoning");
  if (!reasoning || !reasoning->is_string()) return Error::Invalid("Judge reply has no reasoning string");
  const bj::value* score = verdict_object.if_contains("score");
  if (!score) return Error::Invalid("Judge reply has no score");

  JudgeVerdict verdict{.reasoning = std::string(reasoning->as_string())};
  if (definition.data_type == kBoolean) {
    if (score->is_bool()) {
      verdict.value = score->as_bool() ? 1 : 0;
    } else if (score->is_number() && (score->to_number<double>() == 0 || score->to_number<double>() == 1)) {
      verdict.value = score->to_number<double>();
    } else {
      return Error::Invalid("Judge score is not a boolean");
    }
    verdict.string_value = *verdict.value == 1 ? "True" : "False";
  } else if (definition.data_type == kCategorical) {
    if (!score->is_string()) return Error::Invalid("Judge score is not a category string");
    const std::string category(score->as_string());
    if (std::find(definition.categories.begin(), definition.categories.end(), category) == definition.categories.end()) {
      return Error::Invalid(fmt::format("Judge score '{}' is not one of the rule's categories", category));
    }
    verdict.string_value = category;
  } else {
    if (!score->is_number()) return Error::Invalid("Judge score is not a number");
    verdict.value = score->to_number<double>();
  }
  return verdict;
}

}  // namespace tally::evals
